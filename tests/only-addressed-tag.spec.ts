// DT-04: only the addressed tag is removed. Each near-miss pair (data/near-miss-pairs.ts) runs in both directions,
// the bystander created first, then the target; the delete of the target is judged against the model of the whole
// image (the bystander keeps its value, nothing else changes). A pair the target will not create, or lists under
// other names, is reported as not exercised, never as passed. Pairs of one kind are created one at a time: the next
// only once the one before it was deleted (its 204 listed), and after the first pair of a kind the target cannot
// delete, no more of that kind are created (fixtures/stuck-pairs.ts).
import { test, covers, finding, notExercised, planCases, succeeded, skipAs } from '../fixtures/index.js';
import { inLanes, laneImages, LaneStuck } from '../fixtures/lanes.js';
import { StuckKinds, undeletableBreaks } from '../fixtures/stuck-pairs.js';
import { NEAR_MISS_PAIRS, type NearMissPair } from '../data/near-miss-pairs.js';
import { catalogueValue } from '../data/colliding-values.js';
import { describeExchange } from '../harness/http/exchanges.js';
import type { TagBook } from '../fixtures/tag-book.js';

interface Case {
  pair: NearMissPair;
  /** Which key of the pair is deleted; the other is the bystander. */
  deleted: 'a' | 'b';
}

/** Every pair in both directions, the kinds taken in turn, so the lanes start on different kinds. */
const CASES: Case[] = (() => {
  const byKind = new Map<string, Case[]>();
  for (const pair of NEAR_MISS_PAIRS) byKind.set(pair.kind, [...(byKind.get(pair.kind) ?? []), { pair, deleted: 'a' }, { pair, deleted: 'b' }]);
  const queues = [...byKind.values()];
  const out: Case[] = [];
  while (queues.some((q) => q.length)) for (const q of queues) if (q.length) out.push(q.shift()!);
  return out;
})();
const LANES_PER_IMAGE = 3;

test('deleting a key leaves its near-miss keys in place, in both directions', covers({ requirement: 'DT-04', id: '7d3a9e10-4b2c-4f0e-8a61-0c5d2f040401', long: true }), async ({ tags, config, api, preflightRecord }) => {
  const images = [config.imageId, ...(config.otherImageId ? [config.otherImageId] : [])];
  const cases = planCases(CASES.length);
  const stuck = new StuckKinds();
  // Stuck pairs an earlier run left: judged from what they answer now, before anything new is created.
  await stuck.judgeEarlier({ api, resultsDir: config.resultsDir, runId: preflightRecord.runId, images, listed: preflightRecord.snapshot ?? {}, kinds: new Set(CASES.map((c) => c.pair.kind)) });
  const granted = await tags.reserveAll(images.map((image) => ({ image, want: 2 * LANES_PER_IMAGE, atLeast: 2 })));
  let exercised = 0;
  const work = async (c: Case, image: string, release: () => void): Promise<'next' | 'stop'> => {
    const why = stuck.reason(c.pair.kind);
    if (why) {
      notExercised(`${label(c)}: not tried: ${why}`);
      return 'next';
    }
    try {
      if ((await exercise(c, image, tags, release)) === 'exercised') exercised++;
      cases.ran();
      return 'next';
    } catch (err) {
      if (!(err instanceof LaneStuck)) throw err;
      cases.ran(); // the case was judged; its tags hold the lane's slots for good
      stuck.stuckNow(c.pair.kind, c.pair.id, err.tags);
      throw err;
    }
  };
  const untried = await inLanes(CASES, laneImages(images, granted, 2), work, { groupOf: (c) => c.pair.kind });
  for (const c of untried) notExercised(`${label(c)}: not tried, every lane is held by a tag the target would not delete`);
  if (!exercised && !stuck.size) skipAs('not-exercised', 'not exercised: no near-miss pair could be created and listed as sent on this target');
});

const label = (c: Case) => `${c.pair.id} (delete ${c.deleted}; ${c.pair.conflatedBy})`;

async function exercise(c: Case, image: string, tags: TagBook, release: () => void): Promise<'exercised' | 'not exercised' | 'unavailable'> {
  const stem = tags.stem();
  const [target, bystander] = c.deleted === 'a' ? [c.pair.a(stem), c.pair.b(stem)] : [c.pair.b(stem), c.pair.a(stem)];
  return test.step(label(c), () =>
    tags.inSlots(
      image,
      async () => {
        // One after the other: the bystander is the older row. Both carry one value: a delete that also matches on the
        // value column takes the bystander with it. A value of the pair's own (the stem in it): lanes side by side must
        // not share one, or such a delete takes another lane's pair and its case would judge someone else's request.
        const value = `${catalogueValue(stem)}-${stem}`;
        const by = await tags.add(bystander, { image, value });
        const tg = by.created ? await tags.add(target, { image, value }) : undefined;
        if (!by.created || !tg?.created) {
          notExercised(`${label(c)}: the target refused to create a key of the pair (${describeExchange(tg?.exchange ?? by.exchange)})`);
          return 'not exercised';
        }
        // Listed as sent, both? A target that merged or renamed them on the add cannot show which one a delete removes.
        const { listing, notAsSent } = await tags.listAfterAdding(image, [bystander, target]);
        if (notAsSent.length) {
          notExercised(`${label(c)}: ${whyNotListed(notAsSent, listing.tags)}`);
          return 'not exercised';
        }
        const del = await tags.delete(target, { image, encoding: c.pair.encoding }); // the model judges the bystander
        if (!succeeded(del)) finding(undeletableBreaks(del), `a key the image carries (the add accepted it, the list shows it as sent) must be deletable with 204 (${label(c)})`, [del]);
        // Deleted and listed gone: this kind's pairs can be deleted here, so the next one may start beside our cleanup.
        else if (tags.model(image).isPresent(target) === false) release();
        return 'exercised'; // the model judged what the delete did to the bystander; a tag left behind stops the lane (LaneStuck)
      },
      { id: c.pair.id, kind: c.pair.kind },
    ),
  );
}

/**
 * Why keys the add accepted are not listed as sent. A target may store a key under another name (OpenStack Glance
 * reads the path's UTF-8 bytes as Latin-1): which tag a delete removes cannot then be told by key.
 */
function whyNotListed(unlisted: string[], listed: ReadonlyMap<string, string | null>): string {
  const show = (k: string) => JSON.stringify(k).replace(/[\u0080-\u009f\u0300-\u036f]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
  const renamed = unlisted.map((k) => ({ k, as: Buffer.from(k, 'utf8').toString('latin1') })).filter(({ k, as }) => as !== k && listed.has(as));
  if (renamed.length === unlisted.length) {
    return `the target lists the keys under other names than the ones sent (UTF-8 bytes read as Latin-1): ${renamed.map(({ k, as }) => `${show(k)} as ${show(as)}`).join(', ')}`;
  }
  return `the target did not list ${unlisted.map(show).join(' and ')} as sent after adding the pair (it merged or renamed them)`;
}
