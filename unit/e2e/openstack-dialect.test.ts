// The openstack dialect end to end against the reference target: the whole suite through the user's entry point with
// IMS_API_DIALECT=openstack must be CONFORMANT, speak only the OpenStack-native routes (no project id in any path),
// and report the requirements that do not apply as `not applicable`, never as passed. The expectation check that
// the Glance CI step uses is run on the result too.
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startReference, suiteEnv, type ReferenceProcess } from '../../scripts/lib/reference-process.js';
import { reportSchemaProblems } from '../../reporter/report-schema.js';
import type { ConformanceReport } from '../../reporter/report-types.js';
import type { Exchange } from '../../harness/http/exchanges.js';
import { runScript, type Ran } from './helpers.js';

const work = mkdtempSync(join(tmpdir(), 'ims-e2e-openstack-'));
const results = join(work, 'results');
let ref: ReferenceProcess | undefined;
let run: Ran;
let report: ConformanceReport;

before(async () => {
  ref = await startReference();
  run = await runScript('scripts/conformance.ts', [], suiteEnv({ ...ref.env, IMS_API_DIALECT: 'openstack', IMS_RESULTS_DIR: results }));
  report = JSON.parse(readFileSync(join(results, 'report.json'), 'utf8')) as ConformanceReport;
});
after(async () => {
  await ref?.stop();
  rmSync(work, { recursive: true, force: true });
});

test('the suite is CONFORMANT against the reference target in the openstack dialect', () => {
  assert.equal(run.code, 0, run.out.slice(-2000));
  assert.equal(report.verdict, 'CONFORMANT');
  assert.equal(report.target?.dialect, 'openstack');
  assert.equal(report.counts.fail + report.counts.error, 0);
  assert.deepEqual(reportSchemaProblems(report), [], 'report.json matches the committed schema');
});

test('requirements and tests outside the dialect are skipped as not applicable, never passed', () => {
  const dt15 = report.requirements.find((q) => q.id === 'DT-15')!;
  assert.equal(dt15.outcome, 'skipped');
  assert.match(dt15.reason ?? '', /^not applicable to the openstack dialect/);
  const crossProject = report.tests.find((t) => t.id === '8e2f4b17-6c3a-4e9d-a1f0-5b7d2c090902')!;
  assert.equal(crossProject.outcome, 'skipped');
  assert.equal(crossProject.skipKind, 'not-applicable');
  // DT-09 itself applies (the forbidden persona, the outsider's cross-tenant case) and passed on its applicable tests.
  assert.equal(report.tests.find((t) => t.id === '75b930f0-ce6b-49c0-b03d-90dcde261b4c')?.outcome, 'pass');
  assert.equal(report.requirements.find((q) => q.id === 'DT-09')!.outcome, 'pass');
});

test('every request used the OpenStack-native routes, with no project id in the path', () => {
  const all = JSON.parse(readFileSync(join(results, 'exchanges.json'), 'utf8')) as { preflight: Exchange[]; tests: { exchanges: Exchange[] }[] };
  const exchanges = [...all.preflight, ...all.tests.flatMap((t) => t.exchanges)];
  assert.ok(exchanges.length > 100, `only ${exchanges.length} exchanges recorded`);
  const ops = new Set(exchanges.map((e) => e.operationId));
  assert.deepEqual([...ops].sort(), ['osAddImageTag', 'osDeleteImageTag', 'osShowImage']);
  const projectId = ref!.env.IMS_PROJECT_ID!;
  assert.deepEqual(exchanges.filter((e) => e.url.includes(projectId)).map((e) => e.url), []);
  assert.ok(exchanges.every((e) => new URL(e.url).pathname.startsWith('/v2/images/')));
});

test('the expectation check passes on equal outcomes and fails on an unexpected pass', async () => {
  const equal = join(work, 'equal.txt');
  writeFileSync(equal, '# the reference in the openstack dialect\nDT-15 skip  not applicable to the openstack dialect\n');
  const ok = await runScript('scripts/check-expectations.ts', [equal, results], process.env);
  assert.equal(ok.code, 0, ok.out);
  const glance = await runScript('scripts/check-expectations.ts', ['targets/glance/expected-outcomes.txt', results], process.env);
  assert.equal(glance.code, 1, glance.out);
  assert.match(glance.out, /DT-06 passed, expected fail: an unexpected pass/);
});
