// The end of the console output: one line per requirement, the run's own problems, what it left behind, the verdict.
import type { ConformanceReport } from './report-types.js';
import { stuckExplanation } from '../harness/books/leftovers.js';

export function consoleSummary(r: ConformanceReport): string {
  const out: string[] = [''];
  for (const q of r.requirements) {
    // A partial pass says how much ran and what did not (reporter/partial.ts), never a bare PASS or SKIP.
    const mark = q.partial ? 'PASS (partial)' : { pass: 'PASS', fail: 'FAIL', skipped: 'SKIP', error: 'ERR ' }[q.outcome];
    out.push(`  ${mark}  ${q.id} [${q.tier}] ${q.title}${(q.outcome !== 'pass' || q.partial) && q.reason ? ` — ${said(q)}` : ''}`);
  }
  for (const f of r.fatal) out.push(`  harness: ${f}`);
  // The stateful exploration's seed (every run) and, after a failure, its shrunk reproduction with curl lines.
  for (const o of r.observations.filter((x) => x.observation.startsWith('exploration: '))) out.push(...o.observation.trimEnd().split('\n').map((l) => `  ${l}`));
  if (r.harm?.length) {
    out.push(`  HARM: ${r.harm.length} tag(s) present before the run were destroyed or changed while the target answered this run's requests (the findings above name them): ${r.harm.slice(0, SHOWN).map((l) => `${l.image}/${JSON.stringify(l.key)}`).join(', ')}${r.harm.length > SHOWN ? ', …' : ''}`);
  }
  const others = r.otherWriters;
  if (others?.changes.length || others?.lostByOthers.length) {
    out.push(`  warning: other writers changed ${others.changes.length} tag(s) this run did not create while it ran (no request of the run can have done it; recorded, not judged${others.exclusive ? '' : '; IMS_IMAGE_EXCLUSIVE=1 judges them'}):`);
    for (const c of others.changes.slice(0, SHOWN)) out.push(`    ${c.image}/${JSON.stringify(c.key)} ${c.kind} (${c.expected} -> ${c.actual}) between ${c.lastSeenAt ?? 'the preflight'} and ${c.seenAt}`);
    if (others.changes.length > SHOWN) out.push(`    … and ${others.changes.length - SHOWN} more in report.md`);
  }
  const busy = r.unavailable;
  if (busy?.retriedRequests) {
    out.push(`  service unavailable (503): ${busy.retriedRequests} request(s) under test sent again after a 503 that changed nothing (${busy.retries} re-send(s), ${(busy.waitedMs / 1000).toFixed(1)} s waited); ${busy.casesNotExercised} case(s) not exercised because every try answered 503`);
  }
  if (r.integrity) {
    const others = r.integrity.otherRuns ? ` (${r.integrity.otherRuns} key(s) of other recent runs of the suite not checked)` : '';
    out.push(`  pre-existing tags intact: ${r.integrity.intact}/${r.integrity.checked}${others}`);
  }
  if (r.cleanup?.left.length) {
    out.push(`  NOT LEFT AS FOUND: ${r.cleanup.left.length} tag(s) of this run are still on the target: ${r.cleanup.left.slice(0, 10).map((l) => `${l.image}/${JSON.stringify(l.key)}`).join(', ')}${r.cleanup.left.length > 10 ? ', …' : ''}`);
    out.push(`  remove them with: ${r.cleanup.sweep} (same IMS_* variables); exit code ${r.exitCode}`);
  } else if (r.cleanup) out.push('  cleanup: no tag of this run is left on the target');
  const last = r.cleanup?.lastPass;
  if (last) out.push(`  cleanup's last pass: ${last.removed} of ${last.tried} tag(s) whose cleanup found the service unavailable removed at the run's end`);
  const stuck = r.cleanup?.stuck ?? [];
  if (stuck.length) {
    out.push(`  UNDELETABLE: ${stuck.length} tag(s) of the suite the target will not delete: ${stuck.slice(0, 10).map((s) => `${s.image}/${JSON.stringify(s.key)}${s.pair ? ` (pair ${s.pair})` : ''}`).join(', ')}${stuck.length > 10 ? ', …' : ''}`);
    out.push(`  why the sweep cannot remove them: ${stuckExplanation(stuck)}`);
  }
  const notExercised = r.notExercised ?? [];
  if (notExercised.length) {
    const how = r.strict ? 'required by --strict' : r.verdict === 'CONFORMANT' ? 'judged only on what it exercised; --strict makes this INCOMPLETE' : 'see above';
    const of = (id: string) => r.requirements.find((q) => q.id === id)?.partial;
    out.push(`  not exercised: ${notExercised.map((n) => { const p = of(n.id); return p ? `${n.id} (partly: ${p.exercised} of ${p.of} cases ran)` : n.id; }).join(', ')} (${how})`);
  }
  const count = r.counts;
  const partials = r.requirements.filter((q) => q.partial).length;
  out.push(
    `verdict: ${r.verdict}${r.verdict === 'CONFORMANT' && notExercised.length ? ' (partial: on what it exercised)' : ''} — ${r.requirements.length} requirements: ${count.pass} pass${partials ? ` (${partials} partial)` : ''}, ${count.fail} fail, ${count.skipped} skipped, ${count.error} error; ${r.warnings.length} advisory warning(s); ${r.requests.total} requests`,
  );
  return `${out.map(clip).join('\n')}\n`;
}

/** Findings shown per requirement line; report.md has them all. */
const SHOWN = 3;
/** No console line longer than this (a 1024-character key in a curl line, many findings): report.md has the rest. */
const MAX_LINE = 2000;

function said(q: ConformanceReport['requirements'][number]): string {
  if (!q.claims?.length) return (q.reason ?? '').split('\n')[0]!;
  const shown = q.claims.slice(0, SHOWN).map((c) => (c.length > 400 ? `${c.slice(0, 400)}…` : c));
  return `${shown.join(' | ')}${q.claims.length > SHOWN ? ` | … and ${q.claims.length - SHOWN} more finding(s) in report.md` : ''}`;
}

function clip(line: string): string {
  return line.length > MAX_LINE ? `${line.slice(0, MAX_LINE)}… (${line.length - MAX_LINE} more characters in report.md)` : line;
}
