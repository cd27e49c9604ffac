// Other writers on the reference target's images, as on a shared staging image: another team's job or a tagging
// controller. `adder` adds a tag of its own every 250 ms and removes it a second later; `rewriter` rewrites the value
// of its own tag every 250 ms. Neither touches a tag it did not create. The suite must see their changes as
// observations, never as faults of the target (--neighbour; the self-test's messy-world runs).
import type { Store } from './store.js';

export type NeighbourKind = 'adder' | 'rewriter';
export const NEIGHBOUR_KINDS: readonly NeighbourKind[] = ['adder', 'rewriter'];

const PERIOD_MS = 250;
const LIFETIME_MS = 1_000;

/** Starts the writers on the given images; returns the function that stops them. Timers never keep the process alive. */
export function startNeighbours(store: Store, images: readonly string[], kinds: ReadonlySet<NeighbourKind>): () => void {
  const timers: NodeJS.Timeout[] = [];
  let n = 0;
  const tagsOf = (image: string) => store.tags(undefined, image);
  if (kinds.has('adder')) {
    const t = setInterval(() => {
      for (const image of images) {
        const key = `neighbour-job-${(++n).toString(36)}`;
        tagsOf(image)?.set(key, `written by another client ${n}`);
        setTimeout(() => tagsOf(image)?.delete(key), LIFETIME_MS).unref();
      }
    }, PERIOD_MS);
    timers.push(t);
  }
  if (kinds.has('rewriter')) {
    for (const image of images) tagsOf(image)?.set('neighbour-config', 'revision 0');
    let revision = 0;
    const t = setInterval(() => {
      revision++;
      for (const image of images) tagsOf(image)?.set('neighbour-config', `revision ${revision}`);
    }, PERIOD_MS);
    timers.push(t);
  }
  for (const t of timers) t.unref();
  return () => timers.forEach(clearInterval);
}
