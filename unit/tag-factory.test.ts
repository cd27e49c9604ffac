import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TagFactory } from '../harness/books/tag-factory.js';
import { BrokerClient, startBroker } from '../harness/run/broker.js';
import { ledgerFile, readLedger } from '../harness/books/ledger.js';
import type { ApiClient } from '../harness/http/client.js';
import type { Exchange } from '../harness/http/exchanges.js';

const exchange = (status: number): Exchange => ({
  id: 'w0-1', seq: 1, operationId: 'x', role: 'fixture', persona: 'owner', transport: 'api', method: 'POST', url: 'u', requestHeaders: {}, status, attempt: 1, startedAt: 0, durationMs: 0,
});

/** A stand-in for the API client that records what the factory asks of it. */
function fakeClient(resultsDir: string, runId: string, answer: (key: string) => number) {
  const calls: string[] = [];
  const client = {
    listsValues: true,
    listedValue: (value: string) => value,
    async addTag(key: string) {
      // The ledger line must exist before the add is sent: a kill right now must leave a record.
      const ledgered = readLedger(ledgerFile(resultsDir, runId)).some((e) => e.key === key);
      calls.push(`add ${key} ledgered=${ledgered}`);
      return exchange(answer(key));
    },
    async cleanupDelete(key: string) {
      calls.push(`cleanup ${key}`);
      return exchange(204);
    },
  };
  return { client: client as unknown as ApiClient, calls };
}

async function setup(slots: number, answer: (key: string) => number = () => 204) {
  const resultsDir = mkdtempSync(join(tmpdir(), 'tag-factory-'));
  const runId = 'tp000000';
  const broker = await startBroker({ slots: { img: slots } });
  const { client, calls } = fakeClient(resultsDir, runId, answer);
  const factory = new TagFactory(client, new BrokerClient(broker.url), { runId, workerIndex: 3, resultsDir, defaultImage: 'img' });
  return { factory, calls, broker, resultsDir, runId, client: new BrokerClient(broker.url) };
}

test('stems are unique, carry the run prefix and fit the strictest add rule', async () => {
  const { factory, broker } = await setup(2);
  const stems = Array.from({ length: 500 }, () => factory.stem());
  assert.equal(new Set(stems).size, 500);
  for (const s of stems) assert.match(s, /^ctk-tp000000-[0-9a-z]+x[0-9a-z]+_$/);
  // Prefix-free: no stem is a prefix of another (a prefix-matching fault on one test's key reaches no other test's).
  assert.ok(stems.every((a) => stems.every((b) => a === b || !b.startsWith(a))));
  assert.ok(stems.every((s) => /^[A-Za-z0-9_\-.:+@]{1,36}$/.test(s)));
  await broker.close();
});

test('every add is ledgered first; cleanup deletes only what is still live, then returns the slots', async () => {
  const { factory, calls, broker, client, resultsDir, runId } = await setup(3);
  assert.equal(await factory.reserve(3), 3);
  assert.equal((await factory.create('k1')).created, true);
  assert.equal((await factory.create('k2')).created, true);
  factory.deleted('k1'); // the test saw k1 go
  const problems = await factory.cleanup();
  assert.deepEqual(problems, []);
  assert.deepEqual(calls, ['add k1 ledgered=true', 'add k2 ledgered=true', 'cleanup k2']);
  assert.deepEqual(readLedger(ledgerFile(resultsDir, runId)).map((e) => e.key).filter(Boolean).slice(0, 2), ['k1', 'k2']);
  assert.equal(await client.acquire('img', 3), 3, 'all slots are back with the broker');
  await broker.close();
});

test('a test cannot hold more tags than it reserved; a refused add frees its slot', async () => {
  const { factory, broker } = await setup(2, (k) => (k === 'refused' ? 400 : 204));
  await factory.reserve(1);
  const refused = await factory.create('refused');
  assert.equal(refused.created, false);
  assert.equal((await factory.create('refused')).created, false);
  assert.equal((await factory.create('ok')).created, true); // the refused adds did not use up the only slot
  await assert.rejects(factory.create('one-too-many'), /more tags .* than it reserved/);
  await factory.cleanup();
  await broker.close();
});

test('adds side by side hold their slots before they are answered; one answered 5xx stays for cleanup', async () => {
  const { factory, calls, broker } = await setup(2, (k) => (k === 'maybe' ? 500 : 204));
  await factory.reserve(2);
  // Both adds are in flight at once: the second may not exceed the reservation because the first is not answered yet.
  const first = factory.create('a');
  const second = factory.create('b');
  await assert.rejects(factory.create('c'), /more tags .* than it reserved/);
  assert.deepEqual((await Promise.all([first, second])).map((r) => r.created), [true, true]);
  factory.deleted('a');
  assert.equal((await factory.create('maybe')).created, false);
  await assert.rejects(factory.create('d'), /more tags .* than it reserved/, 'an add answered 5xx may have taken effect: it keeps its slot');
  await factory.cleanup();
  assert.deepEqual(calls.filter((c) => c.startsWith('cleanup')).sort(), ['cleanup b', 'cleanup maybe']);
  await broker.close();
});

test('the broker shares an image\'s free slots across tests, first come first served', async () => {
  const broker = await startBroker({ slots: { img: 3 } });
  const a = new BrokerClient(broker.url);
  assert.equal(await a.acquire('img', 2), 2);
  const order: string[] = [];
  const big = a.acquire('img', 2).then((n) => order.push(`big ${n}`));
  const small = a.acquire('img', 1).then((n) => order.push(`small ${n}`));
  await new Promise((r) => setTimeout(r, 50));
  assert.deepEqual(order, [], 'only 1 slot free: the big request waits at the head, the small one does not jump it');
  await a.release('img', 2);
  await Promise.all([big, small]);
  assert.deepEqual(order, ['big 2', 'small 1']);
  await assert.rejects(a.acquire('img', 4), /needs 4 free tag slots/);
  await broker.close();
});

test('a whole ask waits for slots other tests hold, and takes fewer only when the image has fewer', async () => {
  const broker = await startBroker({ slots: { img: 5, small: 2 } });
  const c = new BrokerClient(broker.url);
  assert.equal(await c.acquire('img', 3), 3); // another test holds 3 of 5
  let got: number[] | undefined;
  const whole = c.acquireAll([{ image: 'img', want: 4, atLeast: 2, whole: true }]).then((g) => (got = g.map((x) => x.granted)));
  await new Promise((r) => setTimeout(r, 30));
  assert.equal(got, undefined, '2 free would do for atLeast, yet a whole ask waits for its 4');
  await c.release('img', 3);
  await whole;
  assert.deepEqual(got, [4]);
  // The image's capacity is 2: the ask is granted what the run can ever have there, at once.
  assert.deepEqual((await c.acquireAll([{ image: 'small', want: 4, atLeast: 2, whole: true }])).map((x) => x.granted), [2]);
  await broker.close();
});

test('the broker grants a test its slots on every image together, and a waiter on one image holds back no other image', async () => {
  const broker = await startBroker({ slots: { a: 2, b: 2 } });
  const c = new BrokerClient(broker.url);
  assert.equal(await c.acquire('a', 2), 2); // another test holds all of a
  const order: string[] = [];
  // Wants both images: it waits for a without taking any of b meanwhile (no test holds one image while it waits).
  const both = c.acquireAll([{ image: 'a', want: 1 }, { image: 'b', want: 2, atLeast: 1 }]).then((g) => order.push(`both ${g.map((x) => x.granted).join('+')}`));
  await new Promise((r) => setTimeout(r, 30));
  // A later ask for b alone is not held back by the waiter on a, and b is all there.
  assert.equal(await c.acquire('b', 2), 2);
  assert.deepEqual(order, [], 'the waiter took nothing while it waited');
  await c.release('b', 2);
  await c.release('a', 2);
  await both;
  assert.deepEqual(order, ['both 1+2']);
  await assert.rejects(c.acquireAll([{ image: 'a', want: 1 }, { image: 'a', want: 1 }]), /once per image/);
  await broker.close();
});
