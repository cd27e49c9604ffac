// The independent pieces of work a test runs side by side (a case of its lanes, a sequence of the exploration):
// every exchange sent inside one is marked with its name, so the benchmark can tell the longest chain of requests
// one piece needs by itself from the chain the run happened to take.
import { AsyncLocalStorage } from 'node:async_hooks';

const current = new AsyncLocalStorage<string>();

/** Runs `body` as the unit `name`: the exchanges it sends (awaited or not) carry that name. */
export function inUnit<T>(name: string, body: () => Promise<T>): Promise<T> {
  return current.run(name, body);
}

/** The unit the caller runs in, if any. */
export function currentUnit(): string | undefined {
  return current.getStore();
}
