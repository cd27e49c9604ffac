import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inLanes, LaneStuck } from '../fixtures/lanes.js';
import type { Exchange } from '../harness/http/exchanges.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const stuckExchange = { status: 500 } as Exchange;

test('a lane whose cleanup is stuck stops; the others take its items; the rest is returned untried', async () => {
  const done: number[] = [];
  const untried = await inLanes([1, 2, 3, 4, 5, 6], ['a', 'b'], async (n, lane) => {
    await sleep(1);
    if (lane === 'a' && n === 1) throw new LaneStuck([{ key: 'k', image: 'a', exchange: stuckExchange }]);
    if (n === 4) return 'stop';
    done.push(n);
    return 'next';
  });
  assert.deepEqual(done.sort(), [2, 3]);
  assert.deepEqual(untried, [5, 6]);
});

test('when a case throws, no lane starts another and every lane is awaited before the error goes on', async () => {
  let running = 0;
  let after = 0;
  const started: number[] = [];
  const failing = inLanes([1, 2, 3, 4, 5, 6, 7, 8], ['a', 'b', 'c'], async (n) => {
    started.push(n);
    running++;
    try {
      if (n === 2) throw new Error('listing failed');
      await sleep(30); // the other lanes are mid-case when the error comes
      return 'next';
    } finally {
      running--;
    }
  });
  await assert.rejects(failing.then(() => after++), /listing failed/);
  assert.equal(running, 0, 'no lane is still mid-case when the error reaches the fixture');
  assert.deepEqual(started.sort(), [1, 2, 3], 'no lane took an item after the error');
  assert.equal(after, 0);
});

test('items of one group never run at the same time', async () => {
  const busy = new Set<string>();
  const order: string[] = [];
  const items = ['x1', 'x2', 'x3', 'y1', 'y2', 'z1'];
  await inLanes(items, ['a', 'b', 'c'], async (item) => {
    const group = item[0]!;
    assert.ok(!busy.has(group), `${item} started while its group ran`);
    busy.add(group);
    order.push(item);
    await sleep(5);
    busy.delete(group);
    return 'next';
  }, { groupOf: (item) => item[0]! });
  assert.deepEqual(order.sort(), [...items].sort(), 'every item ran');
});

test('an item that releases its group lets the next one of the group start while it finishes', async () => {
  const events: string[] = [];
  await inLanes(['x1', 'x2'], ['a', 'b'], async (item, _lane, release) => {
    events.push(`start ${item}`);
    await sleep(5);
    release();
    release(); // twice is once
    await sleep(20);
    events.push(`end ${item}`);
    return 'next';
  }, { groupOf: (item) => item[0]! });
  assert.deepEqual(events.slice(0, 2), ['start x1', 'start x2'], 'x2 started before x1 ended');
});
