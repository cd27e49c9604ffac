// The project's Playwright reporter: turns test results into per-requirement outcomes and a verdict, writes
// results/report.json and report.md, and ends the console with the verdict on one line. Composes with the built-in
// reporters. Under `playwright merge-reports` (option `merge`) it reads the shards' run records instead of results/run.
import type { FullConfig, FullResult, Reporter, TestCase, TestResult } from '@playwright/test/reporter';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { requirements, specSha256 } from '../harness/spec.js';
import { describeConfig, loadConfig } from '../harness/config.js';
import { describeTransport, transportWarnings } from '../harness/transport.js';
import { describeExchange, type Exchange } from '../harness/exchanges.js';
import { redactText } from '../harness/redact.js';
import { registerConfigSecrets } from '../harness/secrets.js';
import { writeJson } from '../harness/run-files.js';
import { decideByExchanges, decideByTests, exitCodeOf, skipKindOf, unexercisedRequired, verdictOf, type RequirementRecord, type TestRecord } from './outcomes.js';
import { suiteIdentity } from './identity.js';
import { readOwnRunRecord, readRunRecords, writeRunRecord, type RunRecord, type Shard } from './run-record.js';
import { renderMarkdown } from './markdown.js';
import type { ConformanceReport, ReportedTest } from './report-types.js';

export interface ConformanceReporterOptions {
  /** Where this run leaves its run record for a later merge (next to its blob report). */
  recordDir?: string;
  /** Merge mode: the folder of the blob reports and run records being merged. */
  merge?: string;
}

const annotation = (test: TestCase, type: string) => test.annotations.find((a) => a.type === type)?.description;

export default class ConformanceReporter implements Reporter {
  private readonly results = new Map<TestCase, TestResult>();
  private readonly errors: string[] = [];
  private workers = 1;
  private shard: Shard | null = null;

  constructor(private readonly options: ConformanceReporterOptions = {}) {}

  onBegin(config: FullConfig): void {
    this.workers = config.workers;
    this.shard = config.shard;
  }

  onTestEnd(test: TestCase, result: TestResult): void {
    this.results.set(test, result); // the last attempt decides
  }

  onError(error: { message?: string }): void {
    this.errors.push(redactText(error.message ?? 'unknown error'));
  }

  private record(test: TestCase, result: TestResult): TestRecord {
    const exchanges: Exchange[] = [];
    for (const a of result.attachments) {
      if (a.name === 'exchanges.json' && a.body) exchanges.push(...(JSON.parse(a.body.toString('utf8')) as Exchange[]));
    }
    const skipReason = test.annotations.find((a) => a.type === 'skip')?.description;
    const message = result.errors.map((e) => e.message ?? '').join('\n');
    const harness = /HarnessError|IMS_BROKER_URL|no successful preflight/.test(message) || result.status === 'interrupted';
    const outcome =
      result.status === 'passed' ? 'pass' : result.status === 'skipped' ? 'skipped' : harness ? 'error' : 'fail';
    return {
      id: annotation(test, 'test-id') ?? 'missing-id',
      title: test.title,
      file: test.location.file.replace(/^.*?\/tests\//, 'tests/'),
      requirement: annotation(test, 'requirement') ?? 'none',
      outcome,
      skipKind: outcome === 'skipped' ? skipKindOf(skipReason) : undefined,
      reason: outcome === 'skipped' ? skipReason : outcome === 'pass' ? undefined : redactText(stripAnsi(message).split('\n').slice(0, 12).join('\n')),
      durationMs: result.duration,
      retries: result.retry,
      observations: test.annotations.filter((a) => a.type === 'observation').map((a) => a.description ?? ''),
      notExercised: test.annotations.filter((a) => a.type === 'not-exercised').map((a) => a.description ?? ''),
      exchanges,
    };
  }

  /** This run's record, or in merge mode the shards' records (with what is wrong with the set). */
  private runRecords(resultsDir: string, target: RunRecord['target']): { records: RunRecord[]; problems: string[] } {
    if (this.options.merge) return readRunRecords(this.options.merge);
    const own = readOwnRunRecord(resultsDir, target, this.shard);
    if (this.options.recordDir) writeRunRecord(this.options.recordDir, own);
    return { records: [own], problems: [] };
  }

  async onEnd(result: FullResult): Promise<{ status: FullResult["status"] }> {
    const config = safeConfig();
    const resultsDir = config?.resultsDir ?? 'results';
    const { records, problems } = this.runRecords(resultsDir, config ? describeConfig(config) : null);
    const tests = [...this.results].map(([t, r]) => this.record(t, r));
    const preflightExchanges = records.flatMap((r) => r.preflightExchanges);
    const allExchanges = [...preflightExchanges, ...tests.flatMap((t) => t.exchanges)];

    const fatal: string[] = [...problems];
    for (const { preflight, integrity, shard } of records) {
      const where = shard && this.options.merge ? ` (shard ${shard.current}/${shard.total})` : '';
      if (!preflight?.ok) fatal.push(`preflight${where}: ${preflight?.message ?? this.errors[0] ?? 'did not run'}`);
      if (integrity?.lost.length) fatal.push(`pre-existing tags lost${where}: ${integrity.lost.map((l) => `${l.image}/${JSON.stringify(l.key)}`).join(', ')}`);
      if (integrity?.error) fatal.push(`pre-existing tags could not be checked${where}: ${integrity.error}`);
    }
    const ran = records.length > 0 && records.every((r) => r.preflight?.ok === true);
    const target = this.options.merge ? (records[0]?.target ?? null) : config ? describeConfig(config) : null;
    const dialect = target?.dialect as string | undefined;

    const reqs: RequirementRecord[] = requirements.map((req) => {
      const mine = tests.filter((t) => t.requirement === req.id);
      const decided = !ran
        ? { outcome: 'error' as const, reason: 'the run did not start', evidence: [] }
        : req.scope === 'run'
          ? decideByExchanges(req, allExchanges)
          : decideByTests(mine);
      const applies = dialect ? (req.dialects as string[]).includes(dialect) : true;
      const final = applies ? decided : { outcome: 'skipped' as const, reason: `not applicable to the ${dialect} dialect`, evidence: [] };
      return { id: req.id, tier: req.tier, level: req.level, title: req.title, clause: req.clause, ...final, tests: mine.map((t) => t.id) };
    });
    // IMS_STRICT=1 (--strict, always for certify): a required requirement left unexercised makes the run INCOMPLETE.
    const strict = process.env.IMS_STRICT?.trim() === '1';
    const verdict = verdictOf(reqs, fatal, { strict });
    const notExercised = unexercisedRequired(reqs).map((r) => ({ id: r.id, reason: (r.reason ?? '').split('\n')[0]! }));
    const count = (o: string) => reqs.filter((r) => r.outcome === o).length;
    const warnings = reqs.filter((r) => r.tier === 'advisory' && r.outcome === 'fail').map((r) => `${r.id} ${r.title}`);
    const integrity = sumIntegrity(records);
    const preflight = records[0]?.preflight;
    const report: ConformanceReport = {
      suite: suiteIdentity(),
      spec: { path: 'spec/delete-image-tag.openapi.yaml', sha256: specSha256 },
      target,
      transport: config ? { ...describeTransport(config), warnings: transportWarnings(config) } : null,
      run: {
        id: [...new Set(records.map((r) => r.runId).filter(Boolean))].join(',') || (process.env.IMS_RUN_ID ?? null),
        shards: this.options.merge ? records.map((r) => r.shard ?? { current: 1, total: 1 }) : null,
        // Playwright's own times: in a merge they span the shards, not the merge itself.
        startedAt: result.startTime.toISOString(),
        endedAt: new Date(result.startTime.getTime() + result.duration).toISOString(),
        durationMs: Math.round(result.duration),
        workers: this.workers,
        playwrightStatus: result.status,
      },
      verdict,
      exitCode: exitCodeOf(verdict),
      strict,
      notExercised,
      counts: { pass: count('pass'), fail: count('fail'), skipped: count('skipped'), error: count('error') },
      fatal,
      warnings,
      requests: { total: allExchanges.length, retries: allExchanges.filter((e) => e.attempt > 1).length },
      preflight: preflight ? { ok: ran, message: records.map((r) => r.preflight?.message).filter(Boolean).join('; ') || null, warnings: [...new Set(records.flatMap((r) => r.preflight?.warnings ?? []))], freeSlots: preflight.freeSlots ?? null, clockSkewMs: preflight.clockSkewMs ?? null } : null,
      integrity,
      observations: tests.flatMap((t) => t.observations.map((o) => ({ test: t.id, requirement: t.requirement, observation: o }))),
      requirements: reqs,
      tests: tests.map(reportedTest),
    };
    writeJson(join(resultsDir, 'report.json'), report);
    // Every exchange with its timing, per test: the raw material of the evidence and of `npm run bench`.
    writeJson(join(resultsDir, 'exchanges.json'), { preflight: preflightExchanges, tests: tests.map((t) => ({ id: t.id, title: t.title, exchanges: t.exchanges })) });
    writeFileSync(join(resultsDir, 'report.md'), renderMarkdown(report));

    const out: string[] = [''];
    for (const r of reqs) {
      const mark = { pass: 'PASS', fail: 'FAIL', skipped: 'SKIP', error: 'ERR ' }[r.outcome];
      out.push(`  ${mark}  ${r.id} [${r.tier}] ${r.title}${r.outcome !== 'pass' && r.reason ? ` — ${r.reason.split('\n')[0]}` : ''}`);
    }
    for (const f of fatal) out.push(`  harness: ${f}`);
    if (integrity) {
      const others = integrity.otherRuns ? ` (${integrity.otherRuns} key(s) of other recent runs of the suite not checked)` : '';
      out.push(`  pre-existing tags intact: ${integrity.intact}/${integrity.checked}${others}`);
    }
    if (notExercised.length) {
      const how = strict ? 'required by --strict' : verdict === 'CONFORMANT' ? 'judged only on what it exercised; --strict makes this INCOMPLETE' : 'see above';
      out.push(`  not exercised: ${notExercised.map((n) => n.id).join(', ')} (${how})`);
    }
    out.push(
      `verdict: ${verdict}${verdict === 'CONFORMANT' && notExercised.length ? ' (partial: on what it exercised)' : ''} — ${reqs.length} requirements: ${count('pass')} pass, ${count('fail')} fail, ${count('skipped')} skipped, ${count('error')} error; ${warnings.length} advisory warning(s); ${allExchanges.length} requests`,
    );
    process.stdout.write(`${out.join('\n')}\n`);
    return { status: verdict === 'CONFORMANT' ? 'passed' : 'failed' };
  }

  printsToStdio(): boolean {
    return true;
  }
}

/** The exchanges a failure names (its `evidence:` lines); else the last request of the operation under test. */
function reportedTest({ exchanges, ...t }: TestRecord): ReportedTest {
  if (t.outcome === 'pass' || t.outcome === 'skipped') return { ...t, requests: exchanges.length, evidence: [] };
  const named = exchanges.filter((e) => t.reason?.includes(describeExchange(e)));
  const shown = named.length ? named : exchanges.filter((e) => e.role === 'under-test').slice(-1);
  const line = (e: Exchange) => `${e.method} ${e.url} [${e.persona}] -> ${e.status ?? `failed: ${e.error}`}`;
  return { ...t, requests: exchanges.length, evidence: [...new Set((shown.length ? shown : exchanges.slice(-1)).map(line))] };
}

function sumIntegrity(records: RunRecord[]): ConformanceReport['integrity'] {
  const checked = records.filter((r) => r.integrity);
  if (!checked.length) return null;
  return {
    checked: checked.reduce((n, r) => n + r.integrity!.checked, 0),
    intact: checked.reduce((n, r) => n + r.integrity!.intact, 0),
    lost: checked.flatMap((r) => r.integrity!.lost),
    otherRuns: checked.reduce((n, r) => n + (r.integrity!.otherRuns ?? 0), 0),
    error: checked.map((r) => r.integrity!.error).filter(Boolean).join('; ') || null,
  };
}

function safeConfig() {
  try {
    const c = loadConfig({ ...process.env, IMS_REFERENCE_PORT: process.env.IMS_REFERENCE_PORT ?? '0' });
    registerConfigSecrets(c);
    return c;
  } catch {
    return undefined;
  }
}

const stripAnsi = (s: string) => s.replace(/\u001b\[[0-9;]*m/g, '');

