// End to end: a test cut short is never a pass and never harms. A correct target that sheds every listing for a
// moment mid-run (503, longer than the client's retries) makes one lane of DT-04's test fail its listing: the other
// lanes finish their case and stop before the fixture cleans up, so no lane judges a bystander the cleanup removed
// (no false DT-04 finding), nothing is created after the cleanup (nothing left), and DT-04 is not PASS.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { startReference, type ReferenceProcess } from '../../scripts/lib/reference-process.js';
import { EMBEDDED_SEED } from '../../harness/run/embedded-target.js';
import type { ConformanceReport } from '../../reporter/report-types.js';
import { authVars, readJsonFile, runSuite, tagsOn, targetVars, tempDir, type Finished } from '../lib/e2e.js';

const seed = EMBEDDED_SEED;
let ref: ReferenceProcess;
let dir: string;
let run: Finished;
let report: ConformanceReport;

before(async () => {
  // The preflight lists a few times; from the 80th listing on, DT-04's test is mid-way through its pairs. 8 s of 503s
  // outlast a fixture step's six tries (3.1 s of backoff), so the listing fails and cuts the test short.
  ref = await startReference(['--shed-listings', '80:8000'], seed);
  dir = tempDir('cut-short');
  run = await runSuite({ ...targetVars(seed, ref.url, dir), ...authVars(seed, ref.url, 'owner', 'token') }, ['-g', 'near-miss keys in place']);
  report = readJsonFile<ConformanceReport>(`${dir}/report.json`);
});

after(async () => {
  await ref?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('the shed listing cut the test short: DT-04 is not passed, and says how many of its cases never ran', () => {
  const dt04 = report.requirements.find((q) => q.id === 'DT-04')!;
  const t = report.tests.find((x) => x.requirement === 'DT-04' && x.file.includes('only-addressed'))!;
  assert.ok(t.cases && t.cases.ran < t.cases.planned, `the test was cut short: ${JSON.stringify(t.cases)} (${t.reason ?? t.outcome})\n${run.stdout.slice(-1500)}`);
  assert.notEqual(dt04.outcome, 'pass', dt04.reason);
  assert.notEqual(report.verdict, 'CONFORMANT');
});

test('no lane ran on into the cleanup: no DT-04 finding against a correct target, nothing left behind', async () => {
  const findings = report.tests.flatMap((t) => t.findings ?? []).filter((f) => f.requirement === 'DT-04');
  assert.deepEqual(findings, [], 'the target is correct: any DT-04 finding is the cleanup racing a lane');
  assert.deepEqual(report.cleanup?.left ?? [], [], 'no tag of the run is left');
  assert.notEqual(run.code, 3);
  const tags = [...(await tagsOn(ref.url, seed)).keys(), ...(await tagsOn(ref.url, seed, seed.otherImageId)).keys()];
  assert.deepEqual(tags.filter((k) => k.startsWith('ctk-')), [], 'the target holds nothing of the run');
});
