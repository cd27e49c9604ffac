// `npm run certify -- [--out DIR] [--vendor V --product P --product-version N] [--sign-key KEY]`: the locked mode.
// Runs the whole catalogue (no filters, a fixed worker count, no retries) and writes an evidence bundle: the
// reports, the configuration without secrets, the target's identity, the spec and a manifest of SHA-256s that
// `npm run verify` checks; with --sign-key, a signed in-toto attestation of every file (scripts/lib/attestation.ts).
// Exit codes as a run: 0 conformant, 1 not shown conformant, 2 unusable.
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import type { KeyObject } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import dotenv from 'dotenv';
import { ConfigError, describeConfig, loadConfig, type SuiteConfig } from '../harness/run/config.js';
import { registerConfigSecrets } from '../harness/http/secrets.js';
import { redactText } from '../harness/http/redact.js';
import { readJson, writeJson } from '../harness/run/run-files.js';
import { SPEC_PATH } from '../harness/spec.js';
import type { ConformanceReport } from '../reporter/report-types.js';
import { sha256, writeManifest, type Manifest } from './lib/bundle.js';
import { PLAYWRIGHT_CLI, ROOT, playwrightEnv } from './lib/playwright.js';
import { ATTESTATION, bundleStatement, fingerprint, IN_TOTO_PAYLOAD_TYPE, KeyProblem, loadPrivateKey, signEnvelope } from './lib/attestation.js';
import { IDENTITY_VARIABLES, identityProblems, runtimeVersions } from '../reporter/product.js';
import { suiteIdentity } from '../reporter/identity.js';

/** Certification runs with this many workers on any machine (one with IMS_SERIAL_WRITES=1), so results compare. */
export const CERTIFY_WORKERS = 2;

const CERTIFY_USAGE = `usage: npm run certify -- [--out DIR] --vendor V --product P --product-version N [--sign-key KEY]
  Runs the full catalogue against the configured target (IMS_* variables) with ${CERTIFY_WORKERS} workers (1 with
  IMS_SERIAL_WRITES=1) and no retries, and writes an evidence bundle to DIR (default <IMS_RESULTS_DIR>/bundle-<timestamp>).
  --vendor, --product, --product-version (or IMS_VENDOR, IMS_PRODUCT, IMS_PRODUCT_VERSION): the target's identity,
      required for any target but the embedded reference target (whose identity is fixed).
  --sign-key KEY: an Ed25519 private key (PEM, from ims-conformance keygen); the bundle gets ${ATTESTATION},
      an in-toto statement of every file's SHA-256 in a signed DSSE envelope (verify --trust-key checks it).
  Test filters (--grep, --project, --shard, file names, .only) are refused: a certificate covers everything.`;

class Refused extends Error {}

const VALUE_FLAGS = { '--out': 'out', '--vendor': 'vendor', '--product': 'product', '--product-version': 'version', '--sign-key': 'signKey' } as const;
type Options = { help: boolean } & Partial<Record<(typeof VALUE_FLAGS)[keyof typeof VALUE_FLAGS], string>>;

function parse(argv: string[]): Options {
  const opts: Options = { help: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--help' || a === '-h') {
      opts.help = true;
      continue;
    }
    const [flag, inline] = a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    const name = (VALUE_FLAGS as Record<string, (typeof VALUE_FLAGS)[keyof typeof VALUE_FLAGS]>)[flag];
    if (!name) throw new Refused(`certify runs the full catalogue with fixed settings; ${JSON.stringify(a)} is refused (use npm run conformance for a filtered run)`);
    const value = inline ?? argv[++i];
    if (value === undefined || value === '') throw new Refused(`${flag} needs a value`);
    opts[name] = value;
  }
  return opts;
}

/** The target's identity from the flags, else the IMS_* variables; the embedded target's is fixed. */
function identityEnv(opts: Options, embedded: boolean): Record<string, string> | string {
  const given = {
    vendor: opts.vendor ?? process.env[IDENTITY_VARIABLES.vendor],
    product: opts.product ?? process.env[IDENTITY_VARIABLES.product],
    version: opts.version ?? process.env[IDENTITY_VARIABLES.version],
  };
  if (embedded) {
    if (Object.values(given).some((v) => v?.trim())) return 'the embedded reference target has a fixed identity; --vendor, --product and --product-version (IMS_VENDOR, ...) name a target set with IMS_ENDPOINT';
    return {};
  }
  const flag = { vendor: '--vendor (IMS_VENDOR)', product: '--product (IMS_PRODUCT)', version: '--product-version (IMS_PRODUCT_VERSION)' };
  const problems = (Object.keys(given) as (keyof typeof given)[]).flatMap((k) => identityProblems(flag[k], given[k]));
  if (problems.length) return `certify needs the target's identity: ${problems.join('; ')}`;
  return { [IDENTITY_VARIABLES.vendor]: given.vendor!.trim(), [IDENTITY_VARIABLES.product]: given.product!.trim(), [IDENTITY_VARIABLES.version]: given.version!.trim() };
}

type Outcome = { exitCode: number; message: string };

export async function certify(argv: string[]): Promise<Outcome> {
  const settings = settle(argv);
  if ('exitCode' in settings) return settings;
  const { opts, config, identity, signKey } = settings;
  const results = resolve(config.resultsDir); // under the caller's working folder
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const out = resolve(opts.out ?? join(results, `bundle-${stamp}`));
  if (existsSync(out) && readdirSync(out).length) return { exitCode: 2, message: `the bundle folder ${out} exists and is not empty` };
  for (const f of ['report.json', 'report.md', 'junit.xml']) rmSync(join(results, f), { force: true });

  // The spec as it was when the run started: the bundle must hold the contract the run was judged against.
  const spec = readFileSync(SPEC_PATH);
  // A fixed count, not the machine's cores: two certificates of one target must not differ by the machine that ran
  // them. One when the target is declared to lose concurrent tag writes.
  const workers = config.serialWrites ? 1 : CERTIFY_WORKERS;
  const status = await runCatalogue(workers, identity, results);
  const report = readJson<ConformanceReport>(join(results, 'report.json'));
  if (!report) return { exitCode: 2, message: `the run ended without a report (Playwright: ${status}); no bundle written` };
  if (report.spec.sha256 !== sha256(spec)) return { exitCode: 2, message: 'the spec changed while the run was starting; no bundle written, run certify again' };

  const { manifest, signed } = writeBundle({ out, results, spec, report, config, argv, workers, signKey });
  const rel = relative(process.cwd(), out) || '.';
  return {
    exitCode: report.exitCode,
    message: `certify: ${report.verdict}; bundle ${rel} (${Object.keys(manifest.files).length} files, digest sha256:${manifest.digest}${signed}); check it with: ims-conformance verify ${rel}${signKey ? ' --trust-key <public key>' : ''}`,
  };
}

/** What a certification runs with, settled before anything runs. */
interface Settings {
  opts: Options;
  config: SuiteConfig;
  /** The target's identity as IMS_* variables for the run. */
  identity: Record<string, string>;
  signKey?: KeyObject;
}

/** The options, the locked configuration, the identity and the signing key; an outcome when certify ends here. */
function settle(argv: string[]): Settings | Outcome {
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
  // A certificate is earned on an image nobody else writes to: every change of a tag the run did not create is judged
  // unless the vendor says the image is shared (IMS_IMAGE_EXCLUSIVE=0). The mode is in the bundle's report.json
  // (target.imageExclusive, otherWriters.exclusive).
  process.env.IMS_IMAGE_EXCLUSIVE = process.env.IMS_IMAGE_EXCLUSIVE?.trim() || '1';
  let config;
  try {
    config = loadConfig({ ...process.env, IMS_REFERENCE_PORT: process.env.IMS_REFERENCE_PORT || '0' });
  } catch (err) {
    if (err instanceof ConfigError) return { exitCode: 2, message: err.problems.length === 1 ? err.problems[0]! : `configuration:\n  - ${err.problems.join('\n  - ')}` };
    throw err;
  }
  registerConfigSecrets(config);
  const identity = identityEnv(opts, config.embedded);
  if (typeof identity === 'string') return { exitCode: 2, message: identity };
  let signKey;
  try {
    signKey = opts.signKey ? loadPrivateKey(opts.signKey) : undefined;
  } catch (err) {
    if (err instanceof KeyProblem) return { exitCode: 2, message: err.message };
    throw err;
  }
  return { opts, config, identity, signKey };
}

/** The whole catalogue through Playwright, locked: its exit code, or why it did not start. */
function runCatalogue(workers: number, identity: Record<string, string>, results: string): Promise<number | string> {
  const args = [PLAYWRIGHT_CLI, 'test', '--config', join(ROOT, 'playwright.config.ts'), `--workers=${workers}`, '--retries=0', '--forbid-only'];
  return new Promise<number | string>((done) => {
    const child = spawn(process.execPath, args, { cwd: ROOT, env: playwrightEnv({ ...process.env, ...identity, IMS_WORKERS: String(workers), IMS_RESULTS_DIR: results }), stdio: 'inherit' });
    child.on('error', (err) => done(`could not start Playwright: ${err.message}`));
    child.on('exit', (code, signal) => done(code ?? `signal ${signal}`));
  });
}

/** The evidence bundle: the run's reports, the spec, the configuration, the manifest and, with a key, the attestation. */
function writeBundle(b: {
  out: string;
  results: string;
  spec: Buffer;
  report: ConformanceReport;
  config: SuiteConfig;
  argv: string[];
  workers: number;
  signKey?: KeyObject;
}): { manifest: Manifest; signed: string } {
  const { out, results, report, config, workers, signKey } = b;
  mkdirSync(out, { recursive: true });
  for (const f of ['report.json', 'report.md', 'junit.xml']) cpSync(join(results, f), join(out, f));
  cpSync(join(results, 'html'), join(out, 'html'), { recursive: true });
  mkdirSync(join(out, 'spec'));
  writeFileSync(join(out, 'spec', 'delete-image-tag.openapi.yaml'), b.spec);
  const suite = suiteIdentity();
  writeJson(join(out, 'config.json'), {
    // The run's own view: it knows the embedded target's port, which is picked after this process validated.
    target: report.target ?? describeConfig(config),
    product: report.product,
    referenceTarget: config.embedded,
    suite: { ...suite, specSha256: report.spec.sha256 },
    runtime: runtimeVersions(),
    certify: { workers, retries: 0, filters: 'none', argv: b.argv.map(redactText) },
  });
  const manifest = writeManifest(out);
  if (!signKey) return { manifest, signed: '' };
  const statement = bundleStatement(out, {
    verdict: report.verdict,
    product: report.product,
    referenceTarget: config.embedded,
    suite,
    spec: report.spec,
    runtime: report.runtime,
    run: { id: report.run.id, startedAt: report.run.startedAt, endedAt: report.run.endedAt, workers },
    manifestDigest: manifest.digest,
  });
  writeJson(join(out, ATTESTATION), signEnvelope(Buffer.from(JSON.stringify(statement)), IN_TOTO_PAYLOAD_TYPE, signKey));
  return { manifest, signed: `; signed by ${fingerprint(signKey)}` };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { exitCode, message } = await certify(process.argv.slice(2));
  (exitCode === 2 ? process.stderr : process.stdout).write(`${exitCode === 2 ? 'ims-conformance: ' : ''}${message}\n`);
  process.exit(exitCode);
}
