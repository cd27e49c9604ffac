// One Playwright test result as the suite's TestRecord: requirement and id from its metadata, outcome from its
// status and typed annotations (reporter/outcomes.ts), the exchanges it attached.
import type { TestCase, TestResult } from '@playwright/test/reporter';
import { describeExchange, type Exchange } from '../harness/http/exchanges.js';
import { ANNOTATION, type Retried503 } from '../harness/run/outcome-protocol.js';
import type { ForeignChange } from '../harness/books/judge.js';
import { redactText } from '../harness/http/redact.js';
import { testOutcome, type TestRecord } from './outcomes.js';
import { namedExchanges } from './curl.js';

const stripAnsi = (s: string) => s.replace(/\u001b\[[0-9;]*m/g, '');

export function testRecord(test: TestCase, result: TestResult): TestRecord {
  // The result's annotations hold the static ones (covers()) and those added while it ran (skips, findings, observations).
  const annotations = result.annotations.some((a) => a.type === ANNOTATION.requirement) ? result.annotations : [...test.annotations, ...result.annotations];
  const of = (type: string) => annotations.filter((a) => a.type === type).map((a) => a.description ?? '');
  const exchanges: Exchange[] = [];
  for (const a of result.attachments) {
    if (a.name === 'exchanges.json' && a.body) exchanges.push(...(JSON.parse(a.body.toString('utf8')) as Exchange[]));
  }
  const requirement = of(ANNOTATION.requirement)[0] ?? 'none';
  const decided = testOutcome({ status: result.status, annotations, errorCount: result.errors.length, requirement });
  // Evidence by identity: each finding's exchange ids resolved against the exchanges this test recorded.
  const byId = new Map(exchanges.map((e) => [e.id, e]));
  const line = (id: string) => {
    const e = byId.get(id);
    return e ? describeExchange(e) : `exchange ${id}: not among the test's recorded exchanges`;
  };
  const findings = decided.findings?.map((f) => ({ ...f, evidence: f.exchanges.map(line) }));
  const skipReason = annotations.filter((a) => a.type === 'skip').at(-1)?.description;
  const message = result.errors.map((e) => e.message ?? '').join('\n');
  const harness = of(ANNOTATION.harnessError);
  return {
    id: of(ANNOTATION.testId)[0] ?? 'missing-id',
    title: test.title,
    file: test.location.file.replace(/^.*?\/tests\//, 'tests/'),
    requirement,
    ...decided,
    findings,
    reason:
      decided.outcome === 'skipped' ? skipReason
      : decided.outcome === 'pass' ? undefined
      : redactText(stripAnsi(harness.length && decided.outcome === 'error' ? harness.join('\n') : message || (skipReason ?? `${result.status}`)).split('\n').slice(0, 12).join('\n')),
    durationMs: result.duration,
    retries: result.retry,
    observations: of(ANNOTATION.observation),
    notExercised: of(ANNOTATION.notExercised),
    foreign: of(ANNOTATION.foreignChange).map((d) => JSON.parse(d) as ForeignChange),
    retried503: of(ANNOTATION.retried503).map((d) => JSON.parse(d) as Retried503),
    unavailable: of(ANNOTATION.unavailable),
    exchanges,
    named: decided.outcome === 'pass' || decided.outcome === 'skipped' ? [] : namedExchanges(exchanges, annotations),
  };
}
