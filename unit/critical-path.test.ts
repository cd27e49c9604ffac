import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inherentChain, longestChain } from '../scripts/lib/critical-path.js';

test('concurrent requests count once, sequential ones add up', () => {
  assert.equal(longestChain([]), 0);
  assert.equal(longestChain([{ startedAt: 0, durationMs: 10 }]), 1);
  // add, then 5 concurrent deletes, then a list
  const chain = [{ startedAt: 0, durationMs: 10 }, ...Array.from({ length: 5 }, () => ({ startedAt: 11, durationMs: 10 })), { startedAt: 25, durationMs: 5 }];
  assert.equal(longestChain(chain), 3);
  // order of the records does not matter
  assert.equal(longestChain([...chain].reverse()), 3);
});

test('the inherent chain is the test outside its units plus its longest unit, whatever ran side by side', () => {
  // two lanes, each running two cases of 2 requests one after another, after one set-up request
  const setup = { startedAt: 0, durationMs: 1 };
  const c = (unit: string, at: number) => [{ unit, startedAt: at, durationMs: 1 }, { unit, startedAt: at + 2, durationMs: 1 }];
  const run = [setup, ...c('case 1', 2), ...c('case 2', 2), ...c('case 3', 6), ...c('case 4', 6)];
  assert.equal(longestChain(run), 5);
  assert.equal(inherentChain(run), 3);
  assert.equal(inherentChain([setup, { startedAt: 2, durationMs: 1 }]), 2); // no units: the test's own chain
});
