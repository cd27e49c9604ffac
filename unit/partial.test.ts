// A requirement some of whose tests ran and passed while others were left out: decided from the typed skip kinds
// (reporter/partial.ts, reporter/outcomes.ts), shown as PASS (partial) with what it did not exercise in the console,
// report.md and report.json, and judged by the documented verdict rules (not exercised: INCOMPLETE only under
// --strict). The scenario is Glance with an owner and a forbidden persona but no outsider.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decideByTests, unexercisedRequired, verdictOf, type RequirementRecord, type TestRecord } from '../reporter/outcomes.js';
import { assembleReport, decideRequirements } from '../reporter/assemble.js';
import { consoleSummary } from '../reporter/console.js';
import { renderMarkdown } from '../reporter/markdown.js';
import { reportSchemaProblems } from '../reporter/report-schema.js';
import { compareToBaseline } from '../scripts/lib/baseline.js';
import { requirements } from '../harness/spec.js';
import type { SkipKind } from '../harness/run/outcome-protocol.js';
import type { RunRecord } from '../reporter/run-record.js';
import type { Exchange } from '../harness/http/exchanges.js';

const OUTSIDER = 'persona not configured: set the outsider persona (IMS_OUTSIDER_AUTH_TOKEN, ...) and IMS_OUTSIDER_IMAGE_ID';
const rec = (requirement: string, id: string, outcome: TestRecord['outcome'], skipKind?: SkipKind, reason?: string): TestRecord => ({
  id, title: `test ${id}`, file: 'tests/x.spec.ts', requirement, outcome, skipKind, reason,
  durationMs: 1, retries: 0, observations: [], exchanges: [], notExercised: [],
});
const forbidden = rec('DT-09', 'forbidden', 'pass');
const foreignPath = rec('DT-09', 'foreign-path', 'skipped', 'not-applicable', 'not applicable to the openstack dialect');
const crossTenant = { ...rec('DT-09', 'cross-tenant', 'skipped', 'not-configured', OUTSIDER), title: "the owner cannot delete a tag on another project's image" };

test('a pass beside a test left out by configuration is a partial pass that names what it did not exercise', () => {
  const d = decideByTests('DT-09', [forbidden, foreignPath, crossTenant]);
  assert.equal(d.outcome, 'pass');
  assert.deepEqual(d.partial, { exercised: 1, of: 2, notExercised: [{ test: 'cross-tenant', title: crossTenant.title, kind: 'not-configured', reason: OUTSIDER }] });
  assert.equal(d.reason, `1 of 2 cases; not exercised: ${crossTenant.title} (${OUTSIDER})`);
  // Whole: no partial. Nothing ran: skipped as before. A blocked test outweighs the pass.
  assert.equal(decideByTests('DT-09', [forbidden, foreignPath]).partial, undefined);
  assert.equal(decideByTests('DT-09', [crossTenant, foreignPath]).outcome, 'skipped');
  assert.equal(decideByTests('DT-09', [forbidden, crossTenant, rec('DT-09', 'b', 'skipped', 'blocked', 'blocked: x')]).skipKind, 'blocked');
  // The reason's wording plays no part: the skip kind decides.
  const reworded = { ...crossTenant, reason: 'PASS' };
  assert.equal(decideByTests('DT-09', [forbidden, reworded]).partial?.notExercised[0]?.kind, 'not-configured');
  // Cases the target gave no way to check: partial too, and a pass for the verdict as they always were.
  const refused = decideByTests('DT-13', [rec('DT-13', 'a', 'pass'), rec('DT-13', 'b', 'skipped', 'not-exercised', 'the target refused the key')]);
  assert.equal(refused.partial?.notExercised[0]?.kind, 'not-exercised');
  assert.deepEqual(unexercisedRequired([{ ...refused, id: 'DT-13', tier: 'required', level: 'MUST' as const, title: '', clause: '', tests: [] }]), []);
});

test('the verdict rules stay as documented: a partial pass left out by configuration is not exercised', () => {
  const base = { tier: 'required' as const, level: 'MUST' as const, title: '', clause: '', tests: [] };
  const partial: RequirementRecord = { id: 'DT-09', ...base, ...decideByTests('DT-09', [forbidden, crossTenant]) };
  const whole: RequirementRecord = { id: 'DT-01', ...base, ...decideByTests('DT-01', [rec('DT-01', 'a', 'pass')]) };
  assert.deepEqual(unexercisedRequired([whole, partial]).map((r) => r.id), ['DT-09']);
  assert.equal(verdictOf([whole, partial], []), 'CONFORMANT', 'judged on what it exercised');
  assert.equal(verdictOf([whole, partial], [], { strict: true }), 'INCOMPLETE', '--strict and certify');
});

/** The report of a Glance-like run: every test-scope requirement passes, DT-09 partly. */
function glanceReport(strict: boolean) {
  const tests = [forbidden, foreignPath, crossTenant, ...requirements.filter((r) => r.scope !== 'run' && r.id !== 'DT-09').map((r) => rec(r.id, `t-${r.id}`, 'pass'))];
  const records: RunRecord[] = [{ runId: 'r1', shard: null, target: { endpoint: 'http://127.0.0.1:9292', dialect: 'openstack' }, preflight: { ok: true, runId: 'r1', warnings: [] }, integrity: null, preflightExchanges: [] }];
  // One 204 of the operation under test, contract-checked: the whole-run requirements (DT-11, DT-14) pass.
  const exchanges: Exchange[] = [{ id: 'w0-1', seq: 1, operationId: 'deleteImageTag', role: 'under-test' as Exchange['role'], persona: 'owner', transport: 'api', method: 'DELETE', url: 'http://127.0.0.1:9292/v2/images/i/tags/k', requestHeaders: {}, status: 204, attempt: 1, startedAt: 0, durationMs: 1, contract: { documentedStatus: true } }];
  const reqs = decideRequirements(tests, records, exchanges, 'openstack');
  const run = { id: 'r1', shards: null, startedAt: '2026-01-01T00:00:00.000Z', endedAt: '2026-01-01T00:00:01.000Z', durationMs: 1000, workers: 2, playwrightStatus: 'passed' };
  return assembleReport({ tests, records, reqs, fatal: [], target: records[0]!.target, transport: null, run, allExchanges: exchanges, exclusive: false, strict });
}

test('console, report.md and report.json show DT-09 as PASS (partial) with the case not exercised', () => {
  const report = glanceReport(false);
  // The target's shape is the runner's business: only the requirements' part of the schema is checked here.
  assert.deepEqual(reportSchemaProblems(JSON.parse(JSON.stringify({ ...report, target: null }))), []);
  const dt09 = report.requirements.find((q) => q.id === 'DT-09')!;
  assert.equal(dt09.outcome, 'pass');
  assert.equal(dt09.partial?.exercised, 1);
  assert.deepEqual(report.notExercised?.map((n) => n.id), ['DT-09']);
  assert.match(report.notExercised![0]!.reason, /^1 of 2 cases; not exercised: .*IMS_OUTSIDER_AUTH_TOKEN/);

  const text = consoleSummary(report);
  const line = text.split('\n').find((l) => l.includes(' DT-09 '))!;
  assert.match(line, /^ {2}PASS \(partial\) {2}DT-09 \[required\] .* — 1 of 2 cases; not exercised: the owner cannot delete .*\(persona not configured: set the outsider persona \(IMS_OUTSIDER_/);
  assert.doesNotMatch(text, /SKIP {2}DT-09/);
  assert.match(text, /not exercised: DT-09 \(partly: 1 of 2 cases ran\) \(judged only on what it exercised/);
  assert.match(text, /verdict: CONFORMANT \(partial: on what it exercised\) — \d+ requirements: \d+ pass \(1 partial\)/);

  const md = renderMarkdown(report);
  assert.match(md, /\| DT-09 .* \| required \| ✅ pass \(partial: 1 of 2\) \| 3 \| 1 of 2 cases; not exercised: /);
  assert.match(md, /## Not exercised\n\n- DT-09 the owner cannot delete a tag on another project's image: persona not configured/);
  assert.doesNotMatch(md.split('## Skipped')[1] ?? '', /DT-09/, 'DT-09 is not listed as skipped');
});

test('under --strict the same run is INCOMPLETE, and a baseline expecting DT-09 to pass is not met', () => {
  const report = glanceReport(true);
  assert.equal(report.verdict, 'INCOMPLETE');
  assert.match(consoleSummary(report), /not exercised: DT-09 \(partly: 1 of 2 cases ran\) \(required by --strict\)/);
  const dt09 = (r: ReturnType<typeof glanceReport>) => compareToBaseline(r, []).regressions.filter((l) => l.startsWith('DT-09'));
  assert.match(dt09(report).join('\n'), /DT-09 skipped, expected pass/);
  assert.deepEqual(dt09(glanceReport(false)), [], 'without --strict it matches');
});
