// `npm run certify -- [--out DIR]`: the locked mode. Runs the whole catalogue (no filters, one worker per CPU, no
// retries) and writes an evidence bundle: the reports, the configuration without secrets, the spec and a manifest
// of SHA-256s that `npm run verify` checks. Exit codes as a run: 0 conformant, 1 not shown conformant, 2 unusable.
import { spawn } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import dotenv from 'dotenv';
import { ConfigError, describeConfig, loadConfig } from '../harness/config.js';
import { registerConfigSecrets } from '../harness/secrets.js';
import { redactText } from '../harness/redact.js';
import { readJson, writeJson } from '../harness/run-files.js';
import { SPEC_PATH } from '../harness/spec.js';
import type { ConformanceReport } from '../reporter/report-types.js';
import { sha256, writeManifest } from './lib/bundle.js';
import { PLAYWRIGHT_CLI, ROOT, playwrightEnv } from './lib/playwright.js';

export const CERTIFY_USAGE = `usage: npm run certify -- [--out DIR]
  Runs the full catalogue against the configured target (IMS_* variables) with one worker per CPU and no
  retries, and writes an evidence bundle to DIR (default <IMS_RESULTS_DIR>/bundle-<timestamp>).
  Test filters (--grep, --project, --shard, file names, .only) are refused: a certificate covers everything.`;

class Refused extends Error {}

function parse(argv: string[]): { out?: string; help: boolean } {
  let out: string | undefined;
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--help' || a === '-h') help = true;
    else if (a === '--out') {
      out = argv[++i];
      if (!out) throw new Refused('--out needs a folder');
    } else if (a.startsWith('--out=')) out = a.slice('--out='.length);
    else throw new Refused(`certify runs the full catalogue with fixed settings; ${JSON.stringify(a)} is refused (use npm run conformance for a filtered run)`);
  }
  return { out, help };
}

export async function certify(argv: string[]): Promise<{ exitCode: number; message: string }> {
  let opts;
  try {
    opts = parse(argv);
  } catch (err) {
    if (err instanceof Refused) return { exitCode: 2, message: err.message };
    throw err;
  }
  if (opts.help) return { exitCode: 0, message: CERTIFY_USAGE };
  dotenv.config({ quiet: true });
  // A certificate covers everything: strict (unexercised required requirements are INCOMPLETE, unknown IMS_* refused).
  process.env.IMS_STRICT = '1';
  let config;
  try {
    config = loadConfig({ ...process.env, IMS_REFERENCE_PORT: process.env.IMS_REFERENCE_PORT || '0' });
  } catch (err) {
    if (err instanceof ConfigError) return { exitCode: 2, message: err.problems.length === 1 ? err.problems[0]! : `configuration:\n  - ${err.problems.join('\n  - ')}` };
    throw err;
  }
  registerConfigSecrets(config);
  const results = resolve(config.resultsDir); // under the caller's working folder
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const out = resolve(opts.out ?? join(results, `bundle-${stamp}`));
  if (existsSync(out) && readdirSync(out).length) return { exitCode: 2, message: `the bundle folder ${out} exists and is not empty` };
  for (const f of ['report.json', 'report.md', 'junit.xml']) rmSync(join(results, f), { force: true });

  // The spec as it was when the run started: the bundle must hold the contract the run was judged against.
  const spec = readFileSync(SPEC_PATH);
  // One worker per CPU, unless the target is declared to lose concurrent tag writes (then the config's one worker).
  const workers = process.env.IMS_SERIAL_WRITES?.trim() === '1' ? 1 : availableParallelism();
  const args = [PLAYWRIGHT_CLI, 'test', '--config', join(ROOT, 'playwright.config.ts'), `--workers=${workers}`, '--retries=0', '--forbid-only'];
  const status = await new Promise<number | string>((done) => {
    const child = spawn(process.execPath, args, { cwd: ROOT, env: playwrightEnv({ ...process.env, IMS_WORKERS: String(workers), IMS_RESULTS_DIR: results }), stdio: 'inherit' });
    child.on('error', (err) => done(`could not start Playwright: ${err.message}`));
    child.on('exit', (code, signal) => done(code ?? `signal ${signal}`));
  });
  const report = readJson<ConformanceReport>(join(results, 'report.json'));
  if (!report) return { exitCode: 2, message: `the run ended without a report (Playwright: ${status}); no bundle written` };
  if (report.spec.sha256 !== sha256(spec)) return { exitCode: 2, message: 'the spec changed while the run was starting; no bundle written, run certify again' };

  mkdirSync(out, { recursive: true });
  for (const f of ['report.json', 'report.md', 'junit.xml']) cpSync(join(results, f), join(out, f));
  cpSync(join(results, 'html'), join(out, 'html'), { recursive: true });
  mkdirSync(join(out, 'spec'));
  writeFileSync(join(out, 'spec', 'delete-image-tag.openapi.yaml'), spec);
  writeJson(join(out, 'config.json'), {
    // The run's own view: it knows the embedded target's port, which is picked after this process validated.
    target: report.target ?? describeConfig(config),
    certify: { workers, retries: 0, filters: 'none', node: process.version, argv: argv.map(redactText) },
  });
  const manifest = writeManifest(out);
  const rel = relative(process.cwd(), out) || '.';
  return {
    exitCode: report.exitCode,
    message: `certify: ${report.verdict}; bundle ${rel} (${Object.keys(manifest.files).length} files, digest sha256:${manifest.digest}); check it with: ims-conformance verify ${rel}`,
  };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { exitCode, message } = await certify(process.argv.slice(2));
  (exitCode === 2 ? process.stderr : process.stdout).write(`${exitCode === 2 ? 'ims-conformance: ' : ''}${message}\n`);
  process.exit(exitCode);
}
