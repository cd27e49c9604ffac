// DT-07: no charset or length validation of the key; DT-13: the dot-segment keys, sent raw.
// Keys come from the catalogue in data/unusual-keys.ts and run side by side within the run's tag slots: add each key,
// then delete it; a key the add accepted must answer 204 (and the model: it is gone, nothing else changed), a refused
// one 404. Every wrong answer is a finding of its own; a key never tried is reported as not exercised.
import { test, expect, covers, finding, notExercised, observe, planCases, skipAs, succeeded } from '../fixtures/index.js';
import { inLanes, laneImages } from '../fixtures/lanes.js';
import { UNUSUAL_KEYS } from '../data/unusual-keys.js';
import { describeExchange } from '../harness/http/exchanges.js';

const LANES_PER_IMAGE = 4;

test('unusual keys are never refused with 400', covers({ requirement: 'DT-07', id: 'c41e6a8b-2f7d-4c39-9e15-6a0b3d070701', long: true }), async ({ tags, config }) => {
  const entries = UNUSUAL_KEYS.filter((k) => k.transport !== 'raw');
  // Which image carries a key does not matter here: with a second image both images' quotas are put to work.
  const images = [config.imageId, ...(config.otherImageId ? [config.otherImageId] : [])];
  const granted = await tags.reserveAll(images.map((image) => ({ image, want: LANES_PER_IMAGE, atLeast: 1 })));
  const created = new Map<string, number>();
  const cases = planCases(entries.length);
  const untried = await inLanes(entries, laneImages(images, granted), async (entry, image) => {
    // The case's key is cleaned up when it ends (a fixture delete, retried): a delete under test that found the
    // service unavailable leaves the case unexercised and the lane goes on; a key the target would not delete
    // stops the lane (LaneStuck), its wrong answer already a finding.
    const ran = await tags.inSlots(image, async () => {
      const key = entry.make(tags.stem());
      const add = await tags.add(key, { image });
      if (add.created) created.set(entry.group, (created.get(entry.group) ?? 0) + 1);
      const del = await tags.delete(key, { image });
      await expect.soft(del).toAnswer(add.created ? 204 : 404, `${entry.id} (${entry.description}): the key must not be validated on delete; the add ${add.created ? 'accepted it, so 204' : 'refused it, so 404'}`);
      return true;
    });
    if (ran === true) cases.ran();
    return 'next';
  });
  for (const group of new Set(entries.map((e) => e.group))) {
    observe(`${created.get(group) ?? 0}/${entries.filter((e) => e.group === group).length} ${group} keys could be created on this target`);
  }
  // Keys left untried answer nothing either way: every lane is held by a tag the target did not delete (its answer
  // is the finding above, or the service was unavailable for the cleanup).
  for (const e of untried) notExercised(`${e.id} (${e.description}): not tried, every tag slot is held by a tag the target did not delete`);
});

const DOT_TEST_IDS: Record<string, string> = { dot: 'c41e6a8b-2f7d-4c39-9e15-6a0b3d071301', dotdot: 'c41e6a8b-2f7d-4c39-9e15-6a0b3d071302' };

for (const entry of UNUSUAL_KEYS.filter((k) => k.transport === 'raw')) {
  test(`the key ${JSON.stringify(entry.make(''))} is addressable when sent raw`, covers({ requirement: 'DT-13', id: DOT_TEST_IDS[entry.id]! }), async ({ tags, api, preflightRecord, config }) => {
    const key = entry.make('');
    // These keys cannot carry the run prefix: never touch one that was there before the run.
    if (key in (preflightRecord.snapshot?.[config.imageId] ?? {})) skipAs('not-exercised', `not exercised: the image already carried a tag ${JSON.stringify(key)} that the suite did not create`);
    // Safety first: a hop that resolves the dot-segment sends the request to another resource (`.../tags/..` is the
    // image itself). A GET of the verbatim path that answers 2xx shows it; then no DELETE is ever sent there.
    const look = await api.otherMethod('GET', key, { raw: true });
    if (succeeded(look)) {
      finding('DT-13', `a GET of the verbatim path ending in ${JSON.stringify(key)} answered ${look.status}: a hop resolved the dot-segment to another resource, so the key is not addressable (no DELETE was sent there)`, [look]);
      return;
    }
    await tags.reserve(1);
    const add = await tags.add(key, { raw: true });
    if (!add.created) skipAs('not-exercised', `not exercised: the target refused to create the tag ${JSON.stringify(key)} (${describeExchange(add.exchange)})`);
    await expect(await tags.delete(key, { raw: true })).toAnswer(204, `the tag ${JSON.stringify(key)}, sent verbatim as the last path segment, should be deleted with 204`);
  });
}
