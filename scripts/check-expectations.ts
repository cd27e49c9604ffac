// `tsx scripts/check-expectations.ts <expectation file> [results dir]`: compares a finished run against a known target's
// expectation file (e.g. targets/glance/expected-outcomes.txt). Every requirement not listed there must pass.
// Exit 0: the outcomes equal the file. 1: a new failure or skip, or an unexpected pass (edit the file: it may only
// shrink). 2: the run did not complete (no report, ERROR verdict, a harness error, other people's tags lost).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { requirements } from '../harness/spec.js';
import type { ConformanceReport } from '../reporter/report-types.js';

export interface Expectation {
  id: string;
  outcome: 'fail' | 'skipped';
  evidence: string;
}

/** One line per requirement: `DT-06 fail  <evidence>` or `DT-09 skip  <reason>`; `#` starts a comment. */
export function parseExpectations(text: string): Expectation[] {
  const known = new Set(requirements.map((r) => r.id));
  const seen = new Set<string>();
  const out: Expectation[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (!line || line.startsWith('#')) return;
    const m = /^(\S+)\s+(fail|skip)\s+(\S.*)$/.exec(line);
    if (!m) throw new Error(`line ${i + 1}: expected "<requirement> fail|skip <evidence>", got ${JSON.stringify(line)}`);
    const [, id, kind, evidence] = m as unknown as [string, string, string, string];
    if (!known.has(id)) throw new Error(`line ${i + 1}: ${id} is not a requirement of the spec`);
    if (seen.has(id)) throw new Error(`line ${i + 1}: ${id} is listed twice`);
    seen.add(id);
    out.push({ id, outcome: kind === 'fail' ? 'fail' : 'skipped', evidence });
  });
  return out;
}

export interface Comparison {
  /** Set when the run cannot be judged at all (exit 2). */
  incomplete?: string;
  mismatches: string[];
  matched: string[];
}

export function compare(report: ConformanceReport, expected: Expectation[]): Comparison {
  const harnessErrors = report.tests.filter((t) => t.outcome === 'error');
  if (report.verdict === 'ERROR' || report.fatal.length || harnessErrors.length) {
    const why = [...report.fatal, ...harnessErrors.map((t) => `${t.requirement} ${t.title}: ${(t.reason ?? '').split('\n')[0]}`)];
    return { incomplete: `the run did not complete (verdict ${report.verdict}): ${why.join(' | ') || 'see report.json'}`, mismatches: [], matched: [] };
  }
  const byId = new Map(expected.map((e) => [e.id, e]));
  const mismatches: string[] = [];
  const matched: string[] = [];
  for (const q of report.requirements) {
    const want = byId.get(q.id)?.outcome ?? 'pass';
    const reason = (q.reason ?? '').split('\n')[0];
    if (q.outcome === want) matched.push(`${q.id} ${q.outcome}${want === 'pass' ? '' : ` as expected: ${byId.get(q.id)!.evidence}`}`);
    else if (want === 'pass') mismatches.push(`${q.id} ${q.outcome}, expected pass (a new ${q.outcome === 'fail' ? 'failure' : 'skip'}): ${reason}`);
    else if (q.outcome === 'pass') mismatches.push(`${q.id} passed, expected ${want}: an unexpected pass; if it is real, remove ${q.id} from the expectation file`);
    else mismatches.push(`${q.id} ${q.outcome}, expected ${want}: ${reason}`);
  }
  for (const e of expected) if (!report.requirements.some((q) => q.id === e.id)) mismatches.push(`${e.id} is expected to ${e.outcome} but the run did not report it`);
  return { mismatches, matched };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const [file, dir = process.env.IMS_RESULTS_DIR || 'results'] = process.argv.slice(2);
  if (!file) {
    console.error('usage: tsx scripts/check-expectations.ts <expectation file> [results dir]');
    process.exit(2);
  }
  let expected: Expectation[];
  let report: ConformanceReport;
  try {
    expected = parseExpectations(readFileSync(file, 'utf8'));
  } catch (err) {
    console.error(`expectations: ${file}: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(2);
  }
  try {
    report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as ConformanceReport;
  } catch {
    console.error(`expectations: no readable report.json in ${dir}: the run did not complete`);
    process.exit(2);
  }
  const result = compare(report, expected);
  if (result.incomplete) {
    console.error(`expectations: ${result.incomplete}`);
    process.exit(2);
  }
  for (const m of result.matched) console.log(`  ok    ${m}`);
  for (const m of result.mismatches) console.log(`  WRONG ${m}`);
  const fails = expected.filter((e) => e.outcome === 'fail').map((e) => e.id);
  console.log(
    result.mismatches.length
      ? `expectations: ${result.mismatches.length} requirement(s) differ from ${file}`
      : `expectations: outcomes equal ${file} (known failures: ${fails.join(', ') || 'none'}; verdict ${report.verdict})`,
  );
  process.exit(result.mismatches.length ? 1 : 0);
}
