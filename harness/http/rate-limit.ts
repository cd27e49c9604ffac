// IMS_MAX_RPS: a per-process token bucket. The runner splits the run's budget evenly across its workers.

export class RateLimiter {
  private next = 0;

  /** `rps` requests per second for this process; undefined means unlimited. */
  constructor(private readonly rps: number | undefined) {}

  async take(): Promise<void> {
    if (!this.rps) return;
    const interval = 1000 / this.rps;
    const now = Date.now();
    const at = Math.max(now, this.next);
    this.next = at + interval;
    if (at > now) await new Promise((r) => setTimeout(r, at - now));
  }
}
