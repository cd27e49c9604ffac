// certify -> verify end to end: a conformant bundle verifies (0), any edited byte is caught (2), a bundle from a
// broken target verifies as non-conformant (1) and its report.md names the requirement, the test and the request;
// the HTML report opens in a browser with the exchanges and without secrets; two merged shards decide as one run.
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, cpSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startReference, suiteEnv, type ReferenceProcess } from '../../scripts/lib/reference-process.js';
import { EMBEDDED_SEED } from '../../harness/embedded-target.js';
import { verify } from '../../scripts/verify.js';
import { listFiles } from '../../scripts/lib/bundle.js';
import type { ConformanceReport } from '../../reporter/report-types.js';
import { playwright, runScript, type Ran } from './helpers.js';
import { CHROMIUM, showExchanges } from './html-report.js';

const work = mkdtempSync(join(tmpdir(), 'ims-e2e-certify-'));
const good = join(work, 'good-bundle');
const bad = join(work, 'broken-bundle');
let goodRun: Ran;
let badRun: Ran;
let broken: ReferenceProcess | undefined;
const secrets = [...Object.values(EMBEDDED_SEED.tokens), EMBEDDED_SEED.accessKeys.owner.sk, EMBEDDED_SEED.iamUsers.owner.password];
const outcomes = (r: ConformanceReport) => r.requirements.map((q) => ({ id: q.id, outcome: q.outcome, tests: [...q.tests].sort() }));

before(async () => {
  goodRun = await runScript('scripts/certify.ts', ['--out', good], suiteEnv({ IMS_RESULTS_DIR: join(work, 'good') }));
  broken = await startReference(['--mutant', 'delete-200-json']);
  badRun = await runScript('scripts/certify.ts', ['--out', bad], suiteEnv({ ...broken.env, IMS_RESULTS_DIR: join(work, 'broken') }));
});
after(async () => {
  await broken?.stop();
  rmSync(work, { recursive: true, force: true });
});

test('certify against the embedded target writes a bundle that verify accepts with exit 0', async () => {
  assert.equal(goodRun.code, 0, goodRun.out.slice(-1500));
  assert.deepEqual(readdirSync(good).sort(), ['config.json', 'html', 'junit.xml', 'manifest.json', 'report.json', 'report.md', 'spec']);
  const cli = await runScript('scripts/verify.ts', [good], process.env);
  assert.equal(cli.code, 0, cli.out);
  assert.match(cli.out, /verdict: CONFORMANT/);
});

test('editing one byte of any file of the bundle, the manifest included, makes verify exit 2', () => {
  const copy = join(work, 'tampered');
  for (const file of [...listFiles(good)]) {
    rmSync(copy, { recursive: true, force: true });
    cpSync(good, copy, { recursive: true });
    const bytes = readFileSync(join(copy, file));
    const at = Math.floor(bytes.length / 2);
    bytes[at] = bytes[at] === 0x20 ? 0x21 : 0x20;
    writeFileSync(join(copy, file), bytes);
    const result = verify(copy);
    assert.equal(result.exitCode, 2, `${file}: ${result.lines.join(' ')}`);
  }
  rmSync(copy, { recursive: true, force: true });
});

test('a bundle missing a file or with a file added is refused with exit 2', () => {
  const copy = join(work, 'altered');
  cpSync(good, copy, { recursive: true });
  writeFileSync(join(copy, 'extra.txt'), 'x');
  assert.equal(verify(copy).exitCode, 2);
  rmSync(join(copy, 'extra.txt'));
  rmSync(join(copy, 'junit.xml'));
  assert.equal(verify(copy).exitCode, 2);
  rmSync(copy, { recursive: true, force: true });
});

test('no secret is written to the bundle', () => {
  for (const dir of [good, bad]) {
    // html/index.html carries its data compressed; its rendered text is checked in the browser test.
    for (const file of listFiles(dir).filter((f) => f !== 'html/index.html')) {
      const text = readFileSync(join(dir, file), 'utf8');
      for (const s of secrets) assert.ok(!text.includes(s), `${file} contains a secret`);
    }
  }
});

test('a bundle from a broken target verifies with exit 1 and report.md shows the failed requirement, test and request', async () => {
  assert.equal(badRun.code, 1, badRun.out.slice(-1500));
  const cli = await runScript('scripts/verify.ts', [bad], process.env);
  assert.equal(cli.code, 1, cli.out);
  assert.match(cli.out, /verdict: NON-CONFORMANT/);
  const report = JSON.parse(readFileSync(join(bad, 'report.json'), 'utf8')) as ConformanceReport;
  const failed = report.tests.find((t) => t.requirement === 'DT-01' && t.outcome === 'fail');
  assert.ok(failed, 'DT-01 has a failed test');
  const md = readFileSync(join(bad, 'report.md'), 'utf8');
  assert.match(md, /### DT-01 .* — fail \(required\)/);
  assert.ok(md.includes(failed.title), 'the failed test is named');
  assert.match(md, /request: `DELETE http:\/\/127\.0\.0\.1:\d+\/v2\/[^`]*\/tags\/[^`]* \[owner\] -> 200`/);
});

test('the HTML report opens in headless Chromium with a test\'s exchanges and no secret', async () => {
  assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing: apt-get install chromium (.ci/run does)`);
  const shot = join(tmpdir(), 'ims-e2e-html-report.png');
  const text = await showExchanges(join(good, 'html', 'index.html'), 'deleting an existing tag answers 204', shot);
  assert.match(text, /\[under-test\] DELETE http:\/\/127\.0\.0\.1:\d+\/v2\/\S+\/tags\/\S+ \[owner\] -> 204/);
  assert.match(text, /X-Auth-Token: \[REDACTED\]/);
  for (const s of secrets) assert.ok(!text.includes(s), 'the page shows a secret');
  assert.ok(statSync(shot).size > 10_000, 'a screenshot was taken');
});

test('two shards merged with merge-reports decide every requirement as one run', async () => {
  const shard = (n: number) => playwright(['test', `--shard=${n}/2`], suiteEnv({ IMS_RESULTS_DIR: join(work, `shard${n}`) }));
  const shards = await Promise.all([shard(1), shard(2)]);
  const merged = join(work, 'merged');
  mkdirSync(join(merged, 'blob'), { recursive: true });
  // As CI does: each shard uploads its blob folder (zip and run record), the merge job downloads them into one.
  for (const n of [1, 2]) cpSync(join(work, `shard${n}`, 'blob'), join(merged, 'blob'), { recursive: true });
  const merge = await playwright(['merge-reports', '--config', 'playwright.merge.config.ts', join(merged, 'blob')], suiteEnv({ IMS_RESULTS_DIR: merged }));
  const detail = [...shards, merge].map((r) => r.out.slice(-800)).join('\n---\n');
  assert.ok(existsSync(join(merged, 'report.json')), detail);
  const one = JSON.parse(readFileSync(join(good, 'report.json'), 'utf8')) as ConformanceReport;
  const two = JSON.parse(readFileSync(join(merged, 'report.json'), 'utf8')) as ConformanceReport;
  assert.equal(two.run.shards?.length, 2);
  assert.equal(two.tests.length, one.tests.length);
  assert.deepEqual(outcomes(two), outcomes(one));
  assert.equal(two.verdict, one.verdict);
  assert.ok(existsSync(join(merged, 'junit.xml')) && existsSync(join(merged, 'html', 'index.html')));
});
