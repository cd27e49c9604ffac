// The known-target expectation check: the file's grammar, and that equal outcomes pass while a new failure, an
// unexpected pass and an incomplete run do not. Also the IMS_SERIAL_WRITES turn-taking it relies on for Glance.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compare, parseExpectations } from '../scripts/check-expectations.js';
import { serialTurn } from '../harness/serial-turn.js';
import type { ConformanceReport } from '../reporter/report-types.js';

const report = (outcomes: Record<string, string>, extra: Partial<ConformanceReport> = {}): ConformanceReport =>
  ({
    verdict: 'NON-CONFORMANT',
    fatal: [],
    tests: [],
    requirements: Object.entries(outcomes).map(([id, outcome]) => ({ id, outcome, reason: `${id} reason` })),
    ...extra,
  }) as unknown as ConformanceReport; // only the fields compare() reads

test('expectation lines: id, fail|skip, evidence; comments and blank lines ignored', () => {
  const e = parseExpectations('# c\n\nDT-06 fail  two 204s\nDT-09 skip persona not configured\n');
  assert.deepEqual(e, [
    { id: 'DT-06', outcome: 'fail', evidence: 'two 204s' },
    { id: 'DT-09', outcome: 'skipped', evidence: 'persona not configured' },
  ]);
  assert.throws(() => parseExpectations('DT-99 fail x'), /not a requirement/);
  assert.throws(() => parseExpectations('DT-06 fail a\nDT-06 fail b'), /twice/);
  assert.throws(() => parseExpectations('DT-06 fail'), /expected/);
  assert.throws(() => parseExpectations('DT-06 error boom'), /expected/);
});

test('equal outcomes pass; a new failure, an unexpected pass and a skip instead of a failure do not', () => {
  const expected = parseExpectations('DT-06 fail x\nDT-09 skip y');
  assert.deepEqual(compare(report({ 'DT-01': 'pass', 'DT-06': 'fail', 'DT-09': 'skipped' }), expected).mismatches, []);
  assert.match(compare(report({ 'DT-01': 'fail', 'DT-06': 'fail', 'DT-09': 'skipped' }), expected).mismatches.join(), /DT-01 fail, expected pass/);
  assert.match(compare(report({ 'DT-01': 'pass', 'DT-06': 'pass', 'DT-09': 'skipped' }), expected).mismatches.join(), /DT-06 passed, expected fail: an unexpected pass/);
  assert.match(compare(report({ 'DT-01': 'pass', 'DT-06': 'skipped', 'DT-09': 'skipped' }), expected).mismatches.join(), /DT-06 skipped, expected fail/);
  assert.match(compare(report({ 'DT-01': 'pass', 'DT-06': 'fail' }), expected).mismatches.join(), /DT-09 is expected to skipped but the run did not report it/);
});

test('a run that did not complete is never judged by its failure list', () => {
  const expected = parseExpectations('DT-06 fail x');
  assert.match(compare(report({ 'DT-06': 'fail' }, { verdict: 'ERROR' }), expected).incomplete ?? '', /did not complete/);
  assert.match(compare(report({ 'DT-06': 'fail' }, { fatal: ['tags lost'] }), expected).incomplete ?? '', /tags lost/);
  const harnessError = { tests: [{ requirement: 'DT-01', title: 't', outcome: 'error', reason: 'HarnessError: boom' }] } as unknown as Partial<ConformanceReport>;
  assert.match(compare(report({ 'DT-06': 'fail' }, harnessError), expected).incomplete ?? '', /DT-01 t: HarnessError: boom/);
});

test('serial turns: one holder at a time, in arrival order', async () => {
  const events: string[] = [];
  const job = async (name: string, ms: number) => {
    const release = await serialTurn();
    events.push(`start ${name}`);
    await new Promise((r) => setTimeout(r, ms));
    events.push(`end ${name}`);
    release();
  };
  await Promise.all([job('a', 20), job('b', 1), job('c', 5)]);
  assert.deepEqual(events, ['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
});
