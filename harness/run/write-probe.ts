// The preflight's probe for targets that lose overlapping writes to one image (OpenStack Glance reads, changes and
// writes back an image's whole tag set). On the run's own keys only: adds together, then deletes and adds together,
// then deletes together, each phase checked by a listing. A target that loses or undoes any of them is then tested
// one write at a time (unless IMS_SERIAL_WRITES=0), and DT-17 records the finding. Every key is ledgered before it
// is added and removed again, one delete at a time, before any test starts.
import type { ApiClient } from '../http/client.js';
import { describeExchange, type Exchange } from '../http/exchanges.js';
import { appendLedger } from '../books/ledger.js';
import { runPrefix } from './run-id.js';

export interface WriteProbeRecord {
  image: string;
  /** Rounds run (the probe stops at the first loss). */
  rounds: number;
  /** What went wrong, one line per key: empty when every write took effect. */
  lost: string[];
  /** Exchanges that are the evidence of a loss (one line each). */
  evidence: string[];
  /** Why it did not run (too few free tag slots). */
  skipped?: string;
  /** Probe keys still on the image after its own cleanup (named again at the end of the run). */
  left: string[];
}

const ROUNDS = 3;
/** Keys per phase: three overlapping writes lose one on a read-modify-write target almost every time. */
const MAX_PER_PHASE = 3;
const ok = (e: Exchange) => e.status !== undefined && e.status >= 200 && e.status < 300;

export async function probeWrites(owner: ApiClient, image: string, freeSlots: number, ledger: { resultsDir: string; runId: string }): Promise<WriteProbeRecord> {
  const record: WriteProbeRecord = { image, rounds: 0, lost: [], evidence: [], left: [] };
  const PER_PHASE = Math.min(MAX_PER_PHASE, Math.floor(freeSlots / 2));
  if (PER_PHASE < 2) return { ...record, skipped: `needs 4 free tag slots on image ${image}, it has ${freeSlots}` };
  const created = new Set<string>();
  const add = async (key: string) => {
    appendLedger(ledger.resultsDir, { runId: ledger.runId, image, key, op: 'add', value: `probe-${key}`, at: new Date().toISOString() });
    created.add(key);
    return { key, e: await owner.addTag(key, `probe-${key}`, { image }, 'preflight') };
  };
  const del = async (key: string) => ({ key, e: await owner.cleanupDelete(key, { image }, 'preflight') });
  const expectListed = async (present: { key: string; e: Exchange }[], absent: { key: string; e: Exchange }[]) => {
    const listing = await owner.list({ image }, 'preflight');
    for (const { key, e } of present) if (ok(e) && !listing.tags.has(key)) lose(`an add answered ${e.status} but the tag ${JSON.stringify(key)} is not listed`, e, listing.exchange);
    for (const { key, e } of absent) if (ok(e) && listing.tags.has(key)) lose(`a delete answered ${e.status} but the tag ${JSON.stringify(key)} is listed again`, e, listing.exchange);
  };
  const lose = (what: string, ...es: Exchange[]) => {
    if (record.lost.includes(what)) return; // a tag lost in one phase is still missing in the next: told once
    record.lost.push(what);
    record.evidence.push(...es.map(describeExchange));
  };
  try {
    for (let round = 1; round <= ROUNDS && !record.lost.length; round++) {
      record.rounds = round;
      const keys = Array.from({ length: 2 * PER_PHASE }, (_, i) => `${runPrefix(ledger.runId)}wp${round}x${i}`);
      const [first, second] = [keys.slice(0, PER_PHASE), keys.slice(PER_PHASE)];
      const added = await Promise.all(first.map(add));
      await expectListed(added, []);
      const [deleted, addedMore] = await Promise.all([Promise.all(first.map(del)), Promise.all(second.map(add))]);
      await expectListed([...added.filter(({ key }) => !deleted.some((d) => d.key === key && ok(d.e))), ...addedMore], deleted);
      const deletedMore = await Promise.all(second.map(del));
      await expectListed([], deletedMore);
    }
  } catch (err) {
    // A target the harness cannot read here (a transport error) is judged by the tests, not by the probe.
    record.skipped = `the probe could not complete: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`;
  } finally {
    record.left = await removeOneByOne(owner, image, created, ledger).catch(() => [...created]);
  }
  return record;
}

/** The probe's cleanup: one delete at a time, then a listing proves it. Returns the keys still there. */
async function removeOneByOne(owner: ApiClient, image: string, keys: Set<string>, ledger: { resultsDir: string; runId: string }): Promise<string[]> {
  for (let attempt = 0; attempt < 2; attempt++) {
    const listing = await owner.list({ image }, 'preflight');
    const there = [...keys].filter((k) => listing.tags.has(k));
    for (const k of keys) if (!there.includes(k)) appendLedger(ledger.resultsDir, { runId: ledger.runId, image, key: k, op: 'gone', at: new Date().toISOString() });
    if (!there.length) return [];
    for (const k of there) await owner.cleanupDelete(k, { image }, 'preflight').catch(() => undefined);
  }
  const listing = await owner.list({ image }, 'preflight');
  return [...keys].filter((k) => listing.tags.has(k));
}
