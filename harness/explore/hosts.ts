// Where the exploration gets its tags from. In a suite run: the tag factory (slots from the run's broker, within
// the free quota every test shares; a ledger line before every add, so the sweep finds anything left). Standalone
// (the self-test's seed runs against a reference target of its own): a plain client and a fixed number of slots.
import type { TagFactory } from '../tag-factory.js';
import { runPrefix } from '../run-id.js';
import type { ExploreHost } from './execution.js';

/**
 * Tag slots one sequence may hold at once on an image with `free` free slots: 2 on the main image (a near-miss pair
 * side by side), 1 on the other one, never more than half the free slots. Fixed by the target's free quota, never
 * by how many lanes run: a seed replays the same sequences whatever the slots granted. The seed runs use the same.
 */
export const sequenceSlots = (free: number, main: boolean): number => Math.max(0, Math.min(main ? 2 : 1, Math.ceil(free / 2)));

/** Sequences the exploration runs side by side at most: lanes of `sequenceSlots` each, within the free quota. */
export const EXPLORE_LANES = 4;

/**
 * A host for one sequence or one shrinking replay: the slots of one sequence (`slots`), and stems of its own,
 * `<prefix><n>` with n of fixed width, so a key's length never depends on what ran before or beside it.
 */
export function laneHost(host: ExploreHost, slots: Record<string, number>, prefix: string, width = 1): ExploreHost {
  let n = 0;
  const lane: ExploreHost = Object.create(host) as ExploreHost; // every other member is the host's own
  lane.slots = (image) => slots[image] ?? 0;
  lane.stem = () => `${prefix}${(n++).toString(36).padStart(width, '0')}`;
  return lane;
}

type Common = Pick<ExploreHost, 'owner' | 'forbidden' | 'otherProject' | 'mainImage' | 'otherImage'>;

export function factoryHost(
  common: Common,
  factory: TagFactory,
  opts: { slots: Record<string, number>; baseline: Record<string, Record<string, string | null>>; isSuiteKey: (key: string) => boolean },
): ExploreHost {
  return {
    ...common,
    stem: () => factory.stem(),
    baseline: (image) => opts.baseline[image] ?? {},
    isSuiteKey: opts.isSuiteKey,
    slots: (image) => opts.slots[image] ?? 0,
    create: async (key, image) => {
      const r = await factory.create(key, { image });
      return { exchange: r.exchange, listed: r.listed };
    },
    gone: (key, image) => factory.deleted(key, image),
  };
}

export function standaloneHost(
  common: Common,
  opts: { runId: string; slots: Record<string, number>; baseline: Record<string, Record<string, string | null>> },
): ExploreHost {
  let n = 0;
  let stems = 0;
  const prefix = runPrefix(opts.runId);
  return {
    ...common,
    // Of fixed width: an exploration's keys are as long on this host as on any other (a replay's compare as text).
    stem: () => `${prefix}s${(stems++).toString(36).padStart(4, '0')}`,
    baseline: (image) => opts.baseline[image] ?? {},
    isSuiteKey: (key) => key.startsWith(prefix),
    slots: (image) => opts.slots[image] ?? 0,
    create: async (key, image) => {
      const value = `v-${prefix}${(++n).toString(36)}`;
      const exchange = await common.owner.addTag(key, value, { image });
      return { exchange, listed: common.owner.listsValues ? value : null };
    },
    gone: () => undefined,
  };
}
