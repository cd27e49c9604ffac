// What a run claims, through the command a user has (`ims-conformance run`), against reference targets over HTTP:
// with only the owner configured it judges what it exercised (exit 0) and names what it did not (DT-04 a partial pass,
// DT-09 skipped); --strict turns that into INCOMPLETE (exit 1). A baseline recorded against one mutant lets a run
// against it pass (exit 0), names a requirement that now passes for removal, and fails a mutant that breaks one more
// requirement (exit 1). Shards run through the CLI judge their part, and `merge` gives the one verdict.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startReference, suiteEnv, type ReferenceProcess } from '../../scripts/lib/reference-process.js';
import { runScript, type Ran } from './helpers.js';
import { requirements } from '../../harness/spec.js';

const work = mkdtempSync(join(tmpdir(), 'ims-e2e-verdict-'));
const started: ReferenceProcess[] = [];
after(async () => {
  await Promise.all(started.map((r) => r.stop()));
  rmSync(work, { recursive: true, force: true });
});

async function reference(args: string[] = []): Promise<ReferenceProcess> {
  const ref = await startReference(args);
  started.push(ref);
  return ref;
}

const cli = (args: string[], vars: Record<string, string>): Promise<Ran> => runScript('scripts/cli.ts', ['run', ...args], suiteEnv(vars));
const tail = (r: Ran) => r.out.slice(-2500);

test('owner only: exit 0 naming what was not exercised; --strict: INCOMPLETE, exit 1', async () => {
  // Two targets: two runs at once on one image would share its free tag slots.
  const [a, b] = await Promise.all([reference(), reference()]);
  const ownerOnly = (ref: ReferenceProcess) => {
    const { IMS_ENDPOINT, IMS_PROJECT_ID, IMS_IMAGE_ID, IMS_AUTH_TOKEN } = ref.env;
    return { IMS_ENDPOINT: IMS_ENDPOINT!, IMS_PROJECT_ID: IMS_PROJECT_ID!, IMS_IMAGE_ID: IMS_IMAGE_ID!, IMS_AUTH_TOKEN: IMS_AUTH_TOKEN! };
  };
  const [lenient, strict] = await Promise.all([
    cli(['--out', join(work, 'owner-only')], { ...ownerOnly(a), IMS_REGION: 'eu-west-1' }), // unrelated: a warning, not fatal
    cli(['--strict', '--out', join(work, 'owner-only-strict')], ownerOnly(b)),
  ]);
  assert.equal(lenient.code, 0, tail(lenient));
  assert.match(lenient.out, /warning: IMS_REGION is not a variable this suite reads/);
  assert.match(lenient.out, /SKIP {2}DT-09 \[required\] .* — .*persona not configured/);
  // DT-04's other-image case needs IMS_OTHER_IMAGE_ID; its other cases ran: a partial pass, still not exercised.
  assert.match(lenient.out, /PASS \(partial\) {2}DT-04 \[required\] .* — \d of \d cases; not exercised: deleting a key leaves the same key on another image.*IMS_OTHER_IMAGE_ID/);
  assert.match(lenient.out, /not exercised: DT-04 \(partly: \d of \d cases ran\), DT-09 \(judged only on what it exercised; --strict makes this INCOMPLETE\)/);
  assert.match(lenient.out, /verdict: CONFORMANT \(partial: on what it exercised\)/);
  const report = JSON.parse(readFileSync(join(work, 'owner-only', 'report.json'), 'utf8')) as { strict: boolean; notExercised: { id: string }[] };
  assert.equal(report.strict, false);
  assert.deepEqual(report.notExercised.map((n) => n.id), ['DT-04', 'DT-09']);

  assert.equal(strict.code, 1, tail(strict));
  assert.match(strict.out, /verdict: INCOMPLETE/);
  assert.match(strict.out, /not exercised: DT-04 \(partly: \d of \d cases ran\), DT-09 \(required by --strict\)/);
});

test('--strict refuses an unknown IMS_* variable with exit 2 and one line', async () => {
  const r = await cli(['--strict', '--out', join(work, 'strict-typo')], { IMS_AUTH_TOKN: 'x' });
  assert.equal(r.code, 2, tail(r));
  assert.match(r.out, /^ims-conformance: IMS_AUTH_TOKN is not a variable this suite reads/m);
});

test('a baseline: the listed mutant exits 0, one more broken requirement exits 1, a fixed one is named for removal', async () => {
  const [missingToken403, authAfterDelete, good] = await Promise.all([reference(['--mutant', 'missing-token-403']), reference(['--mutant', 'auth-after-delete']), reference()]);
  const baseline = join(work, 'baseline.txt');
  const only = ['--only', 'DT-08,DT-09'];
  const recorded = await cli([...only, '--out', join(work, 'record'), '--write-baseline', baseline], missingToken403.env);
  assert.equal(recorded.code, 1, tail(recorded)); // recording does not make it pass: NON-CONFORMANT
  assert.match(readFileSync(baseline, 'utf8'), /^DT-08 fail {2}\S/m);
  assert.doesNotMatch(readFileSync(baseline, 'utf8'), /^DT-09/m);

  const [same, worse, fixed] = await Promise.all([
    cli([...only, '--out', join(work, 'same'), '--baseline', baseline], missingToken403.env),
    cli([...only, '--out', join(work, 'worse'), '--baseline', baseline], authAfterDelete.env),
    cli([...only, '--out', join(work, 'fixed'), '--baseline', baseline], good.env),
  ]);
  assert.equal(same.code, 0, tail(same));
  assert.match(same.out, /verdict: NON-CONFORMANT/);
  assert.match(same.out, /baseline: no regression against .*baseline\.txt/);
  assert.equal(worse.code, 1, tail(worse));
  assert.match(worse.out, /WORSE {2}DT-09 fail, expected pass \(a regression\)/);
  assert.equal(fixed.code, 0, tail(fixed));
  assert.match(fixed.out, /BETTER DT-08 now passes \(.*baseline\.txt says fail\): remove it from the baseline/);
});

test('shards run through the CLI judge their part (exit 0), and merge --strict gives the one verdict of the whole', async () => {
  const shard = (n: number) => cli(['--out', join(work, `shard${n}`), '--', `--shard=${n}/2`], {});
  const shards = await Promise.all([shard(1), shard(2)]);
  for (const s of shards) {
    assert.equal(s.code, 0, tail(s));
    assert.match(s.out, /verdict: CONFORMANT \(partial: on what it exercised\)/);
  }
  const merged = join(work, 'merged');
  // As CI does: each shard uploads its blob folder, the merge job downloads them into one.
  for (const n of [1, 2]) cpSync(join(work, `shard${n}`, 'blob'), join(merged, 'blob'), { recursive: true });
  const merge = await runScript('scripts/cli.ts', ['merge', '--strict', '--out', merged], suiteEnv({}));
  assert.equal(merge.code, 0, tail(merge));
  assert.match(merge.out, new RegExp(`verdict: CONFORMANT — ${requirements.length} requirements: ${requirements.length} pass`));
  const report = JSON.parse(readFileSync(join(merged, 'report.json'), 'utf8')) as { strict: boolean; run: { shards: unknown[] } };
  assert.equal(report.strict, true);
  assert.equal(report.run.shards.length, 2);
});
