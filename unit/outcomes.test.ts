import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decideByTests, exitCodeOf, leftOutByChoice, testOutcome, unexercisedRequired, verdictOf, type RequirementRecord, type TestRecord, type TestResultFacts } from '../reporter/outcomes.js';
import { decideRunScope } from '../reporter/run-scope/index.js';
import { type Finding, ANNOTATION, encodeFinding, type SkipKind } from '../harness/run/outcome-protocol.js';
import { requirement } from '../harness/spec.js';
import type { Exchange } from '../harness/http/exchanges.js';

const facts = (status: TestResultFacts['status'], annotations: { type: string; description?: string }[] = [], errorCount = 0): TestResultFacts => ({
  status, annotations, errorCount, requirement: 'DT-01',
});
// A decided outcome's findings carry exchange ids only; as reported they also carry their lines (none needed here).
const t = (outcome: TestRecord['outcome'], skipKind?: SkipKind, extra: Partial<Omit<TestRecord, 'findings'>> & { findings?: Finding[] } = {}): TestRecord => ({
  id: 'x', title: 't', file: 'f', requirement: 'DT-01', outcome, skipKind, reason: skipKind ? `${skipKind}: why` : undefined,
  durationMs: 1, retries: 0, observations: [], exchanges: [], breaks: outcome === 'fail' ? ['DT-01'] : undefined, ...extra,
  findings: extra.findings?.map((f) => ({ evidence: [], ...f })),
});

test('a skip is never a pass: an unconfigured persona leaves the requirement skipped', () => {
  // Beside a test that ran it is a partial pass, which the verdict counts as not exercised (unit/partial.test.ts).
  assert.ok(leftOutByChoice({ ...r('required', 'pass'), ...decideByTests('DT-01', [t('pass'), t('skipped', 'not-configured')]) }));
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
  const finding = { requirement: 'DT-03', claim: 'still listed', exchanges: ['w0-1'], evidence: ['DELETE /x -> 204'] };
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
  const finding = { type: ANNOTATION.finding, description: encodeFinding({ requirement: 'DT-04', claim: 'HarnessError', exchanges: [] }) };
  assert.deepEqual(testOutcome(facts('failed', [finding], 1)).breaks, ['DT-04']);
  assert.deepEqual(testOutcome(facts('failed', [finding], 2)).breaks, ['DT-04', 'DT-01'], 'one error beyond the findings is a failure of its own requirement');
  assert.equal(testOutcome(facts('failed', [finding, { type: ANNOTATION.harnessError, description: 'x' }], 2)).outcome, 'fail', 'a finding is evidence even when the test then hit a harness error');
});

const ex = (status: number, contract?: Exchange['contract']): Exchange => ({
  id: 'w0-1', seq: 1, operationId: 'deleteImageTag', role: 'under-test', persona: 'owner', transport: 'api', method: 'DELETE', url: 'u',
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

test('rewording any message changes no reproduction and no verdict: evidence is linked by exchange id', async () => {
  const { testRecord } = await import('../reporter/test-record.js');
  const { reportedTest } = await import('../reporter/assemble.js');
  const { evidence, takeEvidence } = await import('../fixtures/outcomes.js');
  const exchange = (id: string, method: string, status: number): Exchange => ({
    id, seq: Number(id.split('-')[1]), operationId: 'deleteImageTag', role: method === 'DELETE' ? 'under-test' : 'fixture', persona: 'owner', transport: 'api',
    method, url: 'http://127.0.0.1:1/v2/p/images/i/tags/k', requestHeaders: {}, status, attempt: 1, startedAt: 0, durationMs: 1,
  });
  // Four identical concurrent deletes (DT-06), a listing, and a later delete the failure does not name.
  const deletes = ['w1-2', 'w1-3', 'w1-4', 'w1-5'].map((id) => exchange(id, 'DELETE', 204));
  const exchanges = [exchange('w1-1', 'POST', 201), ...deletes, exchange('w1-6', 'GET', 200), exchange('w1-7', 'DELETE', 404)];
  const run = (claim: string, assertion: string) => {
    takeEvidence([]);
    const message = evidence('DT-03', assertion, exchanges[5]!, exchanges[6]!);
    const annotations = [
      { type: ANNOTATION.requirement, description: 'DT-06' },
      { type: ANNOTATION.testId, description: 'id' },
      { type: ANNOTATION.finding, description: encodeFinding({ requirement: 'DT-06', claim, exchanges: deletes.map((e) => e.id) }) },
      // What the auto fixture records for the failed assertion that carried evidence()'s message.
      { type: ANNOTATION.evidence, description: JSON.stringify(takeEvidence([`Error: ${message}\n\nExpected: false`])) },
    ];
    const result = {
      status: 'failed', annotations, errors: [{ message: `Error: DT-06: ${claim}` }, { message: `Error: ${message}` }], duration: 1, retry: 0,
      attachments: [{ name: 'exchanges.json', contentType: 'application/json', body: Buffer.from(JSON.stringify(exchanges)) }],
    };
    const record = testRecord({ title: 't', annotations: [], location: { file: 'tests/x.spec.ts' } } as never, result as never);
    return { record, shown: reportedTest(record) };
  };
  const a = run('exactly one concurrent delete must answer 204', 'the list must no longer show "k"');
  const b = run('HarnessError: DT-01 evidence: DELETE whatever -> 500', 'évidence reworded entirely, 404 not 204');
  assert.equal(a.record.outcome, 'fail');
  assert.deepEqual(a.record.breaks, ['DT-06'], "a plain failed assertion counts against the test's own requirement, whatever its message says");
  for (const key of ['outcome', 'breaks'] as const) assert.deepEqual(b.record[key], a.record[key], key);
  assert.deepEqual(b.shown.reproduce, a.shown.reproduce);
  assert.deepEqual(b.shown.evidence, a.shown.evidence);
  assert.equal(a.shown.reproduce?.length, 5, 'the four identical deletes are four lines, and the named delete of w1-7 a fifth');
  assert.equal(a.shown.evidence.length, 6, 'every named exchange, the listing included, one line each');
  for (const id of ['DT-06', 'DT-03', 'DT-01']) {
    const [x, y] = [decideByTests(id, [a.record]), decideByTests(id, [b.record])];
    assert.equal(y.outcome, x.outcome, id);
    assert.deepEqual(y.evidence, x.evidence, id);
  }
  assert.deepEqual(decideByTests('DT-06', [a.record]).evidence.length, 4, 'four DT-06 deletes count as four');
});

test('a HarnessError is recorded where it escapes a test, not where it is made: a caught one changes nothing', async () => {
  const { HarnessError, collectHarnessErrors, escapedHarnessErrors } = await import('../harness/run/errors.js');
  const made: InstanceType<typeof HarnessError>[] = [];
  collectHarnessErrors(made);
  try {
    throw new HarnessError('listing the image\'s tags failed: GET u [owner] -> 500');
  } catch {
    /* the test caught it (say, to report a finding instead) */
  }
  const escaped = new HarnessError('the target refused to create the tag "k"');
  collectHarnessErrors(undefined);
  new HarnessError('made after the test: not collected');
  assert.equal(made.length, 2);
  assert.deepEqual(escapedHarnessErrors(made, []), [], 'a test without errors is no harness error, whatever it caught');
  assert.deepEqual(escapedHarnessErrors(made, [{ message: 'expect(received).toBe(expected)' }]), [], 'a plain failure stays a failure');
  assert.deepEqual(escapedHarnessErrors(made, [{ message: escaped.message }, { message: 'other' }]), [escaped.message]);
});

test('a cut-short test is never a pass: the cases it did not reach keep its requirement unshown', () => {
  const found = encodeFinding({ requirement: 'DT-07', claim: 'answered 500', exchanges: ['w1-1'] });
  const cases = (planned: number, ran: number) => ({ type: ANNOTATION.cases, description: JSON.stringify({ planned, ran }) });
  // Another requirement's finding, then a harness error thrown out of a cleanup: 10 of 66 cases ran.
  const decided = testOutcome({ ...facts('failed', [{ type: ANNOTATION.finding, description: found }, { type: ANNOTATION.harnessError, description: 'cleanup failed' }, cases(66, 10)], 2), requirement: 'DT-04' });
  assert.equal(decided.cutShort, true);
  assert.deepEqual(decided.cases, { planned: 66, ran: 10 });
  const dt04 = decideByTests('DT-04', [t(decided.outcome, undefined, { ...decided, requirement: 'DT-04', reason: 'HarnessError: cleanup failed' })]);
  assert.equal(dt04.outcome, 'skipped');
  assert.equal(dt04.skipKind, 'not-exercised', 'not exercised: a required requirement so decided makes the run INCOMPLETE');
  assert.match(dt04.reason ?? '', /56 of 66 case\(s\) not exercised \(the test ended early: HarnessError: cleanup failed\)/);
  assert.equal(decideByTests('DT-07', [t(decided.outcome, undefined, { ...decided, requirement: 'DT-04' })]).outcome, 'fail', 'the finding still fails its requirement');
  assert.equal(verdictOf([{ ...r('required', dt04.outcome, dt04.skipKind), id: 'DT-04' }], []), 'INCOMPLETE');
  // Cut short without a case count: the test is one case, not exercised.
  const single = testOutcome({ ...facts('timedOut', [{ type: ANNOTATION.finding, description: found }], 1), requirement: 'DT-04' });
  assert.match(decideByTests('DT-04', [t(single.outcome, undefined, { ...single, requirement: 'DT-04' })]).reason ?? '', /1 of 1 case\(s\) not exercised \(the test ended early/);
  // Run to its end, every case ran: another requirement's finding leaves DT-04 passed.
  const whole = testOutcome({ ...facts('failed', [{ type: ANNOTATION.finding, description: found }, cases(66, 66)], 1), requirement: 'DT-04' });
  assert.equal(whole.cutShort, undefined);
  assert.equal(decideByTests('DT-04', [t(whole.outcome, undefined, { ...whole, requirement: 'DT-04' })]).outcome, 'pass');
  // Run to its end, but its lanes stopped: the cases that never ran keep it from passing, even with status passed.
  const stopped = testOutcome({ ...facts('passed', [cases(66, 43)]), requirement: 'DT-04' });
  const dt04stopped = decideByTests('DT-04', [t(stopped.outcome, undefined, { ...stopped, requirement: 'DT-04' })]);
  assert.equal(dt04stopped.outcome, 'skipped');
  assert.match(dt04stopped.reason ?? '', /23 of 66 case\(s\) not exercised/);
  // The count is typed: a malformed annotation is no count at all.
  assert.equal(testOutcome(facts('passed', [{ type: ANNOTATION.cases, description: '66 of 66' }])).cases, undefined);
});
