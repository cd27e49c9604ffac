// The reporters of a run and of a merge, in one place: the secret scrubber first, then the console, Playwright's own JUnit (requirement and test
// ids as properties), HTML (each test with its exchanges) and blob (for --shard + merge-reports), then ours.
import type { ReporterDescription } from '@playwright/test';
import type { ConformanceReporterOptions } from './conformance-reporter.js';

export function reporters(resultsDir: string, mode: 'run' | 'merge'): ReporterDescription[] {
  const ours: ConformanceReporterOptions = mode === 'run' ? { recordDir: `${resultsDir}/blob` } : { merge: `${resultsDir}/blob` };
  return [
    // First: every reporter after it sees errors with the secrets scrubbed.
    ['./reporter/secret-scrubber.ts'],
    // Second: failed tests get their curl reproduction lines as an attachment the HTML and blob reports carry.
    ['./reporter/reproduce-attacher.ts'],
    ['list'],
    ['junit', { outputFile: `${resultsDir}/junit.xml`, embedAnnotationsAsProperties: true, includeProjectInTestName: false }],
    ['html', { outputFolder: `${resultsDir}/html`, open: 'never' }],
    // A merge reads the blob reports, it does not write one. In a run, blob comes before ours: its onEnd empties
    // its folder, and ours then writes the run record next to the zip.
    ...(mode === 'run' ? ([['blob', { outputDir: `${resultsDir}/blob` }]] as ReporterDescription[]) : []),
    ['./reporter/conformance-reporter.ts', ours],
  ];
}
