// `npm run bench`: time to verdict against a distant target. For each injected latency (per response) the full
// suite runs 3 times against the reference target; the figures are the median wall time, the requests sent, the
// critical path (the longest chain of dependent requests: preflight, the longest test, the integrity check) and
// the lower bound `fixed start-up + critical path x latency`, the start-up being a one-test run at 0 ms.
// That bound follows the run: it grows whenever the suite serialises more. Beside it, the inherent chain: preflight,
// the longest chain one case or one exploration sequence needs by itself (scripts/lib/critical-path.ts:
// inherentChain), the integrity check; its bound `start-up + inherent chain x latency` is what no scheduling beats.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { runConformance } from './conformance.js';
import { startReference, suiteEnv } from './lib/reference-process.js';
import { inherentChain, longestChain, type Timed } from './lib/critical-path.js';
import { readJson } from '../harness/run/run-files.js';

const { values } = parseArgs({ options: { latencies: { type: 'string', default: '0,50,200' }, repeats: { type: 'string', default: '3' } } });
const LATENCIES = values.latencies.split(',').map(Number);
const REPEATS = Number(values.repeats);
const OUT = join('results', 'bench');
rmSync(OUT, { recursive: true, force: true });
mkdirSync(OUT, { recursive: true });

interface Exchanges {
  preflight: Timed[];
  tests: { id: string; title: string; exchanges: (Timed & { unit?: string })[] }[];
}

/** Integrity check at the end: one round of listings, concurrent per image. */
const TEARDOWN_CHAIN = 1;

async function timedRun(latency: number, label: string, args: string[] = []) {
  const ref = await startReference(latency ? ['--latency-ms', String(latency)] : []);
  const dir = join(OUT, label);
  try {
    const t0 = performance.now();
    const run = await runConformance({ args, env: suiteEnv({ ...ref.env, IMS_RESULTS_DIR: dir }), logFile: join(dir, 'output.log') });
    const wallMs = performance.now() - t0;
    // A one-test run judges only what it exercised (exit 0; 1 under IMS_STRICT=1); anything else must be CONFORMANT.
    if (run.exitCode !== 0 && !(args.length && run.exitCode === 1)) throw new Error(`${label}: the run was not CONFORMANT (exit ${run.exitCode}${run.message ? `: ${run.message}` : ''}); see ${dir}/output.log`);
    const ex = readJson<Exchanges>(join(dir, 'exchanges.json'));
    if (!ex) throw new Error(`${label}: no exchanges.json`);
    const longest = ex.tests.reduce((a, t) => (longestChain(t.exchanges) > a.n ? { n: longestChain(t.exchanges), title: t.title } : a), { n: 0, title: '' });
    const inherent = ex.tests.reduce((a, t) => (inherentChain(t.exchanges) > a.n ? { n: inherentChain(t.exchanges), title: t.title } : a), { n: 0, title: '' });
    const requests = ex.preflight.length + ex.tests.reduce((n, t) => n + t.exchanges.length, 0);
    return {
      wallMs, requests, criticalPath: longestChain(ex.preflight) + longest.n + TEARDOWN_CHAIN, longestTest: longest.title,
      inherentChain: longestChain(ex.preflight) + inherent.n + TEARDOWN_CHAIN, inherentTest: inherent.title,
      exploration: ex.tests.find((t) => t.exchanges.some((e) => e.unit?.startsWith('sequence ')))?.exchanges.length ?? 0,
    };
  } finally {
    await ref.stop();
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

// Fixed start-up: everything but the tests' own waiting, from a one-test run at 0 ms.
const startups: number[] = [];
for (let i = 0; i < REPEATS; i++) startups.push((await timedRun(0, `startup-${i}`, ['--grep', 'unknown image'])).wallMs);
const startupMs = median(startups);

const rows = [];
for (const latency of LATENCIES) {
  const runs = [];
  for (let i = 0; i < REPEATS; i++) runs.push(await timedRun(latency, `${latency}ms-${i}`));
  const wallMs = median(runs.map((r) => r.wallMs));
  const criticalPath = Math.max(...runs.map((r) => r.criticalPath));
  const boundMs = startupMs + criticalPath * latency;
  const inherent = Math.max(...runs.map((r) => r.inherentChain));
  const inherentBoundMs = startupMs + inherent * latency;
  rows.push({ latencyMs: latency, wallMs: Math.round(wallMs), walls: runs.map((r) => Math.round(r.wallMs)), requests: median(runs.map((r) => r.requests)),
    explorationRequests: median(runs.map((r) => r.exploration)),
    criticalPath, longestTest: runs[0]!.longestTest, startupMs: Math.round(startupMs), boundMs: Math.round(boundMs), ratio: Number((wallMs / boundMs).toFixed(2)),
    inherentChain: inherent, inherentTest: runs[0]!.inherentTest, inherentBoundMs: Math.round(inherentBoundMs), inherentRatio: Number((wallMs / inherentBoundMs).toFixed(2)),
    startupRatio: Number((wallMs / startupMs).toFixed(2)) });
}
writeFileSync(join(OUT, '..', 'bench.json'), `${JSON.stringify({ machine: { cpus: (await import('node:os')).cpus().length }, repeats: REPEATS, rows }, null, 2)}\n`);
for (const r of rows) {
  process.stdout.write(`bench ${r.latencyMs}ms: wall ${(r.wallMs / 1000).toFixed(1)} s (${(r.startupRatio)}x start-up ${(r.startupMs / 1000).toFixed(1)} s), requests ${r.requests} (exploration ${r.explorationRequests})\n`
    + `  run's chain: ${r.criticalPath} requests (${r.longestTest}), bound ${(r.boundMs / 1000).toFixed(1)} s, ratio ${r.ratio}\n`
    + `  inherent chain: ${r.inherentChain} requests (${r.inherentTest}), bound ${(r.inherentBoundMs / 1000).toFixed(1)} s, ratio ${r.inherentRatio}\n`);
}
