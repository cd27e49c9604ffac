// The project's Playwright reporter: turns test results into per-requirement outcomes and a verdict, writes
// results/report.json, and ends the console with the verdict on one line. Composes with the built-in reporters.
import type { FullConfig, FullResult, Reporter, Suite, TestCase, TestResult } from '@playwright/test/reporter';
import { join } from 'node:path';
import { requirements, specSha256, SPEC_PATH } from '../harness/spec.js';
import { describeConfig, loadConfig } from '../harness/config.js';
import type { Exchange } from '../harness/exchanges.js';
import { redactText } from '../harness/redact.js';
import { registerConfigSecrets } from '../harness/secrets.js';
import { readJson, runFile, writeJson, type IntegrityRecord, type PreflightRecord } from '../harness/run-files.js';
import { decideByExchanges, decideByTests, exitCodeOf, skipKindOf, verdictOf, type RequirementRecord, type TestRecord } from './outcomes.js';
import { suiteIdentity } from './identity.js';

const annotation = (test: TestCase, type: string) => test.annotations.find((a) => a.type === type)?.description;

export default class ConformanceReporter implements Reporter {
  private readonly results = new Map<TestCase, TestResult>();
  private readonly errors: string[] = [];
  private startedAt = new Date();
  private workers = 1;

  onBegin(config: FullConfig): void {
    this.startedAt = new Date();
    this.workers = config.workers;
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
      exchanges,
    };
  }

  async onEnd(result: FullResult): Promise<{ status: FullResult["status"] }> {
    const config = safeConfig();
    const resultsDir = config?.resultsDir ?? 'results';
    const preflight = readJson<PreflightRecord>(runFile(resultsDir, 'preflight.json'));
    const integrity = readJson<IntegrityRecord>(runFile(resultsDir, 'integrity.json'));
    const tests = [...this.results].map(([t, r]) => this.record(t, r));
    const preflightExchanges = readJson<Exchange[]>(join(resultsDir, 'run', 'preflight-exchanges.json')) ?? [];
    const allExchanges = [...preflightExchanges, ...tests.flatMap((t) => t.exchanges)];

    const fatal: string[] = [];
    if (!preflight?.ok) fatal.push(`preflight: ${preflight?.message ?? this.errors[0] ?? 'did not run'}`);
    if (integrity?.lost.length) fatal.push(`pre-existing tags lost: ${integrity.lost.map((l) => `${l.image}/${JSON.stringify(l.key)}`).join(', ')}`);
    if (integrity?.error) fatal.push(`pre-existing tags could not be checked: ${integrity.error}`);
    const ran = preflight?.ok === true;

    const reqs: RequirementRecord[] = requirements.map((req) => {
      const mine = tests.filter((t) => t.requirement === req.id);
      const decided = !ran
        ? { outcome: 'error' as const, reason: 'the run did not start', evidence: [] }
        : req.scope === 'run'
          ? decideByExchanges(req, allExchanges)
          : decideByTests(mine);
      const applies = config ? req.dialects.includes(config.dialect) : true;
      const final = applies ? decided : { outcome: 'skipped' as const, reason: `not applicable to the ${config?.dialect} dialect`, evidence: [] };
      return { id: req.id, tier: req.tier, level: req.level, title: req.title, clause: req.clause, ...final, tests: mine.map((t) => t.id) };
    });
    const verdict = verdictOf(reqs, fatal);
    const count = (o: string) => reqs.filter((r) => r.outcome === o).length;
    const warnings = reqs.filter((r) => r.tier === 'advisory' && r.outcome === 'fail').map((r) => `${r.id} ${r.title}`);
    const report = {
      suite: suiteIdentity(),
      spec: { path: 'spec/delete-image-tag.openapi.yaml', sha256: specSha256 },
      target: config ? describeConfig(config) : null,
      run: {
        id: preflight?.runId ?? process.env.IMS_RUN_ID ?? null,
        startedAt: this.startedAt.toISOString(),
        endedAt: new Date().toISOString(),
        durationMs: Date.now() - this.startedAt.getTime(),
        workers: this.workers,
        playwrightStatus: result.status,
      },
      verdict,
      exitCode: exitCodeOf(verdict),
      counts: { pass: count('pass'), fail: count('fail'), skipped: count('skipped'), error: count('error') },
      fatal,
      warnings,
      requests: { total: allExchanges.length, retries: allExchanges.filter((e) => e.attempt > 1).length },
      preflight: preflight ? { ok: preflight.ok, message: preflight.message ?? null, warnings: preflight.warnings, freeSlots: preflight.freeSlots ?? null, clockSkewMs: preflight.clockSkewMs ?? null } : null,
      integrity: integrity ? { checked: integrity.checked, intact: integrity.intact, lost: integrity.lost, error: integrity.error ?? null } : null,
      observations: tests.flatMap((t) => t.observations.map((o) => ({ test: t.id, requirement: t.requirement, observation: o }))),
      requirements: reqs,
      tests: tests.map(({ exchanges, ...t }) => ({ ...t, requests: exchanges.length })),
    };
    writeJson(join(resultsDir, 'report.json'), report);

    const out: string[] = [''];
    for (const r of reqs) {
      const mark = { pass: 'PASS', fail: 'FAIL', skipped: 'SKIP', error: 'ERR ' }[r.outcome];
      out.push(`  ${mark}  ${r.id} [${r.tier}] ${r.title}${r.outcome !== 'pass' && r.reason ? ` — ${r.reason.split('\n')[0]}` : ''}`);
    }
    for (const f of fatal) out.push(`  harness: ${f}`);
    if (integrity) out.push(`  pre-existing tags intact: ${integrity.intact}/${integrity.checked}`);
    out.push(
      `verdict: ${verdict} — ${reqs.length} requirements: ${count('pass')} pass, ${count('fail')} fail, ${count('skipped')} skipped, ${count('error')} error; ${warnings.length} advisory warning(s); ${allExchanges.length} requests`,
    );
    process.stdout.write(`${out.join('\n')}\n`);
    return { status: verdict === 'CONFORMANT' ? 'passed' : 'failed' };
  }

  printsToStdio(): boolean {
    return true;
  }
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

export { SPEC_PATH };
