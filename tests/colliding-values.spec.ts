// DT-04 with values that collide (data/colliding-values.ts): bystanders whose value equals the target's value, whose
// key equals the target's value and the reverse, empty values, the same value on the other image. The delete of the
// target is judged against the model of every image the test holds tags on: each bystander stays, with its value.
// The openstack dialect's tags have no values: there the test is not exercised, never passed.
import { test, covers, finding, notExercised, skipAs, succeeded } from '../fixtures/index.js';
import { VALUE_COLLISIONS, type ValueCollision } from '../data/colliding-values.js';
import { describeExchange } from '../harness/http/exchanges.js';
import { LaneStuck } from '../fixtures/lanes.js';

const MOST_ON_MAIN = Math.max(...VALUE_COLLISIONS.map((c) => 1 + c.bystanders('k', 'v', 's').filter((b) => !b.other).length));

test('deleting a tag leaves the tags that share its value, or carry it as their key, in place', covers({ requirement: 'DT-04', long: true, id: '5a0e7c93-2d4b-4f18-8c6a-9b3e1f040420' }), async ({ api, tags, config }) => {
  if (!api.listsValues) skipAs('not-exercised', `not exercised: the ${config.dialect} dialect's tags have no values, so no value can collide`);
  // As many slots as the largest case needs, waiting for other tests' slots (a case left out for the run's own
  // tests would be a gap in a conformant target's verdict); fewer, at least two, only where the image's free quota is
  // smaller: there the larger cases are not exercised, and the report says why.
  // The bystander on the other image takes one slot there, reserved once: each case's is removed when it ends.
  const granted = (await tags.reserveAll([{ image: config.imageId, want: MOST_ON_MAIN, atLeast: 2, whole: true }, ...(config.otherImageId ? [{ image: config.otherImageId, want: 1 }] : [])]))[0]!;
  let exercised = 0;
  let held: LaneStuck | undefined;
  for (const c of VALUE_COLLISIONS) {
    // A tag the target did not delete holds the slots the next cases need (its wrong answer is the finding already).
    if (held) notExercised(`${c.id}: not tried, the slots are held by a tag the target did not delete (${held.message})`);
    else if (await exercise(c).catch((err: unknown) => (err instanceof LaneStuck ? void (held = err) : Promise.reject(err)))) exercised++;
  }
  if (!exercised && !held) skipAs('not-exercised', 'not exercised: the target would not create or list any case of colliding values as sent');

  async function exercise(c: ValueCollision): Promise<boolean> {
    const needs = 1 + c.bystanders('k', 'v', 's').filter((b) => !b.other).length;
    if (needs > granted) {
      notExercised(`${c.id}: needs ${needs} tag slots on the image at once, the run could spare ${granted}`);
      return false;
    }
    // A case whose delete found the service unavailable (every try 503) was not exercised.
    const ran = await test.step(c.id, () =>
      tags.inSlots(config.imageId, async (): Promise<boolean> => {
        const stem = tags.stem();
        const target = `${stem}-target`;
        const value = c.targetValue(stem);
        const here: string[] = [];
        for (const b of c.bystanders(target, value, stem)) {
          if (b.other) {
            if (!config.otherImageId) notExercised(`${c.id}: the bystander on the other image (IMS_OTHER_IMAGE_ID is not set)`);
            else await tags.existing({ image: config.otherImageId, key: b.key, value: b.value, reserved: true });
            continue;
          }
          const by = await tags.add(b.key, { value: b.value });
          if (!by.created) return refused(c, describeExchange(by.exchange));
          here.push(b.key);
        }
        const tg = await tags.add(target, { value });
        if (!tg.created) return refused(c, describeExchange(tg.exchange));
        const { notAsSent } = await tags.listAfterAdding(config.imageId, [...here, target]);
        if (notAsSent.length) {
          notExercised(`${c.id}: the target does not list ${notAsSent.map((k) => JSON.stringify(k)).join(', ')} with the value sent (${c.conflatedBy})`);
          return false;
        }
        const del = await tags.delete(target); // the model judges every bystander, on both images
        if (!succeeded(del)) finding('DT-01', `a tag the add accepted and the list shows must be deletable with 204 (${c.id})`, [del]);
        return true;
      }),
    );
    return ran === true;
  }
});

function refused(c: ValueCollision, exchange: string): false {
  notExercised(`${c.id}: the target refused to create a tag of the case (${exchange})`);
  return false;
}
