// The write probe against a simulated Glance: its tag writes are glance/api/v2/image_tags.py (read the image's tags,
// change the set, save) over glance/db/sqlalchemy/api.py's image_tag_set_all (read the live rows again, insert every
// tag of the new set not among them, delete by value every row not in it; the delete's .one() fails on two rows), with
// a random pause at each step. The probe must find the lost writes, never store a key twice, and leave nothing.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'node:test';
import type { ApiClient } from '../harness/http/client.js';
import type { Exchange } from '../harness/http/exchanges.js';
import { probeImages, probeWrites, ROUNDS } from '../harness/run/write-probe.js';

/** A tiny seeded generator (mulberry32): every schedule is reproducible from its seed. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class SimulatedGlance {
  /** The image_tags rows of the one image: a value may appear twice (the harm the probe must never cause). */
  rows: string[] = [];
  maxRowsOfOneValue = 0;
  writes = 0;
  inFlight = 0;
  maxInFlight = 0;
  constructor(private readonly random: () => number) {}
  /** A few turns of the event loop (no wall time): the other write may run in between. */
  private pause = async () => {
    for (let n = Math.floor(this.random() * 4); n > 0; n--) await new Promise<void>((r) => setImmediate(r));
  };
  private live = () => [...new Set(this.rows)];

  private async save(change: (tags: Set<string>) => boolean): Promise<number> {
    this.writes++;
    this.maxInFlight = Math.max(this.maxInFlight, ++this.inFlight);
    try {
      await this.pause();
      const tags = new Set(this.live()); // image_repo.get: the image with its tags
      if (!change(tags)) return 404;
      await this.pause();
      const existing = this.live(); // image_tag_set_all reads the rows again
      for (const t of tags) {
        if (existing.includes(t)) continue;
        await this.pause();
        this.rows.push(t);
        this.maxRowsOfOneValue = Math.max(this.maxRowsOfOneValue, this.rows.filter((r) => r === t).length);
      }
      for (const t of existing) {
        if (tags.has(t)) continue;
        await this.pause();
        const at = this.rows.flatMap((r, i) => (r === t ? [i] : []));
        if (at.length > 1) return 500; // MultipleResultsFound
        if (at.length === 1) this.rows.splice(at[0]!, 1);
      }
      return 204;
    } finally {
      this.inFlight--;
    }
  }

  client(): ApiClient {
    const ex = (method: string, status: number): Exchange =>
      ({ seq: 0, operationId: 'x', role: 'preflight', persona: 'owner', transport: 'api', method, url: 'u', requestHeaders: {}, status, attempt: 1, startedAt: 0, durationMs: 1 }) as Exchange;
    const fake = {
      addTag: async (key: string) => ex('PUT', await this.save((t) => (t.add(key), true))),
      cleanupDelete: async (key: string) => ex('DELETE', await this.save((t) => t.delete(key))),
      list: async () => {
        await this.pause();
        return { tags: new Map(this.live().map((k) => [k, null] as [string, null])), exchange: ex('GET', 200) };
      },
    };
    // Only the three calls the probe makes: a structural stand-in for the HTTP client.
    return fake as unknown as ApiClient;
  }
}

const ledgerDir = () => mkdtempSync(join(tmpdir(), 'write-probe-'));

test('the write probe finds lost writes on a read-modify-write target and never stores a key twice', async () => {
  const dir = ledgerDir();
  let found = 0;
  try {
    for (let seed = 1; seed <= 150; seed++) {
      const glance = new SimulatedGlance(rng(seed));
      const record = await probeWrites(glance.client(), 'img', 10, { resultsDir: dir, runId: `r${seed}` });
      assert.equal(glance.maxRowsOfOneValue <= 1, true, `seed ${seed}: a key was stored twice`);
      assert.equal(glance.maxInFlight <= 2, true, `seed ${seed}: ${glance.maxInFlight} writes overlapped`);
      assert.deepEqual(record.left, [], `seed ${seed}: the probe left ${record.left.join(', ')}`);
      assert.deepEqual(glance.rows, [], `seed ${seed}: rows left`);
      assert.equal(record.skip, undefined);
      if (record.lost.length) found++;
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  // Most schedules overlap the two writes of a pair at some point in eight rounds (all 150 here).
  assert.ok(found >= 120, `the probe found lost writes in ${found} of 150 schedules`);
});

test('two images are probed at once, the rounds shared out: as many losses found, never more than two writes on one image', async () => {
  const dir = ledgerDir();
  let found = 0;
  let stoppedEarly = 0;
  try {
    for (let seed = 1; seed <= 150; seed++) {
      const random = rng(seed);
      const sims = { a: new SimulatedGlance(random), b: new SimulatedGlance(random) };
      const clients = { a: sims.a.client(), b: sims.b.client() };
      type Call = (key: string, value: string, opts: { image: 'a' | 'b' }) => Promise<unknown>;
      const route = (name: 'addTag' | 'cleanupDelete' | 'list') => (...args: unknown[]) => {
        const opts = (name === 'addTag' ? args[2] : args[name === 'list' ? 0 : 1]) as { image: 'a' | 'b' };
        return (clients[opts.image][name] as unknown as Call)(...(args as [string, string, { image: 'a' | 'b' }]));
      };
      const both = { addTag: route('addTag'), cleanupDelete: route('cleanupDelete'), list: route('list') } as unknown as ApiClient;
      const records = await probeImages(both, ['a', 'b'], { a: 10, b: 10 }, { resultsDir: dir, runId: `r${seed}` });
      assert.deepEqual(records.map((r) => r.image), ['a', 'b']);
      for (const sim of Object.values(sims)) {
        assert.equal(sim.maxRowsOfOneValue <= 1, true, `seed ${seed}: a key was stored twice`);
        assert.equal(sim.maxInFlight <= 2, true, `seed ${seed}: ${sim.maxInFlight} writes overlapped on one image`);
        assert.deepEqual(sim.rows, [], `seed ${seed}: rows left`);
      }
      assert.ok(records.every((r) => r.rounds <= ROUNDS / 2), 'the rounds are shared out');
      if (records.some((r) => r.lost.length)) found++;
      if (records.some((r) => r.lost.length) && records.some((r) => !r.lost.length && r.rounds < ROUNDS / 2)) stoppedEarly++;
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  assert.ok(found >= 120, `the probe found lost writes in ${found} of 150 schedules`);
  assert.ok(stoppedEarly > 0, 'a loss on one image stops the rounds on the other');
});

test('the simulated Glance does store a key twice under three overlapping writes (the harm the probe avoids)', async () => {
  let twice = 0;
  for (let seed = 1; seed <= 100; seed++) {
    const glance = new SimulatedGlance(rng(seed));
    const c = glance.client();
    await Promise.all(['a', 'b'].map((k) => c.addTag(k, '')));
    await Promise.all([c.cleanupDelete('a'), c.addTag('c', ''), c.addTag('d', '')]);
    if (glance.maxRowsOfOneValue > 1) twice++;
  }
  assert.ok(twice > 0, 'the simulation can show the harm, so the first test can fail');
});

test('with IMS_SERIAL_WRITES=1 the probe sends nothing and says why, typed', async () => {
  const glance = new SimulatedGlance(rng(1));
  const record = await probeWrites(glance.client(), 'img', 10, { resultsDir: '/nonexistent', runId: 'r' }, { serialWritesRequested: true });
  assert.equal(glance.writes, 0);
  assert.equal(record.skip, 'serial-writes-requested');
  assert.equal(record.rounds, 0);
});

test('too few free slots: the probe sends nothing', async () => {
  const glance = new SimulatedGlance(rng(1));
  const record = await probeWrites(glance.client(), 'img', 2, { resultsDir: '/nonexistent', runId: 'r' });
  assert.equal(glance.writes, 0);
  assert.equal(record.skip, 'too-few-slots');
});

test('images probed at once write keys of their own, and a refused write stops every image: a target that remembers deleted keys across images keeps nothing', async () => {
  const dir = ledgerDir();
  const tags = { a: new Set<string>(), b: new Set<string>() };
  const tombstones = new Set<string>(); // deleting a key once answers 404 for it on every image afterwards
  const written = { a: new Set<string>(), b: new Set<string>() };
  const ex = (status: number): Exchange => ({ seq: 0, operationId: 'x', role: 'preflight', persona: 'owner', transport: 'api', method: 'X', url: 'u', requestHeaders: {}, status, attempt: 1, startedAt: 0, durationMs: 1 }) as Exchange;
  const fake = {
    addTag: async (key: string, _v: string, o: { image: 'a' | 'b' }) => (tags[o.image].add(key), written[o.image].add(key), ex(204)),
    cleanupDelete: async (key: string, o: { image: 'a' | 'b' }) => {
      if (tombstones.has(key) || !tags[o.image].has(key)) return ex(404);
      tombstones.add(key);
      tags[o.image].delete(key);
      return ex(204);
    },
    list: async (o: { image: 'a' | 'b' }) => ({ tags: new Map([...tags[o.image]].map((k) => [k, null] as [string, null])), exchange: ex(200) }),
  };
  try {
    const records = await probeImages(fake as unknown as ApiClient, ['a', 'b'], { a: 10, b: 10 }, { resultsDir: dir, runId: 'rt' });
    assert.deepEqual([...written.a].filter((k) => written.b.has(k)), [], 'no key written on both images');
    assert.deepEqual(records.map((r) => r.left), [[], []], 'nothing left');
    assert.deepEqual(records.map((r) => r.lost), [[], []]);

    // Now a target that refuses every delete: the first refusal ends the probe on both images.
    tombstones.clear();
    const refusing = { ...fake, cleanupDelete: async () => ex(404) };
    const again = await probeImages(refusing as unknown as ApiClient, ['a', 'b'], { a: 10, b: 10 }, { resultsDir: dir, runId: 'rr' });
    assert.deepEqual(again.map((r) => r.rounds), [1, 1], 'no round after the refusal');
    assert.ok(again.every((r) => r.skip === 'incomplete'), 'the probe says it could not complete');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a target whose deletes answer 204 and never take effect is no lost-writes finding: a delete sent alone shows the same', async () => {
  const dir = ledgerDir();
  const tags = new Set<string>();
  const ex = (status: number): Exchange => ({ seq: 0, operationId: 'x', role: 'preflight', persona: 'owner', transport: 'api', method: 'X', url: 'u', requestHeaders: {}, status, attempt: 1, startedAt: 0, durationMs: 1 }) as Exchange;
  const fake = {
    addTag: async (key: string) => (tags.add(key), ex(204)),
    cleanupDelete: async () => ex(204), // answers 204, deletes nothing
    list: async () => ({ tags: new Map([...tags].map((k) => [k, null] as [string, null])), exchange: ex(200) }),
  };
  try {
    const record = await probeWrites(fake as unknown as ApiClient, 'img', 10, { resultsDir: dir, runId: 'rn' });
    assert.deepEqual(record.lost, []);
    assert.equal(record.skip, 'incomplete');
    assert.match(record.skipped ?? '', /sent alone answered 2xx/);
    assert.ok(record.left.length > 0, 'and the keys it could not remove are named');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
