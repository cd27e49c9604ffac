// End to end: an unusable target or configuration stops the run before any test with ONE line on the console
// (no stack, no table of requirements), exit code 2, within 10 s, and no test ran (no report, no ledger).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { startReference, type ReferenceProcess } from '../scripts/lib/reference-process.js';
import { EMBEDDED_SEED } from '../harness/run/embedded-target.js';
import { authVars, runSuite, targetVars, tempDir, type Finished } from './lib/e2e.js';

const seed = EMBEDDED_SEED;
let ref: ReferenceProcess;
let skewed: ReferenceProcess;
let silent: Server; // accepts connections and never answers: the connection-timeout case
let silentUrl = '';
const held: Socket[] = [];
const dirs: string[] = [];
const results = new Map<string, { run: Finished; dir: string }>();

interface Case {
  name: string;
  vars: () => Record<string, string>;
  /** What the single line must say. */
  line: RegExp;
}

const CASES: Case[] = [
  { name: 'unreachable endpoint', vars: () => ({ IMS_ENDPOINT: 'http://127.0.0.1:9' }), line: /endpoint IMS_ENDPOINT=http:\/\/127\.0\.0\.1:9 is unreachable/ },
  { name: 'endpoint that never answers', vars: () => ({ IMS_ENDPOINT: silentUrl, IMS_TIMEOUT_MS: '60000' }), line: /endpoint IMS_ENDPOINT=.* is unreachable: .*Timeout/i },
  { name: 'wrong token', vars: () => ({ IMS_AUTH_TOKEN: 'not-the-owner-token' }), line: /owner's credentials were refused \(401\): check IMS_AUTH_TOKEN/ },
  {
    name: 'wrong secret key',
    vars: () => ({ IMS_AUTH_TOKEN: '', IMS_ACCESS_KEY: seed.accessKeys.owner.ak, IMS_SECRET_KEY: 'not-the-secret-key' }),
    line: /owner's credentials were refused \(401\): check IMS_ACCESS_KEY\/IMS_SECRET_KEY/,
  },
  { name: 'unknown image', vars: () => ({ IMS_IMAGE_ID: '00000000-0000-4000-8000-000000000000' }), line: /image IMS_IMAGE_ID=00000000-0000-4000-8000-000000000000 was not found/ },
  { name: 'skewed clock', vars: () => ({ IMS_ENDPOINT: skewed.url }), line: /clock differs from the target's Date header by -?(899|90[01]) s/ },
  {
    name: 'wrong IAM password',
    vars: () => ({ IMS_AUTH_TOKEN: '', ...authVars(seed, ref.url, 'owner', 'iam'), IMS_IAM_PASSWORD: 'wrong-password' }),
    line: /owner persona's IAM login failed: IAM login of user embedded-owner was refused \(401\): check IMS_IAM_USERNAME\/IMS_IAM_PASSWORD\/IMS_IAM_DOMAIN/,
  },
  {
    name: 'unreachable IAM endpoint',
    vars: () => ({ IMS_AUTH_TOKEN: '', ...authVars(seed, 'http://127.0.0.1:9', 'owner', 'iam') }),
    line: /IMS_IAM_ENDPOINT: the IAM endpoint http:\/\/127\.0\.0\.1:9 is unreachable/,
  },
  {
    name: 'forbidden persona cannot log in',
    vars: () => ({ ...authVars(seed, ref.url, 'forbidden', 'iam'), IMS_FORBIDDEN_IAM_PASSWORD: 'wrong-password' }),
    line: /forbidden persona's IAM login failed: .*check IMS_FORBIDDEN_IAM_USERNAME\/IMS_FORBIDDEN_IAM_PASSWORD\/IMS_FORBIDDEN_IAM_DOMAIN/,
  },
  { name: 'forbidden persona token refused', vars: () => ({ IMS_FORBIDDEN_AUTH_TOKEN: 'not-a-valid-token' }), line: /forbidden persona's credentials were refused \(401\): check IMS_FORBIDDEN_AUTH_TOKEN/ },
];

before(async () => {
  ref = await startReference([], seed);
  skewed = await startReference(['--clock-offset-s', '900'], seed);
  silent = createServer((socket) => {
    held.push(socket); // never answered; destroyed at the end
  }).listen(0, '127.0.0.1');
  await new Promise((r) => silent.once('listening', r));
  silentUrl = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
  setTimeout(() => {
    for (const s of held) s.destroy();
    silent.close();
  }, 120_000).unref(); // stops by itself whatever happens to the test
  // A few at a time: each run is a Playwright start, and the 10 s bound is about the suite, not a crowded machine.
  const queue = [...CASES];
  const worker = async () => {
    for (let c = queue.shift(); c; c = queue.shift()) {
      const dir = tempDir('preflight');
      dirs.push(dir);
      const vars = { ...targetVars(seed, ref.url, dir), IMS_OTHER_IMAGE_ID: '', ...authVars(seed, ref.url, 'owner', 'token'), ...c.vars() };
      results.set(c.name, { run: await runSuite(Object.fromEntries(Object.entries(vars).filter(([, v]) => v !== ''))), dir });
    }
  };
  await Promise.all([worker(), worker(), worker()]);
});

after(async () => {
  for (const s of held) s.destroy();
  silent.close();
  await Promise.all([ref.stop(), skewed.stop()]);
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

for (const c of CASES) {
  test(`preflight: ${c.name} -> one line, exit 2, within 10 s, no test ran`, () => {
    const { run, dir } = results.get(c.name)!;
    const lines = (run.stdout + run.stderr).split('\n').filter((l) => l.trim());
    assert.equal(run.code, 2, lines.join('\n'));
    assert.equal(lines.length, 1, `expected one line, got:\n${lines.join('\n')}`);
    assert.match(lines[0]!, /^ims-conformance: preflight failed: /);
    assert.match(lines[0]!, c.line);
    assert.ok(run.ms < 10_000, `took ${run.ms} ms`);
    assert.ok(!existsSync(`${dir}/report.json`), 'no report: no test ran');
    assert.ok(!existsSync(`${dir}/ledger`), 'no ledger: nothing was created');
  });
}
