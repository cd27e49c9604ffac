// The outcome model: per test, then per requirement, then the run's verdict. Pure functions over plain data, so
// the reporter, the certify bundle verifier and the unit tests share one definition. Decisions come from types
// (Playwright's status and the annotations of harness/run/outcome-protocol.ts), never from the wording of a message.
import type { Requirement } from '../harness/spec.js';
import type { Exchange } from '../harness/http/exchanges.js';
import { ANNOTATION, decodeCases, decodeFinding, isSkipKind, type CaseCount, type Finding, type Retried503, type SkipKind } from '../harness/run/outcome-protocol.js';
import type { ForeignChange } from '../harness/books/judge.js';
import { EXIT } from './exit-codes.js';
import { describePartial, partialCoverage, partlyLeftOut, type PartialCoverage } from './partial.js';

export type { SkipKind } from '../harness/run/outcome-protocol.js';
export type TestOutcome = 'pass' | 'fail' | 'error' | 'skipped';
export type RequirementOutcome = TestOutcome;
export type Verdict = 'CONFORMANT' | 'NON-CONFORMANT' | 'INCOMPLETE' | 'ERROR';

export interface TestRecord {
  id: string;
  title: string;
  file: string;
  requirement: string;
  outcome: TestOutcome;
  skipKind?: SkipKind;
  reason?: string;
  durationMs: number;
  retries: number;
  observations: string[];
  /** Cases inside a passing or failing test that could not be checked on this target. */
  notExercised?: string[];
  /** Requirements this test found broken, each with its exchanges (ids) and their lines. */
  findings?: ShownFinding[];
  /** The requirements this test's failure counts against (its findings', or its own for a plain failed assertion). */
  breaks?: string[];
  /** Changes of tags the run did not create that this test saw (attributed to its requests, or someone else's). */
  foreign?: ForeignChange[];
  /** Requests under test answered 503 (changing nothing) and sent again. */
  retried503?: Retried503[];
  /** Cases not exercised because every try answered 503. */
  unavailable?: string[];
  /** How many cases the test planned and how many ran to their end (tests that run many cases say so). */
  cases?: CaseCount;
  /** The test ended early by an exception (a harness error, a timeout): what it did not reach was never checked. */
  cutShort?: true;
  exchanges: Exchange[];
  /** The exchanges its findings and failed assertions name, by id (none for a test that passed). */
  named?: Exchange[];
}

/** A finding as reported: the exchanges it names, by id, and each one's line (harness/http/exchanges.ts describeExchange). */
export type ShownFinding = Finding & { evidence: string[] };

export interface RequirementRecord {
  id: string;
  tier: Requirement['tier'];
  level: Requirement['level'];
  title: string;
  clause: string;
  outcome: RequirementOutcome;
  /** Why a skipped requirement was skipped; `not-applicable` ones do not keep a run from CONFORMANT. */
  skipKind?: SkipKind;
  reason?: string;
  /** A failed requirement's distinct claims, one per finding (the console shows a few, report.md all). */
  claims?: string[];
  /** A pass some of whose tests did not run (reporter/partial.ts). */
  partial?: PartialCoverage;
  tests: string[];
  evidence: string[];
  /** For a failed requirement decided over the whole run: curl lines repeating the requests its evidence names. */
  reproduce?: string[];
}

type Annotation = { type: string; description?: string };

/** What Playwright says of one test run, reduced to what the outcome depends on. */
export interface TestResultFacts {
  status: 'passed' | 'failed' | 'timedOut' | 'skipped' | 'interrupted';
  annotations: readonly Annotation[];
  /** How many errors the test recorded (each finding records one, as a soft assertion). */
  errorCount: number;
  requirement: string;
}

/** A test's outcome from its status and typed annotations. */
export function testOutcome(r: TestResultFacts): Pick<TestRecord, 'outcome' | 'skipKind' | 'breaks' | 'cases' | 'cutShort'> & { findings?: Finding[] } {
  const of = (type: string) => r.annotations.filter((a) => a.type === type);
  const findings = of(ANNOTATION.finding).map((a) => decodeFinding(a.description)).filter((f): f is Finding => !!f);
  const cases = decodeCases(of(ANNOTATION.cases).at(-1)?.description);
  const counted = cases ? { cases } : {};
  if (r.status === 'passed') return { outcome: 'pass', ...counted };
  if (r.status === 'skipped') {
    const kind = of(ANNOTATION.skipKind).at(-1)?.description;
    // A skip without a typed kind is the suite's own mistake: never let it pass for "not configured".
    return isSkipKind(kind) ? { outcome: 'skipped', skipKind: kind } : { outcome: 'error' };
  }
  if (r.status === 'interrupted') return { outcome: 'error', findings };
  // Errors beyond the findings are plain failed assertions (the test's own requirement) or harness errors. A timeout
  // is neither: the test did not reach its end, so what it did not reach is not exercised (never failed, never passed).
  const timedOut = r.status === 'timedOut';
  const plain = r.errorCount - (timedOut ? 1 : 0) > findings.length;
  if (timedOut && !plain && !findings.length) return { outcome: 'skipped', skipKind: 'not-exercised', ...counted, cutShort: true };
  const harness = of(ANNOTATION.harnessError).length > 0;
  const breaks = [...new Set([...findings.map((f) => f.requirement), ...(plain && !harness ? [r.requirement] : [])])];
  // An error beyond the findings with a harness error made, or a timeout: the test did not run to its end.
  const cutShort = r.status === 'timedOut' || (plain && harness) ? { cutShort: true as const } : {};
  if (!breaks.length) return { outcome: 'error', findings, ...counted, ...cutShort };
  return { outcome: 'fail', findings, breaks, ...counted, ...cutShort };
}

/** Cases of a test that never ran to their end: those its count says, or all of a test cut short that kept none. */
export function casesNotRun(t: Pick<TestRecord, 'cases' | 'cutShort'>): { notRun: number; planned: number } | undefined {
  if (t.cases && t.cases.ran < t.cases.planned) return { notRun: t.cases.planned - t.cases.ran, planned: t.cases.planned };
  // Cut short yet every planned case ran (the exception came after them): the cases say all were checked.
  if (t.cutShort && !t.cases) return { notRun: 1, planned: 1 };
  return undefined;
}

/**
 * A test-scope requirement decided by every test: fail (any test found it broken) > error (one of its tests could
 * not run) > skipped (configuration, blocked) > pass > not exercised. A pass beside tests that did not run is partial.
 */
export function decideByTests(id: string, all: readonly TestRecord[]): Pick<RequirementRecord, 'outcome' | 'skipKind' | 'reason' | 'claims' | 'evidence' | 'partial'> {
  const tests = all.filter((t) => t.requirement === id);
  const breaking = all.filter((t) => t.breaks?.includes(id));
  if (breaking.length) {
    const findings = breaking.flatMap((t) => (t.findings ?? []).filter((f) => f.requirement === id));
    const plain = breaking.filter((t) => t.requirement === id && !(t.findings ?? []).some((f) => f.requirement === id));
    const claims = [...new Set([...findings.map((f) => f.claim), ...plain.map((t) => t.reason ?? t.title)])];
    return { outcome: 'fail', reason: claims.join(' | '), claims, evidence: [...evidenceLines(breaking, id), ...plain.map((t) => t.title)] };
  }
  const errored = tests.filter((t) => t.outcome === 'error');
  if (errored.length) return { outcome: 'error', reason: errored.map((t) => t.reason ?? t.title).join(' | '), evidence: errored.map((t) => t.title) };
  if (!tests.length) return { outcome: 'skipped', skipKind: 'not-configured', reason: 'no test of this requirement ran (filtered out)', evidence: [] };
  const applicable = tests.filter((t) => t.skipKind !== 'not-applicable');
  if (!applicable.length) return { outcome: 'skipped', skipKind: 'not-applicable', reason: tests[0]!.reason, evidence: [] };
  const held = applicable.filter((t) => t.skipKind === 'not-configured' || t.skipKind === 'blocked');
  // A test that failed only for other requirements' findings ran its own checks to the end (findings are soft), unless
  // it was cut short or its cases say some never ran: then its requirement is not shown, at best not exercised.
  const ran = applicable.filter((t) => t.outcome === 'pass' || t.outcome === 'fail');
  // One blocked test (tried, could not judge) outweighs any number left out by configuration; tests left out by
  // configuration beside tests that ran make a partial pass (below), which the verdict counts as not exercised.
  const blocked = held.some((t) => t.skipKind === 'blocked');
  if (held.length && (blocked || !ran.length)) return { outcome: 'skipped', skipKind: blocked ? 'blocked' : 'not-configured', reason: [...new Set(held.map((t) => t.reason))].join(' | '), evidence: [] };
  const short = ran.flatMap((t) => {
    const n = casesNotRun(t);
    return n ? [`${t.title}: ${n.notRun} of ${n.planned} case(s) not exercised (${t.cutShort ? `the test ended early: ${(t.reason ?? t.outcome).split('\n')[0]}` : 'they never ran: see the test\'s not-exercised cases'})`] : [];
  });
  if (short.length) return { outcome: 'skipped', skipKind: 'not-exercised', reason: short.join(' | '), evidence: [] };
  const notExercised = applicable.filter((t) => t.skipKind === 'not-exercised');
  const cases = ran.reduce((n, t) => n + (t.notExercised?.length ?? 0), 0);
  const inside = cases ? `${cases} case(s) not exercised (the target refused their keys or did not list them as sent; see those tests)` : undefined;
  const partial = partialCoverage(applicable, ran);
  if (ran.length) return { outcome: 'pass', ...(partial ? { partial } : {}), reason: [partial && describePartial(partial), inside].filter(Boolean).join('; ') || undefined, evidence: [] };
  return { outcome: 'skipped', skipKind: 'not-exercised', reason: notExercised.map((t) => t.reason).join(' | '), evidence: [] };
}

/**
 * One line per exchange the findings of `id` name, each exchange once (by its id, not its text): four identical
 * deletes of one concurrent round are four lines.
 */
function evidenceLines(tests: readonly TestRecord[], id: string): string[] {
  const seen = new Set<string>();
  const lines: string[] = [];
  for (const t of tests) {
    for (const f of (t.findings ?? []).filter((x) => x.requirement === id)) {
      f.exchanges.forEach((exchange, i) => {
        const key = `${t.id}\u0000${exchange}`;
        if (seen.has(key)) return;
        seen.add(key);
        lines.push(f.evidence[i] ?? `exchange ${exchange}`);
      });
    }
  }
  return lines;
}

/** A requirement the run did not (wholly) exercise because of how it was started: filtered out, or not configured. */
export const leftOutByChoice = (r: RequirementRecord): boolean => (r.outcome === 'skipped' && r.skipKind === 'not-configured') || partlyLeftOut(r);

/** Required requirements the run did not exercise (neither decided nor inapplicable to the dialect), or not wholly. */
export const unexercisedRequired = (requirements: RequirementRecord[]): RequirementRecord[] =>
  requirements.filter((r) => r.tier === 'required' && ((r.outcome === 'skipped' && r.skipKind !== 'not-applicable') || partlyLeftOut(r)));

/**
 * `fatal`: the run itself is untrustworthy (preflight failed, other people's tags were lost).
 * A run judges what it exercised: required requirements left out by a filter or by an optional persona or image not
 * configured do not make it INCOMPLETE, unless `strict` (certify) or nothing required was exercised at all. One the
 * run tried and could not exercise (blocked, every case refused by the target) always does.
 */
export function verdictOf(requirements: RequirementRecord[], fatal: string[], opts: { strict?: boolean } = {}): Verdict {
  const required = requirements.filter((r) => r.tier === 'required');
  if (fatal.length) return 'ERROR';
  if (required.some((r) => r.outcome === 'fail')) return 'NON-CONFORMANT';
  if (required.some((r) => r.outcome === 'error')) return 'ERROR';
  const unexercised = unexercisedRequired(requirements);
  if (!unexercised.length) return 'CONFORMANT';
  if (opts.strict || !unexercised.every(leftOutByChoice) || !required.some((r) => r.outcome === 'pass')) return 'INCOMPLETE';
  return 'CONFORMANT';
}

/** Exit code 3: the run left tags of its own on the target (whatever the verdict, short of ERROR). */
export const EXIT_LEFT_TAGS = EXIT.leftTags;

/**
 * 0 conformant, 1 not shown conformant (a failure, or required requirements not exercised), 2 unusable, 3 the
 * target was not left as found (tags of this run remain: the sweep removes them). The table: reporter/exit-codes.ts.
 */
export function exitCodeOf(v: Verdict, leftTags = 0): number {
  if (v === 'ERROR') return EXIT.unusable;
  if (leftTags > 0) return EXIT.leftTags;
  return v === 'CONFORMANT' ? EXIT.conformant : EXIT.nonConformant;
}
