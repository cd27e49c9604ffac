// Where the exploration gets its tags from. In a suite run: the tag factory (slots from the run's broker, within
// the free quota every test shares; a ledger line before every add, so the sweep finds anything left). Standalone
// (the self-test's seed runs against a reference target of its own): a plain client and a fixed number of slots.
import type { TagFactory } from '../tag-factory.js';
import { runPrefix } from '../run-id.js';
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
 * Tag slots the exploration asks for on an image with `free` free slots: half of them at most (the other tests of
 * the run need theirs), 6 on the main image and 2 on the other one at most. The seed runs use the same numbers.
 */
export const exploreSlots = (free: number, main: boolean): number => Math.min(main ? 6 : 2, Math.ceil(free / 2));

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
    create: async (key, image) => {
      const r = await factory.create(key, { image, value: valueOf(key) });
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
  const prefix = runPrefix(opts.runId);
  const valueOf = valuesFor();
  return {
    ...common,
    stem: () => `${prefix}s${(++n).toString(36)}_`, // prefix-free, as the tag factory's
    baseline: (image) => opts.baseline[image] ?? {},
    isSuiteKey: (key) => key.startsWith(prefix),
    slots: (image) => opts.slots[image] ?? 0,
    create: async (key, image) => {
      const value = valueOf(key);
      const exchange = await common.owner.addTag(key, value, { image });
      return { exchange, listed: common.owner.listsValues ? value : null };
    },
    gone: () => undefined,
  };
}
