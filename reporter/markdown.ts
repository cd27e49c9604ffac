// results/report.md: one screen for a CI log or a pull request (the verdict and a table of requirements), then,
// for each requirement that did not pass, the test, the reason and the request that showed it.
import type { ConformanceReport } from './report-types.js';
import { stuckExplanation } from '../harness/books/leftovers.js';

const MARK = { pass: '✅ pass', fail: '❌ fail', skipped: '⏭️ skipped', error: '⚠️ error' } as const;

/** Table cells: one line, no pipes, bounded. */
const cell = (s: string | undefined, max = 90) => {
  const one = (s ?? '').split('\n')[0]!.replace(/\|/g, '\\|').trim();
  return one.length > max ? `${one.slice(0, max - 1)}…` : one;
};
const code = (s: string) => `\`${s.replace(/`/g, "'")}\``;

/** The failure message without the evidence lines (listed separately) and Playwright's noise. */
function reasonLines(reason: string | undefined): string[] {
  return (reason ?? '')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('evidence:'))
    .map((l) => l.replace(/^Error: /, ''))
    .slice(0, 4);
}

/** The curl lines of a failure, as a fenced block (no inline code: the commands hold backticks and quotes). */
function reproduceBlock(lines: string[] | undefined, indent: string): string[] {
  if (!lines?.length) return [];
  return [`${indent}- reproduce (credentials are shell variables):`, '', `${indent}  \`\`\`sh`, ...lines.map((l) => `${indent}  ${l}`), `${indent}  \`\`\``, ''];
}

export function renderMarkdown(r: ConformanceReport): string {
  return [
    ...summary(r),
    ...requirementTable(r),
    ...failures(r),
    ...explorationAndNotExercised(r),
    ...runSections(r),
    '',
    'Details: report.json; every test with its HTTP exchanges: html/index.html; CI: junit.xml.',
    '',
  ].join('\n');
}

/** The verdict, the counts, the suite and the run, and why the run is not usable when it is not. */
function summary(r: ConformanceReport): string[] {
  const out: string[] = [];
  const target = r.target ? `${String(r.target.endpoint)} (${String(r.target.dialect)} dialect${r.target.embedded ? ', embedded reference target' : ''})` : 'unknown target';
  const partials = r.requirements.filter((q) => q.partial).length;
  out.push(`# Conformance: ${r.verdict}`, '');
  out.push(`**${r.verdict}** against ${target} — ${r.requirements.length} requirements: ${r.counts.pass} pass${partials ? ` (${partials} partial)` : ''}, ${r.counts.fail} fail, ${r.counts.skipped} skipped, ${r.counts.error} error; ${r.warnings.length} advisory warning(s); ${r.requests.total} requests in ${(r.run.durationMs / 1000).toFixed(1)} s.`);
  out.push('', `Suite ${r.suite.version}${r.suite.commit ? ` (${r.suite.commit.slice(0, 12)})` : ''}, spec sha256 ${r.spec.sha256.slice(0, 16)}…, run ${r.run.id ?? '?'}${r.run.shards ? `, merged from ${r.run.shards.length} shards` : ''}.`, '');
  for (const f of r.fatal) out.push(`> **The run is not usable:** ${f}`, '');
  return out;
}

function requirementTable(r: ConformanceReport): string[] {
  const out = ['| Requirement | Tier | Outcome | Tests | Note |', '| --- | --- | --- | --- | --- |'];
  for (const q of r.requirements) {
    const partial = q.partial ? ` (partial: ${q.partial.exercised} of ${q.partial.of})` : '';
    out.push(`| ${q.id} ${cell(q.title, 70)} | ${q.tier} | ${MARK[q.outcome]}${partial} | ${q.tests.length || 'whole run'} | ${q.outcome === 'pass' && !q.partial ? '' : cell(reasonLines(q.reason)[0])} |`);
  }
  return out;
}

type Requirement = ConformanceReport['requirements'][number];
type TestRecord = ConformanceReport['tests'][number];

/** Each requirement that failed or is in error: the tests that showed it, or the run's evidence for a run-scope one. */
function failures(r: ConformanceReport): string[] {
  const out: string[] = [];
  const notPassed = r.requirements.filter((q) => q.outcome === 'fail' || q.outcome === 'error');
  if (notPassed.length) out.push('', '## Failures');
  for (const q of notPassed) {
    out.push('', `### ${q.id} ${q.title} — ${q.outcome} (${q.tier})`, '', `Clause: ${q.clause}`);
    // The tests that found it broken (a finding may come from another requirement's test), or that could not run.
    const tests = r.tests.filter((t) => (t.outcome === 'fail' && (t.breaks ?? [t.requirement]).includes(q.id)) || (t.outcome === 'error' && t.requirement === q.id));
    if (!tests.length) {
      // Run-scope requirements are decided over every exchange of the run, not by a test of their own.
      out.push('', `Decided over all exchanges of the run: ${reasonLines(q.reason)[0] ?? ''}`);
      for (const e of q.evidence.slice(0, 5)) out.push(`- request: ${code(e)}`);
      if (q.evidence.length > 5) out.push(`- … ${q.evidence.length - 5} more in report.json`);
      out.push(...reproduceBlock(q.reproduce, ''));
    }
    for (const t of tests) out.push(...failedTest(q, t));
  }
  return out;
}

/** One test that showed a requirement broken: its findings of that requirement, else its reason and requests. */
function failedTest(q: Requirement, t: TestRecord): string[] {
  const out = ['', `- test: **${t.title}** (${code(t.id)}, ${t.file}${t.requirement !== q.id ? `, a test of ${t.requirement}` : ''})`];
  const findings = (t.findings ?? []).filter((f) => f.requirement === q.id);
  for (const f of findings.slice(0, 5)) {
    out.push(`  - finding: ${code(cell(f.claim, 400))}`);
    for (const e of f.evidence.slice(0, 3)) out.push(`    - request: ${code(e)}`);
  }
  if (findings.length > 5) out.push(`  - … ${findings.length - 5} more findings in report.json`);
  if (!findings.length) {
    for (const l of reasonLines(t.reason)) out.push(`  - reason: ${code(l)}`);
    for (const e of t.evidence.slice(0, 3)) out.push(`  - request: ${code(e)}`);
    if (!t.evidence.length) out.push('  - request: none (the test failed before reaching the target)');
  }
  out.push(...reproduceBlock(t.reproduce, '  '));
  return out;
}

/** The exploration's lines, the cases left unjudged, the skipped requirements and the advisory warnings. */
function explorationAndNotExercised(r: ConformanceReport): string[] {
  const out: string[] = [];
  // The stateful exploration: its seed, and the shortest failing sequence with a curl line per request.
  const exploration = r.observations.filter((o) => o.observation.startsWith('exploration: '));
  if (exploration.length) out.push('', '## Exploration', '', '```text', ...exploration.map((o) => o.observation.trimEnd()), '```');

  // Cases a passing requirement could not judge (refused keys, keys listed under other names, a persona not
  // configured beside cases that ran): never hidden by the pass.
  // A partial pass's tests left out by configuration are listed with the rest: the pass does not hide them.
  const partly = new Set(r.requirements.filter((q) => q.partial).map((q) => q.id));
  const notExercised = [
    ...r.tests.filter((t) => t.skipKind === 'not-exercised' || (t.skipKind === 'not-configured' && partly.has(t.requirement))).map((t) => `- ${t.requirement} ${t.title}: ${cell(t.reason, 300)}`),
    ...r.tests.flatMap((t) => (t.notExercised ?? []).map((c) => `- ${t.requirement} ${t.title}, case ${cell(c, 300)}`)),
  ];
  if (notExercised.length) out.push('', '## Not exercised', '', ...notExercised);
  const skipped = r.requirements.filter((q) => q.outcome === 'skipped');
  if (skipped.length) out.push('', '## Skipped', '', ...skipped.map((q) => `- ${q.id} (${q.tier}): ${cell(q.reason, 200)}`));
  if (r.warnings.length) out.push('', '## Advisory warnings', '', ...r.warnings.map((w) => `- ${w}`));
  return out;
}

/** What the run met and left on the target: harm, other writers, 503s, its own tags left, undeletable tags. */
function runSections(r: ConformanceReport): string[] {
  const out: string[] = [];
  if (r.harm?.length) {
    out.push('', '## Harm', '', 'Tags present before the run that the target destroyed or changed while answering this run\'s requests (the findings above name the requests):', '');
    out.push(...r.harm.map((l) => `- image ${code(l.image)}: ${code(JSON.stringify(l.key))} was ${cell(JSON.stringify(l.value), 120)}, now ${cell(l.now === 'missing' ? 'missing' : JSON.stringify(l.now), 120)}`));
  }
  const others = r.otherWriters;
  if (others?.changes.length) {
    out.push('', '## Other writers', '', `Tags this run did not create changed while it ran, and no request of the run can have done it (the rule: DT-04 in the spec). Recorded, not judged${others.exclusive ? '' : '; with IMS_IMAGE_EXCLUSIVE=1 every such change is judged'}:`, '');
    out.push(...others.changes.map((c) => `- image ${code(c.image)}: ${code(JSON.stringify(c.key))} ${c.kind} (${cell(c.expected, 120)} -> ${cell(c.actual, 120)}), last seen as it was ${c.lastSeenAt ?? 'in the preflight'}, seen changed ${c.seenAt}`));
  }
  if (r.unavailable?.retriedRequests) {
    const u = r.unavailable;
    out.push('', '## Service unavailable', '', `${u.retriedRequests} request(s) under test answered 503, changed nothing (the listing showed it) and were sent again: ${u.retries} re-send(s), ${(u.waitedMs / 1000).toFixed(1)} s waited. ${u.casesNotExercised} case(s) not exercised because every try answered 503. DT-14 records every 5xx.`);
  }
  if (r.cleanup?.left.length) {
    out.push('', '## Not left as found', '', `${r.cleanup.left.length} tag(s) this run created are still on the target (exit code ${r.exitCode}). Remove them with \`${r.cleanup.sweep}\` and the same IMS_* variables:`, '');
    out.push(...r.cleanup.left.map((l) => `- image ${code(l.image)}: ${code(JSON.stringify(l.key))}`));
  }
  const last = r.cleanup?.lastPass;
  if (last) out.push('', `The cleanup of ${last.tried} tag(s) found the service unavailable (every try 503, 429 or no answer); the run's last pass, at its end, removed ${last.removed} of them.`);
  const stuck = r.cleanup?.stuck ?? [];
  if (stuck.length) {
    out.push('', '## Undeletable tags', '', `${stuck.length} tag(s) of the suite are on the target and the target will not delete them. Why the sweep cannot remove them: ${stuckExplanation(stuck)}.`, '');
    out.push(...stuck.map((s) => `- image ${code(s.image)}: ${code(JSON.stringify(s.key))} (run ${s.runId}${s.pair ? `, near-miss pair ${s.pair} (${s.kind})` : ''}; its delete answered ${s.status ?? 'nothing'})`));
  }
  return out;
}
