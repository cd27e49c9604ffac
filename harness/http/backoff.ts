// How long to wait before sending a request again after a 503 or 429: one rule for the client's fixture steps and
// the re-sends of requests under test. The server's Retry-After (seconds) is a minimum, never the whole wait: a busy
// gateway that keeps answering `Retry-After: 0` would otherwise get every try at once, and a guest backs off.

/** The first wait after a refusal; each further try doubles it, up to FLOOR_CAP_MS. */
const FLOOR_MS = 100;
const FLOOR_CAP_MS = 1_600;

/** The wait before try `tries + 1`, after `tries` refusals: the larger of Retry-After (up to `capMs`) and the doubling floor. */
export function retryDelayMs(retryAfter: string | undefined, tries: number, capMs: number): number {
  const raw = retryAfter?.trim();
  const server = raw !== undefined && /^\d+$/.test(raw) ? Number(raw) * 1000 : 0;
  return Math.min(capMs, Math.max(server, Math.min(FLOOR_CAP_MS, FLOOR_MS * 2 ** (Math.max(1, tries) - 1))));
}
