// certify -> verify end to end: a signed conformant bundle verifies with its key (0), with another key or after any
// edited byte of any file or of the envelope it does not (2); a bundle from a broken target verifies as
// non-conformant (1) and its report.md names the requirement, the test, the request and a curl line repeating it;
// every report.json matches the committed schema; two merged shards decide as one run. (The HTML report's browser
// check is in unit/browser/, run by npm run test:browser.)
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, cpSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startReference, suiteEnv, type ReferenceProcess } from '../../scripts/lib/reference-process.js';
import { EMBEDDED_SEED } from '../../harness/run/embedded-target.js';
import { verify } from '../../scripts/verify.js';
import { listFiles, ATTESTATION, writeManifest } from '../../scripts/lib/bundle.js';
import { keygen } from '../../scripts/keygen.js';
import { bundleStatement, IN_TOTO_PAYLOAD_TYPE, loadPrivateKey, signEnvelope } from '../../scripts/lib/attestation.js';
import { reportSchemaProblems } from '../../reporter/report-schema.js';
import type { ConformanceReport } from '../../reporter/report-types.js';
import { playwright, runScript, type Ran } from './helpers.js';

const work = mkdtempSync(join(tmpdir(), 'ims-e2e-certify-'));
const good = join(work, 'good-bundle');
const bad = join(work, 'broken-bundle');
let goodRun: Ran;
let badRun: Ran;
let broken: ReferenceProcess | undefined;
const secrets = [...Object.values(EMBEDDED_SEED.tokens), EMBEDDED_SEED.accessKeys.owner.sk, EMBEDDED_SEED.iamUsers.owner.password];
const outcomes = (r: ConformanceReport) => r.requirements.map((q) => ({ id: q.id, outcome: q.outcome, tests: [...q.tests].sort() }));

const key = join(work, 'signer');
const otherKey = join(work, 'other');
const BROKEN_IDENTITY = ['--vendor', 'Acme Cloud', '--product', "Acme Images 'classic'", '--product-version', '9.1'];

before(async () => {
  for (const k of [key, otherKey]) assert.equal(keygen(['--out', k]).exitCode, 0);
  goodRun = await runScript('scripts/certify.ts', ['--out', good, '--sign-key', `${key}.pem`], suiteEnv({ IMS_RESULTS_DIR: join(work, 'good') }));
  broken = await startReference(['--mutant', 'delete-200-json']);
  badRun = await runScript('scripts/certify.ts', ['--out', bad, ...BROKEN_IDENTITY], suiteEnv({ ...broken.env, IMS_RESULTS_DIR: join(work, 'broken') }));
});
const trusted = { trustKeys: [`${key}.pub.pem`] };
after(async () => {
  await broken?.stop();
  rmSync(work, { recursive: true, force: true });
});

test('certify against the embedded target writes a signed bundle that verify accepts with its key (exit 0), saying it is the reference target first', async () => {
  assert.equal(goodRun.code, 0, goodRun.out.slice(-1500));
  assert.deepEqual(readdirSync(good).sort(), [ATTESTATION, 'config.json', 'html', 'junit.xml', 'manifest.json', 'report.json', 'report.md', 'spec']);
  const cli = await runScript('scripts/verify.ts', [good, '--trust-key', `${key}.pub.pem`, '--require-signature'], process.env);
  assert.equal(cli.code, 0, cli.out);
  const lines = cli.out.trim().split('\n');
  assert.match(lines[0]!, /^verify: REFERENCE TARGET: /);
  assert.match(cli.out, /signature verified: signed by the trusted key sha256:[0-9a-f]{64}/);
  assert.match(cli.out, /verdict: CONFORMANT/);
  const config = JSON.parse(readFileSync(join(good, 'config.json'), 'utf8')) as { referenceTarget: boolean; certify: { workers: number }; runtime: { node: string; playwright: string }; suite: { specSha256: string } };
  assert.equal(config.referenceTarget, true);
  assert.equal(config.certify.workers, 2, 'a fixed worker count, whatever the machine');
  assert.equal(config.runtime.node, process.version);
  assert.match(config.runtime.playwright, /^\d+\.\d+\.\d+$/);
  assert.match(config.suite.specSha256, /^[0-9a-f]{64}$/);
});

test('verify with another key, or requiring a signature of an unsigned bundle, exits 2', async () => {
  const other = await runScript('scripts/verify.ts', [good, '--trust-key', `${otherKey}.pub.pem`], process.env);
  assert.equal(other.code, 2, other.out);
  assert.match(other.out, /not signed by a trusted key/);
  const unsigned = verify(bad, { requireSignature: true });
  assert.equal(unsigned.exitCode, 2, unsigned.lines.join('\n'));
  assert.match(unsigned.lines.join('\n'), /unsigned/);
  const asToday = verify(bad);
  assert.equal(asToday.exitCode, 1);
  assert.ok(asToday.lines.some((l) => /verify: unsigned/.test(l)), asToday.lines.join('\n'));
  assert.equal(verify(good, { trustKeys: [`${key}.pem`] }).exitCode, 2, 'a private key is refused as the trusted key');
});

test('editing one byte of any file of a signed bundle, the manifest and the envelope included, makes verify exit 2', () => {
  const copy = join(work, 'tampered');
  const files = listFiles(good);
  assert.ok(files.includes(ATTESTATION) && files.includes('manifest.json'));
  for (const file of files) {
    rmSync(copy, { recursive: true, force: true });
    cpSync(good, copy, { recursive: true });
    const bytes = readFileSync(join(copy, file));
    const at = Math.floor(bytes.length / 2);
    bytes[at] = bytes[at] === 0x20 ? 0x21 : 0x20;
    writeFileSync(join(copy, file), bytes);
    const result = verify(copy, trusted);
    assert.equal(result.exitCode, 2, `${file}: ${result.lines.join(' ')}`);
  }
  rmSync(copy, { recursive: true, force: true });
});

test('each part of the envelope tampered, a rewritten manifest, or a bundle re-signed by another key: exit 2', () => {
  const copy = join(work, 'envelope');
  const envelope = JSON.parse(readFileSync(join(good, ATTESTATION), 'utf8')) as { payload: string; payloadType: string; signatures: { keyid: string; sig: string }[] };
  const statement = JSON.parse(Buffer.from(envelope.payload, 'base64').toString('utf8')) as { subject: { name: string; digest: { sha256: string } }[] };
  assert.ok(statement.subject.some((s) => s.name === 'report.json') && statement.subject.some((s) => s.name === 'manifest.json'));
  const sig = Buffer.from(envelope.signatures[0]!.sig, 'base64');
  sig[0]! ^= 1;
  const cases: Record<string, (dir: string) => void> = {
    payload: (d) => writeEnvelope(d, { ...envelope, payload: Buffer.from(JSON.stringify({ ...statement, subject: statement.subject.slice(1) })).toString('base64') }),
    signature: (d) => writeEnvelope(d, { ...envelope, signatures: [{ ...envelope.signatures[0]!, sig: sig.toString('base64') }] }),
    keyid: (d) => writeEnvelope(d, { ...envelope, signatures: [{ ...envelope.signatures[0]!, keyid: `sha256:${'1'.repeat(64)}` }] }),
    payloadType: (d) => writeEnvelope(d, { ...envelope, payloadType: 'application/vnd.in-toto+json; v=2' }),
    'envelope removed': (d) => rmSync(join(d, ATTESTATION)),
    'report edited and the manifest rewritten to match': (d) => {
      const report = readFileSync(join(d, 'report.md'), 'utf8');
      writeFileSync(join(d, 'report.md'), report.replace('CONFORMANT', 'C0NFORMANT'));
      rmSync(join(d, 'manifest.json'));
      writeManifest(d);
    },
    're-signed by another key after an edit': (d) => {
      writeFileSync(join(d, 'report.md'), readFileSync(join(d, 'report.md'), 'utf8').replace('CONFORMANT', 'C0NFORMANT'));
      rmSync(join(d, ATTESTATION));
      rmSync(join(d, 'manifest.json'));
      writeManifest(d);
      const st = bundleStatement(d, { verdict: 'CONFORMANT' });
      writeEnvelope(d, signEnvelope(Buffer.from(JSON.stringify(st)), IN_TOTO_PAYLOAD_TYPE, loadPrivateKey(`${otherKey}.pem`)));
    },
  };
  for (const [part, tamper] of Object.entries(cases)) {
    rmSync(copy, { recursive: true, force: true });
    cpSync(good, copy, { recursive: true });
    tamper(copy);
    const result = part === 'envelope removed' ? verify(copy, { ...trusted, requireSignature: true }) : verify(copy, trusted);
    assert.equal(result.exitCode, 2, `${part}: ${result.lines.join(' ')}`);
  }
  rmSync(copy, { recursive: true, force: true });
});

function writeEnvelope(dir: string, envelope: unknown) {
  writeFileSync(join(dir, ATTESTATION), `${JSON.stringify(envelope, null, 2)}\n`);
}

test('certify refuses a remote target without its identity, and a vendor identity for the embedded target (exit 2)', async () => {
  const remote = await runScript('scripts/certify.ts', ['--out', join(work, 'unnamed')], suiteEnv({ ...broken!.env, IMS_RESULTS_DIR: join(work, 'unnamed-results') }));
  assert.equal(remote.code, 2, remote.out);
  assert.match(remote.out, /certify needs the target's identity: --vendor \(IMS_VENDOR\) is required/);
  const embedded = await runScript('scripts/certify.ts', ['--out', join(work, 'named'), '--vendor', 'Acme'], suiteEnv({ IMS_RESULTS_DIR: join(work, 'named-results') }));
  assert.equal(embedded.code, 2, embedded.out);
  assert.match(embedded.out, /embedded reference target has a fixed identity/);
  assert.ok(!existsSync(join(work, 'unnamed')) && !existsSync(join(work, 'named')), 'no bundle written');
});

test('report.json of every run validates against the committed schema and records identity and runtime', () => {
  for (const dir of [good, bad]) {
    const report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as ConformanceReport;
    assert.deepEqual(reportSchemaProblems(report), [], dir);
    assert.equal(report.runtime.node, process.version);
    assert.equal(report.run.workers, 2);
  }
  const goodReport = JSON.parse(readFileSync(join(good, 'report.json'), 'utf8')) as ConformanceReport;
  assert.deepEqual(goodReport.product, { vendor: 'ims-conformance', product: 'embedded reference target', version: goodReport.suite.version, reference: true });
  const badReport = JSON.parse(readFileSync(join(bad, 'report.json'), 'utf8')) as ConformanceReport;
  assert.deepEqual(badReport.product, { vendor: 'Acme Cloud', product: "Acme Images 'classic'", version: '9.1', reference: false });
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

test('no secret is written to the bundle, nor the signing key', () => {
  const privateKey = readFileSync(`${key}.pem`, 'utf8').split('\n').filter((l) => l && !l.startsWith('-----')).join('');
  for (const dir of [good, bad]) {
    // html/index.html carries its data compressed; its rendered text is checked in the browser test.
    for (const file of listFiles(dir).filter((f) => f !== 'html/index.html')) {
      const text = readFileSync(join(dir, file), 'utf8');
      for (const s of secrets) assert.ok(!text.includes(s), `${file} contains a secret`);
      assert.ok(!text.includes(privateKey) && !text.includes('PRIVATE KEY'), `${file} contains the signing key`);
    }
  }
});

test('a bundle from a broken target verifies with exit 1 and report.md shows the failed requirement, test, request and a curl line', async () => {
  assert.equal(badRun.code, 1, badRun.out.slice(-1500));
  const cli = await runScript('scripts/verify.ts', [bad], process.env);
  assert.equal(cli.code, 1, cli.out);
  assert.match(cli.out, /verdict: NON-CONFORMANT/);
  assert.doesNotMatch(cli.out, /REFERENCE TARGET/);
  assert.match(cli.out, /target Acme Cloud Acme Images 'classic' 9\.1 at http:\/\/127\.0\.0\.1:\d+/);
  const report = JSON.parse(readFileSync(join(bad, 'report.json'), 'utf8')) as ConformanceReport;
  const failed = report.tests.find((t) => t.requirement === 'DT-01' && t.outcome === 'fail');
  assert.ok(failed, 'DT-01 has a failed test');
  const md = readFileSync(join(bad, 'report.md'), 'utf8');
  assert.match(md, /### DT-01 .* — fail \(required\)/);
  assert.ok(md.includes(failed.title), 'the failed test is named');
  assert.match(md, /request: `DELETE http:\/\/127\.0\.0\.1:\d+\/v2\/[^`]*\/tags\/[^`]* \[owner\] -> 200( with \d+ body bytes [^`]*)?`/); // the one exchange line: status, then any body
  // The reproduction line repeats that request with the token as a shell variable.
  assert.ok(failed.reproduce?.length, 'the failed test carries curl lines in report.json');
  assert.match(md, /^ {4}curl -sS -i -g --path-as-is -X 'DELETE' .*-H "X-Auth-Token: \$IMS_AUTH_TOKEN" .*'http:\/\/127\.0\.0\.1:\d+\/v2\/[^']+\/tags\/[^']+'$/m);
  // Every failed check carries one: each failed test and each failed run-scope requirement.
  for (const t of report.tests.filter((x) => x.outcome === 'fail')) assert.ok(t.reproduce?.length, `${t.title} has no curl line`);
  for (const q of report.requirements.filter((x) => x.outcome === 'fail' && !x.tests.length)) assert.ok(q.reproduce?.length, `${q.id} has no curl line`);
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
  assert.deepEqual(reportSchemaProblems(two), []);
  assert.ok(existsSync(join(merged, 'junit.xml')) && existsSync(join(merged, 'html', 'index.html')));
});
