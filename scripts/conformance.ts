// `npm run conformance`: validates the configuration, runs the suite through Playwright, and exits with the
// verdict: 0 conformant, 1 not shown conformant, 2 unusable (configuration, target or harness), 3 tags of the run
// left on the target (reporter/exit-codes.ts).
// The self-test and the benchmark call runConformance() too: the same entry point a user has.
import { spawn } from 'node:child_process';
import { connect } from 'node:net';
import { rmSync, openSync, closeSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import dotenv from 'dotenv';
import { ConfigError, loadConfig, unknownVariables, type SuiteConfig } from '../harness/run/config.js';
import { readJson, runFile, writeJson, type PreflightRecord } from '../harness/run/run-files.js';
import { newRunId } from '../harness/run/run-id.js';
import { transportEnv } from '../harness/http/transport.js';
import { GATE_RUN_VARIABLE, preflightGate } from '../harness/run/preflight-gate.js';
import { PLAYWRIGHT_CLI, ROOT, playwrightEnv } from './lib/playwright.js';
import { EXIT } from '../reporter/exit-codes.js';

export { EXIT };

export interface ConformanceRun {
  exitCode: number;
  /** One line for the user when the run could not give a verdict. */
  message?: string;
  resultsDir: string;
}

export interface RunOptions {
  args?: string[];
  env?: NodeJS.ProcessEnv;
  /** A file for Playwright's output; the console when unset. */
  logFile?: string;
}

/** One line when IMS_ENDPOINT is a URL nothing answers on (TCP, 3 s); undefined otherwise. */
async function endpointUnreachable(raw: string | undefined): Promise<string | undefined> {
  let url: URL;
  try {
    url = new URL(raw?.trim() ?? '');
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
  return new Promise((done) => {
    const socket = connect({ host: url.hostname.replace(/^\[|\]$/g, ''), port, timeout: 3_000 });
    socket.once('connect', () => {
      socket.destroy();
      done(undefined);
    });
    socket.once('timeout', () => {
      socket.destroy();
      done(`the endpoint IMS_ENDPOINT=${url.origin} is unreachable: no answer within 3 s`);
    });
    socket.once('error', (e: NodeJS.ErrnoException) => done(`the endpoint IMS_ENDPOINT=${url.origin} is unreachable: ${e.code ?? e.message}`));
  });
}

export async function runConformance(opts: RunOptions = {}): Promise<ConformanceRun> {
  let env = opts.env ?? process.env;
  let resultsDir = 'results';
  let config: SuiteConfig;
  // Playwright traces record request headers as sent: credentials would be written to disk.
  if ((opts.args ?? []).some((a) => /^--trace\b/.test(a))) {
    return { exitCode: EXIT.unusable, message: '--trace is refused: Playwright traces record request headers, credentials included (the exchanges attached to each test are the redacted record)', resultsDir };
  }
  try {
    // The embedded target's port is chosen later by the Playwright config; any value validates here.
    config = loadConfig({ ...env, IMS_REFERENCE_PORT: env.IMS_REFERENCE_PORT || '0' });
    resultsDir = config.resultsDir;
    // Under IMS_STRICT=1 loadConfig refused them already.
    for (const w of unknownVariables(env)) process.stderr.write(`ims-conformance: warning: ${w}; ignored (an error under --strict)\n`);
    env = transportEnv(config, env); // a private CA must be in the environment when Playwright's processes start
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    // The most basic problem first: an endpoint that does not answer makes the rest moot.
    const unreachable = await endpointUnreachable(env.IMS_ENDPOINT);
    if (unreachable) return { exitCode: EXIT.unusable, message: unreachable, resultsDir };
    const message = err.problems.length === 1 ? err.problems[0]! : `configuration:\n  - ${err.problems.join('\n  - ')}`;
    return { exitCode: EXIT.unusable, message, resultsDir };
  }
  // An unusable remote target is told in one line before Playwright even starts.
  const runId = env.IMS_RUN_ID || newRunId();
  env = { ...env, IMS_RUN_ID: runId };
  const gate = await preflightGate(config, runId);
  if (!gate.ok) return { exitCode: EXIT.unusable, message: gate.message, resultsDir };
  env = { ...env, ...gate.env };
  // Results go under the caller's working folder (IMS_RESULTS_DIR may be absolute); Playwright runs in the suite's.
  const absResults = resolve(resultsDir);
  env = { ...env, IMS_RESULTS_DIR: absResults };
  rmSync(join(absResults, 'report.json'), { force: true });
  if (gate.result) {
    // The gate's preflight is this run's: the global setup takes its record instead of asking the target again.
    writeJson(runFile(absResults, 'preflight.json'), { ok: true, runId, ...gate.result } satisfies PreflightRecord);
    writeJson(runFile(absResults, 'preflight-exchanges.json'), gate.exchanges);
    env = { ...env, [GATE_RUN_VARIABLE]: runId };
  }
  if (opts.logFile) mkdirSync(dirname(opts.logFile), { recursive: true });
  const out = opts.logFile ? openSync(opts.logFile, 'w') : undefined;
  const status = await new Promise<number | string>((resolve) => {
    const child = spawn(process.execPath, [PLAYWRIGHT_CLI, 'test', ...(opts.args ?? [])], {
      cwd: ROOT,
      env: playwrightEnv(env),
      stdio: out === undefined ? 'inherit' : ['ignore', out, out],
    });
    child.on('error', (err) => resolve(`could not start Playwright: ${err.message}`));
    child.on('exit', (code, signal) => resolve(code ?? `signal ${signal}`));
  });
  if (out !== undefined) closeSync(out);
  const preflight = readJson<PreflightRecord>(runFile(absResults, 'preflight.json'));
  if (preflight && !preflight.ok) {
    // On the console the global setup has already said it, in one line: saying it again would be a cascade.
    return { exitCode: EXIT.unusable, message: out === undefined ? undefined : `preflight failed: ${preflight.message}`, resultsDir: absResults };
  }
  const report = readJson<{ exitCode: number }>(join(absResults, 'report.json'));
  if (!report) return { exitCode: EXIT.unusable, message: `the run ended without a report (Playwright: ${status}); see the output above`, resultsDir: absResults };
  return { exitCode: report.exitCode, resultsDir: absResults };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  dotenv.config({ quiet: true });
  const run = await runConformance({ args: process.argv.slice(2) });
  if (run.message) process.stderr.write(`ims-conformance: ${run.message}\n`);
  process.exit(run.exitCode);
}
