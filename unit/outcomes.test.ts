import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decideByTests, decideByExchanges, verdictOf, exitCodeOf, skipKindOf, leftOutByChoice, unexercisedRequired, type TestRecord, type RequirementRecord } from '../reporter/outcomes.js';
import { requirement } from '../harness/spec.js';
import type { Exchange } from '../harness/exchanges.js';

const t = (outcome: TestRecord['outcome'], reason?: string): TestRecord => ({
  id: 'x', title: 't', file: 'f', requirement: 'DT-01', outcome, reason, skipKind: outcome === 'skipped' ? skipKindOf(reason) : undefined,
  durationMs: 1, retries: 0, observations: [], exchanges: [],
});

test('a skip is never a pass: an unconfigured persona leaves the requirement skipped', () => {
  assert.equal(decideByTests([t('pass'), t('skipped', 'persona not configured: set X')]).outcome, 'skipped');
  assert.equal(decideByTests([t('skipped', 'not exercised: refused')]).outcome, 'skipped');
  assert.equal(decideByTests([]).outcome, 'skipped');
});

test('precedence: fail over error over skipped over pass', () => {
  assert.equal(decideByTests([t('pass'), t('error', 'HarnessError'), t('fail', 'x')]).outcome, 'fail');
  assert.equal(decideByTests([t('pass'), t('error', 'HarnessError')]).outcome, 'error');
  assert.equal(decideByTests([t('pass'), t('skipped', 'not exercised: refused')]).outcome, 'pass');
  assert.equal(decideByTests([t('skipped', 'not applicable to the openstack dialect')]).reason, 'not applicable to the openstack dialect');
});

const ex = (status: number, contract?: Exchange['contract']): Exchange => ({
  seq: 1, operationId: 'deleteImageTag', role: 'under-test', persona: 'owner', transport: 'api', method: 'DELETE', url: 'u',
  requestHeaders: {}, status, attempt: 1, startedAt: 0, durationMs: 1, contract,
});

test('DT-11 fails on an undocumented status or an error body off the schema; DT-14 on any 5xx', () => {
  const dt11 = requirement('DT-11');
  assert.equal(decideByExchanges(dt11, [ex(204, { documentedStatus: true })]).outcome, 'pass');
  assert.equal(decideByExchanges(dt11, [ex(200, { documentedStatus: false })]).outcome, 'fail');
  assert.equal(decideByExchanges(dt11, [ex(404, { documentedStatus: true, errorBody: { valid: false, errors: ['not JSON'] } })]).outcome, 'fail');
  assert.equal(decideByExchanges(dt11, []).outcome, 'skipped');
  const dt14 = requirement('DT-14');
  assert.equal(decideByExchanges(dt14, [ex(204), ex(404)]).outcome, 'pass');
  assert.equal(decideByExchanges(dt14, [ex(503)]).outcome, 'fail');
});

const r = (tier: 'required' | 'advisory', outcome: RequirementRecord['outcome'], reason?: string): RequirementRecord => ({
  id: 'DT-00', tier, level: tier === 'required' ? 'MUST' : 'SHOULD', title: '', clause: '', outcome, reason, tests: [], evidence: [],
});

test('verdicts and exit codes', () => {
  assert.equal(verdictOf([r('required', 'pass'), r('advisory', 'fail')], []), 'CONFORMANT');
  assert.equal(verdictOf([r('required', 'fail')], []), 'NON-CONFORMANT');
  assert.equal(verdictOf([r('required', 'skipped', 'persona not configured')], []), 'INCOMPLETE');
  assert.equal(verdictOf([r('required', 'skipped', 'not applicable to the openstack dialect')], []), 'CONFORMANT');
  assert.equal(verdictOf([r('required', 'error')], []), 'ERROR');
  assert.equal(verdictOf([r('required', 'pass')], ['pre-existing tags lost']), 'ERROR');
  assert.deepEqual(['CONFORMANT', 'NON-CONFORMANT', 'INCOMPLETE', 'ERROR'].map((v) => exitCodeOf(v as never)), [0, 1, 1, 2]);
});

test('a run judges what it exercised: left out by a filter or configuration is not INCOMPLETE unless strict', () => {
  const filtered = r('required', 'skipped', 'no test of this requirement ran (filtered out)');
  const persona = r('required', 'skipped', 'persona not configured: set IMS_FORBIDDEN_AUTH_TOKEN');
  const image = r('required', 'skipped', 'not configured: set IMS_OTHER_IMAGE_ID | persona not configured: set X');
  assert.equal(verdictOf([r('required', 'pass'), filtered, persona, image], []), 'CONFORMANT');
  assert.equal(verdictOf([r('required', 'pass'), filtered, persona, image], [], { strict: true }), 'INCOMPLETE');
  assert.deepEqual(unexercisedRequired([r('required', 'pass'), persona, r('advisory', 'skipped', 'persona not configured')]), [persona]);
  // Tried and could not: always INCOMPLETE. Nothing required exercised at all: INCOMPLETE.
  assert.equal(verdictOf([r('required', 'pass'), r('required', 'skipped', 'blocked: the add failed')], []), 'INCOMPLETE');
  assert.equal(verdictOf([r('required', 'pass'), r('required', 'skipped', 'not exercised: refused | persona not configured')], []), 'INCOMPLETE');
  assert.equal(verdictOf([filtered, persona], []), 'INCOMPLETE');
  assert.equal(leftOutByChoice(r('required', 'pass')), false);
});
