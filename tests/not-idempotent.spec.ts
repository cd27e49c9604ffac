// DT-05, DT-06: the operation is deliberately not idempotent.
import { test, expect, covers, evidence } from '../fixtures/index.js';
import { blockedUnless } from '../fixtures/preconditions.js';

test('deleting a key the image never carried answers 404', covers({ requirement: 'DT-05', id: '0f6d1e44-3c1b-4a51-a7b0-2d7c8c5e0501' }), async ({ api, tags }) => {
  const del = await api.deleteTag(tags.stem());
  expect(del.status, evidence('DT-05', 'deleting a key that does not exist must answer 404', del)).toBe(404);
});

test('a second delete of the same key answers 404', covers({ requirement: 'DT-05', id: '0f6d1e44-3c1b-4a51-a7b0-2d7c8c5e0502' }), async ({ api, tags }) => {
  await tags.reserve(1);
  const { key } = await tags.mustCreate(tags.stem());
  const first = await api.deleteTag(key);
  blockedUnless(first.status === 204, 'the first delete did not answer 204, see DT-01', first);
  tags.deleted(key);
  const second = await api.deleteTag(key);
  expect(second.status, evidence('DT-05', 'the second delete of a key must answer 404 (the operation is not idempotent)', first, second)).toBe(404);
});

const CONCURRENT = 5;
// A race shows only now and then (OpenStack Glance: about one round in two passes), so one round would be a coin
// toss. The rounds run side by side, as many as the run's free tag slots allow, each on its own key; with
// IMS_SERIAL_WRITES=1 (a target that cannot take overlapping writes to an image) one round after another, so only
// the 5 deletes of one key overlap. Every round that breaks the rule is evidence.
const ROUNDS = 10;

test(`in each of ${ROUNDS} rounds, of ${CONCURRENT} concurrent deletes of one key exactly one answers 204`, covers({ requirement: 'DT-06', id: '0f6d1e44-3c1b-4a51-a7b0-2d7c8c5e0601' }), async ({ api, tags, config }) => {
  const image = config.otherImageId ?? config.imageId; // any image will do: the second one spreads the quota
  const lanes = await tags.reserve(config.serialWrites ? 1 : ROUNDS, 1, image);
  const expected = [204, ...Array<number>(CONCURRENT - 1).fill(404)];
  for (let first = 1; first <= ROUNDS; first += lanes) {
    const wave = Array.from({ length: Math.min(lanes, ROUNDS - first + 1) }, (_, i) => first + i);
    const results = await Promise.all(
      wave.map(async (round) => {
        const { key } = await tags.mustCreate(tags.stem(), { image });
        const answers = await Promise.all(Array.from({ length: CONCURRENT }, () => api.deleteTag(key, { image, concurrent: true })));
        if (answers.some((e) => e.status === 204)) tags.deleted(key, image);
        return { round, answers, statuses: answers.map((e) => e.status ?? 0).sort((a, b) => a - b) };
      }),
    );
    for (const { round, answers, statuses } of results) {
      expect(statuses, evidence('DT-06', `exactly one concurrent delete must answer 204 and the other ${CONCURRENT - 1} 404 (round ${round} of ${ROUNDS})`, ...answers)).toEqual(expected);
    }
  }
});
