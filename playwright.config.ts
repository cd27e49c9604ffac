import { defineConfig } from '@playwright/test';
import { prepareRun } from './harness/run/run-setup.js';
import { EMBEDDED_SEED } from './harness/run/embedded-target.js';
import { reporters } from './reporter/reporter-list.js';
import { runConfig } from './harness/run/config.js';
import { LONG_TAG } from './fixtures/long-tag.js';

const run = prepareRun();
// The runner (npm run conformance) has validated the configuration; a direct `playwright test` with a bad one is
// stopped with one line by the global setup, so here a broken configuration only falls back to the defaults.
const config = (() => {
  try {
    return runConfig();
  } catch {
    return undefined;
  }
})();
const resultsDir = config?.resultsDir ?? 'results';

export default defineConfig({
  testDir: 'tests',
  fullyParallel: true,
  // The tests of many cases first: Playwright hands tests to its workers in project order, and against a distant
  // target a run ends when its longest test does, so that one must not wait for a free worker.
  projects: [
    { name: 'long', grep: new RegExp(LONG_TAG) },
    { name: 'short', grepInvert: new RegExp(LONG_TAG) },
  ],
  forbidOnly: true,
  retries: 0, // a retried conformance test would hide a flaky target
  workers: config?.workers ?? 4,
  timeout: 60_000,
  outputDir: `${resultsDir}/test-output`,
  globalSetup: './harness/run/global-setup.ts',
  reporter: reporters(resultsDir, 'run'),
  webServer: run.embedded
    ? {
        command: [
          `node --import tsx reference/main.ts --port ${run.referencePort} --max-lifetime-s 3600`,
          config?.referenceLatencyMs ? `--latency-ms ${config.referenceLatencyMs}` : '',
        ].join(' '),
        url: `http://127.0.0.1:${run.referencePort}/`,
        env: { REFERENCE_SEED: JSON.stringify(EMBEDDED_SEED) },
        reuseExistingServer: false,
        timeout: 20_000,
        stdout: 'ignore',
        stderr: 'pipe',
      }
    : undefined,
});
