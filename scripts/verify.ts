// `npm run verify -- <bundle> [--trust-key PUB]... [--require-signature]`: checks an evidence bundle written by
// certify without re-running anything. Every file must match the manifest, report.json its schema, the spec must be
// this suite's, every required requirement must have a result, the JUnit and JSON reports must agree and the verdict
// must follow from the results; a signed bundle's attestation must verify with a trusted key and name every file.
// Exit 0 valid and conformant; 1 valid and not conformant (or incomplete); 2 tampered, wrong key, malformed, or
// unsigned under --require-signature.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { requirements, specSha256 } from '../harness/spec.js';
import { exitCodeOf, verdictOf } from '../reporter/outcomes.js';
import type { ConformanceReport } from '../reporter/report-types.js';
import { ATTESTATION, checkManifest, sha256, type Manifest } from './lib/bundle.js';
import { reportSchemaProblems } from '../reporter/report-schema.js';
import { KeyProblem, loadPublicKey, fingerprint, statementProblems, verifyEnvelope, type TrustedKey } from './lib/attestation.js';
import { parseJunit, type JunitOutcome } from './lib/junit.js';

const VERIFY_USAGE = `usage: npm run verify -- <bundle folder> [--trust-key PUB]... [--require-signature]
  --trust-key PUB        an Ed25519 public key (PEM) whose signature of the bundle is trusted (repeatable)
  --require-signature    refuse (exit 2) a bundle without a signature checked against a trusted key
  Exit 0: the bundle is intact and the target is conformant; 1: intact, not conformant or incomplete;
  2: the bundle was altered, is incomplete, was judged against another spec, its signature does not verify with a
  trusted key, or it is unsigned under --require-signature.`;

const BUNDLED_SPEC = 'spec/delete-image-tag.openapi.yaml';

function contentProblems(dir: string): { report?: ConformanceReport; problems: string[] } {
  const problems: string[] = [];
  let report: ConformanceReport;
  try {
    report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as ConformanceReport;
  } catch {
    return { problems: ['report.json is missing or is not JSON'] };
  }
  const schema = reportSchemaProblems(report);
  if (schema.length) return { problems: schema };
  if (!existsSync(join(dir, BUNDLED_SPEC))) problems.push(`${BUNDLED_SPEC} is missing`);
  else if (sha256(readFileSync(join(dir, BUNDLED_SPEC))) !== report.spec?.sha256) problems.push('the bundled spec is not the one report.json names');
  if (report.spec?.sha256 !== specSha256) problems.push(`the run was judged against spec sha256 ${report.spec?.sha256}, this suite's spec is ${specSha256}`);
  if (!existsSync(join(dir, 'html', 'index.html'))) problems.push('html/index.html is missing');

  const recorded = new Map((report.requirements ?? []).map((r) => [r.id, r]));
  for (const r of requirements.filter((r) => r.tier === 'required')) {
    if (!recorded.has(r.id)) problems.push(`required requirement ${r.id} has no result`);
  }
  if (verdictOf(report.requirements ?? [], report.fatal ?? [], { strict: report.strict ?? true }) !== report.verdict) problems.push(`the verdict ${report.verdict} does not follow from the requirement results`);
  if (report.strict === false) problems.push('the run was not strict: a certificate needs every required requirement exercised');
  if (exitCodeOf(report.verdict) !== report.exitCode) problems.push('the exit code does not follow from the verdict');

  let junit;
  try {
    junit = parseJunit(readFileSync(join(dir, 'junit.xml'), 'utf8'));
  } catch (err) {
    return { report, problems: [...problems, `junit.xml is missing or unreadable: ${err instanceof Error ? err.message : String(err)}`] };
  }
  const expected: Record<string, JunitOutcome> = { pass: 'passed', fail: 'failed', error: 'failed', skipped: 'skipped' };
  const byId = new Map(junit.map((c) => [c.testId, c]));
  if (junit.length !== (report.tests ?? []).length) problems.push(`junit.xml has ${junit.length} tests, report.json ${report.tests?.length ?? 0}`);
  for (const t of report.tests ?? []) {
    const c = byId.get(t.id);
    if (!c) problems.push(`test ${t.id} (${t.title}) is in report.json but not in junit.xml`);
    else if (c.outcome !== expected[t.outcome]) problems.push(`test ${t.id} (${t.title}): report.json says ${t.outcome}, junit.xml ${c.outcome}`);
    else if (c.requirement !== t.requirement) problems.push(`test ${t.id}: report.json names ${t.requirement}, junit.xml ${c.requirement}`);
  }
  return { report, problems };
}

export type SignatureStatus =
  | { state: 'unsigned' }
  /** Signed, but by no key given as trusted (or no key was given): nothing is proven about who signed. */
  | { state: 'not-checked'; keyids: string[] }
  | { state: 'verified'; keyid: string }
  | { state: 'invalid'; problem: string };

export interface BundleInspection {
  problems: string[];
  report?: ConformanceReport;
  manifest?: Manifest;
  signature: SignatureStatus;
}

/** The signature of the bundle against the trusted keys (none given: present but not checked). */
function signatureOf(dir: string, trusted: TrustedKey[]): SignatureStatus {
  const path = join(dir, ATTESTATION);
  if (!existsSync(path)) return { state: 'unsigned' };
  let envelope: unknown;
  try {
    envelope = JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return { state: 'invalid', problem: `${ATTESTATION} is not JSON` };
  }
  const sigs = (envelope as { signatures?: { keyid?: unknown }[] } | null)?.signatures;
  if (!Array.isArray(sigs)) return { state: 'invalid', problem: `${ATTESTATION} is not a DSSE envelope` };
  const keyids = sigs.map((x) => (typeof x?.keyid === 'string' ? x.keyid : '?'));
  // Certify always names its key; a signature naming none of the trusted keys was made by someone else.
  if (!trusted.some((t) => keyids.includes(t.keyid))) return { state: 'not-checked', keyids };
  const checked = verifyEnvelope(envelope, trusted);
  if (!checked.ok) return { state: 'invalid', problem: checked.problem };
  const problems = statementProblems(checked.payload, dir);
  if (problems.length) return { state: 'invalid', problem: `the signed statement does not match the bundle: ${problems.slice(0, 3).join('; ')}` };
  return { state: 'verified', keyid: checked.keyids[0]! };
}

/** Everything verify and matrix need to know about a bundle, without printing. */
export function inspectBundle(dir: string, trusted: TrustedKey[] = []): BundleInspection {
  const signature = signatureOf(dir, trusted);
  const files = checkManifest(dir);
  const content = files.problems.length ? { problems: [] } : contentProblems(dir);
  const problems = [...files.problems, ...content.problems];
  if (signature.state === 'invalid') problems.unshift(`signature: ${signature.problem}`);
  return { problems, report: content.report, manifest: files.manifest, signature };
}

function describeSignature(s: SignatureStatus): string {
  switch (s.state) {
    case 'unsigned':
      return 'unsigned: nothing proves who produced this bundle';
    case 'not-checked':
      return `signed by ${s.keyids.join(', ')}, a key not given as trusted: the signature was NOT checked (--trust-key with the signer's public key)`;
    case 'verified':
      return `signature verified: signed by the trusted key ${s.keyid}`;
    case 'invalid':
      return `signature INVALID: ${s.problem}`;
  }
}

export interface VerifyOptions {
  trustKeys?: string[];
  requireSignature?: boolean;
}

export function verify(dir: string | undefined, opts: VerifyOptions = {}): { exitCode: number; lines: string[] } {
  if (!dir || dir === '--help' || dir === '-h') return { exitCode: dir ? 0 : 2, lines: [VERIFY_USAGE] };
  if (!existsSync(dir) || !statSync(dir).isDirectory()) return { exitCode: 2, lines: [`verify: ${dir} is not a bundle folder`] };
  let trusted: TrustedKey[];
  try {
    trusted = (opts.trustKeys ?? []).map((p) => {
      const key = loadPublicKey(p);
      return { keyid: fingerprint(key), key };
    });
  } catch (err) {
    if (err instanceof KeyProblem) return { exitCode: 2, lines: [`verify: ${err.message}`] };
    throw err;
  }
  const seen = inspectBundle(dir, trusted);
  const { problems, report: r, manifest, signature } = seen;
  if (problems.length || !r || !manifest) {
    const shown = problems.slice(0, 10).map((p) => `  - ${p}`);
    if (problems.length > 10) shown.push(`  - … and ${problems.length - 10} more`);
    return { exitCode: 2, lines: [`verify: the bundle ${dir} is NOT VALID:`, ...shown] };
  }
  const lines = [
    // First, because it changes what the verdict means: the suite's own target, not anyone's product.
    ...(r.product?.reference || r.target?.embedded === true ? ['verify: REFERENCE TARGET: this bundle certifies the suite\'s own embedded reference target, not a vendor\'s product'] : []),
    `verify: the bundle is intact (${Object.keys(manifest.files).length} files, digest sha256:${manifest.digest})`,
    `verify: ${describeSignature(signature)}`,
    `verify: target ${r.product ? `${r.product.vendor} ${r.product.product} ${r.product.version}` : '(identity not recorded)'} at ${String(r.target?.endpoint ?? '?')}, suite ${r.suite.version}${r.suite.commit ? ` (${r.suite.commit.slice(0, 12)})` : ''}, Node ${r.runtime.node}, Playwright ${r.runtime.playwright}, run ${r.run.id ?? '?'} at ${r.run.startedAt}`,
    `verdict: ${r.verdict} — ${r.requirements.length} requirements: ${r.counts.pass} pass, ${r.counts.fail} fail, ${r.counts.skipped} skipped, ${r.counts.error} error; ${r.warnings.length} advisory warning(s)`,
  ];
  // A trusted key was given: a signature by any other key, or none, does not verify (an unsigned bundle only
  // under --require-signature, as an unsigned bundle verifies as before signatures existed).
  if (trusted.length && signature.state === 'not-checked') {
    return { exitCode: 2, lines: [...lines, 'verify: REFUSED: the bundle is not signed by a trusted key'] };
  }
  if (opts.requireSignature && signature.state !== 'verified') {
    return { exitCode: 2, lines: [...lines, `verify: REFUSED: --require-signature and the bundle is ${signature.state === 'unsigned' ? 'unsigned' : 'signed, but not checked against a trusted key (--trust-key)'}`] };
  }
  return { exitCode: exitCodeOf(r.verdict), lines };
}

/** `verify` arguments: one folder, --trust-key PUB (repeatable), --require-signature. */
export function parseVerifyArgs(args: string[]): { dir?: string; opts: VerifyOptions } | string {
  const opts: VerifyOptions = { trustKeys: [], requireSignature: false };
  let dir: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--require-signature') opts.requireSignature = true;
    else if (a === '--trust-key' || a.startsWith('--trust-key=')) {
      const v = a.includes('=') ? a.slice(a.indexOf('=') + 1) : args[++i];
      if (!v) return 'verify: --trust-key needs a public key file';
      opts.trustKeys!.push(v);
    } else if (a === '--help' || a === '-h') return { dir: '--help', opts };
    else if (a.startsWith('--')) return `verify: unknown option ${JSON.stringify(a)}`;
    else if (dir !== undefined) return 'verify: give one bundle folder';
    else dir = a;
  }
  return { dir, opts };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const parsed = parseVerifyArgs(process.argv.slice(2));
  const { exitCode, lines } = typeof parsed === 'string' ? { exitCode: 2, lines: [parsed, VERIFY_USAGE] } : verify(parsed.dir, parsed.opts);
  (exitCode === 2 ? process.stderr : process.stdout).write(`${lines.join('\n')}\n`);
  process.exit(exitCode);
}
