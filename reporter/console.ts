// The end of the console output: one line per requirement, the run's own problems, what it left behind, the verdict.
import type { ConformanceReport } from './report-types.js';

export function consoleSummary(r: ConformanceReport): string {
  const out: string[] = [''];
  for (const q of r.requirements) {
    // A partial pass says how much ran and what did not (reporter/partial.ts), never a bare PASS or SKIP.
    const mark = q.partial ? 'PASS (partial)' : { pass: 'PASS', fail: 'FAIL', skipped: 'SKIP', error: 'ERR ' }[q.outcome];
    out.push(`  ${mark}  ${q.id} [${q.tier}] ${q.title}${(q.outcome !== 'pass' || q.partial) && q.reason ? ` — ${q.reason.split('\n')[0]}` : ''}`);
  }
  for (const f of r.fatal) out.push(`  harness: ${f}`);
  // The stateful exploration's seed (every run) and, after a failure, its shrunk reproduction with curl lines.
  for (const o of r.observations.filter((x) => x.observation.startsWith('exploration: '))) out.push(...o.observation.trimEnd().split('\n').map((l) => `  ${l}`));
  if (r.integrity) {
    const others = r.integrity.otherRuns ? ` (${r.integrity.otherRuns} key(s) of other recent runs of the suite not checked)` : '';
    out.push(`  pre-existing tags intact: ${r.integrity.intact}/${r.integrity.checked}${others}`);
  }
  if (r.cleanup?.left.length) {
    out.push(`  NOT LEFT AS FOUND: ${r.cleanup.left.length} tag(s) of this run are still on the target: ${r.cleanup.left.slice(0, 10).map((l) => `${l.image}/${JSON.stringify(l.key)}`).join(', ')}${r.cleanup.left.length > 10 ? ', …' : ''}`);
    out.push(`  remove them with: ${r.cleanup.sweep} (same IMS_* variables); exit code ${r.exitCode}`);
  } else if (r.cleanup) out.push('  cleanup: no tag of this run is left on the target');
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
  return `${out.join('\n')}\n`;
}
