// End to end: harm bounded and remembered. Against a target that cannot delete a key beside its folding-collation
// twin (the reference's folding-twin-500 mutant, like OpenStack Glance on MariaDB), the first run leaves one stuck
// pair per kind, names it, explains why the sweep cannot remove it, and never calls DT-04 passed with its pairs
// untried; a second run against the same target process recognises those tags and adds none.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { startReference, type ReferenceProcess } from '../../scripts/lib/reference-process.js';
import { EMBEDDED_SEED } from '../../harness/run/embedded-target.js';
import type { ConformanceReport } from '../../reporter/report-types.js';
import { authVars, readJsonFile, runScript, runSuite, tagsOn, targetVars, tempDir, type Finished } from '../lib/e2e.js';

const seed = EMBEDDED_SEED;
const ONLY_DT04 = ['-g', 'near-miss keys in place'];
let ref: ReferenceProcess;
let dir: string;
let vars: Record<string, string>;
const runs: { run: Finished; report: ConformanceReport; md: string; tags: string[] }[] = [];

const allTags = async () => [...(await tagsOn(ref.url, seed)).keys(), ...(await tagsOn(ref.url, seed, seed.otherImageId)).keys()].sort();

before(async () => {
  ref = await startReference(['--mutant', 'folding-twin-500'], seed);
  dir = tempDir('stuck');
  vars = { ...targetVars(seed, ref.url, dir), ...authVars(seed, ref.url, 'owner', 'token') };
  for (let i = 0; i < 2; i++) {
    const run = await runSuite(vars, ONLY_DT04);
    runs.push({ run, report: readJsonFile<ConformanceReport>(`${dir}/report.json`), md: readFileSync(`${dir}/report.md`, 'utf8'), tags: await allTags() });
  }
});

after(async () => {
  await ref?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const requirement = (r: ConformanceReport, id: string) => r.requirements.find((q) => q.id === id)!;

test('the first run names the undeletable pairs, one per kind, and says why the sweep cannot remove them', () => {
  const [{ run, report, md, tags }] = runs as [(typeof runs)[0]];
  assert.equal(run.code, 3, `tags the target will not delete are left: exit 3\n${run.stdout.slice(-1500)}${run.stderr}`);
  const stuck = report.cleanup?.stuck ?? [];
  assert.ok(stuck.length >= 2, 'the stuck tags are named in report.json');
  for (const s of stuck) assert.ok(tags.includes(s.key), `${JSON.stringify(s.key)} is still on the target`);
  assert.deepEqual(stuck.map((s) => s.key).sort(), tags.filter((k) => k.startsWith('ctk-')).sort(), 'every tag of the run left behind is one the target would not delete');
  // One pair per kind at most: after the first, no more pairs of that kind were created.
  const pairs = new Map<string, Set<string>>();
  for (const s of stuck) pairs.set(s.kind!, new Set([...(pairs.get(s.kind!) ?? []), s.pair!]));
  for (const [kind, ids] of pairs) assert.equal(ids.size, 1, `one stuck pair of kind ${kind}, not ${[...ids].join(', ')}`);
  assert.match(run.stdout, /UNDELETABLE: \d+ tag\(s\)/);
  assert.match(run.stdout, /no API call can remove them, `ims-conformance sweep --apply` included/);
  assert.match(md, /## Undeletable tags/);
  for (const s of stuck) assert.ok(md.includes(JSON.stringify(s.key)), `report.md names ${JSON.stringify(s.key)}`);
});

test('DT-04 is not passed while its pairs of the stuck kinds were never tried; the undeletable key breaks DT-01', () => {
  const { report } = runs[0]!;
  const dt04 = requirement(report, 'DT-04');
  assert.notEqual(dt04.outcome, 'pass', dt04.reason);
  assert.match(dt04.reason ?? '', /\d+ of 66 case\(s\) not exercised/);
  assert.equal(requirement(report, 'DT-01').outcome, 'fail');
  assert.notEqual(report.verdict, 'CONFORMANT');
});

test('a second run on the same target adds no stuck tag and judges the pairs from the earlier run’s tags', async () => {
  const [first, second] = runs as [(typeof runs)[0], (typeof runs)[0]];
  assert.deepEqual(second.tags, first.tags, 'the second run left the target exactly as the first left it');
  assert.equal(second.report.cleanup?.left.length, 0, 'nothing of the second run is left');
  assert.equal(second.run.code, 1, `not conformant, nothing of its own left: exit 1\n${second.run.stdout.slice(-1500)}`);
  const dt01 = requirement(second.report, 'DT-01');
  assert.equal(dt01.outcome, 'fail');
  assert.match(dt01.reason ?? '', /left undeletable by run/);
  assert.notEqual(requirement(second.report, 'DT-04').outcome, 'pass');
  assert.deepEqual((second.report.cleanup?.stuck ?? []).map((s) => s.key).sort(), (first.report.cleanup?.stuck ?? []).map((s) => s.key).sort(), 'the earlier run’s stuck tags are named again');
});

test('the sweep tries them once, fails, and explains what can remove them', async () => {
  const sweep = await runScript('scripts/sweep.ts', vars, ['--apply']);
  assert.equal(sweep.code, 1, sweep.stdout + sweep.stderr);
  assert.match(sweep.stderr, /could not be deleted, as before: .*Only the target's own tools can/);
  assert.deepEqual(await allTags(), runs[1]!.tags, 'the sweep removed nothing it could not');
});
