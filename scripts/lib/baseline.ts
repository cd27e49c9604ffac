// Baselines: the outcomes a target is known to have today, one line per requirement that does not pass, so a
// team can gate on "no regressions" before it is conformant. The same file format and code serve the Glance CI
// step (exact mode: any difference fails, the list may only shrink) and `ims-conformance run --baseline FILE`
// (gate mode: equal or better passes; a requirement that now passes is named for removal from the file).
import { requirements } from '../../harness/spec.js';
import { leftOutByChoice } from '../../reporter/outcomes.js';
import { partlyLeftOut } from '../../reporter/partial.js';
import type { ConformanceReport } from '../../reporter/report-types.js';

export interface BaselineEntry {
  id: string;
  outcome: 'fail' | 'skipped';
  /** Why, in a few words (optional in hand-written files; --write-baseline records the run's reason). */
  evidence: string;
}

/** One line per requirement: `DT-06 fail  <evidence>` or `DT-09 skip  <reason>`; `#` starts a comment. */
export function parseBaseline(text: string): BaselineEntry[] {
  const known = new Set(requirements.map((r) => r.id));
  const seen = new Set<string>();
  const out: BaselineEntry[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (!line || line.startsWith('#')) return;
    const m = /^(\S+)\s+(fail|skip)(?:\s+(\S.*))?$/.exec(line);
    if (!m) throw new Error(`line ${i + 1}: expected "<requirement> fail|skip [evidence]", got ${JSON.stringify(line)}`);
    const [, id = '', kind, evidence = ''] = m;
    if (!known.has(id)) throw new Error(`line ${i + 1}: ${id} is not a requirement of the spec`);
    if (seen.has(id)) throw new Error(`line ${i + 1}: ${id} is listed twice`);
    seen.add(id);
    out.push({ id, outcome: kind === 'fail' ? 'fail' : 'skipped', evidence });
  });
  return out;
}

export interface Comparison {
  /** Set when the run cannot be judged at all (exit 2): no baseline says anything about an unfinished run. */
  incomplete?: string;
  /** Exact mode: any difference counts, and is printed as such rather than as "worse". */
  exact: boolean;
  /** Worse than the baseline (gate mode), or any difference (exact mode): exit 1 when not empty. */
  regressions: string[];
  /** Better than the baseline: the file should be edited, which gate mode allows and exact mode does not. */
  improvements: string[];
  /** Left out by a filter or configuration: neither better nor worse. */
  notExercised: string[];
  matched: string[];
}

const RANK = { fail: 0, skipped: 1, pass: 2 } as const;

/**
 * `exact`: every outcome must equal the baseline (a known target such as Glance: an unexpected pass fails too).
 * Otherwise equal or better passes, and requirements left out by choice (filter, configuration) are not compared.
 */
export function compareToBaseline(report: ConformanceReport, baseline: BaselineEntry[], opts: { exact?: boolean; file?: string } = {}): Comparison {
  const file = opts.file ?? 'the baseline';
  const exact = opts.exact === true;
  const empty = { exact, regressions: [], improvements: [], notExercised: [], matched: [] };
  const harnessErrors = report.tests.filter((t) => t.outcome === 'error');
  if (report.verdict === 'ERROR' || report.fatal.length || harnessErrors.length) {
    const why = [...report.fatal, ...harnessErrors.map((t) => `${t.requirement} ${t.title}: ${(t.reason ?? '').split('\n')[0]}`)];
    return { incomplete: `the run did not complete (verdict ${report.verdict}): ${why.join(' | ') || 'see report.json'}`, ...empty };
  }
  const byId = new Map(baseline.map((e) => [e.id, e]));
  const c: Comparison = { exact, regressions: [], improvements: [], notExercised: [], matched: [] };
  for (const r of report.requirements) {
    // Under --strict a pass with cases left out by configuration counts as not exercised, as the verdict counts it.
    const q = report.strict === true && partlyLeftOut(r) ? { ...r, outcome: 'skipped' as const } : r;
    const listed = byId.get(q.id);
    const want = listed?.outcome ?? 'pass';
    const reason = (q.reason ?? '').split('\n')[0];
    if (q.outcome === want) {
      c.matched.push(`${q.id} ${q.outcome}${listed ? ` as listed: ${listed.evidence || '(no evidence given)'}` : ''}`);
    } else if (q.outcome === 'error') {
      c.regressions.push(`${q.id} error, expected ${want}: ${reason}`);
    } else if (!opts.exact && leftOutByChoice(q) && report.strict !== true) {
      c.notExercised.push(`${q.id} not exercised this run (${reason}); ${file} says ${want}`);
    } else if (RANK[q.outcome] < RANK[want]) {
      c.regressions.push(`${q.id} ${q.outcome}, ${listed ? `${file} says ${want}` : 'expected pass'} (a regression): ${reason}`);
    } else if (q.outcome === 'pass' && exact) {
      c.regressions.push(`${q.id} passed, expected ${want}: an unexpected pass; if it is real, remove ${q.id} from ${file}`);
    } else if (q.outcome === 'pass') {
      c.improvements.push(`${q.id} now passes (${file} says ${want}): remove it from the baseline`);
    } else {
      (opts.exact ? c.regressions : c.improvements).push(`${q.id} ${q.outcome}, ${file} says ${want}: ${reason}`);
    }
  }
  for (const e of baseline) if (!report.requirements.some((q) => q.id === e.id)) c.regressions.push(`${e.id} is listed as ${e.outcome} but the run did not report it`);
  return c;
}

/** Exit code of a comparison: 0 no regression, 1 a regression, 2 the run did not complete. */
export const baselineExitCode = (c: Comparison): number => (c.incomplete ? 2 : c.regressions.length ? 1 : 0);

/** The lines a comparison prints, ending with a one-line summary. */
export function describeComparison(c: Comparison, file: string, report: ConformanceReport): string[] {
  if (c.incomplete) return [`baseline: ${c.incomplete}`];
  const out = [
    ...c.regressions.map((m) => `  ${c.exact ? 'WRONG ' : 'WORSE '} ${m}`),
    ...c.improvements.map((m) => `  BETTER ${m}`),
    ...c.notExercised.map((m) => `  NOT RUN ${m}`),
  ];
  out.push(
    c.regressions.length
      ? `baseline: ${c.regressions.length} requirement(s) differ from ${file}${c.exact ? '' : ' for the worse'} (verdict ${report.verdict})`
      : `baseline: no regression against ${file} (${c.matched.length} as listed, ${c.improvements.length} better; verdict ${report.verdict})`,
  );
  return out;
}

/** A baseline recording this run's outcomes: one line per requirement that did not pass. */
export function renderBaseline(report: ConformanceReport): string {
  const target = report.target ? String(report.target.endpoint) : 'an unknown target';
  const lines = [
    `# Baseline written by ims-conformance ${report.suite.version} from run ${report.run.id ?? '?'} against ${target}, ${report.run.endedAt}.`,
    '# One line per requirement that did not pass: "<id> fail|skip <evidence>". Every requirement not listed must pass.',
    '# `ims-conformance run --baseline FILE` exits 0 while every outcome equals or beats this list, 1 on a regression.',
  ];
  for (const q of report.requirements) {
    if (q.outcome === 'pass') continue;
    const why = (q.reason ?? '').split('\n')[0]!.replace(/^Error: /, '').slice(0, 200);
    lines.push(`${q.id} ${q.outcome === 'fail' ? 'fail' : 'skip'}  ${why}`);
  }
  return `${lines.join('\n')}\n`;
}
