// End to end: other people's tags survive. The target's image starts with tags the suite did not create, some
// shaped like the suite's own (`ctk-zzzzzzzz-1x1` of a "different run", `ctk-` alone). They must be intact after
// a normal run, after a run with failures, and after a run killed with SIGKILL followed by `npm run sweep --
// --apply`; the kill leaves only prefixed keys or ledger entries behind, and the next start reports them.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { startReference, type ReferenceProcess } from '../scripts/lib/reference-process.js';
import { EMBEDDED_SEED } from '../harness/run/embedded-target.js';
import { authVars, readJsonFile, runScript, runSuite, tagsOn, targetVars, tempDir, type Finished } from './lib/e2e.js';

const seed = EMBEDDED_SEED;
const PREEXISTING: Record<string, string> = { env: 'prod', owner: 'team-a', 'ctk-zzzzzzzz-1x1': 'lookalike of a suite key', 'ctk-': 'bare prefix', 'ctk-x': 'short' };
const refArgs = (...more: string[]) => ['--preexisting-tags', JSON.stringify(PREEXISTING), ...more];
const refs: ReferenceProcess[] = [];
const dirs: string[] = [];
const sweepVars = (ref: ReferenceProcess, dir: string) => ({ ...targetVars(seed, ref.url, dir), ...authVars(seed, ref.url, 'owner', 'token') });

function assertIntact(tags: Map<string, string>, context: string): void {
  for (const [k, v] of Object.entries(PREEXISTING)) assert.equal(tags.get(k), v, `${context}: pre-existing tag ${JSON.stringify(k)} must keep its value`);
}

interface Integrity {
  checked: number;
  intact: number;
  lost: unknown[];
}

let normal: { run: Finished; dir: string; ref: ReferenceProcess };
let failing: { run: Finished; dir: string; ref: ReferenceProcess };

async function start(args: string[]): Promise<ReferenceProcess> {
  const ref = await startReference(args, seed);
  refs.push(ref);
  return ref;
}

before(async () => {
  const run = async (args: string[]) => {
    const ref = await start(refArgs(...args));
    const dir = tempDir('safety');
    dirs.push(dir);
    return { run: await runSuite({ ...sweepVars(ref, dir), ...authVars(seed, ref.url, 'forbidden', 'token') }), dir, ref };
  };
  [normal, failing] = await Promise.all([run([]), run(['--mutant', 'delete-200-json'])]);
});

after(async () => {
  await Promise.all(refs.map((r) => r.stop()));
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

test('a normal run leaves every pre-existing tag intact and says so', async () => {
  const { run, dir, ref } = normal;
  assert.equal(run.code, 0, run.stdout.slice(-2000) + run.stderr);
  const integrity = readJsonFile<Integrity>(`${dir}/run/integrity.json`);
  const n = Object.keys(PREEXISTING).length;
  assert.deepEqual({ checked: integrity.checked, intact: integrity.intact, lost: integrity.lost }, { checked: n, intact: n, lost: [] });
  assert.match(run.stdout, new RegExp(`pre-existing tags intact: ${n}/${n}`));
  const tags = await tagsOn(ref.url, seed);
  assertIntact(tags, 'after a normal run');
  assert.deepEqual([...tags.keys()].sort(), Object.keys(PREEXISTING).sort(), 'nothing of the run is left');
});

test('a run with failures (mutant delete-200-json) leaves every pre-existing tag intact', async () => {
  const { run, dir, ref } = failing;
  assert.equal(run.code, 1, 'the mutant is caught: not conformant');
  const integrity = readJsonFile<Integrity>(`${dir}/run/integrity.json`);
  assert.equal(integrity.intact, Object.keys(PREEXISTING).length);
  assert.deepEqual(integrity.lost, []);
  assertIntact(await tagsOn(ref.url, seed), 'after a failing run');
});

test('a lost pre-existing tag is a harness error, exit 2, naming the tag (the integrity check can fail)', async () => {
  // The mutant's delete removes every tag of the image, the pre-existing ones included.
  const ref = await start(refArgs('--mutant', 'delete-all-tags'));
  const dir = tempDir('safety-lost');
  dirs.push(dir);
  const run = await runSuite({ ...sweepVars(ref, dir), IMS_OTHER_IMAGE_ID: '' }, ['-g', 'an existing tag answers 204']);
  assert.equal(run.code, 2, run.stdout.slice(-1500) + run.stderr);
  const integrity = readJsonFile<Integrity & { lost: { key: string }[] }>(`${dir}/run/integrity.json`);
  assert.ok(integrity.lost.length > 0);
  assert.match(run.stdout, /pre-existing tags lost: .*"env"/);
});

test('SIGKILL mid-run leaves only prefixed or ledgered keys; the next start reports them; sweep --apply removes them and nothing else', async () => {
  const ref = await start(refArgs('--latency-ms', '60'));
  const dir = tempDir('safety-kill');
  dirs.push(dir);
  const vars = { ...sweepVars(ref, dir), ...authVars(seed, ref.url, 'forbidden', 'token') };
  let pid = 0;
  const running = runSuite(vars, [], { onSpawn: (p) => (pid = p) });
  // Kill once the run has created tags (its ledger has several adds), without waiting for it to clean up.
  const deadline = Date.now() + 60_000;
  let runId = '';
  while (Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
    const tags = [...(await tagsOn(ref.url, seed)).keys(), ...(await tagsOn(ref.url, seed, seed.otherImageId)).keys()];
    const mine = tags.filter((k) => /^ctk-[0-9a-z]{8}-[0-9a-z]+x[0-9a-z]+_/.test(k)); // the tests' stems, not the preflight's keys
    if (mine.length >= 3) {
      process.kill(-pid, 'SIGKILL');
      runId = /ctk-([0-9a-z]{8})-/.exec(mine.find((k) => /ctk-[0-9a-z]{8}-/.test(k)) ?? '')?.[1] ?? '';
      break;
    }
  }
  const killed = await running;
  assert.equal(killed.signal ?? killed.code, 'SIGKILL', 'the run was killed, not finished');
  assert.ok(runId, 'the run had created prefixed tags before the kill');

  const left = await tagsOn(ref.url, seed);
  assertIntact(left, 'right after the kill');
  const ledger = readFileSync(`${dir}/ledger/${runId}.jsonl`, 'utf8');
  const extra = [...left.keys()].filter((k) => !(k in PREEXISTING));
  // The suite spreads its work over both images: the second one (empty before the run) may hold leftovers too.
  const leftOnOther = [...(await tagsOn(ref.url, seed, seed.otherImageId)).keys()];
  const leftovers = extra.length + leftOnOther.length;
  assert.ok(leftovers > 0, 'the kill left tags behind (otherwise this test proves nothing)');
  for (const k of [...extra, ...leftOnOther]) {
    assert.ok(k.includes(`ctk-${runId}-`) || ledger.includes(JSON.stringify(k)), `left-behind key ${JSON.stringify(k)} is neither prefixed nor in the ledger`);
  }

  // Dry run: lists, deletes nothing, keeps the look-alike.
  const dry = await runScript('scripts/sweep.ts', sweepVars(ref, dir));
  assert.equal(dry.code, 0, dry.stderr);
  assert.match(dry.stdout, /sweep \(dry run\): \d+ to delete/);
  assert.match(dry.stdout, /keep +\S+ +"ctk-zzzzzzzz-1x1"/);
  assert.deepEqual(await tagsOn(ref.url, seed), left, 'a dry run deletes nothing');

  // The next run's start reports the leftovers: as a warning, or, when they fill the image's free quota, in its
  // one-line preflight failure together with the sweep that removes them.
  const next = await runSuite(vars, ['-g', 'an existing tag answers 204']);
  const said = next.stdout + next.stderr;
  assert.match(said, new RegExp(`${leftovers} tag\\(s\\) left by earlier runs of the suite \\(runs ${runId}\\): ${leftovers} removable now`), said.slice(0, 1500));
  if (next.code === 2) assert.match(next.stderr, /needs at least 2 free tag slots.*npm run sweep -- --apply/);

  const applied = await runScript('scripts/sweep.ts', sweepVars(ref, dir), ['--apply']);
  assert.equal(applied.code, 0, applied.stdout + applied.stderr);
  const after = await tagsOn(ref.url, seed);
  assert.deepEqual([...after.keys()].sort(), Object.keys(PREEXISTING).sort(), 'only the pre-existing tags remain');
  assert.deepEqual([...(await tagsOn(ref.url, seed, seed.otherImageId)).keys()], [], 'the second image is empty again');
  assertIntact(after, 'after sweep --apply');

  const again = await runScript('scripts/sweep.ts', sweepVars(ref, dir));
  assert.match(again.stdout, /sweep \(dry run\): 0 to delete/);
});
