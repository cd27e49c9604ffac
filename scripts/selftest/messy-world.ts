// `npm run selftest:messy`: the verdicts stay true on the targets users meet. The reference target with other writers
// on its images (adding and removing their own tags, rewriting their own tag's value) and behind a busy gateway
// (503s at random and in bursts, on deletes and on every request) must be CONFORMANT with no failed test, no ERROR
// and exit 0, and must show that it met them (other writers recorded, 503s retried); the mutants that remove or
// change tags they did not address must still be killed with the other writers active, and the one that commits a
// delete and then answers 503 with the gateway shedding load too.
//   --repeat N    runs of each conformant target (default 1; the closing figures use 5)
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { runConformance } from '../conformance.js';
import { startReference, suiteEnv } from '../lib/reference-process.js';
import { EXPECTED_KILLS } from './expected-kills.js';
import type { MutantName } from '../../reference/mutants.js';
import { readJson } from '../../harness/run/run-files.js';
import type { ConformanceReport } from '../../reporter/report-types.js';

const { values } = parseArgs({ options: { repeat: { type: 'string', default: '1' }, concurrency: { type: 'string', default: '2' } } });
const repeat = Math.max(1, Number(values.repeat));
const OUT = join(process.env.IMS_RESULTS_DIR || 'results', 'selftest-messy');
rmSync(OUT, { recursive: true, force: true });
mkdirSync(OUT, { recursive: true });
const started = Date.now();

const NEIGHBOURS = ['--neighbour', 'adder,rewriter'];
interface Case {
  name: string;
  args: string[];
  /** undefined: a conformant target; else the mutant whose oracle entry must be met. */
  mutant?: MutantName;
  /** What the report must show the run met (so a pass is not a world that never got messy). */
  met(r: ConformanceReport): boolean;
}
const sawNeighbours = (r: ConformanceReport) => (r.otherWriters?.changes.length ?? 0) > 0;
const sawShedding = (r: ConformanceReport) => (r.unavailable?.retriedRequests ?? 0) > 0;
const CONFORMANT: Case[] = [
  { name: 'other-writers', args: NEIGHBOURS, met: sawNeighbours },
  { name: 'shed-2pct-all', args: ['--shed-503-rate', '0.02', '--shed-503-scope', 'all'], met: () => true },
  { name: 'shed-10pct-all', args: ['--shed-503-rate', '0.1', '--shed-503-scope', 'all'], met: sawShedding },
  { name: 'shed-bursts-deletes', args: ['--shed-503-rate', '0.03', '--shed-503-burst', '3'], met: sawShedding },
];
const KILLED_WITH_NEIGHBOURS: MutantName[] = ['delete-on-every-image', 'empty-key-deletes-all', 'delete-all-tags', 'collation-first-match', 'prefix-delete', 'case-insensitive'];
const MUTANTS: Case[] = [
  ...KILLED_WITH_NEIGHBOURS.map((m): Case => ({ name: `${m}+neighbours`, args: [...NEIGHBOURS, '--mutant', m], mutant: m, met: sawNeighbours })),
  { name: 'delete-then-503+shedding', args: ['--mutant', 'delete-then-503', '--shed-503-rate', '0.05'], mutant: 'delete-then-503', met: () => true },
];

interface Row {
  name: string;
  run: number;
  verdict: string;
  exitCode: number;
  failed: string[];
  ok: boolean;
  why?: string;
}

async function judge(c: Case, run: number): Promise<Row> {
  const dir = join(OUT, `${c.name}-${run}`);
  mkdirSync(dir, { recursive: true });
  const target = await startReference(c.args);
  try {
    const out = await runConformance({ env: suiteEnv({ ...target.env, IMS_RESULTS_DIR: dir }), logFile: join(dir, 'output.log') });
    const r = readJson<ConformanceReport>(join(dir, 'report.json'));
    const failed = (r?.requirements ?? []).filter((q) => q.outcome === 'fail').map((q) => q.id);
    const row: Row = { name: c.name, run, verdict: r?.verdict ?? 'none', exitCode: out.exitCode, failed, ok: false };
    if (!r) return { ...row, why: out.message ?? 'no report' };
    if (!c.met(r)) return { ...row, why: 'the run did not meet the other writers or the 503s it was meant to meet' };
    if (!c.mutant) {
      const bad = r.tests.filter((t) => t.outcome === 'fail' || t.outcome === 'error');
      const ok = out.exitCode === 0 && r.verdict === 'CONFORMANT' && bad.length === 0 && r.fatal.length === 0;
      return { ...row, ok, why: ok ? undefined : `false failure: ${bad.map((t) => `${t.requirement} ${t.title}`).join(' | ') || r.fatal.join('; ') || `exit ${out.exitCode}`}` };
    }
    const expected = EXPECTED_KILLS[c.mutant];
    // Still killed with the other writers active: its oracle's requirements among the failed ones (the exact sets,
    // collateral damage included, are the main self-test's to judge, on a quiet image).
    const caught = expected.requirements.every((id) => failed.includes(id));
    // NON-CONFORMANT; or ERROR when the fault also destroyed another writer's tag that predates the run (the alarm,
    // with the tags named as harm): a run's request can have done it, so the run says so loudly.
    const alarm = r.verdict === 'ERROR' && (r.harm?.length ?? 0) > 0 && out.exitCode === 2;
    const ok = caught && (alarm || (r.verdict === 'NON-CONFORMANT' && (out.exitCode === 1 || (out.exitCode === 3 && (r.cleanup?.left.length ?? 0) > 0))));
    const extra = failed.filter((id) => !expected.requirements.includes(id));
    return { ...row, ok, why: ok ? (extra.length ? `also failed ${extra.join(',')}` : undefined) : `expected ${expected.requirements.join(',')} among the failed, NON-CONFORMANT` };
  } finally {
    await target.stop();
  }
}

const jobs = [...CONFORMANT.flatMap((c) => Array.from({ length: repeat }, (_, i) => [c, i + 1] as const)), ...MUTANTS.map((c) => [c, 1] as const)];
const rows: Row[] = [];
const queue = [...jobs];
await Promise.all(Array.from({ length: Number(values.concurrency) }, async () => {
  for (let job = queue.shift(); job; job = queue.shift()) rows.push(await judge(job[0], job[1]));
}));
rows.sort((a, b) => a.name.localeCompare(b.name) || a.run - b.run);
for (const r of rows) process.stdout.write(`${r.name.padEnd(36)} run ${r.run}  ${r.verdict.padEnd(15)} exit ${r.exitCode}  failed ${r.failed.join(',') || '-'}  ${r.ok ? `ok${r.why ? ` (${r.why})` : ''}` : `NOT OK: ${r.why}`}\n`);
const bad = rows.filter((r) => !r.ok);
process.stdout.write(`messy world: ${rows.length - bad.length}/${rows.length} as expected in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
process.exit(bad.length ? 1 : 0);
