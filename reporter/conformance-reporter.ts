// The project's Playwright reporter: turns test results into per-requirement outcomes and a verdict, writes
// results/report.json and report.md, and ends the console with the verdict on one line. Composes with the built-in
// reporters. Under `playwright merge-reports` (option `merge`) it reads the shards' run records instead of results/run.
import type { FullConfig, FullResult, Reporter, TestCase, TestResult } from '@playwright/test/reporter';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describeConfig, runConfig } from '../harness/run/config.js';
import { describeTransport, transportWarnings } from '../harness/http/transport.js';
import { redactText } from '../harness/http/redact.js';
import { registerConfigSecrets } from '../harness/http/secrets.js';
import { writeJson } from '../harness/run/run-files.js';
import { testRecord } from './test-record.js';
import { assembleReport, decideRequirements, fatalProblems } from './assemble.js';
import { lossJudge } from './other-writers.js';
import { consoleSummary } from './console.js';
import { readOwnRunRecord, readRunRecords, writeRunRecord, type RunRecord, type Shard } from './run-record.js';
import { renderMarkdown } from './markdown.js';

export interface ConformanceReporterOptions {
  /** Where this run leaves its run record for a later merge (next to its blob report). */
  recordDir?: string;
  /** Merge mode: the folder of the blob reports and run records being merged. */
  merge?: string;
}

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

  /** This run's record, or in merge mode the shards' records (with what is wrong with the set). */
  private runRecords(resultsDir: string, target: RunRecord['target']): { records: RunRecord[]; problems: string[] } {
    if (this.options.merge) return readRunRecords(this.options.merge);
    const own = readOwnRunRecord(resultsDir, target, this.shard);
    if (this.options.recordDir) writeRunRecord(this.options.recordDir, own);
    return { records: [own], problems: [] };
  }

  async onEnd(result: FullResult): Promise<{ status: FullResult['status'] }> {
    const config = safeConfig();
    const resultsDir = config?.resultsDir ?? 'results';
    const target = this.options.merge ? null : config ? describeConfig(config) : null;
    const { records, problems } = this.runRecords(resultsDir, target);
    const tests = [...this.results].map(([t, r]) => testRecord(t, r));
    const preflightExchanges = records.flatMap((r) => r.preflightExchanges);
    const allExchanges = [...preflightExchanges, ...tests.flatMap((t) => t.exchanges)];
    const shownTarget = this.options.merge ? (records[0]?.target ?? null) : target;

    const reqs = decideRequirements(tests, records, allExchanges, shownTarget?.dialect as string | undefined);
    const exclusive = shownTarget?.imageExclusive === true;
    const report = assembleReport({
      tests,
      records,
      reqs,
      fatal: [...problems, ...fatalProblems(records, !!this.options.merge, this.errors, lossJudge(tests, exclusive))],
      exclusive,
      target: shownTarget,
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
      allExchanges,
      strict: config?.strict ?? false,
    });
    writeJson(join(resultsDir, 'report.json'), report);
    // Every exchange with its timing, per test: the raw material of the evidence and of `npm run bench`.
    writeJson(join(resultsDir, 'exchanges.json'), { preflight: preflightExchanges, tests: tests.map((t) => ({ id: t.id, title: t.title, exchanges: t.exchanges })) });
    writeFileSync(join(resultsDir, 'report.md'), renderMarkdown(report));
    process.stdout.write(consoleSummary(report));
    return { status: report.verdict === 'CONFORMANT' && report.exitCode === 0 ? 'passed' : 'failed' };
  }

  printsToStdio(): boolean {
    return true;
  }
}

function safeConfig() {
  try {
    const c = runConfig();
    registerConfigSecrets(c);
    return c;
  } catch {
    return undefined;
  }
}


