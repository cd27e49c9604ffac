// The run's last cleanup pass, in its teardown: a tag of this run still listed whose cleanup never got an answer
// from the service (every try 503 or 429, no answer at all, or no cleanup ran) is deleted once more, patiently,
// before the run says whether it left the target as found. A tag the target refused to delete (a 500, a 400) is
// not sent again: it is reported as stuck, for the sweep and the next run to judge. Only the run's own ledger
// entries are ever touched.
import { RETRYABLE_STATUS, type ApiClient } from '../http/client.js';
import { appendLedger, outstanding, type LedgerEntry } from './ledger.js';
import { isCleanedUp } from './tag-factory.js';
import { runOfKey } from '../run/run-id.js';

export interface LastPassTag {
  image: string;
  key: string;
  raw: boolean;
}

/** A cleanup that ended this way never heard the service decide: worth one more patient try. */
const UNANSWERED = (status: number | undefined) => status === undefined || RETRYABLE_STATUS.has(status);

/**
 * The run's own tags still listed whose cleanup never got the service's answer (pure: the ledger and the listings).
 * A key without the run's prefix (a dot-segment) only while it was not there at the start and holds the run's value.
 */
export function lastPassTags(ledger: readonly LedgerEntry[], runId: string, listings: ReadonlyMap<string, ReadonlyMap<string, string | null>>, before: Readonly<Record<string, Readonly<Record<string, unknown>>>>): LastPassTag[] {
  const own = ledger.filter((e) => e.runId === runId);
  const id = (e: { image: string; key: string }) => `${e.image}\n${e.key}`;
  const added = new Map(own.filter((e) => (e.op ?? 'add') === 'add').map((e) => [id(e), e]));
  const ours = (e: LedgerEntry) => {
    if (runOfKey(e.key)?.runId === runId) return true;
    const listed = listings.get(e.image)?.get(e.key);
    const value = added.get(id(e))?.value;
    return !(e.key in (before[e.image] ?? {})) && (value === undefined || listed === null || listed === value);
  };
  return outstanding(own)
    .filter((e) => listings.get(e.image)?.has(e.key) === true && ours(e))
    .filter((e) => e.op !== 'stuck' || UNANSWERED(e.status))
    .map((e) => ({ image: e.image, key: e.key, raw: added.get(id(e))?.raw === true }));
}

/** Deletes each tag (a cleanup delete, retried), one at a time so a busy gateway is not hit harder; returns the removed ones. */
export async function lastPass(owner: ApiClient, tags: readonly LastPassTag[], ledger: { resultsDir: string; runId: string }): Promise<LastPassTag[]> {
  const removed: LastPassTag[] = [];
  for (const t of tags) {
    const e = await owner.cleanupDelete(t.key, { image: t.image, raw: t.raw }).catch(() => undefined);
    if (!e || !isCleanedUp(e)) continue;
    appendLedger(ledger.resultsDir, { runId: ledger.runId, image: t.image, key: t.key, op: 'gone', at: new Date().toISOString() });
    removed.push(t);
  }
  return removed;
}
