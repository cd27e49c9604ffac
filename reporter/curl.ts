// Which requests a failure's reproduction repeats: the exchanges its findings and failed assertions name by id
// (harness/run/outcome-protocol.ts), never found again by their text. The lines come from the one builder, harness/http/curl.ts.
import type { Exchange } from '../harness/http/exchanges.js';
import { curlCommand } from '../harness/http/curl.js';
import { evidenceIds } from '../harness/run/outcome-protocol.js';

export { curlCommand, shellQuote } from '../harness/http/curl.js';

/** The exchanges a test's annotations name as evidence, in the order they were recorded. */
export function namedExchanges(exchanges: readonly Exchange[], annotations: readonly { type: string; description?: string }[]): Exchange[] {
  const ids = new Set(evidenceIds(annotations));
  return exchanges.filter((e) => ids.has(e.id));
}

/** The requests a failure turns on: those its annotations name, else the last request of the operation under test. */
export function decisiveExchanges(exchanges: readonly Exchange[], named: readonly Exchange[]): Exchange[] {
  if (named.length) return [...named];
  const last = exchanges.filter((e) => e.role === 'under-test').slice(-1);
  return last.length ? last : exchanges.slice(-1);
}

/**
 * At most `max` reproduction lines for a failed test: the requests its evidence names, without the listings that
 * only showed the difference (evidence, not a request to repeat); else the last request under test. One line per exchange:
 * four identical deletes are four lines.
 */
export function reproductionLines(exchanges: readonly Exchange[], named: readonly Exchange[], max = 5): string[] {
  const repeatable = named.filter((e) => e.method !== 'GET');
  return (repeatable.length ? repeatable : decisiveExchanges(exchanges, [])).slice(0, max).map(curlCommand);
}
