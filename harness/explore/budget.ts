// The exploration's request budget (IMS_EXPLORE): a real endpoint has quotas and rate limits, so the random
// sequences and the shrinking that replays them share a fixed number of requests. Shrinking has its own share, so
// a failure found late can still be shrunk, and a spent share ends the phase cleanly: the exploration stops sending,
// the last failing sequence found stays the evidence.

/** Requests the exploration may send by default: small enough for the embedded run and the benchmark's ratio. */
export const DEFAULT_EXPLORE_REQUESTS = 400;
/** The part of the budget the search for a failure may use; the rest is shrinking's. */
const EXPLORE_SHARE = 0.6;

export type Phase = 'explore' | 'shrink';

export class Budget {
  readonly limits: Record<Phase, number>;
  readonly used: Record<Phase, number> = { explore: 0, shrink: 0 };
  phase: Phase = 'explore';

  constructor(readonly total: number) {
    const explore = Math.floor(total * EXPLORE_SHARE);
    this.limits = { explore, shrink: total - explore };
  }

  get remaining(): number {
    return this.limits[this.phase] - this.used[this.phase];
  }

  /** Whether `n` more requests fit in the current phase's share. */
  affords(n: number): boolean {
    return n <= this.remaining;
  }

  charge(n = 1): void {
    this.used[this.phase] += n;
  }

  get spent(): number {
    return this.used.explore + this.used.shrink;
  }
}
