// Where the exploration gets its tags from. In a suite run: the tag factory (slots from the run's broker, within
// the free quota every test shares; a ledger line before every add, so the sweep finds anything left). Standalone
// (the self-test's seed runs against a reference target of its own): a plain client and a fixed number of slots.
import type { TagFactory } from '../books/tag-factory.js';
import { runPrefix } from '../run/run-id.js';
import type { ExploreHost } from './execution.js';
import { catalogueValue } from '../../data/colliding-values.js';

/** Values from the shared catalogue (data/colliding-values.ts), so tags share them; the n-th add of a key gets the next one. */
function valuesFor(): (key: string) => string {
  const adds = new Map<string, number>();
  return (key) => {
    const n = adds.get(key) ?? 0;
    adds.set(key, n + 1);
    return catalogueValue(key, n);
  };
}

/**
 * Tag slots one sequence may hold at once on an image with `free` free slots: 2 on the image it works on (a near-miss
 * pair side by side), 1 on its second image, never more than half the free slots. Fixed by the target's free quota,
 * never by how many lanes run: a seed replays the same sequences whatever the slots granted.
 */
export const sequenceSlots = (free: number, main: boolean): number => Math.max(0, Math.min(main ? 2 : 1, Math.ceil(free / 2)));

/** Sequences the exploration runs side by side at most. */
export const EXPLORE_LANES = 4;

/** The images one sequence works on and the slots it holds on each. */
export interface SequenceRoles {
  main: string;
  other?: string;
  /** On the other image (IMS_OTHER_IMAGE_ID): no refused deletes there, the persona without permission is known to have none only on the image. */
  swapped: boolean;
  /** The slots the sequence holds on each image: its tags', and its witness's where it has one. */
  slots: Record<string, number>;
  /** Images where one of those slots is the sequence's witness (execution.ts): wherever the free quota has room for it. */
  witnesses: string[];
}

/**
 * Sequence i's images, by its number alone: the even ones work on the image, the odd ones on the other image (with
 * the image as their second one), so the lanes use both images' quotas, as the cases do.
 */
export function sequenceRoles(i: number, image: string, other: string | undefined, free: Record<string, number>): SequenceRoles {
  const roles = (main: string, second: string | undefined, swapped: boolean): SequenceRoles => {
    const own = { [main]: sequenceSlots(free[main] ?? 0, true), ...(second ? { [second]: sequenceSlots(free[second] ?? 0, false) } : {}) };
    const witnesses = Object.keys(own).filter((img) => own[img]! > 0 && own[img]! < (free[img] ?? 0));
    const slots = Object.fromEntries(Object.entries(own).map(([img, n]) => [img, n + (witnesses.includes(img) ? 1 : 0)]));
    return { main, other: second, swapped, slots, witnesses };
  };
  if (i % 2 === 1 && other && sequenceSlots(free[other] ?? 0, true) > 0) return roles(other, image, true);
  return roles(image, other, false);
}

/** The slots to reserve for `lanes` sequences side by side: at most those of the first `lanes` sequences, at least what any one sequence holds. */
export function exploreReservation(lanes: number, image: string, other: string | undefined, free: Record<string, number>): Record<string, { want: number; atLeast: number }> {
  const out: Record<string, { want: number; atLeast: number }> = {};
  for (let i = 0; i < Math.max(2, lanes); i++) {
    for (const [img, n] of Object.entries(sequenceRoles(i, image, other, free).slots)) {
      const r = (out[img] ??= { want: 0, atLeast: 0 });
      if (i < lanes) r.want += n;
      r.atLeast = Math.max(r.atLeast, n);
    }
  }
  for (const r of Object.values(out)) r.want = Math.max(r.want, r.atLeast);
  return out;
}

/**
 * A host for one sequence or one shrinking replay: its images and slots (`roles`), and stems of its own,
 * `<prefix><n>` with n of fixed width, so a key's length never depends on what ran before or beside it.
 */
export function laneHost(host: ExploreHost, roles: SequenceRoles, prefix: string, width = 1): ExploreHost {
  let n = 0;
  const lane: ExploreHost = Object.create(host) as ExploreHost; // every other member is the host's own
  lane.mainImage = roles.main;
  lane.otherImage = roles.other;
  if (roles.swapped) {
    lane.forbidden = undefined;
    lane.otherProject = undefined;
  }
  // The sequence's own slots: a witness's slot is not one its commands may fill, so a seed draws the same sequence.
  lane.slots = (image) => (roles.slots[image] ?? 0) - (roles.witnesses.includes(image) ? 1 : 0);
  lane.witness = (image) => roles.witnesses.includes(image);
  lane.stem = () => `${prefix}${(n++).toString(36).padStart(width, '0')}`;
  return lane;
}

type Common = Pick<ExploreHost, 'owner' | 'forbidden' | 'otherProject' | 'mainImage' | 'otherImage' | 'exclusive'>;

export function factoryHost(
  common: Common,
  factory: TagFactory,
  opts: { slots: Record<string, number>; baseline: Record<string, Record<string, string | null>>; isSuiteKey: (key: string) => boolean },
): ExploreHost {
  const valueOf = valuesFor();
  return {
    ...common,
    stem: () => factory.stem(),
    baseline: (image) => opts.baseline[image] ?? {},
    isSuiteKey: opts.isSuiteKey,
    slots: (image) => opts.slots[image] ?? 0,
    create: async (key, image, value) => {
      const r = await factory.create(key, { image, value: value ?? valueOf(key) });
      return { exchange: r.exchange, listed: r.listed };
    },
    gone: (key, image) => factory.deleted(key, image),
  };
}

export function standaloneHost(
  common: Common,
  opts: { runId: string; slots: Record<string, number>; baseline: Record<string, Record<string, string | null>> },
): ExploreHost {
  let stems = 0;
  const prefix = runPrefix(opts.runId);
  const valueOf = valuesFor();
  return {
    ...common,
    // Of fixed width: an exploration's keys are as long on this host as on any other (a replay's compare as text);
    // the closing `_` keeps stems prefix-free, as the tag factory's.
    stem: () => `${prefix}s${(stems++).toString(36).padStart(4, '0')}_`,
    baseline: (image) => opts.baseline[image] ?? {},
    isSuiteKey: (key) => key.includes(prefix), // anywhere: unusual keys wrap the stem (a leading space), as runOfKey reads them
    slots: (image) => opts.slots[image] ?? 0,
    create: async (key, image, given) => {
      const value = given ?? valueOf(key);
      const exchange = await common.owner.addTag(key, value, { image });
      return { exchange, listed: common.owner.listedValue(value) };
    },
    gone: () => undefined,
  };
}
