import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

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
  assert.match(cli('--help').stdout, /run .*\n.*certify .*\n.*verify .*\n.*sweep .*\n.*reference /);
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
