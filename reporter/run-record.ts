// What a run knows outside its test results: the preflight, the integrity check, the preflight's exchanges and
// the target. A shard writes its record next to its blob report, so `playwright merge-reports` (possibly on
// another machine, without the shards' results/run folders) decides the verdict on the same facts as one run.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Exchange } from '../harness/http/exchanges.js';
import { readJson, runFile, writeJson, type IntegrityRecord, type PreflightRecord } from '../harness/run/run-files.js';

export interface Shard {
  current: number;
  total: number;
}

export interface RunRecord {
  runId: string | null;
  shard: Shard | null;
  target: Record<string, unknown> | null;
  /** The snapshot of other people's tags stays in results/run; it is not needed to decide anything. */
  preflight: Omit<PreflightRecord, 'snapshot'> | null;
  integrity: IntegrityRecord | null;
  preflightExchanges: Exchange[];
}

const RECORD = /^run-record(-\d+)?\.json$/;

export function readOwnRunRecord(resultsDir: string, target: RunRecord['target'], shard: Shard | null): RunRecord {
  const preflight = readJson<PreflightRecord>(runFile(resultsDir, 'preflight.json'));
  const { snapshot: _snapshot, ...shown } = preflight ?? { ok: false, runId: '', warnings: [] };
  return {
    runId: preflight?.runId ?? process.env.IMS_RUN_ID ?? null,
    shard,
    target,
    preflight: preflight ? shown : null,
    integrity: readJson<IntegrityRecord>(runFile(resultsDir, 'integrity.json')) ?? null,
    preflightExchanges: readJson<Exchange[]>(runFile(resultsDir, 'preflight-exchanges.json')) ?? [],
  };
}

/** Named like the blob report it belongs to: report-2.zip and run-record-2.json. */
export function writeRunRecord(dir: string, record: RunRecord): void {
  writeJson(join(dir, record.shard ? `run-record-${record.shard.current}.json` : 'run-record.json'), record);
}

/** The records found next to the blob reports being merged, and what is wrong with the set. */
export function readRunRecords(dir: string): { records: RunRecord[]; problems: string[] } {
  let names: string[] = [];
  try {
    names = readdirSync(dir).filter((n) => RECORD.test(n)).sort();
  } catch {
    return { records: [], problems: [`no run records in ${dir}: merge the blob reports together with the run-record-*.json files their runs wrote`] };
  }
  const records = names.map((n) => readJson<RunRecord>(join(dir, n))!);
  const problems: string[] = [];
  if (!records.length) problems.push(`no run records in ${dir}: merge the blob reports together with the run-record-*.json files their runs wrote`);
  const totals = new Set(records.map((r) => r.shard?.total ?? 1));
  if (totals.size > 1) problems.push(`the run records come from different shardings: ${[...totals].join(', ')} shards`);
  const total = [...totals][0] ?? 1;
  const seen = new Set(records.map((r) => r.shard?.current ?? 1));
  for (let i = 1; i <= total; i++) if (!seen.has(i)) problems.push(`the run record of shard ${i}/${total} is missing`);
  if (records.length > seen.size) problems.push('two run records claim the same shard');
  // Each shard of an embedded run starts its own reference target on its own port: the same target for this purpose.
  const comparable = (t: RunRecord['target']) => JSON.stringify(t?.embedded ? { ...t, endpoint: 'embedded' } : t);
  const targets = new Set(records.map((r) => comparable(r.target)));
  if (targets.size > 1) problems.push('the shards ran against different targets or configurations');
  return { records, problems };
}
