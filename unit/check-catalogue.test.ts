import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { catalogueProblems } from '../scripts/check-catalogue.js';
import { requirements } from '../harness/spec.js';

test('the checker rejects a duplicated id, an unknown requirement and a requirement without a test', () => {
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/check-catalogue.ts', '--config', 'unit/fixtures/catalogue/playwright.config.ts'], { encoding: 'utf8' });
  assert.equal(run.status, 1, run.stderr);
  assert.match(run.stderr, /test id 11111111-2222-4333-8444-555555555555 is shared by .*first user of the id.* and .*second user of the id/);
  assert.match(run.stderr, /names unknown requirement DT-99/);
  assert.match(run.stderr, /requirement DT-05 .* has no test/);
  assert.doesNotMatch(run.stderr, /requirement DT-01 .* has no test/);
});

test('run-scope requirements need no test of their own; test-scope ones do', () => {
  const all = requirements.filter((r) => r.scope === 'test').map((r, i) => ({ title: r.id, location: `f:${i}`, requirement: r.id, id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}` }));
  assert.deepEqual(catalogueProblems(all), []);
  assert.ok(requirements.some((r) => r.scope === 'run'));
  const missing = catalogueProblems(all.slice(1));
  assert.equal(missing.length, 1);
  assert.match(missing[0]!, new RegExp(`requirement ${all[0]!.requirement} .* has no test`));
});

test('a missing or malformed id and a file that fails to load are problems', () => {
  assert.match(catalogueProblems([{ title: 't', location: 'f:1', requirement: 'DT-01' }]).join('\n'), /has no test-id annotation/);
  assert.match(catalogueProblems([{ title: 't', location: 'f:1', requirement: 'DT-01', id: 'abc' }]).join('\n'), /not a UUID/);
  assert.match(catalogueProblems([], ['Error: unknown requirement DT-42']).join('\n'), /could not be loaded: Error: unknown requirement DT-42/);
});
