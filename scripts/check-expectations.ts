// `tsx scripts/check-expectations.ts <expectation file> [results dir]`: compares a finished run against a known target's
// expectation file (e.g. targets/glance/expected-outcomes.txt), in the baseline format and with the baseline code of
// `ims-conformance run --baseline`, in exact mode: every requirement not listed must pass, and every listed one must
// have exactly its listed outcome. Exit 0: the outcomes equal the file. 1: a new failure or skip, or an unexpected pass
// (edit the file: it may only shrink). 2: the run did not complete (no report, ERROR verdict, a harness error, other
// people's tags lost).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ConformanceReport } from '../reporter/report-types.js';
import { baselineExitCode, compareToBaseline, describeComparison, parseBaseline, type BaselineEntry } from './lib/baseline.js';

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const [file, dir = process.env.IMS_RESULTS_DIR || 'results'] = process.argv.slice(2);
  if (!file) {
    console.error('usage: tsx scripts/check-expectations.ts <expectation file> [results dir]');
    process.exit(2);
  }
  let expected: BaselineEntry[];
  let report: ConformanceReport;
  try {
    expected = parseBaseline(readFileSync(file, 'utf8'));
  } catch (err) {
    console.error(`expectations: ${file}: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(2);
  }
  try {
    report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as ConformanceReport;
  } catch {
    console.error(`expectations: no readable report.json in ${dir}: the run did not complete`);
    process.exit(2);
  }
  const result = compareToBaseline(report, expected, { exact: true, file });
  for (const m of result.matched) console.log(`  ok     ${m}`);
  const lines = describeComparison(result, file, report);
  (result.incomplete ? console.error : console.log)(lines.join('\n'));
  process.exit(baselineExitCode(result));
}
