// `npm run verify -- <bundle>`: checks an evidence bundle written by certify without re-running anything. Every
// file must match the manifest, the spec must be this suite's, every required requirement must have a result,
// the JUnit and JSON reports must agree and the verdict must follow from the results. Exit 0 valid and
// conformant; 1 valid and not conformant (or incomplete); 2 tampered, incomplete or unusable.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { requirements, specSha256 } from '../harness/spec.js';
import { exitCodeOf, verdictOf } from '../reporter/outcomes.js';
import type { ConformanceReport } from '../reporter/report-types.js';
import { checkManifest, sha256 } from './lib/bundle.js';
import { parseJunit, type JunitOutcome } from './lib/junit.js';

export const VERIFY_USAGE = `usage: npm run verify -- <bundle folder>
  Exit 0: the bundle is intact and the target is conformant; 1: intact, not conformant or incomplete;
  2: the bundle was altered, is incomplete, or was judged against another spec.`;

const BUNDLED_SPEC = 'spec/delete-image-tag.openapi.yaml';

function contentProblems(dir: string): { report?: ConformanceReport; problems: string[] } {
  const problems: string[] = [];
  let report: ConformanceReport;
  try {
    report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as ConformanceReport;
  } catch {
    return { problems: ['report.json is missing or is not JSON'] };
  }
  if (!existsSync(join(dir, BUNDLED_SPEC))) problems.push(`${BUNDLED_SPEC} is missing`);
  else if (sha256(readFileSync(join(dir, BUNDLED_SPEC))) !== report.spec?.sha256) problems.push('the bundled spec is not the one report.json names');
  if (report.spec?.sha256 !== specSha256) problems.push(`the run was judged against spec sha256 ${report.spec?.sha256}, this suite's spec is ${specSha256}`);
  if (!existsSync(join(dir, 'html', 'index.html'))) problems.push('html/index.html is missing');

  const recorded = new Map((report.requirements ?? []).map((r) => [r.id, r]));
  for (const r of requirements.filter((r) => r.tier === 'required')) {
    if (!recorded.has(r.id)) problems.push(`required requirement ${r.id} has no result`);
  }
  if (verdictOf(report.requirements ?? [], report.fatal ?? [], { strict: report.strict ?? true }) !== report.verdict) problems.push(`the verdict ${report.verdict} does not follow from the requirement results`);
  if (report.strict === false) problems.push('the run was not strict: a certificate needs every required requirement exercised');
  if (exitCodeOf(report.verdict) !== report.exitCode) problems.push('the exit code does not follow from the verdict');

  let junit;
  try {
    junit = parseJunit(readFileSync(join(dir, 'junit.xml'), 'utf8'));
  } catch (err) {
    return { report, problems: [...problems, `junit.xml is missing or unreadable: ${err instanceof Error ? err.message : String(err)}`] };
  }
  const expected: Record<string, JunitOutcome> = { pass: 'passed', fail: 'failed', error: 'failed', skipped: 'skipped' };
  const byId = new Map(junit.map((c) => [c.testId, c]));
  if (junit.length !== (report.tests ?? []).length) problems.push(`junit.xml has ${junit.length} tests, report.json ${report.tests?.length ?? 0}`);
  for (const t of report.tests ?? []) {
    const c = byId.get(t.id);
    if (!c) problems.push(`test ${t.id} (${t.title}) is in report.json but not in junit.xml`);
    else if (c.outcome !== expected[t.outcome]) problems.push(`test ${t.id} (${t.title}): report.json says ${t.outcome}, junit.xml ${c.outcome}`);
    else if (c.requirement !== t.requirement) problems.push(`test ${t.id}: report.json names ${t.requirement}, junit.xml ${c.requirement}`);
  }
  return { report, problems };
}

export function verify(dir: string | undefined): { exitCode: number; lines: string[] } {
  if (!dir || dir === '--help' || dir === '-h') return { exitCode: dir ? 0 : 2, lines: [VERIFY_USAGE] };
  if (!existsSync(dir) || !statSync(dir).isDirectory()) return { exitCode: 2, lines: [`verify: ${dir} is not a bundle folder`] };
  const files = checkManifest(dir);
  const content = files.problems.length ? { problems: [] } : contentProblems(dir);
  const problems = [...files.problems, ...content.problems];
  if (problems.length || !content.report) {
    const shown = problems.slice(0, 10).map((p) => `  - ${p}`);
    if (problems.length > 10) shown.push(`  - … and ${problems.length - 10} more`);
    return { exitCode: 2, lines: [`verify: the bundle ${dir} is NOT VALID:`, ...shown] };
  }
  const r = content.report;
  return {
    exitCode: exitCodeOf(r.verdict),
    lines: [
      `verify: the bundle is intact (${Object.keys(files.manifest!.files).length} files, digest sha256:${files.manifest!.digest})`,
      `verify: target ${String(r.target?.endpoint ?? '?')}, suite ${r.suite.version}${r.suite.commit ? ` (${r.suite.commit.slice(0, 12)})` : ''}, run ${r.run.id ?? '?'} at ${r.run.startedAt}`,
      `verdict: ${r.verdict} — ${r.requirements.length} requirements: ${r.counts.pass} pass, ${r.counts.fail} fail, ${r.counts.skipped} skipped, ${r.counts.error} error; ${r.warnings.length} advisory warning(s)`,
    ],
  };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const args = process.argv.slice(2);
  const { exitCode, lines } = args.length > 1 ? { exitCode: 2, lines: ['verify: give one bundle folder', VERIFY_USAGE] } : verify(args[0]);
  (exitCode === 2 ? process.stderr : process.stdout).write(`${lines.join('\n')}\n`);
  process.exit(exitCode);
}
