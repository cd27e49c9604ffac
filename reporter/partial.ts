// A requirement some of whose tests ran and passed while others were left out (a persona or image not configured,
// or the target gave no way to check them): a pass, shown as partial with what it did not exercise. Decided from the
// tests' typed skip kinds only; the reasons are the tests' own words, carried for the reader.
import type { RequirementRecord, TestRecord } from './outcomes.js';

export interface PartialCoverage {
  /** Tests of the requirement that ran their checks to the end. */
  exercised: number;
  /** Tests of the requirement that apply to the target (not-applicable ones left out). */
  of: number;
  /** The tests that did not run, each with its skip kind and reason. */
  notExercised: { test: string; title: string; kind: 'not-configured' | 'not-exercised'; reason: string }[];
}

/** The partial coverage of a passing requirement, or undefined when every applicable test ran. */
export function partialCoverage(applicable: readonly TestRecord[], ran: readonly TestRecord[]): PartialCoverage | undefined {
  const left = applicable.flatMap((t) => (t.skipKind === 'not-configured' || t.skipKind === 'not-exercised' ? [{ test: t.id, title: t.title, kind: t.skipKind, reason: (t.reason ?? '').split('\n')[0]! }] : []));
  if (!left.length || !ran.length) return undefined;
  return { exercised: ran.length, of: applicable.length, notExercised: left };
}

/** `1 of 2 cases; not exercised: <test> (<why>)`. */
export const describePartial = (p: PartialCoverage): string =>
  `${p.exercised} of ${p.of} cases; not exercised: ${p.notExercised.map((n) => `${n.title} (${n.reason})`).join('; ')}`;

/**
 * A pass with cases left out by configuration: for the verdict it is a requirement not exercised, exactly as when no
 * case ran (judged on what it exercised; INCOMPLETE under --strict). Cases the target gave no way to check leave a
 * pass a pass, as they always did.
 */
export const partlyLeftOut = (r: Pick<RequirementRecord, 'outcome' | 'partial'>): boolean =>
  r.outcome === 'pass' && !!r.partial?.notExercised.some((n) => n.kind === 'not-configured');
