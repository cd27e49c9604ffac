/**
 * The harness or the target could not do what a test needs (a fixture step failed, the target is unusable).
 * Reported as `error`, never as a requirement failure: it says nothing about conformance. It is recorded where it
 * escapes a test, not where it is made: the test fixtures collect the HarnessErrors a test makes, and after the test
 * mark the test as a harness error only for those among its errors (fixtures/index.ts). One a caller catches (and,
 * say, turns into a finding or a skip) changes nothing.
 */
export class HarnessError extends Error {
  override name = 'HarnessError';

  constructor(message: string) {
    super(message);
    made?.push(this);
  }
}

let made: HarnessError[] | undefined;

/** Set by the test fixtures for the duration of one test (the list the test's HarnessErrors go to); cleared with undefined. */
export function collectHarnessErrors(into: HarnessError[] | undefined): void {
  made = into;
}

/** The HarnessErrors among a test's errors (by their message as thrown): those that escaped it. */
export function escapedHarnessErrors(made: readonly HarnessError[], errors: readonly { message?: string }[]): string[] {
  const escaped = made.filter((h) => errors.some((e) => e.message !== undefined && (e.message === h.message || e.message.includes(h.message))));
  return [...new Set(escaped.map((h) => h.message))];
}
