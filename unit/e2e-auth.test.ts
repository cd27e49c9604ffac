// End to end: the whole suite, unusual keys included, passes against the reference target with each of the three
// authentication forms for the owner (and the forbidden persona in another form), and no secret of the run,
// canaries all, appears in anything it printed or wrote (reports, HTML, blob zips, attachments, ledger).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { startReference, type ReferenceProcess } from '../scripts/lib/reference-process.js';
import { authVars, canarySeed, findSecrets, readJsonFile, runSuite, targetVars, tempDir, type Finished } from './lib/e2e.js';

type Form = 'token' | 'aksk' | 'iam';
// Each owner form once; the forbidden persona takes another form each time, so all six combinations' parts run.
const RUNS: { owner: Form; forbidden: Form }[] = [
  { owner: 'token', forbidden: 'aksk' },
  { owner: 'aksk', forbidden: 'iam' },
  { owner: 'iam', forbidden: 'token' },
];
// Tokens the reference's IAM issues mid-run: never registered by the test, so found by their shape.
const IAM_TOKEN = /iam-[0-9a-f]{48}/;

interface Outcome {
  run: Finished;
  dir: string;
  canaries: string[];
}
const outcomes = new Map<Form, Outcome>();
const refs: ReferenceProcess[] = [];

before(async () => {
  await Promise.all(
    RUNS.map(async ({ owner, forbidden }) => {
      const { seed, canaries } = canarySeed();
      // One target per run: concurrent runs on one image would see each other's tags come and go.
      const ref = await startReference([], seed);
      refs.push(ref);
      const dir = tempDir(`auth-${owner}`);
      const vars = { ...targetVars(seed, ref.url, dir), ...authVars(seed, ref.url, 'owner', owner), ...authVars(seed, ref.url, 'forbidden', forbidden) };
      outcomes.set(owner, { run: await runSuite(vars), dir, canaries });
    }),
  );
});

after(async () => {
  await Promise.all(refs.map((r) => r.stop()));
  for (const o of outcomes.values()) rmSync(o.dir, { recursive: true, force: true });
});

for (const { owner, forbidden } of RUNS) {
  test(`owner ${owner}, forbidden persona ${forbidden}: the whole suite passes`, () => {
    const o = outcomes.get(owner)!;
    const report = readJsonFile<{ verdict: string; exitCode: number; target: { ownerAuth: string; forbiddenPersona: string }; counts: Record<string, number> }>(`${o.dir}/report.json`);
    assert.equal(report.target.ownerAuth, owner);
    assert.equal(report.target.forbiddenPersona, forbidden);
    assert.equal(report.verdict, 'CONFORMANT', `${o.run.stdout.slice(-3000)}\n${o.run.stderr.slice(-2000)}`);
    assert.deepEqual({ fail: report.counts.fail, error: report.counts.error, skipped: report.counts.skipped }, { fail: 0, error: 0, skipped: 0 });
    assert.equal(o.run.code, 0);
  });

  test(`owner ${owner}, forbidden persona ${forbidden}: no secret in the console or any file written`, () => {
    const o = outcomes.get(owner)!;
    const hits = findSecrets(o.dir, [...o.canaries, IAM_TOKEN], o.run.stdout + o.run.stderr);
    assert.deepEqual(hits, []);
  });
}

test('the canary search finds a planted secret (the search itself can fail)', () => {
  const o = outcomes.get('token')!;
  const planted = `${o.canaries[0]}`;
  const hits = findSecrets(o.dir, [planted], `console line with ${planted}`);
  assert.deepEqual(hits, [`console: ${planted}`]);
  // Inside zips too: the blob report is one, the HTML report embeds one; test titles are in both.
  assert.ok(findSecrets(o.dir, ['unusual keys']).some((h) => h.includes('.zip!')), 'zip entries are searched');
  assert.ok(findSecrets(o.dir, ['unusual keys']).some((h) => h.includes('(embedded zip)')), "the HTML report's embedded zip is searched");
});
