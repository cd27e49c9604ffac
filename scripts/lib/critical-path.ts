// The longest chain of requests that had to happen one after another: requests that overlapped in time were
// independent (sent concurrently); a request that started after another ended may have depended on it.

export interface Timed {
  startedAt: number;
  durationMs: number;
}

/** Length (in requests) of the longest chain of non-overlapping exchanges, in start order. O(n²), n is small. */
export function longestChain(exchanges: readonly Timed[]): number {
  const xs = [...exchanges].sort((a, b) => a.startedAt - b.startedAt);
  const best: number[] = [];
  for (let i = 0; i < xs.length; i++) {
    let b = 1;
    for (let j = 0; j < i; j++) {
      if (xs[j]!.startedAt + xs[j]!.durationMs <= xs[i]!.startedAt) b = Math.max(b, best[j]! + 1);
    }
    best.push(b);
  }
  return Math.max(0, ...best);
}

/**
 * The chain one test needs by itself: its requests outside any work unit (set-up, listings around its lanes) plus
 * the longest chain of one unit (a lane's case, an exploration sequence: harness/run/work-unit.ts). Units are
 * independent, so however many run side by side, no run of the test can be shorter than this.
 */
export function inherentChain(exchanges: readonly (Timed & { unit?: string })[]): number {
  const units = new Map<string, Timed[]>();
  const outside: Timed[] = [];
  for (const e of exchanges) {
    if (e.unit === undefined) outside.push(e);
    else units.set(e.unit, [...(units.get(e.unit) ?? []), e]);
  }
  return longestChain(outside) + Math.max(0, ...[...units.values()].map(longestChain));
}
