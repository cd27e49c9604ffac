// The outcome protocol between tests and the reporter: what a test records about itself is typed annotations,
// never wording. The reporter decides a test's outcome from these types and Playwright's status alone, so
// rewording a skip reason or an error message cannot change a verdict.

/** Annotation types the suite writes and the reporter reads. */
export const ANNOTATION = {
  requirement: 'requirement',
  testId: 'test-id',
  dialects: 'dialects',
  /** Why a test was skipped: one of SKIP_KINDS. A skip without one is reported as an error of the suite. */
  skipKind: 'skip-kind',
  /** Something worth knowing that is not a failure (a legitimate variation, a retried fixture step). */
  observation: 'observation',
  /** A case inside a test that could not be checked on this target. */
  notExercised: 'not-exercised',
  /** A requirement broken, with its evidence: JSON of Finding. */
  finding: 'finding',
  /** The exchanges a failed assertion names (fixtures/outcomes.ts evidence()): JSON of an array of exchange ids. */
  evidence: 'evidence',
  /** The harness or the target could not do what the test needs: the test says nothing about conformance. */
  harnessError: 'harness-error',
  /** A tag this run did not create changed: JSON of harness/books/judge.ts's ForeignChange (attributed or someone else's). */
  foreignChange: 'foreign-change',
  /** A request under test answered 503 and changed nothing, and was sent again: JSON of Unavailable503. */
  retried503: 'retried-503',
  /** A case whose every try answered 503: not exercised because the service was unavailable (description: the case). */
  unavailable: 'unavailable',
  /** How many cases a test planned and how many ran to their end: JSON of CaseCount, kept current as cases end. */
  cases: 'cases',
} as const;

/** One request under test that answered 503 (and changed nothing) before the answer that was judged. */
export interface Retried503 {
  /** The exchanges' ids, in order: the 503s, then the judged answer (if any). */
  ids: string[];
  /** Milliseconds spent waiting before the re-sends. */
  waitedMs: number;
}

const SKIP_KINDS = ['not-applicable', 'not-configured', 'not-exercised', 'blocked'] as const;
export type SkipKind = (typeof SKIP_KINDS)[number];

export const isSkipKind = (s: string | undefined): s is SkipKind => (SKIP_KINDS as readonly string[]).includes(s ?? '');

export interface Finding {
  requirement: string;
  /** For people only: rewording it changes no verdict and no reproduction. */
  claim: string;
  /** The ids of the exchanges that are its evidence (Exchange.id), in the order the test gave them. */
  exchanges: string[];
}

export function encodeFinding(f: Finding): string {
  return JSON.stringify(f);
}

/** A finding from an annotation's description; undefined when it is not one (a hand-edited report). */
export function decodeFinding(description: string | undefined): Finding | undefined {
  try {
    const f = JSON.parse(description ?? '') as Partial<Finding>;
    if (typeof f.requirement === 'string' && typeof f.claim === 'string' && Array.isArray(f.exchanges) && f.exchanges.every((id) => typeof id === 'string')) return f as Finding;
  } catch {
    /* not a finding */
  }
  return undefined;
}

/** The exchange ids an evidence annotation names; none when it is not one. */
export function decodeEvidence(description: string | undefined): string[] {
  try {
    const ids = JSON.parse(description ?? '') as unknown;
    return Array.isArray(ids) ? ids.filter((id): id is string => typeof id === 'string') : [];
  } catch {
    return [];
  }
}

/** Every exchange id a test's annotations name as evidence (its findings' and its failed assertions'), in order. */
export function evidenceIds(annotations: readonly { type: string; description?: string }[]): string[] {
  const ids = annotations.flatMap((a) =>
    a.type === ANNOTATION.finding ? (decodeFinding(a.description)?.exchanges ?? []) : a.type === ANNOTATION.evidence ? decodeEvidence(a.description) : [],
  );
  return [...new Set(ids)];
}

/**
 * A test's cases: `planned` when it started, `ran` as each one reached its end (judged, or found uncheckable on this
 * target). A test cut short, or whose lanes stopped, ran fewer than it planned: its requirement is not shown.
 */
export interface CaseCount {
  planned: number;
  ran: number;
}

export const encodeCases = (c: CaseCount): string => JSON.stringify(c);

export function decodeCases(description: string | undefined): CaseCount | undefined {
  try {
    const c = JSON.parse(description ?? '') as Partial<CaseCount>;
    if (Number.isInteger(c.planned) && Number.isInteger(c.ran) && c.planned! >= 0 && c.ran! >= 0) return { planned: c.planned!, ran: c.ran! };
  } catch {
    /* not a case count */
  }
  return undefined;
}
