// What earlier runs left on the images, and which of it the sweep may delete. A pure decision over the current
// listings and the local ledgers, shared by the sweep and the preflight's report, so both say the same thing.
import { outstanding, stuckEntries, type LedgerEntry } from './ledger.js';
import { runOfKey } from '../run/run-id.js';

export interface Leftover {
  image: string;
  key: string;
  runId: string;
  /** When the run started (from its id); undefined for a prefix-free key known only from a ledger. */
  startedAt?: string;
  /** Send the key verbatim (dot-segments). */
  raw: boolean;
  action: 'delete' | 'keep';
  reason: string;
  /** Shaped like the suite's keys but not of any run of it: listed by the sweep, not reported as a leftover. */
  foreign?: true;
  /** A ledger says the target would not delete it (the status it answered): the sweep tries once and explains. */
  stuck?: { status: number | null; pair: string | null };
}

export interface SweepInput {
  /** Current tags per image: key -> value (null where the dialect has no values). */
  listings: Record<string, Map<string, string | null>>;
  /** Every local ledger line. */
  ledger: readonly LedgerEntry[];
  isAlive: (runId: string) => boolean;
  /** Runs older than this are swept whether or not a local ledger knows them. */
  ttlMs: number;
  now: number;
  /** The run asking (the preflight): its own keys are not leftovers. */
  currentRunId?: string;
}

export function planSweep(input: SweepInput): Leftover[] {
  const out: Leftover[] = [];
  const open = outstanding(input.ledger);
  const ledgerRuns = new Set(input.ledger.map((e) => e.runId));
  const seen = new Set<string>();
  const alive = new Map<string, boolean>();
  const isAlive = (runId: string) => alive.get(runId) ?? alive.set(runId, input.isAlive(runId)).get(runId)!;
  const stuck = new Map(stuckEntries(input.ledger).map((e) => [`${e.image}\n${e.key}`, e]));

  for (const [image, tags] of Object.entries(input.listings)) {
    for (const key of tags.keys()) {
      const run = runOfKey(key);
      if (!run || run.runId === input.currentRunId) continue;
      seen.add(`${image}\n${key}`);
      const age = input.now - run.startedAt.getTime();
      const base: Omit<Leftover, 'action' | 'reason'> = { image, key, runId: run.runId, startedAt: run.startedAt.toISOString(), raw: key === '.' || key === '..' };
      // A tag the target would not delete before is still tried once (an operator may have removed its twin since).
      const held = stuck.get(`${image}\n${key}`);
      if (held) Object.assign(base, { stuck: { status: held.status ?? null, pair: held.case?.id ?? null } });
      const before = held ? `; the target would not delete it before${held.case ? ` (near-miss pair ${held.case.id}, ${held.case.kind})` : ''}: it answered ${held.status ?? 'nothing'}` : '';
      if (ledgerRuns.has(run.runId) && isAlive(run.runId)) out.push({ ...base, action: 'keep', reason: 'its run is still running on this machine' });
      else if (ledgerRuns.has(run.runId)) out.push({ ...base, action: 'delete', reason: `its run ended (local ledger, process gone)${before}` });
      else if (age < 0) out.push({ ...base, action: 'keep', foreign: true, reason: 'its run id names a start time in the future: not a run of this suite' });
      else if (age >= input.ttlMs) out.push({ ...base, action: 'delete', reason: `its run started ${hours(age)} ago (TTL ${hours(input.ttlMs)})` });
      else out.push({ ...base, action: 'keep', reason: `its run started ${hours(age)} ago, within the TTL of ${hours(input.ttlMs)} (it may still be running elsewhere)` });
    }
  }

  // Keys without the prefix (`.`, `..`): only from a ledger of a run that is over, and only while they still hold
  // the value that run set (the value carries the run prefix), so a tag someone set since is never touched.
  for (const e of open) {
    if (e.runId === input.currentRunId || runOfKey(e.key)) continue;
    const tags = input.listings[e.image];
    if (!tags?.has(e.key) || seen.has(`${e.image}\n${e.key}`)) continue;
    const base = { image: e.image, key: e.key, runId: e.runId, raw: !!e.raw };
    const value = tags.get(e.key);
    if (isAlive(e.runId)) out.push({ ...base, action: 'keep', reason: 'its run is still running on this machine' });
    else if (value !== null && value !== e.value) out.push({ ...base, action: 'keep', reason: 'its value is no longer the one the run set: someone else owns it now' });
    else out.push({ ...base, action: 'delete', reason: `the ledger of ended run ${e.runId} created it${value === null ? ' (this dialect shows no values to compare)' : ' and it still holds that value'}` });
  }
  return out;
}

const hours = (ms: number) => (ms >= 3_600_000 ? `${(ms / 3_600_000).toFixed(1)} h` : `${Math.round(ms / 60_000)} min`);

/** One line for the preflight: how many leftovers, and what to do about them. */
export function summarizeLeftovers(all: readonly Leftover[]): string | undefined {
  const leftovers = all.filter((l) => !l.foreign);
  if (!leftovers.length) return undefined;
  const del = leftovers.filter((l) => l.action === 'delete').length;
  const stuck = leftovers.filter((l) => l.stuck);
  const runs = [...new Set(leftovers.map((l) => l.runId))];
  const held = stuck.length ? `; ${stuck.length} the target will not delete (${stuck.slice(0, 4).map((l) => JSON.stringify(l.key)).join(', ')}${stuck.length > 4 ? ', …' : ''}): ${stuckExplanation(stuck.map((l) => l.stuck!))}` : '';
  return `${leftovers.length} tag(s) left by earlier runs of the suite (runs ${runs.slice(0, 5).join(', ')}${runs.length > 5 ? ', …' : ''}): ${del} removable now. \`npm run sweep\` lists them, \`npm run sweep -- --apply\` deletes them${held}`;
}

/**
 * Why no run of the suite, and no `sweep`, can remove a tag the target would not delete, and what can: one text for
 * the console, report.md, the sweep and the preflight.
 */
export function stuckExplanation(stuck: readonly { status: number | null | undefined; pair?: string | null }[]): string {
  const answered = [...new Set(stuck.map((s) => s.status ?? 'nothing'))].join('/');
  // Only a near-miss pair's tags are known to be held by a twin; of others the suite knows only the answer.
  const why = stuck.length && stuck.every((s) => s.pair) ? ': each is a key beside a near-miss twin that its database compares as equal (a folding collation: OpenStack Glance on MariaDB matches both rows and fails)' : '';
  return (
    `the target answers ${answered} to every delete of these tags and keeps them${why}, so no API call can remove them, ` +
    `\`ims-conformance sweep --apply\` included. Only the target's own tools can: its operator deleting the rows in the database ` +
    `(Glance: DELETE FROM image_tags WHERE image_id = '<image>' AND BINARY value = '<key>'), or deleting the image` +
    (why ? '. Later runs recognise them from the ledger and create no more pairs of their kind' : '')
  );
}
