// The ledger: one JSON line per tag the suite is about to create, written before the add is sent, so a run
// killed at any point leaves a record of everything it may have created; a `gone` line once the run saw the tag
// deleted (or never created). A `.pid` file beside it says the run is alive. Teardown and sweep delete only these.
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';

export interface LedgerEntry {
  runId: string;
  image: string;
  key: string;
  /**
   * `add` (absent in old ledgers) before the add is sent; `gone` once the run knows the tag is not there; `stuck`
   * when the target would not delete it (a 5xx or no answer to the cleanup's deletes): no API call may remove it.
   */
  op?: 'add' | 'gone' | 'stuck';
  /** stuck: the status of the delete that failed (undefined: no answer). */
  status?: number;
  /** stuck: the case that created it (a near-miss pair and its kind), so a later run judges it without new tags. */
  case?: StuckCase;
  /** The value the run set: a prefix-free key is only swept while it still holds this value. */
  value?: string;
  /** The key must travel verbatim (dot-segments). */
  raw?: boolean;
  at: string;
}

export interface StuckCase {
  id: string;
  kind: string;
}

const ledgerDir = (resultsDir: string) => join(resultsDir, 'ledger');
export const ledgerFile = (resultsDir: string, runId: string) => join(ledgerDir(resultsDir), `${runId}.jsonl`);
const pidFile = (resultsDir: string, runId: string) => join(ledgerDir(resultsDir), `${runId}.pid`);

export function appendLedger(resultsDir: string, entry: LedgerEntry): void {
  mkdirSync(ledgerDir(resultsDir), { recursive: true });
  appendFileSync(ledgerFile(resultsDir, entry.runId), `${JSON.stringify(entry)}\n`);
}

export function readLedger(file: string): LedgerEntry[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim())
    .flatMap((line) => {
      try {
        return [JSON.parse(line) as LedgerEntry];
      } catch {
        return []; // a line cut short by a kill
      }
    });
}

export function readAllLedgers(resultsDir: string): LedgerEntry[] {
  const dir = ledgerDir(resultsDir);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.jsonl'))
    .flatMap((f) => readLedger(join(dir, f)));
}

/** Entries whose tag the run may still have left behind: the last line for each image+key is an add. */
export function outstanding(entries: readonly LedgerEntry[]): LedgerEntry[] {
  const last = new Map<string, LedgerEntry>();
  for (const e of entries) last.set(`${e.runId}\n${e.image}\n${e.key}`, e);
  return [...last.values()].filter((e) => e.op !== 'gone');
}

/** Tags the target would not delete: the last line for each run, image and key says `stuck`. */
export function stuckEntries(entries: readonly LedgerEntry[]): LedgerEntry[] {
  return outstanding(entries).filter((e) => e.op === 'stuck');
}

/** Marks the run alive for the sweep and the next run's preflight: removed by a normal teardown. */
export function markRunAlive(resultsDir: string, runId: string): void {
  mkdirSync(ledgerDir(resultsDir), { recursive: true });
  writeFileSync(pidFile(resultsDir, runId), JSON.stringify({ pid: process.pid, host: hostname(), startedAt: new Date().toISOString() }));
}

export function markRunEnded(resultsDir: string, runId: string): void {
  rmSync(pidFile(resultsDir, runId), { force: true });
}

/**
 * Whether a run may still be running. Unknown means alive: a run on another host, or a pid that exists (a
 * reused pid only delays a sweep). No pid file means the run ended or was swept.
 */
export function isRunAlive(resultsDir: string, runId: string): boolean {
  const file = pidFile(resultsDir, runId);
  if (!existsSync(file)) return false;
  let info: { pid?: number; host?: string };
  try {
    info = JSON.parse(readFileSync(file, 'utf8')) as { pid?: number; host?: string };
  } catch {
    return true; // being written right now
  }
  if (info.host !== hostname() || typeof info.pid !== 'number') return true;
  try {
    process.kill(info.pid, 0);
    return !isZombie(info.pid);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * A killed process nobody has reaped yet (in a container whose first process reaps no orphans) still answers signal 0:
 * on Linux its state in /proc says it is over.
 */
function isZombie(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) === 'Z';
  } catch {
    return false; // no /proc (not Linux): signal 0 is the answer
  }
}
