// The outcome model: per test, then per requirement, then the run's verdict. Pure functions over plain data,
// so the reporter, the certify bundle verifier and the unit tests share one definition.
import type { Requirement } from '../harness/spec.js';
import type { Exchange } from '../harness/exchanges.js';

export type SkipKind = 'not-applicable' | 'not-configured' | 'not-exercised' | 'blocked';
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
  /** Cases inside a passing or failing test that could not be checked on this target (annotation `not-exercised`). */
  notExercised?: string[];
  exchanges: Exchange[];
}

export interface RequirementRecord {
  id: string;
  tier: Requirement['tier'];
  level: Requirement['level'];
  title: string;
  clause: string;
  outcome: RequirementOutcome;
  reason?: string;
  tests: string[];
  evidence: string[];
}

export function skipKindOf(reason: string | undefined): SkipKind {
  const r = reason ?? '';
  if (r.startsWith('not applicable')) return 'not-applicable';
  if (r.startsWith('not exercised')) return 'not-exercised';
  if (r.startsWith('blocked')) return 'blocked';
  return 'not-configured';
}

const line = (e: Exchange) => `${e.method} ${e.url} [${e.persona}] -> ${e.status ?? e.error}`;

/** A requirement decided by its tests: fail > error > skipped (configuration, blocked) > pass > not exercised. */
export function decideByTests(tests: TestRecord[]): Pick<RequirementRecord, 'outcome' | 'reason' | 'evidence'> {
  const failed = tests.filter((t) => t.outcome === 'fail');
  if (failed.length) return { outcome: 'fail', reason: failed.map((t) => t.reason).join(' | '), evidence: failed.map((t) => t.title) };
  const errored = tests.filter((t) => t.outcome === 'error');
  if (errored.length) return { outcome: 'error', reason: errored.map((t) => t.reason).join(' | '), evidence: errored.map((t) => t.title) };
  const applicable = tests.filter((t) => t.skipKind !== 'not-applicable');
  if (!tests.length) return { outcome: 'skipped', reason: 'no test of this requirement ran (filtered out)', evidence: [] };
  if (!applicable.length) return { outcome: 'skipped', reason: tests[0]!.reason, evidence: [] };
  const held = applicable.filter((t) => t.skipKind === 'not-configured' || t.skipKind === 'blocked');
  if (held.length) return { outcome: 'skipped', reason: [...new Set(held.map((t) => t.reason))].join(' | '), evidence: [] };
  const passed = applicable.filter((t) => t.outcome === 'pass');
  const notExercised = applicable.filter((t) => t.skipKind === 'not-exercised');
  // A case is not exercised when the target refused its keys, or stored them under other names than sent.
  const cases = notExercised.length + passed.reduce((n, t) => n + (t.notExercised?.length ?? 0), 0);
  if (passed.length) return { outcome: 'pass', reason: cases ? `${cases} case(s) not exercised (the target refused their keys or did not list them as sent; see those tests)` : undefined, evidence: [] };
  return { outcome: 'skipped', reason: `not exercised: ${notExercised.map((t) => t.reason).join(' | ')}`, evidence: [] };
}

/** Run-scope requirements are decided over every exchange of the run. */
export function decideByExchanges(req: Requirement, exchanges: Exchange[]): Pick<RequirementRecord, 'outcome' | 'reason' | 'evidence'> {
  if (req.id === 'DT-11') {
    const checked = exchanges.filter((e) => e.contract);
    const bad = checked.filter((e) => !e.contract!.documentedStatus || (e.contract!.errorBody && !e.contract!.errorBody.valid));
    if (!checked.length) return { outcome: 'skipped', reason: 'no response of the operation under test was received', evidence: [] };
    if (!bad.length) return { outcome: 'pass', reason: `${checked.length} responses checked`, evidence: [] };
    const why = (e: Exchange) =>
      !e.contract!.documentedStatus ? `status ${e.status} is not documented for the operation` : `error body does not match the spec: ${e.contract!.errorBody!.errors.join('; ')}`;
    return { outcome: 'fail', reason: `${bad.length} of ${checked.length} responses break the contract`, evidence: bad.slice(0, 10).map((e) => `${line(e)}: ${why(e)}`) };
  }
  if (req.id === 'DT-14') {
    const bad = exchanges.filter((e) => e.status !== undefined && e.status >= 500);
    if (!bad.length) return { outcome: 'pass', reason: `${exchanges.length} responses, none 5xx`, evidence: [] };
    return { outcome: 'fail', reason: `${bad.length} responses were 5xx`, evidence: bad.slice(0, 10).map(line) };
  }
  return { outcome: 'error', reason: `no run-scope rule is defined for ${req.id}`, evidence: [] };
}

/** A skipped requirement the run did not exercise because of how it was started: filtered out, or not configured. */
export function leftOutByChoice(r: RequirementRecord): boolean {
  if (r.outcome !== 'skipped' || !r.reason) return false;
  return r.reason.split(' | ').every((part) => /^(?:persona )?not configured\b|\(filtered out\)$/.test(part));
}

/** Required requirements the run did not exercise (neither decided nor inapplicable to the dialect). */
export const unexercisedRequired = (requirements: RequirementRecord[]): RequirementRecord[] =>
  requirements.filter((r) => r.tier === 'required' && r.outcome === 'skipped' && !r.reason?.startsWith('not applicable'));

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

/** 0 conformant, 1 not shown conformant (a failure, or required requirements not exercised), 2 unusable. */
export const exitCodeOf = (v: Verdict): number => (v === 'CONFORMANT' ? 0 : v === 'ERROR' ? 2 : 1);
