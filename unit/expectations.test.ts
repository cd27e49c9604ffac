// Baselines and the known-target expectation check (one format, one comparison): the file's grammar; in exact mode
// (Glance) equal outcomes pass while a new failure, an unexpected pass and an incomplete run do not; in gate mode
// (--baseline) equal or better passes, a requirement that now passes is named for removal, a regression fails.
// Also the IMS_SERIAL_WRITES turn-taking the Glance run relies on.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { baselineExitCode, compareToBaseline, parseBaseline, renderBaseline } from '../scripts/lib/baseline.js';
import { serialTurn } from '../harness/http/serial-turn.js';
import type { ConformanceReport } from '../reporter/report-types.js';

const report = (outcomes: Record<string, string>, extra: Partial<ConformanceReport> = {}): ConformanceReport =>
  ({
    verdict: 'NON-CONFORMANT',
    fatal: [],
    tests: [],
    suite: { name: 'ims-conformance', version: '0.0.0', commit: null },
    run: { id: 'r1', endedAt: '2026-01-01T00:00:00Z' },
    target: { endpoint: 'http://127.0.0.1:1' },
    requirements: Object.entries(outcomes).map(([id, outcome]) => ({ id, outcome, ...(outcome === 'skipped' ? { skipKind: 'not-configured' } : {}), reason: outcome === 'skipped' ? 'persona not configured: set X' : `${id} reason` })),
    ...extra,
  }) as unknown as ConformanceReport; // only the fields the comparison and the writer read

test('baseline lines: id, fail|skip, optional evidence; comments and blank lines ignored', () => {
  const e = parseBaseline('# c\n\nDT-06 fail  two 204s\nDT-09 skip persona not configured\nDT-11 fail\n');
  assert.deepEqual(e, [
    { id: 'DT-06', outcome: 'fail', evidence: 'two 204s' },
    { id: 'DT-09', outcome: 'skipped', evidence: 'persona not configured' },
    { id: 'DT-11', outcome: 'fail', evidence: '' },
  ]);
  assert.throws(() => parseBaseline('DT-99 fail x'), /not a requirement/);
  assert.throws(() => parseBaseline('DT-06 fail a\nDT-06 fail b'), /twice/);
  assert.throws(() => parseBaseline('DT-06 error boom'), /expected/);
});

test('exact mode: equal outcomes pass; a new failure, an unexpected pass and a skip instead of a failure do not', () => {
  const expected = parseBaseline('DT-06 fail x\nDT-09 skip y');
  const exact = (o: Record<string, string>) => compareToBaseline(report(o), expected, { exact: true }).regressions.join();
  assert.equal(exact({ 'DT-01': 'pass', 'DT-06': 'fail', 'DT-09': 'skipped' }), '');
  assert.match(exact({ 'DT-01': 'fail', 'DT-06': 'fail', 'DT-09': 'skipped' }), /DT-01 fail, expected pass \(a regression\)/);
  assert.match(exact({ 'DT-01': 'pass', 'DT-06': 'pass', 'DT-09': 'skipped' }), /DT-06 passed, expected fail: an unexpected pass; if it is real, remove DT-06 from the baseline/);
  assert.match(exact({ 'DT-01': 'pass', 'DT-06': 'skipped', 'DT-09': 'skipped' }), /DT-06 skipped, the baseline says fail/);
  assert.match(exact({ 'DT-01': 'pass', 'DT-06': 'fail' }), /DT-09 is listed as skipped but the run did not report it/);
});

test('gate mode: equal or better exits 0 and names what now passes; worse exits 1; left out by choice is not compared', () => {
  const baseline = parseBaseline('DT-06 fail x\nDT-08 fail y');
  const gate = (o: Record<string, string>, extra?: Partial<ConformanceReport>) => compareToBaseline(report(o, extra), baseline, { file: 'b.txt' });
  assert.equal(baselineExitCode(gate({ 'DT-01': 'pass', 'DT-06': 'fail', 'DT-08': 'fail' })), 0);
  const better = gate({ 'DT-01': 'pass', 'DT-06': 'pass', 'DT-08': 'fail' });
  assert.equal(baselineExitCode(better), 0);
  assert.deepEqual(better.improvements, ['DT-06 now passes (b.txt says fail): remove it from the baseline']);
  const worse = gate({ 'DT-01': 'fail', 'DT-06': 'fail', 'DT-08': 'fail' });
  assert.equal(baselineExitCode(worse), 1);
  assert.match(worse.regressions.join(), /DT-01 fail, expected pass \(a regression\)/);
  const unconfigured = gate({ 'DT-01': 'pass', 'DT-06': 'fail', 'DT-08': 'fail', 'DT-09': 'skipped' });
  assert.equal(baselineExitCode(unconfigured), 0);
  assert.match(unconfigured.notExercised.join(), /DT-09 not exercised this run/);
  assert.equal(baselineExitCode(gate({ 'DT-01': 'pass', 'DT-06': 'fail', 'DT-08': 'fail', 'DT-09': 'skipped' }, { strict: true })), 1, 'strict: a skip is a regression');
});

test('a run that did not complete is never judged by its baseline (exit 2)', () => {
  const expected = parseBaseline('DT-06 fail x');
  assert.match(compareToBaseline(report({ 'DT-06': 'fail' }, { verdict: 'ERROR' }), expected).incomplete ?? '', /did not complete/);
  assert.match(compareToBaseline(report({ 'DT-06': 'fail' }, { fatal: ['tags lost'] }), expected).incomplete ?? '', /tags lost/);
  const harnessError = { tests: [{ requirement: 'DT-01', title: 't', outcome: 'error', reason: 'HarnessError: boom' }] } as unknown as Partial<ConformanceReport>;
  const c = compareToBaseline(report({ 'DT-06': 'fail' }, harnessError), expected);
  assert.match(c.incomplete ?? '', /DT-01 t: HarnessError: boom/);
  assert.equal(baselineExitCode(c), 2);
});

test('a written baseline reads back as the run\'s outcomes', () => {
  const r = report({ 'DT-01': 'pass', 'DT-06': 'fail', 'DT-09': 'skipped' });
  const back = parseBaseline(renderBaseline(r));
  assert.deepEqual(back.map((e) => [e.id, e.outcome]), [['DT-06', 'fail'], ['DT-09', 'skipped']]);
  assert.equal(baselineExitCode(compareToBaseline(r, back, { exact: true })), 0);
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
