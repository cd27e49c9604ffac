// DT-07: no charset or length validation of the key; DT-13: the dot-segment keys, sent raw.
// Keys come from the catalogue in data/unusual-keys.ts and run concurrently within the run's tag slots: add each
// key, then delete it; a key the add accepted must answer 204, a refused one 404. Every wrong answer is listed.
import { test, expect, covers, evidence } from '../fixtures/index.js';
import { UNUSUAL_KEYS } from '../data/unusual-keys.js';
import { describeExchange, type Exchange } from '../harness/exchanges.js';
import { succeeded } from '../fixtures/preconditions.js';

const MAX_LANES_PER_IMAGE = 4;

test('unusual keys are never refused with 400', covers({ requirement: 'DT-07', id: 'c41e6a8b-2f7d-4c39-9e15-6a0b3d070701' }), async ({ api, tags, config }) => {
  const entries = UNUSUAL_KEYS.filter((k) => k.transport !== 'raw');
  // Which image carries a key does not matter here: with a second image both images' tag quotas are put to work.
  // Each lane holds one tag slot: it adds a key, deletes it, takes the next; up to 4 lanes per image, the rest of
  // the quota stays for other tests.
  const images = [config.imageId, ...(config.otherImageId ? [config.otherImageId] : [])];
  const granted = await Promise.all(images.map((image) => tags.reserve(MAX_LANES_PER_IMAGE, 1, image)));
  const lanes = images.flatMap((image, i) => Array<string>(granted[i]!).fill(image));
  const queue = [...entries];
  const verdicts: { id: string; group: string; add: Exchange; del: Exchange; ok: boolean; expected: string }[] = [];
  await Promise.all(
    lanes.map(async (image) => {
      for (let entry = queue.shift(); entry; entry = queue.shift()) {
        const key = entry.make(tags.stem());
        const { created, exchange: add } = await tags.create(key, { image });
        const del = await api.deleteTag(key, { image });
        if (del.status === 204) tags.deleted(key, image);
        const expected = created ? 204 : 404;
        verdicts.push({ id: entry.id, group: entry.group, add, del, ok: del.status === expected, expected: created ? '204 (the add accepted it)' : '404 (the add refused it)' });
        if (created && del.status !== 204) break; // the tag is still there and holds this lane's slot
      }
    }),
  );
  for (const group of new Set(entries.map((e) => e.group))) {
    const mine = verdicts.filter((v) => v.group === group);
    test.info().annotations.push({ type: 'observation', description: `${mine.filter((v) => succeeded(v.add)).length}/${mine.length} ${group} keys could be created on this target` });
  }
  const wrong = verdicts.filter((v) => !v.ok);
  const untried = queue.map((e) => `${e.id}: not tried, every tag slot is held by a key the target would not delete`);
  expect(
    [...wrong.map((v) => `${v.id}: expected ${v.expected}, got ${v.del.status ?? v.del.error}`), ...(wrong.length ? untried : [])],
    wrong.length ? evidence('DT-07', 'the key must not be validated on delete', ...wrong.map((v) => v.del)) : 'DT-07',
  ).toEqual([]);
});

const DOT_TEST_IDS: Record<string, string> = { dot: 'c41e6a8b-2f7d-4c39-9e15-6a0b3d071301', dotdot: 'c41e6a8b-2f7d-4c39-9e15-6a0b3d071302' };

for (const entry of UNUSUAL_KEYS.filter((k) => k.transport === 'raw')) {
  test(`the key ${JSON.stringify(entry.make(''))} is addressable when sent raw`, covers({ requirement: 'DT-13', id: DOT_TEST_IDS[entry.id]! }), async ({ api, tags, preflightRecord, config }) => {
    const key = entry.make('');
    // These keys cannot carry the run prefix: never touch one that was there before the run.
    test.skip(key in (preflightRecord.snapshot?.[config.imageId] ?? {}), `not exercised: the image already carried a tag ${JSON.stringify(key)} that the suite did not create`);
    await tags.reserve(1);
    const { created, exchange: add } = await tags.create(key, { raw: true });
    test.skip(!created, `not exercised: the target refused to create the tag ${JSON.stringify(key)} (${describeExchange(add)})`);
    const del = await api.deleteTag(key, { raw: true });
    if (del.status === 204) tags.deleted(key);
    expect(del.status, evidence('DT-13', `the tag ${JSON.stringify(key)}, sent verbatim as the last path segment, should be deleted with 204`, add, del)).toBe(204);
  });
}
