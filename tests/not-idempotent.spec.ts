// DT-05, DT-06: the operation is deliberately not idempotent.
import { test, expect, covers, evidence, blockedUnless, finding, planCases, retried503, succeeded, SUCCESS_STATUS_REQUIREMENT, unavailable } from '../fixtures/index.js';
import type { TagBook } from '../fixtures/tag-book.js';
import type { Exchange } from '../harness/http/exchanges.js';
import { inLanes } from '../fixtures/lanes.js';

test('deleting a key the image never carried answers 404 and deletes nothing', covers({ requirement: 'DT-05', id: '0f6d1e44-3c1b-4a51-a7b0-2d7c8c5e0501' }), async ({ tags }) => {
  await tags.existing(); // a tag that must survive the miss
  await expect(await tags.delete(tags.absentKey())).toAnswer(404, 'deleting a key that does not exist must answer 404');
});

test('a second delete of the same key answers 404', covers({ requirement: 'DT-05', id: '0f6d1e44-3c1b-4a51-a7b0-2d7c8c5e0502' }), async ({ tags }) => {
  const tag = await tags.existing();
  const first = await tags.delete(tag.key);
  blockedUnless(first.status === 204, 'the first delete did not answer 204, see DT-01', first);
  await expect(await tags.delete(tag.key)).toAnswer(404, 'the second delete of a key must answer 404 (the operation is not idempotent)');
});

const CONCURRENT = 5;
// A race shows only now and then (OpenStack Glance: about one round in two passes), so one round would be a coin
// toss. The rounds run side by side, as many as the free tag slots allow, each on its own key; when the target
// loses overlapping writes to an image, one round after another, so only the deletes of one key overlap.
const ROUNDS = 10;

test(`in each of ${ROUNDS} rounds, of ${CONCURRENT} concurrent deletes of one key exactly one answers 204`, covers({ requirement: 'DT-06', id: '0f6d1e44-3c1b-4a51-a7b0-2d7c8c5e0601', long: true }), async ({ tags, config }) => {
  const image = config.otherImageId ?? config.imageId; // any image will do: the second one spreads the quota
  const lanes = await tags.reserve(config.serialWrites ? 1 : ROUNDS, 1, image);
  const rounds = Array.from({ length: ROUNDS }, (_, i) => i + 1);
  const cases = planCases(ROUNDS);
  await inLanes(rounds, Array<string>(lanes).fill(image), async (round) => {
    let answers = await concurrentDeletes(tags, image);
    // A 503 among them (a busy gateway) leaves the round undecided: it runs again on a fresh key, within the run's budget.
    for (let again = 0; answers.some((e) => e.status === 503); again++) {
      if (again === 4 || !(await tags.mayRetry503())) {
        unavailable(`round ${round} of ${ROUNDS}: the service was unavailable (a 503 among the ${CONCURRENT} concurrent deletes, ${again + 1} time(s))`);
        cases.ran(); // reached its end, not exercised: counted as such, like a key the target refused
        return 'next';
      }
      retried503({ ids: answers.map((e) => e.id), waitedMs: 0 });
      answers = await concurrentDeletes(tags, image);
    }
    // A success is any 2xx here: one that is not 204 is the success status's finding, not a second success.
    const other2xx = answers.filter((e) => succeeded(e) && e.status !== 204);
    if (other2xx.length) finding(SUCCESS_STATUS_REQUIREMENT, `a delete that succeeds must answer 204; ${other2xx.length} of the ${CONCURRENT} concurrent deletes answered ${other2xx[0]!.status} (round ${round} of ${ROUNDS})`, other2xx);
    const statuses = answers.map((e) => (succeeded(e) ? 204 : e.status ?? 0)).sort((a, b) => a - b);
    expect.soft(statuses, evidence('DT-06', `exactly one concurrent delete must succeed (204) and the other ${CONCURRENT - 1} answer 404 (round ${round} of ${ROUNDS})`, ...answers)).toEqual([204, ...Array<number>(CONCURRENT - 1).fill(404)]);
    cases.ran();
    return 'next';
  });
});

/** One round: a fresh tag, CONCURRENT deletes of it at once, then the model's listing (the tag gone, nothing else changed). */
async function concurrentDeletes(tags: TagBook, image: string): Promise<Exchange[]> {
  const tag = await tags.existing({ image, reserved: true });
  const answers = await Promise.all(Array.from({ length: CONCURRENT }, () => tags.delete(tag.key, { image, concurrent: true, verify: false })));
  await tags.list(image);
  if (answers.some((e) => e.status === 503)) await tags.remove(tag.key, image); // frees the slot for the next try (a no-op once gone)
  return answers;
}
