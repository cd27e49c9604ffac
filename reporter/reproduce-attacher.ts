// Listed after the secret scrubber and before the HTML, JUnit and blob reporters: a failed test gets a
// `reproduce.sh` attachment with the curl lines repeating the requests its failure names by id (the same lines as
// report.json's `reproduce`, reporter/curl.ts), so the HTML report shows
// them next to the exchanges. Built from the redacted exchanges: credentials appear as shell variables only.
import type { Reporter, TestCase, TestResult } from '@playwright/test/reporter';
import type { Exchange } from '../harness/http/exchanges.js';
import { namedExchanges, reproductionLines } from './curl.js';

const REPRODUCE_ATTACHMENT = 'reproduce.sh';

export default class ReproduceAttacher implements Reporter {
  onTestEnd(_test: TestCase, result: TestResult): void {
    // A merge replays the shards' results, which carry the attachment already.
    if (result.status === 'passed' || result.status === 'skipped' || result.attachments.some((a) => a.name === REPRODUCE_ATTACHMENT)) return;
    const exchanges: Exchange[] = [];
    for (const a of result.attachments) {
      if (a.name === 'exchanges.json' && a.body) exchanges.push(...(JSON.parse(a.body.toString('utf8')) as Exchange[]));
    }
    if (!exchanges.length) return;
    const lines = reproductionLines(exchanges, namedExchanges(exchanges, result.annotations));
    const text = ['# Repeats the request(s) this failure names. Set the credentials first, e.g. export IMS_AUTH_TOKEN=...', ...lines, ''].join('\n');
    result.attachments.push({ name: REPRODUCE_ATTACHMENT, contentType: 'text/plain', body: Buffer.from(text) });
  }

  printsToStdio(): boolean {
    return false;
  }
}
