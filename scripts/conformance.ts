// `npm run conformance`: validates the configuration, runs the suite through Playwright, and exits with the
// verdict: 0 conformant, 1 not shown conformant, 2 unusable (configuration, target or harness).
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import dotenv from 'dotenv';
import { ConfigError, loadConfig } from '../harness/config.js';
import { readJson, runFile, type PreflightRecord } from '../harness/run-files.js';

export const EXIT = { conformant: 0, nonConformant: 1, unusable: 2 } as const;

function fail(message: string): never {
  process.stderr.write(`ims-conformance: ${message}\n`);
  process.exit(EXIT.unusable);
}

export function runConformance(playwrightArgs: string[]): number {
  dotenv.config({ quiet: true });
  let resultsDir = 'results';
  try {
    // The embedded target's port is chosen later by the Playwright config; any value validates here.
    resultsDir = loadConfig({ ...process.env, IMS_REFERENCE_PORT: process.env.IMS_REFERENCE_PORT || '0' }).resultsDir;
  } catch (err) {
    if (err instanceof ConfigError) fail(err.problems.length === 1 ? err.problems[0]! : `configuration:\n  - ${err.problems.join('\n  - ')}`);
    throw err;
  }
  rmSync(join(resultsDir, 'report.json'), { force: true });
  const child = spawnSync(process.execPath, [join('node_modules', '@playwright', 'test', 'cli.js'), 'test', ...playwrightArgs], { stdio: 'inherit', env: process.env });
  if (child.error) fail(`could not start Playwright: ${child.error.message}`);
  const report = readJson<{ verdict: string; exitCode: number }>(join(resultsDir, 'report.json'));
  const preflight = readJson<PreflightRecord>(runFile(resultsDir, 'preflight.json'));
  if (preflight && !preflight.ok) fail(`the target is unusable: ${preflight.message}`);
  if (!report) fail(`the run ended without a report (Playwright exited ${child.status ?? child.signal}); see the output above`);
  return report.exitCode;
}

if (import.meta.url === `file://${process.argv[1]}`) process.exit(runConformance(process.argv.slice(2)));
