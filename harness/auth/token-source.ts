// A persona's login token for the run: fetched once, shared, and fetched again shortly before it expires, so a run
// longer than the token's life (or a token handed over near its end) keeps working.
import type { IssuedToken } from './openstack.js';

/** Renew when less than this much of the token's life is left (or a tenth of its life, for short-lived tokens). */
const RENEW_MARGIN_MS = 5 * 60_000;

export function needsRenewal(t: IssuedToken, issuedAt: number, now: number): boolean {
  if (t.expiresAt === undefined) return false;
  const margin = Math.min(RENEW_MARGIN_MS, Math.max(0, (t.expiresAt - issuedAt) / 10));
  return now >= t.expiresAt - margin;
}

export class TokenSource {
  private current?: Promise<IssuedToken>;
  private issuedAt = 0;

  constructor(
    private readonly login: () => Promise<IssuedToken>,
    given?: IssuedToken,
    private readonly now: () => number = Date.now,
  ) {
    if (given) {
      this.current = Promise.resolve(given);
      this.issuedAt = this.now();
    }
  }

  /** The token, logging in when there is none yet or the one held is about to expire. */
  async issued(): Promise<IssuedToken> {
    const pending = this.current;
    if (pending) {
      const held = await pending.catch(() => undefined);
      if (this.current !== pending) return this.issued(); // renewed (or failed) meanwhile: take that one
      if (held && !needsRenewal(held, this.issuedAt, this.now())) return held;
    }
    // One login at a time: concurrent callers share it; a failed login is retried by the next caller.
    const attempt = this.login();
    this.current = attempt;
    this.issuedAt = this.now();
    attempt.catch(() => {
      if (this.current === attempt) this.current = undefined;
    });
    return attempt;
  }

  async token(): Promise<string> {
    return (await this.issued()).token;
  }
}
