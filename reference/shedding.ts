// Load shedding, as a busy gateway does: a share of requests answered 503 with Retry-After: 0 before the service
// sees them (nothing changes), at random or in bursts. The suite must send such a request again, not judge it
// (--shed-503-rate, --shed-503-burst, --shed-503-scope).

export interface SheddingOptions {
  /** Share of requests answered 503, 0..1. */
  rate: number;
  /** When set, the 503s come in bursts of this many consecutive requests (the rate then sets how often a burst starts). */
  burst?: number;
  /** Which requests: only deletes (default), or every request (adds and listings too; never the login). */
  scope: 'deletes' | 'all';
}

/** Decides, request by request, whether to shed it. */
export function shedder(o: SheddingOptions): (method: string) => boolean {
  let burstLeft = 0;
  return (method) => {
    if (o.scope === 'deletes' && method !== 'DELETE') return false;
    if (burstLeft > 0) {
      burstLeft--;
      return true;
    }
    if (Math.random() >= o.rate) return false;
    burstLeft = (o.burst ?? 1) - 1;
    return true;
  };
}
