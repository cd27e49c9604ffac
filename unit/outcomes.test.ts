import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decideByTests, exitCodeOf, leftOutByChoice, testOutcome, unexercisedRequired, verdictOf, type RequirementRecord, type TestRecord, type TestResultFacts } from '../reporter/outcomes.js';
import { decideRunScope } from '../reporter/run-scope/index.js';
import { ANNOTATION, encodeFinding, type SkipKind } from '../harness/outcome-protocol.js';
import { requirement } from '../harness/spec.js';
import type { Exchange } from '../harness/exchanges.js';

const facts = (status: TestResultFacts['status'], annotations: { type: string; description?: string }[] = [], errorCount = 0): TestResultFacts => ({
  status, annotations, errorCount, requirement: 'DT-01',
});
const t = (outcome: TestRecord['outcome'], skipKind?: SkipKind, extra: Partial<TestRecord> = {}): TestRecord => ({
  id: 'x', title: 't', file: 'f', requirement: 'DT-01', outcome, skipKind, reason: skipKind ? `${skipKind}: why` : undefined,
  durationMs: 1, retries: 0, observations: [], exchanges: [], breaks: outcome === 'fail' ? ['DT-01'] : undefined, ...extra,
});

test('a skip is never a pass: an unconfigured persona leaves the requirement skipped', () => {
  assert.equal(decideByTests('DT-01', [t('pass'), t('skipped', 'not-configured')]).outcome, 'skipped');
  assert.equal(decideByTests('DT-01', [t('skipped', 'not-exercised')]).outcome, 'skipped');
  assert.equal(decideByTests('DT-01', []).outcome, 'skipped');
});

test('precedence: fail over error over skipped over pass', () => {
  assert.equal(decideByTests('DT-01', [t('pass'), t('error'), t('fail')]).outcome, 'fail');
  assert.equal(decideByTests('DT-01', [t('pass'), t('error')]).outcome, 'error');
  assert.equal(decideByTests('DT-01', [t('pass'), t('skipped', 'not-exercised')]).outcome, 'pass');
  assert.equal(decideByTests('DT-01', [t('skipped', 'not-applicable')]).skipKind, 'not-applicable');
});

test('a finding fails the requirement it names, whichever test found it', () => {
  const finding = { requirement: 'DT-03', claim: 'still listed', evidence: ['DELETE /x -> 204'] };
  const dt04test = t('fail', undefined, { requirement: 'DT-04', findings: [finding], breaks: ['DT-03'] });
  assert.equal(decideByTests('DT-03', [dt04test]).outcome, 'fail');
  assert.deepEqual(decideByTests('DT-03', [dt04test]).evidence, ['DELETE /x -> 204']);
  assert.equal(decideByTests('DT-04', [dt04test]).outcome, 'pass', "the DT-04 test ran its own checks to the end: another requirement's finding does not fail DT-04");
});

test("wording cannot change a verdict: outcomes follow the annotations' types, not their text", () => {
  const reasons = ['persona not configured', 'not applicable to the openstack dialect', 'blocked: x', 'not exercised: y', 'HarnessError: z', ''];
  for (const reason of reasons) {
    for (const kind of ['not-applicable', 'not-configured', 'not-exercised', 'blocked'] as const) {
      const skipped = testOutcome(facts('skipped', [{ type: ANNOTATION.skipKind, description: kind }, { type: 'skip', description: reason }]));
      assert.deepEqual(skipped, { outcome: 'skipped', skipKind: kind }, `${kind} with reason ${JSON.stringify(reason)}`);
    }
    assert.equal(testOutcome(facts('skipped', [{ type: 'skip', description: reason }])).outcome, 'error', 'an untyped skip is an error of the suite, whatever it says');
    assert.equal(testOutcome(facts('failed', [{ type: ANNOTATION.harnessError, description: reason }], 1)).outcome, 'error');
    assert.deepEqual(testOutcome(facts('failed', [], 1)).breaks, ['DT-01'], `a plain failure, message ${JSON.stringify(reason)}`);
  }
  const finding = { type: ANNOTATION.finding, description: encodeFinding({ requirement: 'DT-04', claim: 'HarnessError', evidence: [] }) };
  assert.deepEqual(testOutcome(facts('failed', [finding], 1)).breaks, ['DT-04']);
  assert.deepEqual(testOutcome(facts('failed', [finding], 2)).breaks, ['DT-04', 'DT-01'], 'one error beyond the findings is a failure of its own requirement');
  assert.equal(testOutcome(facts('failed', [finding, { type: ANNOTATION.harnessError, description: 'x' }], 2)).outcome, 'fail', 'a finding is evidence even when the test then hit a harness error');
});

const ex = (status: number, contract?: Exchange['contract']): Exchange => ({
  seq: 1, operationId: 'deleteImageTag', role: 'under-test', persona: 'owner', transport: 'api', method: 'DELETE', url: 'u',
  requestHeaders: {}, status, attempt: 1, startedAt: 0, durationMs: 1, contract,
});

test('DT-11 fails on an undocumented status or an error body off the schema; DT-14 on any 5xx; DT-17 on a lost write', () => {
  const run = (id: string, exchanges: Exchange[], writeProbes: Parameters<typeof decideRunScope>[1]['writeProbes'] = []) => decideRunScope(requirement(id), { exchanges, writeProbes }).outcome;
  assert.equal(run('DT-11', [ex(204, { documentedStatus: true })]), 'pass');
  assert.equal(run('DT-11', [ex(200, { documentedStatus: false })]), 'fail');
  assert.equal(run('DT-11', [ex(404, { documentedStatus: true, errorBody: { valid: false, errors: ['not JSON'] } })]), 'fail');
  assert.equal(run('DT-11', []), 'skipped');
  assert.equal(run('DT-14', [ex(204), ex(404)]), 'pass');
  assert.equal(run('DT-14', [ex(503)]), 'fail');
  const probe = { image: 'i', rounds: 3, lost: [], evidence: [], left: [] };
  assert.equal(run('DT-17', [], [probe]), 'pass');
  assert.equal(run('DT-17', [], [{ ...probe, lost: ['an add answered 204 but the tag is not listed'] }]), 'fail');
  assert.equal(run('DT-17', [], []), 'skipped');
  const serial = decideRunScope(requirement('DT-17'), { exchanges: [], writeProbes: [{ ...probe, rounds: 0, skip: 'serial-writes-requested', skipped: 'any words' }] });
  assert.deepEqual([serial.outcome, serial.skipKind], ['skipped', 'not-exercised'], 'IMS_SERIAL_WRITES=1: the probe sent nothing, DT-17 is not exercised');
  assert.match(serial.reason ?? '', /serial writes requested/);
  assert.equal(decideRunScope(requirement('DT-01'), { exchanges: [], writeProbes: [] }).outcome, 'error', 'no rule: an error, never a pass');
});

const r = (tier: 'required' | 'advisory', outcome: RequirementRecord['outcome'], skipKind?: SkipKind): RequirementRecord => ({
  id: 'DT-00', tier, level: tier === 'required' ? 'MUST' : 'SHOULD', title: '', clause: '', outcome, skipKind, tests: [], evidence: [],
});

test('verdicts and exit codes', () => {
  assert.equal(verdictOf([r('required', 'pass'), r('advisory', 'fail')], []), 'CONFORMANT');
  assert.equal(verdictOf([r('required', 'fail')], []), 'NON-CONFORMANT');
  assert.equal(verdictOf([r('required', 'skipped', 'not-configured')], []), 'INCOMPLETE');
  assert.equal(verdictOf([r('required', 'skipped', 'not-applicable')], []), 'CONFORMANT');
  assert.equal(verdictOf([r('required', 'error')], []), 'ERROR');
  assert.equal(verdictOf([r('required', 'pass')], ['pre-existing tags lost']), 'ERROR');
  assert.deepEqual(['CONFORMANT', 'NON-CONFORMANT', 'INCOMPLETE', 'ERROR'].map((v) => exitCodeOf(v as never)), [0, 1, 1, 2]);
  assert.deepEqual(['CONFORMANT', 'NON-CONFORMANT', 'INCOMPLETE', 'ERROR'].map((v) => exitCodeOf(v as never, 2)), [3, 3, 3, 2], 'tags left behind: 3 unless the run is an error');
});

test('a run judges what it exercised: left out by a filter or configuration is not INCOMPLETE unless strict', () => {
  const filtered = r('required', 'skipped', 'not-configured');
  const persona = r('required', 'skipped', 'not-configured');
  const image = r('required', 'skipped', 'not-configured');
  assert.equal(verdictOf([r('required', 'pass'), filtered, persona, image], []), 'CONFORMANT');
  assert.equal(verdictOf([r('required', 'pass'), filtered, persona, image], [], { strict: true }), 'INCOMPLETE');
  assert.deepEqual(unexercisedRequired([r('required', 'pass'), persona, r('advisory', 'skipped', 'not-configured')]), [persona]);
  // Tried and could not: always INCOMPLETE. Nothing required exercised at all: INCOMPLETE.
  assert.equal(verdictOf([r('required', 'pass'), r('required', 'skipped', 'blocked')], []), 'INCOMPLETE');
  assert.equal(verdictOf([r('required', 'pass'), r('required', 'skipped', 'not-exercised')], []), 'INCOMPLETE');
  // One blocked test outweighs any number left out by configuration.
  assert.equal(decideByTests('DT-01', [t('skipped', 'not-configured'), t('skipped', 'blocked')]).skipKind, 'blocked');
  assert.equal(verdictOf([filtered, persona], []), 'INCOMPLETE');
  assert.equal(leftOutByChoice(r('required', 'pass')), false);
});
