import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const cli = (...args: string[]) => spawnSync(process.execPath, ['bin/ims-conformance.js', ...args], { encoding: 'utf8' });

test('certify refuses test filters and unknown options with exit 2 and one line, before running anything', () => {
  for (const args of [['--grep', 'x'], ['-g', 'x'], ['--project=ims'], ['--shard', '1/2'], ['tests/authentication.spec.ts'], ['--retries=2'], ['--workers', '1']]) {
    const r = cli('certify', ...args);
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.stdout}${r.stderr}`);
    assert.match(r.stderr, /^ims-conformance: certify runs the full catalogue with fixed settings; ".*" is refused/);
    assert.equal(r.stderr.trim().split('\n').length, 1);
  }
});

test('the command: --help exits 0, an unknown command or a missing bundle exits 2, sweep only when present', () => {
  assert.equal(cli('--help').status, 0);
  assert.match(cli('--help').stdout, /run .*\n.*certify .*\n(.*\n)*.*verify .*\n(.*\n)*.*keygen .*\n.*matrix .*\n(.*\n)*.*sweep .*\n.*reference /);
  assert.equal(cli('nonsense').status, 2);
  assert.equal(cli().status, 2);
  assert.equal(cli('verify').status, 2);
  assert.equal(cli('verify', '/nonexistent-bundle').status, 2);
  assert.equal(cli('certify', '--help').status, 0);
  if (!existsSync('scripts/sweep.ts')) {
    const r = cli('sweep');
    assert.equal(r.status, 2);
    assert.match(r.stderr, /sweep is not available/);
  }
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
