// The ledger: one JSON line per tag the suite is about to create, written before the add is sent, so a run
// killed at any point leaves a record of everything it may have created. Teardown and sweep delete only these.
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface LedgerEntry {
  runId: string;
  image: string;
  key: string;
  /** The key must travel verbatim (dot-segments). */
  raw?: boolean;
  at: string;
}

export const ledgerDir = (resultsDir: string) => join(resultsDir, 'ledger');
export const ledgerFile = (resultsDir: string, runId: string) => join(ledgerDir(resultsDir), `${runId}.jsonl`);

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
