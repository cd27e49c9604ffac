import { defineConfig } from '@playwright/test';
import { prepareRun } from './harness/run-setup.js';
import { EMBEDDED_SEED } from './harness/embedded-target.js';
import { reporters } from './reporter/reporter-list.js';

const run = prepareRun();
// I/O bound: more workers than cores. IMS_SERIAL_WRITES=1 (a target that loses concurrent tag writes) runs one test
// at a time: the client then holds one request at a time within the worker.
const workers = process.env.IMS_SERIAL_WRITES?.trim() === '1' ? 1 : Number(process.env.IMS_WORKERS) || 4;
const resultsDir = process.env.IMS_RESULTS_DIR || 'results';

export default defineConfig({
  testDir: 'tests',
  fullyParallel: true,
  forbidOnly: true,
  retries: 0, // a retried conformance test would hide a flaky target
  workers,
  timeout: 60_000,
  outputDir: `${resultsDir}/test-output`,
  globalSetup: './harness/global-setup.ts',
  reporter: reporters(resultsDir, 'run'),
  webServer: run.embedded
    ? {
        command: [
          `node --import tsx reference/main.ts --port ${run.referencePort} --max-lifetime-s 3600`,
          process.env.IMS_REFERENCE_LATENCY_MS ? `--latency-ms ${Number(process.env.IMS_REFERENCE_LATENCY_MS)}` : '',
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
