// Files a run leaves in the results folder besides the reports: what the preflight found, and the integrity check.
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Leftover } from '../books/leftovers.js';
import type { WriteProbeRecord } from './write-probe.js';

export const runFile = (resultsDir: string, name: 'preflight.json' | 'integrity.json' | 'preflight-exchanges.json') => join(resultsDir, 'run', name);

export function writeJson(file: string, value: unknown): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);
}

export function readJson<T>(file: string): T | undefined {
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as T) : undefined;
}

export interface PreflightRecord {
  ok: boolean;
  runId: string;
  message?: string;
  warnings: string[];
  snapshot?: Record<string, Record<string, string | null>>;
  freeSlots?: Record<string, number>;
  clockSkewMs?: number;
  leftovers?: Leftover[];
  writeProbes?: WriteProbeRecord[];
  serialWrites?: boolean;
}

export interface IntegrityRecord {
  checked: number;
  intact: number;
  lost: { image: string; key: string; value: string | null; now: string | null | 'missing' }[];
  /** Keys of other recent runs of the suite present at the start: theirs to delete, not checked. */
  otherRuns?: number;
  /** The teardown's last pass: tags of this run whose cleanup never got the service's answer, tried once more, and how many it removed. */
  lastPass?: { tried: number; removed: number };
  /** Tags of this run still on the images at its end: the target was not left as found. */
  left?: { image: string; key: string }[];
  /** Tags of this or an earlier run still listed that the target would not delete (the ledgers' `stuck` lines). */
  stuck?: StuckTagRecord[];
  error?: string;
}

/** A tag of the suite the target would not delete: named in the report, with why the sweep cannot remove it. */
export interface StuckTagRecord {
  image: string;
  key: string;
  runId: string;
  /** The status its last delete answered (null: no answer). */
  status: number | null;
  /** The near-miss pair and its kind that made it (null: another test's tag). */
  pair: string | null;
  kind: string | null;
}
