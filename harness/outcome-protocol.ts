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
  /** The harness or the target could not do what the test needs: the test says nothing about conformance. */
  harnessError: 'harness-error',
  /** How many cases a test planned and how many ran to their end: JSON of CaseCount, kept current as cases end. */
  cases: 'cases',
} as const;

const SKIP_KINDS = ['not-applicable', 'not-configured', 'not-exercised', 'blocked'] as const;
export type SkipKind = (typeof SKIP_KINDS)[number];

export const isSkipKind = (s: string | undefined): s is SkipKind => (SKIP_KINDS as readonly string[]).includes(s ?? '');

export interface Finding {
  requirement: string;
  claim: string;
  /** One line per exchange that is its evidence (already redacted). */
  evidence: string[];
}

export function encodeFinding(f: Finding): string {
  return JSON.stringify(f);
}

/** A finding from an annotation's description; undefined when it is not one (a hand-edited report). */
export function decodeFinding(description: string | undefined): Finding | undefined {
  try {
    const f = JSON.parse(description ?? '') as Partial<Finding>;
    if (typeof f.requirement === 'string' && typeof f.claim === 'string' && Array.isArray(f.evidence)) return f as Finding;
  } catch {
    /* not a finding */
  }
  return undefined;
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
