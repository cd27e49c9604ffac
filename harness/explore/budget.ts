// The exploration's request budget (IMS_EXPLORE): a real endpoint has quotas and rate limits, so the random
// sequences and the shrinking that replays them share a fixed number of requests. Shrinking has its own share, so
// a failure found late can still be shrunk, and a spent share ends the phase cleanly: the exploration stops sending,
// the last failing sequence found stays the evidence. The search's share is split between its sequences in advance
// (each one's part is fixed by its index), so what a sequence may send never depends on what runs beside it.

/** Requests the exploration may send by default: small enough for the embedded run and the benchmark's ratio. */
export const DEFAULT_EXPLORE_REQUESTS = 400;
/** The part of the budget the search for a failure may use; the rest is shrinking's. */
const EXPLORE_SHARE = 0.6;
/** The search's share is cut into sequences of about this many requests (their cleanup included). */
export const SEQUENCE_REQUESTS = 60;

export type Phase = 'explore' | 'shrink';

export class Budget {
  readonly limits: Record<Phase, number>;
  readonly used: Record<Phase, number> = { explore: 0, shrink: 0 };
  phase: Phase = 'explore';

  constructor(readonly total: number, limits?: Record<Phase, number>) {
    const explore = Math.floor(total * EXPLORE_SHARE);
    this.limits = limits ?? { explore, shrink: total - explore };
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

  /** Nothing more in this phase (a sequence whose result can no longer matter): what is held is still cleaned up. */
  close(): void {
    this.limits[this.phase] = Math.min(this.limits[this.phase], this.used[this.phase]);
  }

  /** The search's share cut into the parts of its sequences, in index order: as equal as whole requests allow. */
  sequenceParts(): number[] {
    const share = this.limits.explore;
    const n = Math.max(1, Math.round(share / SEQUENCE_REQUESTS));
    return Array.from({ length: n }, (_, i) => Math.floor(share / n) + (i < share % n ? 1 : 0));
  }

  /** One sequence's part of the search: its own limit; what it spends is spent from this budget too. */
  part(requests: number): Budget {
    return new Part(this, requests);
  }
}

class Part extends Budget {
  constructor(private readonly whole: Budget, requests: number) {
    super(requests, { explore: requests, shrink: 0 });
  }

  override charge(n = 1): void {
    super.charge(n);
    this.whole.charge(n);
  }
}
