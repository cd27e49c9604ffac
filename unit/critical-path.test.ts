import { test } from 'node:test';
import assert from 'node:assert/strict';
import { longestChain } from '../scripts/lib/critical-path.js';

test('concurrent requests count once, sequential ones add up', () => {
  assert.equal(longestChain([]), 0);
  assert.equal(longestChain([{ startedAt: 0, durationMs: 10 }]), 1);
  // add, then 5 concurrent deletes, then a list
  const chain = [{ startedAt: 0, durationMs: 10 }, ...Array.from({ length: 5 }, () => ({ startedAt: 11, durationMs: 10 })), { startedAt: 25, durationMs: 5 }];
  assert.equal(longestChain(chain), 3);
  // order of the records does not matter
  assert.equal(longestChain([...chain].reverse()), 3);
});
