// DT-07: no charset or length validation of the key; DT-13: the dot-segment keys, sent raw.
// Keys come from the catalogue in data/unusual-keys.ts. Each group runs its keys concurrently within the
// run's tag slots: add each key, then delete it; a key the add accepted must answer 204, a refused one 404.
import { test, expect, covers, evidence } from '../fixtures/index.js';
import { UNUSUAL_KEYS, type KeyGroup } from '../data/unusual-keys.js';
import type { Exchange } from '../harness/exchanges.js';
import { describeExchange } from '../harness/exchanges.js';
import { succeeded } from '../fixtures/preconditions.js';

const GROUP_TEST_IDS: Partial<Record<KeyGroup, string>> = {
  whitespace: 'c41e6a8b-2f7d-4c39-9e15-6a0b3d070701',
  unicode: 'c41e6a8b-2f7d-4c39-9e15-6a0b3d070702',
  'gen-delims': 'c41e6a8b-2f7d-4c39-9e15-6a0b3d070703',
  'sub-delims': 'c41e6a8b-2f7d-4c39-9e15-6a0b3d070707',
  percent: 'c41e6a8b-2f7d-4c39-9e15-6a0b3d070704',
  punctuation: 'c41e6a8b-2f7d-4c39-9e15-6a0b3d070705',
  length: 'c41e6a8b-2f7d-4c39-9e15-6a0b3d070706',
};

for (const [group, id] of Object.entries(GROUP_TEST_IDS) as [KeyGroup, string][]) {
  const entries = UNUSUAL_KEYS.filter((k) => k.group === group);
  test(`unusual keys (${group}) are never refused with 400`, covers({ requirement: 'DT-07', id }), async ({ api, tags }) => {
    // As many lanes as the run's free tag slots allow; each lane adds a key, deletes it, takes the next.
    const lanes = await tags.reserve(entries.length, 1);
    const queue = [...entries];
    const verdicts: { id: string; key: string; add: Exchange; del: Exchange; ok: boolean; expected: string }[] = [];
    await Promise.all(
      Array.from({ length: lanes }, async () => {
        for (let entry = queue.shift(); entry; entry = queue.shift()) {
          const key = entry.make(tags.stem());
          const { created, exchange: add } = await tags.create(key);
          const del = await api.deleteTag(key);
          if (del.status === 204) tags.deleted(key);
          const expected = created ? 204 : 404;
          verdicts.push({ id: entry.id, key, add, del, ok: del.status === expected, expected: created ? '204 (the add accepted it)' : '404 (the add refused it)' });
          if (created && del.status !== 204) break; // the tag is still there and holds this lane's slot
        }
      }),
    );
    const exercised = verdicts.filter((v) => succeeded(v.add)).length;
    test.info().annotations.push({ type: 'observation', description: `${exercised}/${verdicts.length} ${group} keys could be created on this target` });
    const wrong = verdicts.filter((v) => !v.ok);
    const untried = queue.map((e) => `${e.id}: not tried, every tag slot is held by a key the target would not delete`);
    expect(
      [...wrong.map((v) => `${v.id}: expected ${v.expected}, got ${v.del.status ?? v.del.error}`), ...(wrong.length ? untried : [])],
      wrong.length ? evidence('DT-07', 'the key must not be validated on delete', ...wrong.map((v) => v.del)) : 'DT-07',
    ).toEqual([]);
  });
}

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
