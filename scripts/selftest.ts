// `npm run selftest`: proves the suite's verdicts. The unmodified reference target (repeated, to catch flakes) and
// a vendor-like variant that differs only in legitimate ways must be CONFORMANT with no failure; every mutant of
// the reference must be caught failing exactly the requirements its oracle names: one more is collateral damage (a
// false failure of the suite), reported as such. Every run goes through runConformance() with IMS_* variables,
// exactly as a user's run does, and with the worker counts users have: the reference and every mutant with the
// default count (IMS_WORKERS unset: 4), the vendor-like variant with certify's (2).
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { runConformance } from './conformance.js';
import { startReferenceTargets, suiteEnv } from './lib/reference-process.js';
import { EXPECTED_KILLS, type ExpectedKill } from './selftest/expected-kills.js';
import { isMutantName } from '../reference/mutants.js';
import { EXIT_LEFT_TAGS } from '../reporter/outcomes.js';
import { VARIANT_ARGS } from './selftest/variant.js';
import { CERTIFY_WORKERS } from './certify.js';
import { requirements } from '../harness/spec.js';
import { readJson } from '../harness/run/run-files.js';

interface Report {
  verdict: string;
  cleanup?: { left: unknown[] } | null;
  counts: Record<string, number>;
  requirements: { id: string; tier: string; outcome: string; reason?: string }[];
  tests: { id: string; title: string; requirement: string; outcome: string; reason?: string }[];
}

interface Row {
  target: string;
  breaks: string;
  expected: string[];
  failed: string[];
  failedTests: string[];
  errored: string[];
  verdict: string;
  exitCode: number;
  workers: string;
  result: 'killed' | 'survived' | 'collateral damage' | 'conformant' | 'false failure';
  note?: string;
}

// --mutant NAME (repeatable): only these mutants; --skip-conformant: without the reference and variant runs (a quick
// look at some mutants; such a run is not the self-test's verdict).
const { values } = parseArgs({ options: { mutant: { type: 'string', multiple: true }, concurrency: { type: 'string', default: '3' }, 'skip-conformant': { type: 'boolean', default: false } } });
const OUT = join(process.env.IMS_RESULTS_DIR || 'results', 'selftest');
rmSync(OUT, { recursive: true, force: true });
mkdirSync(OUT, { recursive: true });
const started = Date.now();

// The mutant list comes from the reference target itself, so a new mutant without an oracle entry is caught.
const listed = execFileSync(process.execPath, ['--import', 'tsx', 'reference/main.ts', '--list-mutants'], { encoding: 'utf8' })
  .trim()
  .split('\n')
  .map((l) => l.split('\t') as [string, string]);
const describeMutant = new Map(listed);
const problems: string[] = [];
const oracle = (name: string): ExpectedKill | undefined => (isMutantName(name) ? EXPECTED_KILLS[name] : undefined);
for (const [name] of listed) if (!oracle(name)) problems.push(`mutant ${name} has no expected kills in scripts/selftest/expected-kills.ts`);
for (const r of requirements) {
  if (!Object.values<ExpectedKill>(EXPECTED_KILLS).some((k) => k.requirements.includes(r.id))) problems.push(`requirement ${r.id} is not the expected kill of any mutant`);
}
// State-dependent mutants are the exploration's: scripts/selftest/explore-seeds.ts judges them over many seeds.
const selected = (values.mutant?.length ? listed.filter(([n]) => values.mutant!.includes(n)) : listed).filter(([n]) => !oracle(n)?.explorationOnly);

/** One whole run; `workers` unset leaves IMS_WORKERS unset, so the run has the default count a user's run has. */
async function judge(name: string, env: Record<string, string>, args: string[] = [], workers?: number): Promise<{ report?: Report; exitCode: number; message?: string }> {
  const dir = join(OUT, name);
  mkdirSync(dir, { recursive: true });
  const run = await runConformance({ args, env: suiteEnv({ ...env, IMS_RESULTS_DIR: dir, ...(workers ? { IMS_WORKERS: String(workers) } : {}) }), logFile: join(dir, 'output.log') });
  return { report: readJson<Report>(join(dir, 'report.json')), exitCode: run.exitCode, message: run.message };
}

/**
 * The mutants' runs pin the exploration's seed: what a mutant fails must be one exact set, not vary with a random
 * seed (the exploration's own self-test, explore-seeds.ts, tries many seeds per mutant). The reference keeps random
 * seeds: every run of it is one more chance to see a false failure.
 */
const MUTANT_SEED = '20261202';

const failedOf = (r: Report | undefined) => (r?.requirements ?? []).filter((x) => x.outcome === 'fail').map((x) => x.id);
const erroredOf = (r: Report | undefined) => (r?.requirements ?? []).filter((x) => x.outcome === 'error').map((x) => x.id);
const sameSet = (a: string[], b: string[]) => a.length === b.length && a.every((x) => b.includes(x));
const failedTestsOf = (r: Report | undefined) => (r?.tests ?? []).filter((t) => t.outcome === 'fail' || t.outcome === 'error').map((t) => `${t.requirement} ${t.title}`);

async function pool<T>(items: T[], size: number, work: (item: T) => Promise<void>): Promise<void> {
  const queue = [...items];
  await Promise.all(Array.from({ length: Math.min(size, items.length) }, async () => {
    for (let item = queue.shift(); item !== undefined; item = queue.shift()) await work(item);
  }));
}

// Conformant targets: the plain reference (5 repeats of every test) and a vendor-like variant.
const [plain, variant, mutants] = await Promise.all([
  startReferenceTargets([], 1),
  startReferenceTargets(VARIANT_ARGS, 1),
  startReferenceTargets(['--each-mutant', ...selected.flatMap(([n]) => ['--mutant', n])], selected.length),
]);
const rows: Row[] = [];
try {
  const conformant: (() => Promise<void>)[] = [
    async () => {
      const { report, exitCode, message } = await judge('reference', plain.targets[0]!.env, ['--repeat-each', '5']);
      const bad = (report?.tests ?? []).filter((t) => t.outcome !== 'pass');
      rows.push({ target: 'reference (x5)', breaks: 'nothing', expected: [], failed: failedOf(report), errored: erroredOf(report), workers: 'default', failedTests: bad.map((t) => `${t.requirement} ${t.title}: ${t.outcome}`), verdict: report?.verdict ?? 'none', exitCode,
        result: exitCode === 0 && report?.verdict === 'CONFORMANT' && bad.length === 0 ? 'conformant' : 'false failure', note: message });
    },
    async () => {
      const { report, exitCode, message } = await judge('vendor-variant', variant.targets[0]!.env, [], CERTIFY_WORKERS);
      const bad = (report?.tests ?? []).filter((t) => t.outcome === 'fail' || t.outcome === 'error');
      rows.push({ target: 'vendor-like variant', breaks: 'nothing (strict add rule, 400 for unknown image, extra headers, quota 10 with tags present, latency)', expected: [], failed: failedOf(report), errored: erroredOf(report), workers: String(CERTIFY_WORKERS),
        failedTests: bad.map((t) => `${t.requirement} ${t.title}`), verdict: report?.verdict ?? 'none', exitCode,
        result: exitCode === 0 && report?.verdict === 'CONFORMANT' && bad.length === 0 ? 'conformant' : 'false failure', note: message });
    },
  ];
  const jobs: (() => Promise<void>)[] = [
    ...(values['skip-conformant'] ? [] : conformant),
    ...mutants.targets.map((t) => async () => {
      const name = t.mutants[0]!;
      const expected = oracle(name) ?? { requirements: [] };
      const { report, exitCode, message } = await judge(name, { ...t.env, IMS_SEED: MUTANT_SEED });
      const failed = failedOf(report);
      const errored = erroredOf(report);
      const caught = expected.requirements.length > 0 && expected.requirements.every((id) => failed.includes(id));
      // Caught, and nothing else: a requirement failed (or left in error) beyond the oracle's is the suite's fault.
      const clean = sameSet(failed, expected.requirements) && sameSet(errored, expected.errors ?? []);
      // An advisory mutant must be reported and must not cost the target its conformance; a required one must fail
      // the run. A fault that keeps the suite from removing its own tags makes the run name them and exit 3 instead:
      // always for a `leavesTags` mutant, and allowed (with the tags named) for any other.
      const named = (report?.cleanup?.left.length ?? 0) > 0;
      const verdictExit = expected.advisory ? 0 : 1;
      const exitOk = expected.leavesTags ? exitCode === EXIT_LEFT_TAGS && named : exitCode === verdictExit || (exitCode === EXIT_LEFT_TAGS && named);
      const verdictOk = expected.advisory ? report?.verdict === 'CONFORMANT' : report?.verdict === 'NON-CONFORMANT';
      const killed = caught && exitOk && verdictOk;
      const result = !killed ? 'survived' : clean ? 'killed' : 'collateral damage';
      const extra = [...failed.filter((id) => !expected.requirements.includes(id)), ...errored.filter((id) => !(expected.errors ?? []).includes(id)).map((id) => `${id} error`)];
      const missing = [...expected.requirements.filter((id) => !failed.includes(id)), ...(expected.errors ?? []).filter((id) => !errored.includes(id)).map((id) => `${id} error`)];
      const exit = expected.leavesTags ? `${EXIT_LEFT_TAGS}` : `${verdictExit} (or ${EXIT_LEFT_TAGS} with the tags named)`;
      const why = result === 'survived' ? `expected exit ${exit}` : result === 'collateral damage' ? `also: ${extra.join(', ') || '-'}; not: ${missing.join(', ') || '-'}` : undefined;
      rows.push({ target: name, breaks: describeMutant.get(name) ?? '', expected: expected.requirements, failed, errored, workers: 'default', failedTests: failedTestsOf(report), verdict: report?.verdict ?? 'none', exitCode,
        result, note: message ?? why });
    }),
  ];
  await pool(jobs, Number(values.concurrency), (job) => job());
} finally {
  await Promise.all([plain.stop(), variant.stop(), mutants.stop()]);
}

const order = (r: Row) => (r.result === 'conformant' || r.result === 'false failure' ? 0 : 1);
rows.sort((a, b) => order(a) - order(b) || a.target.localeCompare(b.target));
const mutantRows = rows.filter((r) => r.result !== 'conformant' && r.result !== 'false failure');
const killed = mutantRows.filter((r) => r.result === 'killed').length;
const falseFailures = rows.filter((r) => r.result === 'false failure');
const collateral = rows.filter((r) => r.result === 'collateral damage');
const seconds = ((Date.now() - started) / 1000).toFixed(1);

const pad = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s.padEnd(n));
const lines = [
  `${pad('target', 28)} ${pad('expected', 14)} ${pad('failed requirements', 30)} ${pad('verdict', 15)} result`,
  ...rows.map((r) => `${pad(r.target, 28)} ${pad(r.expected.join(',') || '-', 14)} ${pad(r.failed.join(',') || '-', 30)} ${pad(r.verdict, 15)} ${r.result}${r.note ? ` (${r.note})` : ''}`),
];
for (const r of rows.filter((x) => x.result === 'survived' || x.result === 'false failure' || x.result === 'collateral damage')) {
  lines.push(`\n${r.result.toUpperCase()}: ${r.target} — ${r.breaks}; failed tests: ${r.failedTests.join(' | ') || 'none'}; see ${join(OUT, r.target.split(' ')[0]!, 'output.log')}`);
}
const guards = requirements.map((req) => `${req.id}: ${Object.entries<ExpectedKill>(EXPECTED_KILLS).filter(([, k]) => k.requirements.includes(req.id)).map(([n]) => n).join(', ')}`);
writeFileSync(join(OUT, 'score.json'), `${JSON.stringify({ seconds: Number(seconds), killed, mutants: mutantRows.length, falseFailures: falseFailures.length, collateral: collateral.length, problems, rows, guards }, null, 2)}\n`);
process.stdout.write(`${lines.join('\n')}\n`);
for (const p of problems) process.stdout.write(`problem: ${p}\n`);
process.stdout.write(`self-test took ${seconds} s; table in ${join(OUT, 'score.json')}\n`);
process.stdout.write(`mutation score: ${killed}/${mutantRows.length} killed with exactly their requirements failed, ${collateral.length} with collateral damage, ${falseFailures.length} false failures on the reference\n`);
// Collateral damage is reported (table, score.json, the line above), not a failure of npm test: a mutant's extra failed
// requirements move with timing across four workers (a fault that wipes tags reaches other tests' too), so the exact
// set is a record to read, while a surviving mutant or a false failure on the reference always fails.
process.exit(mutantRows.every((r) => r.result !== 'survived') && falseFailures.length === 0 && problems.length === 0 ? 0 : 1);
