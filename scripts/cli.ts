// The `ims-conformance` command: one entry point for every use of the suite, with node:util's parseArgs. Configuration
// precedence: flags, then the environment, then the env file (--env-file, default ./.env). Results go under the
// current folder (--out, default ./results). Exit codes: reporter/exit-codes.ts (0 conformant, 1 not shown conformant,
// 2 unusable, 3 the target not left as found). Commands are imported only when used, so --help and --version answer
// at once; keygen, matrix and reference print their own --help, so it says what their code does.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import dotenv from 'dotenv';
import { ROOT, TSX_IMPORT } from './lib/playwright.js';
import { EXIT_MEANING } from '../reporter/exit-codes.js';

const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

const TARGET_HELP = `  --endpoint URL        the target's base URL (IMS_ENDPOINT); unset: the embedded reference target
  --env-file FILE       read variables from FILE (default ./.env when present); flags > environment > file
  --out DIR             results folder (IMS_RESULTS_DIR, default ./results)`;

const USAGE = `usage: ims-conformance <command> [options]
  run          run the suite against the configured target and print the verdict
  certify      locked full run (strict) that writes a verifiable evidence bundle
  verify       check a bundle written by certify (and its signature); prints its verdict
  keygen       make an Ed25519 key pair for certify --sign-key and verify --trust-key
  matrix       one HTML page and a markdown table of many bundles: requirements down, targets across
  merge        merge the blob reports of sharded runs (<out>/blob) into one verdict
  sweep        list (with --apply, delete) the tags earlier runs of the suite left behind
  reference    start the reference target, to compare a service with it
  selftest     run the suite against the reference target and its deliberate faults (mutants)
Every command takes --help and --version. Configuration: IMS_* variables, see ims-conformance run --help.
Exit codes:
${Object.entries(EXIT_MEANING).map(([code, meaning]) => `  ${code}  ${meaning}`).join('\n')}`;

const HELP: Record<string, string> = {
  run: `usage: ims-conformance run [options] [-- playwright test options]
${TARGET_HELP}
  --only IDS            only these requirements, e.g. --only DT-05,DT-07 (Playwright --grep on their tags)
  --strict              a required requirement left unexercised makes the run INCOMPLETE (exit 1), and an
                        unknown IMS_* variable is an error (IMS_STRICT=1)
  --baseline FILE       exit 0 while every outcome equals or beats FILE, 1 on a regression
  --write-baseline FILE record this run's outcomes in FILE (one line per requirement that did not pass)
  -- ARGS               passed to Playwright (e.g. -- --shard=1/2 --workers=2); --reporter, --config and
                        --trace are refused: the verdict and the secret-free records depend on them
Without --strict a run judges what it exercised: requirements filtered out or needing a persona or image that is
not configured are listed as not exercised, and the exit code is 0 when nothing failed.`,
  certify: `usage: ims-conformance certify [options]
${TARGET_HELP}
  --bundle DIR          the bundle folder (default <out>/bundle-<timestamp>); must not exist or be empty
  --vendor V, --product P, --product-version N   the target's identity (IMS_VENDOR, IMS_PRODUCT,
                        IMS_PRODUCT_VERSION): required for any target but the embedded reference target
  --sign-key KEY        an Ed25519 private key (PEM, from keygen): the bundle gets a signed in-toto attestation
Always strict; no filters. Check the bundle with: ims-conformance verify DIR`,
  verify: `usage: ims-conformance verify <bundle folder> [--trust-key PUB]... [--require-signature]
  --trust-key PUB       a public key (PEM) the bundle's attestation must be signed with (repeatable)
  --require-signature   an unsigned bundle is refused (exit 2)
  Exit 0: the bundle is intact and the target conformant; 1: intact, not conformant or incomplete;
  2: the bundle was altered, is incomplete, was judged against another spec, or its signature does not verify.`,
  merge: `usage: ims-conformance merge [options]
  --out DIR             results folder whose blob/ holds every shard's blob report and run record (default ./results)
  --strict, --baseline FILE, --write-baseline FILE   as for run
Shards: ims-conformance run -- --shard=1/2 (each shard on its own images), then merge the blob folders.`,
  sweep: `usage: ims-conformance sweep [options]
${TARGET_HELP}
  --apply               delete what it lists (default: list only)
  --ttl-hours N         a run not known to this machine's ledgers counts as over N hours after it started (default 6)`,
  selftest: `usage: ims-conformance selftest [--out DIR] [--mutant NAME ...] [--concurrency N]
  Runs the suite against the reference target (must be CONFORMANT) and each mutant (must be caught).`,
};

type Options = NonNullable<ParseArgsConfig['options']>;
const flag = { type: 'boolean' } as const;
const text = { type: 'string' } as const;
const COMMON: Options = { help: { ...flag, short: 'h' }, version: { ...flag, short: 'V' } };
const TARGET: Options = { endpoint: text, 'env-file': text, out: text };
const GATE: Options = { strict: flag, baseline: text, 'write-baseline': text };
const OPTIONS: Record<string, Options> = {
  run: { ...COMMON, ...TARGET, ...GATE, only: text },
  certify: { ...COMMON, ...TARGET, bundle: text, strict: flag, vendor: text, product: text, 'product-version': text, 'sign-key': text },
  verify: { ...COMMON, 'trust-key': { type: 'string', multiple: true }, 'require-signature': flag },
  merge: { ...COMMON, 'env-file': text, out: text, ...GATE },
  sweep: { ...COMMON, ...TARGET, apply: flag, 'ttl-hours': text },
  selftest: { ...COMMON, out: text, mutant: { type: 'string', multiple: true }, concurrency: text },
};

/** Bad input: one line and exit 2. */
class Usage extends Error {}

type Values = Record<string, string | boolean | (string | boolean)[] | undefined>;

/** The run's environment: the env file, overridden by the environment, overridden by flags. */
function environment(values: Values): NodeJS.ProcessEnv {
  const file = typeof values['env-file'] === 'string' ? values['env-file'] : existsSync('.env') ? '.env' : undefined;
  if (file && !existsSync(file)) throw new Usage(`--env-file ${file} does not exist`);
  const env: NodeJS.ProcessEnv = { ...(file ? dotenv.parse(readFileSync(file)) : {}), ...process.env };
  if (typeof values.endpoint === 'string') env.IMS_ENDPOINT = values.endpoint;
  if (typeof values.out === 'string') env.IMS_RESULTS_DIR = values.out;
  env.IMS_RESULTS_DIR = resolve(env.IMS_RESULTS_DIR?.trim() || 'results'); // under the current folder
  if (values.strict) env.IMS_STRICT = '1';
  return env;
}

/** `--only DT-05,DT-07` as a Playwright --grep on the tests' requirement tags (@DT-05), never matching @DT-050. */
async function grepFor(only: string): Promise<string> {
  const { requirements } = await import('../harness/spec.js');
  const ids = only.split(',').map((s) => s.trim()).filter(Boolean);
  const known = new Set(requirements.map((r) => r.id));
  const unknown = ids.filter((id) => !known.has(id));
  if (!ids.length || unknown.length) throw new Usage(`--only: ${unknown.join(', ') || 'no requirement given'} is not a requirement of the spec (${[...known].join(', ')})`);
  return `@(?:${ids.join('|')})(?![\\w-])`;
}

const REFUSED_PLAYWRIGHT = /^(--reporter|--config|-c$|--trace|--ui|--debug)/;

/** Runs another entry point of the suite as its own process (through tsx) and passes its exit code on. */
function delegate(script: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  return new Promise((done) => {
    const child = spawn(process.execPath, ['--import', TSX_IMPORT, join(ROOT, script), ...args], { cwd: ROOT, env, stdio: 'inherit' });
    child.on('error', (err) => {
      process.stderr.write(`ims-conformance: could not start ${script}: ${err.message}\n`);
      done(2);
    });
    child.on('exit', (code) => done(code ?? 2));
  });
}

/** The baseline to compare with and the one to write, after a run or a merge wrote report.json. */
async function gate(values: Values, resultsDir: string, exitCode: number): Promise<number> {
  const baselineFile = values.baseline as string | undefined;
  const writeFile = values['write-baseline'] as string | undefined;
  if (!baselineFile && !writeFile) return exitCode;
  const { compareToBaseline, baselineExitCode, describeComparison, parseBaseline, renderBaseline } = await import('./lib/baseline.js');
  const { readJson } = await import('../harness/run/run-files.js');
  const report = readJson<import('../reporter/report-types.js').ConformanceReport>(join(resultsDir, 'report.json'));
  if (!report) return exitCode === 0 ? 2 : exitCode; // the run already said why
  let code = exitCode;
  if (baselineFile) {
    const c = compareToBaseline(report, parseBaseline(readFileSync(baselineFile, 'utf8')), { file: baselineFile });
    process.stdout.write(`${describeComparison(c, baselineFile, report).join('\n')}\n`);
    code = baselineExitCode(c);
  }
  if (writeFile) {
    const incomplete = compareToBaseline(report, []).incomplete;
    if (incomplete) {
      process.stderr.write(`ims-conformance: no baseline written: ${incomplete}\n`);
      return 2;
    }
    writeFileSync(writeFile, renderBaseline(report));
    process.stdout.write(`baseline: wrote ${writeFile} (${report.requirements.filter((q) => q.outcome !== 'pass').length} requirement(s) that did not pass)\n`);
  }
  return code;
}

/** A baseline file is read before the run: a typo in it should not cost a whole run. */
async function checkBaselineFile(values: Values): Promise<void> {
  const file = values.baseline as string | undefined;
  if (!file) return;
  const { parseBaseline } = await import('./lib/baseline.js');
  try {
    parseBaseline(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Usage(`--baseline ${file}: ${err instanceof Error ? err.message.replace(/^ENOENT: /, '') : String(err)}`);
  }
}

async function command(name: string, values: Values, positionals: string[], passthrough: string[]): Promise<number> {
  switch (name) {
    case 'run':
      return runCommand(values, passthrough);
    case 'certify':
      return certifyCommand(values);
    case 'verify':
      return verifyCommand(values, positionals);
    case 'merge':
      return mergeCommand(values);
    case 'sweep': {
      const env = environment(values);
      const args = [...(values.apply ? ['--apply'] : []), ...(typeof values['ttl-hours'] === 'string' ? ['--ttl-hours', values['ttl-hours']] : [])];
      return delegate('scripts/sweep.ts', args, env);
    }
    case 'selftest': {
      const env = { ...process.env, IMS_RESULTS_DIR: resolve(typeof values.out === 'string' ? values.out : 'results') };
      const mutants = (values.mutant as string[] | undefined) ?? [];
      const args = [...mutants.flatMap((m) => ['--mutant', m]), ...(typeof values.concurrency === 'string' ? ['--concurrency', values.concurrency] : [])];
      return delegate('scripts/selftest.ts', args, env);
    }
    default:
      throw new Usage(`unknown command ${JSON.stringify(name)}`);
  }
}

/** `run`: a conformance run, Playwright's own arguments after -- (those that would change the verdict refused). */
async function runCommand(values: Values, passthrough: string[]): Promise<number> {
  await checkBaselineFile(values);
  const refused = passthrough.find((a) => REFUSED_PLAYWRIGHT.test(a));
  if (refused) throw new Usage(`${refused} is refused after --: the verdict and the secret-free records depend on the suite's own settings`);
  const args = [...passthrough];
  if (typeof values.only === 'string') {
    if (args.some((a) => /^(-g|--grep)/.test(a))) throw new Usage('--only and a Playwright --grep after -- cannot be combined');
    args.unshift('--grep', await grepFor(values.only));
  }
  const env = environment(values);
  const { runConformance } = await import('./conformance.js');
  const run = await runConformance({ args, env });
  if (run.message) process.stderr.write(`ims-conformance: ${run.message}\n`);
  return gate(values, env.IMS_RESULTS_DIR!, run.exitCode);
}

async function certifyCommand(values: Values): Promise<number> {
  const env = environment(values);
  Object.assign(process.env, env); // certify reads process.env, as `npm run certify` does
  const { certify } = await import('./certify.js');
  const pass = (flagName: string) => (typeof values[flagName] === 'string' ? [`--${flagName}`, values[flagName] as string] : []);
  const { exitCode, message } = await certify([
    ...(typeof values.bundle === 'string' ? ['--out', values.bundle] : []),
    ...pass('vendor'), ...pass('product'), ...pass('product-version'), ...pass('sign-key'),
  ]);
  (exitCode === 2 ? process.stderr : process.stdout).write(`${exitCode === 2 ? 'ims-conformance: ' : ''}${message}\n`);
  return exitCode;
}

async function verifyCommand(values: Values, positionals: string[]): Promise<number> {
  if (positionals.length !== 1) throw new Usage('verify takes one bundle folder');
  const { parseVerifyArgs, verify } = await import('./verify.js');
  const keys = ((values['trust-key'] as string[] | undefined) ?? []).flatMap((k) => ['--trust-key', k]);
  const parsed = parseVerifyArgs([positionals[0]!, ...keys, ...(values['require-signature'] ? ['--require-signature'] : [])]);
  if (typeof parsed === 'string') throw new Usage(parsed);
  const { exitCode, lines } = verify(parsed.dir, parsed.opts);
  (exitCode === 2 ? process.stderr : process.stdout).write(`${lines.join('\n')}\n`);
  return exitCode;
}

/** `merge`: the shards' blob reports merged into one report, whose exit code (and baseline) decide. */
async function mergeCommand(values: Values): Promise<number> {
  await checkBaselineFile(values);
  const env = environment(values);
  const { PLAYWRIGHT_CLI, playwrightEnv } = await import('./lib/playwright.js');
  const blob = join(env.IMS_RESULTS_DIR!, 'blob');
  if (!existsSync(blob)) throw new Usage(`${blob} does not exist: put every shard's blob folder there first`);
  const status = await new Promise<number>((done) => {
    const child = spawn(process.execPath, [PLAYWRIGHT_CLI, 'merge-reports', '--config', join(ROOT, 'playwright.merge.config.ts'), blob], { cwd: ROOT, env: playwrightEnv(env), stdio: 'inherit' });
    child.on('error', () => done(2));
    child.on('exit', (code) => done(code ?? 2));
  });
  const { readJson } = await import('../harness/run/run-files.js');
  const report = readJson<{ exitCode: number }>(join(env.IMS_RESULTS_DIR!, 'report.json'));
  if (!report) {
    process.stderr.write(`ims-conformance: the merge ended without a report (Playwright: ${status})\n`);
    return 2;
  }
  return gate(values, env.IMS_RESULTS_DIR!, report.exitCode);
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  const out = (code: number, message: string) => {
    (code === 0 ? process.stdout : process.stderr).write(`${message}\n`);
    return code;
  };
  if (name === '--version' || name === '-V') return out(0, VERSION);
  if (name === undefined) return out(2, USAGE);
  if (name === '--help' || name === '-h' || name === 'help') return out(0, USAGE);
  if (name === 'keygen' || name === 'matrix') {
    // Their own arguments (bundles, keys) and --help: parsed by the command itself.
    if (rest.includes('--version') || rest.includes('-V')) return out(0, VERSION);
    const { exitCode, message } = name === 'keygen' ? (await import('./keygen.js')).keygen(rest) : (await import('./matrix.js')).matrix(rest);
    return out(exitCode === 2 ? 2 : 0, exitCode === 2 ? `ims-conformance ${name}: ${message}` : message) || exitCode;
  }
  if (name === 'reference') {
    // The reference target has its own options and --help; only --version is ours.
    if (rest.includes('--version') || rest.includes('-V')) return out(0, VERSION);
    return delegate('reference/main.ts', rest);
  }
  const options = OPTIONS[name];
  if (!options) return out(2, `ims-conformance: unknown command ${JSON.stringify(name)}\n${USAGE}`);
  const dd = rest.indexOf('--');
  const own = dd < 0 ? rest : rest.slice(0, dd);
  const passthrough = dd < 0 ? [] : rest.slice(dd + 1);
  try {
    const { values, positionals } = parseArgs({ args: own, options, allowPositionals: name === 'verify', strict: true });
    if (values.version) return out(0, VERSION);
    if (values.help) return out(0, HELP[name]!);
    if (passthrough.length && name !== 'run') throw new Usage(`${name} takes no arguments after --`);
    return await command(name, values, positionals, passthrough);
  } catch (err) {
    // parseArgs throws TypeErrors with codes (ERR_PARSE_ARGS_*): bad input, like our own Usage.
    const code = (err as { code?: string }).code;
    if (err instanceof Usage || code?.startsWith('ERR_PARSE_ARGS')) return out(2, `ims-conformance ${name}: ${(err as Error).message} (see ims-conformance ${name} --help)`);
    throw err;
  }
}

process.exit(await main(process.argv.slice(2)));
