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
