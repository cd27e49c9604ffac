// The command's manners, without running the suite: --help and --version on every command, one line and exit 2 for
// bad input (unknown options, filters on certify, a broken baseline, Playwright options that would lose the verdict).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const cli = (...args: string[]) => spawnSync(process.execPath, ['bin/ims-conformance.js', ...args], { encoding: 'utf8' });
const VERSION = (JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version;
const COMMANDS = ['run', 'certify', 'verify', 'keygen', 'matrix', 'merge', 'sweep', 'reference', 'selftest'];

test('--help and --version answer on the command and on every subcommand', () => {
  const help = cli('--help');
  assert.equal(help.status, 0);
  for (const c of COMMANDS) assert.match(help.stdout, new RegExp(`^  ${c} `, 'm'));
  assert.equal(cli('--version').stdout.trim(), VERSION);
  for (const c of COMMANDS) {
    const v = cli(c, '--version');
    assert.equal(v.status, 0, `${c} --version: ${v.stderr}`);
    assert.equal(v.stdout.trim(), VERSION);
    if (c === 'reference') continue; // its own --help, checked by its own tests
    const h = cli(c, '--help');
    assert.equal(h.status, 0, `${c} --help: ${h.stderr}`);
    assert.match(h.stdout, new RegExp(`^usage: ims-conformance ${c}`));
  }
});

test('bad input: one line on stderr and exit 2, before anything runs', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ims-cli-'));
  writeFileSync(join(dir, 'bad-baseline.txt'), 'DT-99 fail nope\n');
  const cases: [string[], RegExp][] = [
    [['nonsense'], /unknown command "nonsense"/],
    [[], /^usage: ims-conformance/],
    [['verify'], /verify takes one bundle folder/],
    [['verify', '/nonexistent-bundle'], /not a bundle folder/],
    [['certify', '--grep', 'x'], /Unknown option '--grep'/],
    [['certify', 'tests/authentication.spec.ts'], /Unexpected argument/],
    [['certify', '--', '--shard=1/2'], /certify takes no arguments after --/],
    [['run', '--only', 'DT-99'], /--only: DT-99 is not a requirement of the spec/],
    [['run', '--only', 'DT-05', '--', '--grep', 'x'], /--only and a Playwright --grep after -- cannot be combined/],
    [['run', '--', '--reporter=dot'], /--reporter=dot is refused after --/],
    [['run', '--', '--trace=on'], /--trace=on is refused after --/],
    [['run', '--baseline', join(dir, 'bad-baseline.txt')], /--baseline .*: line 1: DT-99 is not a requirement/],
    [['run', '--baseline', join(dir, 'missing.txt')], /--baseline .*missing\.txt/],
  ];
  for (const [args, message] of cases) {
    const r = cli(...args);
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.stdout}${r.stderr}`);
    assert.match(r.stderr, message, args.join(' '));
    if (args.length && args[0] !== 'nonsense') assert.equal(r.stderr.trim().split('\n').length, 1, `${args.join(' ')}: one line`);
  }
  // Node 20 reads --env-file even after the script name and stops on a missing file itself (exit 9, its own line).
  const missing = cli('run', '--env-file', join(dir, 'missing.env'));
  assert.notEqual(missing.status, 0);
  assert.match(missing.stderr, /missing\.env/);
  assert.equal(missing.stderr.trim().split('\n').length, 1);
});

test('configuration precedence: flags over the environment over the env file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ims-cli-'));
  const envFile = join(dir, 'target.env');
  // An unreachable endpoint makes the run stop at once with a message naming the endpoint it used.
  writeFileSync(envFile, 'IMS_ENDPOINT=http://127.0.0.1:9/from-file\nIMS_IMAGE_ID=i\nIMS_PROJECT_ID=p\nIMS_AUTH_TOKEN=t\n');
  const run = (args: string[], env: NodeJS.ProcessEnv) =>
    spawnSync(process.execPath, ['bin/ims-conformance.js', 'run', '--env-file', envFile, '--out', join(dir, 'results'), ...args], { encoding: 'utf8', env: { ...process.env, ...env } });
  const fromFile = run([], {});
  assert.equal(fromFile.status, 2);
  assert.match(fromFile.stderr, /IMS_ENDPOINT=http:\/\/127\.0\.0\.1:9 is unreachable|127\.0\.0\.1:9/);
  const fromEnv = run([], { IMS_ENDPOINT: 'http://127.0.0.2:9' });
  assert.match(fromEnv.stderr, /127\.0\.0\.2:9/);
  const fromFlag = run(['--endpoint', 'http://127.0.0.3:9'], { IMS_ENDPOINT: 'http://127.0.0.2:9' });
  assert.match(fromFlag.stderr, /127\.0\.0\.3:9/);
});

test('keygen writes a private key only its owner can read and a public key, prints neither, and never overwrites', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ims-keygen-'));
  try {
    const prefix = join(dir, 'k');
    const r = cli('keygen', '--out', prefix);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /key sha256:[0-9a-f]{64}/);
    assert.equal(statSync(`${prefix}.pem`).mode & 0o777, 0o600);
    assert.match(readFileSync(`${prefix}.pem`, 'utf8'), /^-----BEGIN PRIVATE KEY-----/);
    assert.match(readFileSync(`${prefix}.pub.pem`, 'utf8'), /^-----BEGIN PUBLIC KEY-----/);
    const body = readFileSync(`${prefix}.pem`, 'utf8').split('\n')[1]!;
    assert.ok(!r.stdout.includes(body) && !r.stderr.includes(body), 'the private key is printed');
    const again = cli('keygen', '--out', prefix);
    assert.equal(again.status, 2);
    assert.match(again.stderr, /exists/);
    assert.equal(cli('matrix').status, 2);
    assert.equal(cli('verify', dir, '--trust-key').status, 2);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
