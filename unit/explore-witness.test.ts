// The exploration's witness: a sequence's tags wiped by a request elsewhere in the run (another test's) while a
// delete that had to be refused was in flight are the wipe's doing (DT-04), never that refused delete's (DT-09).
// Without a witness on the image the judge cannot tell the two apart. An in-memory target, no network.
import test from 'node:test';
import assert from 'node:assert/strict';
import { Execution, type ExploreHost } from '../harness/explore/execution.js';
import { Budget } from '../harness/explore/budget.js';
import type { ApiClient } from '../harness/http/client.js';
import type { Exchange } from '../harness/http/exchanges.js';

const IMAGE = 'img';

/** A target whose image the test can wipe, as another test's faulty request would, while a forbidden delete is answered. */
function world(withWitness: boolean) {
  const tags = new Map<string, string>();
  let seq = 0;
  let wipeDuringNextRefusal = false;
  const ex = (method: string, status: number, url: string): Exchange =>
    ({ id: `w0-${++seq}`, seq, operationId: 'op', role: 'under-test', persona: 'owner', transport: 'api', method, url, requestHeaders: {}, status, attempt: 1, startedAt: 0, durationMs: 1 }) as Exchange;
  const owner = {
    deleteTag: async (key: string) => ex('DELETE', tags.delete(key) ? 204 : 404, `/tags/${key}`),
    list: async () => ({ tags: new Map<string, string | null>(tags), exchange: ex('GET', 200, '/tags') }),
    cleanupDelete: async (key: string) => ex('DELETE', tags.delete(key) ? 204 : 404, `/tags/${key}`),
  } as unknown as ApiClient; // only what the execution calls
  const forbidden = {
    deleteTag: async (key: string) => {
      if (wipeDuringNextRefusal) tags.clear(); // another test's delete with an empty key, on a faulty target
      wipeDuringNextRefusal = false;
      return ex('DELETE', 403, `/tags/${key}`);
    },
  } as unknown as ApiClient;
  let stems = 0;
  const host: ExploreHost = {
    owner, forbidden, mainImage: IMAGE, exclusive: false,
    stem: () => `ctk-tp000000-0x1q0s${stems++}`,
    baseline: () => ({}),
    isSuiteKey: () => false,
    slots: () => 2,
    ...(withWitness ? { witness: () => true } : {}),
    create: async (key, _image, value = `v-${key}`) => {
      tags.set(key, value);
      return { exchange: ex('POST', 201, '/tags'), listed: value };
    },
    gone: () => undefined,
  };
  return { host, wipeNext: () => (wipeDuringNextRefusal = true), tags };
}

async function refusedDeleteDuringWipe(withWitness: boolean): Promise<Execution> {
  const w = world(withWitness);
  const x = new Execution(w.host, new Budget(100));
  const key = `${x.stem(0)}-a`;
  await x.add(key, IMAGE);
  w.wipeNext();
  await x.deleteRefused(key, 'forbidden');
  await x.cleanup();
  return x;
}

test('with its witness on the image, a wipe from elsewhere during a refused delete is a DT-04 finding, not DT-09', async () => {
  const x = await refusedDeleteDuringWipe(true);
  assert.ok(x.findings.length > 0, 'the wipe is a finding');
  assert.deepEqual([...new Set(x.findings.map((f) => f.requirement))], ['DT-04'], JSON.stringify(x.findings.map((f) => f.claim)));
  for (const f of x.findings) assert.match(f.claim, /no request of this test addressed/);
});

test('without a witness the judge cannot tell the wipe from the refused delete (why every sequence holds one where the quota allows)', async () => {
  const x = await refusedDeleteDuringWipe(false);
  assert.deepEqual(x.findings.map((f) => f.requirement), ['DT-09']);
});

test('the witness takes no slot of the sequence\'s own: the same commands fit', async () => {
  const w = world(true);
  const x = new Execution(w.host, new Budget(100));
  await x.add(`${x.stem(0)}-a`, IMAGE);
  assert.equal(x.hasSlot(IMAGE), true, 'one of two own slots used; the witness holds a slot of its own');
  await x.add(`${x.stem(0)}-b`, IMAGE);
  assert.equal(x.hasSlot(IMAGE), false);
  assert.equal(w.tags.size, 3);
  await x.cleanup();
  assert.equal(w.tags.size, 0, 'the cleanup removes the witness too');
});
