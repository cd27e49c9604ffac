// `ims-conformance matrix BUNDLE... [--out DIR] [--trust-key PUB]...`: lines up many certificates. Each bundle is
// checked as verify does (files, report schema, signature against the trusted keys); the page and the table show
// every requirement's verdict per target, each column's signature state and key, failures with their evidence.
// Writes DIR/matrix.html and DIR/matrix.md (default DIR: results/matrix). Exit 0 written; 2 bad input.
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import type { ConformanceReport } from '../reporter/report-types.js';
import { join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { requirements } from '../harness/spec.js';
import { suiteIdentity } from '../reporter/identity.js';
import { fingerprint, KeyProblem, loadPublicKey, type TrustedKey } from './lib/attestation.js';
import { cellOf, columnTitle, renderHtml, renderMarkdown, signatureText, type Column, type Matrix, type Row } from './lib/matrix-render.js';
import { inspectBundle } from './verify.js';

const MATRIX_USAGE = `usage: ims-conformance matrix BUNDLE... [--out DIR] [--trust-key PUB]...
  Writes DIR/matrix.html (one static page) and DIR/matrix.md: requirements down, one column per bundle (vendor /
  product / version), each column's signature checked against the trusted public keys. Default DIR: results/matrix.`;

function claimedReport(dir: string): Partial<ConformanceReport> | undefined {
  try {
    return JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as Partial<ConformanceReport>;
  } catch {
    return undefined;
  }
}

function buildMatrix(bundles: string[], outDir: string, trusted: TrustedKey[]): Matrix {
  const inspected = bundles.map((b) => inspectBundle(b, trusted));
  const columns: Column[] = bundles.map((b, i) => {
    const seen = inspected[i]!;
    const r = seen.report;
    const valid = seen.problems.length === 0 && !!r;
    // A bundle that is not valid still names what it claims to be, so the reader sees whose certificate failed.
    const claimed = r ?? claimedReport(b);
    const href = relative(outDir, resolve(b)).split(sep).map(encodeURIComponent).join('/') || '.';
    const product = claimed?.product;
    return {
      bundle: b,
      href,
      vendor: product?.vendor ?? '(vendor not recorded)',
      product: product?.product ?? String(claimed?.target?.endpoint ?? b),
      version: product?.version ?? '?',
      reference: product?.reference === true || claimed?.target?.embedded === true,
      verdict: valid ? r!.verdict : 'NOT VALID',
      valid,
      problems: seen.problems,
      signature: seen.signature,
      cells: {},
    };
  });
  // The suite's catalogue in its order, then any requirement only an older or newer bundle knows.
  const rows: Row[] = requirements.map((q) => ({ id: q.id, title: q.title, tier: q.tier }));
  inspected.forEach(({ report: r }, i) => {
    for (const q of r?.requirements ?? []) if (!rows.some((x) => x.id === q.id)) rows.push({ id: q.id, title: q.title, tier: q.tier });
    for (const row of rows) columns[i]!.cells[row.id] = r ? cellOf(r, row.id, columns[i]!.valid) : { kind: 'untrusted', text: 'not trusted (bundle not valid)', notExercised: [], failedTests: [], evidence: [], reproduce: [] };
  });
  for (const c of columns) for (const row of rows) c.cells[row.id] ??= { kind: 'no-result', text: 'no result', notExercised: [], failedTests: [], evidence: [], reproduce: [] };
  return { generatedAt: new Date().toISOString(), suiteVersion: suiteIdentity().version, rows, columns };
}

export function matrix(argv: string[]): { exitCode: number; message: string } {
  const bundles: string[] = [];
  const keys: string[] = [];
  let out = 'results/matrix';
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--help' || a === '-h') return { exitCode: 0, message: MATRIX_USAGE };
    if (a === '--out' || a === '--trust-key') {
      const v = argv[++i];
      if (!v) return { exitCode: 2, message: `matrix: ${a} needs a value` };
      if (a === '--out') out = v;
      else keys.push(v);
    } else if (a.startsWith('--')) return { exitCode: 2, message: `matrix: unknown option ${JSON.stringify(a)}\n${MATRIX_USAGE}` };
    else bundles.push(a);
  }
  if (!bundles.length) return { exitCode: 2, message: `matrix: give at least one bundle folder\n${MATRIX_USAGE}` };
  for (const b of bundles) if (!existsSync(b) || !statSync(b).isDirectory()) return { exitCode: 2, message: `matrix: ${b} is not a bundle folder` };
  let trusted: TrustedKey[];
  try {
    trusted = keys.map((p) => {
      const key = loadPublicKey(p);
      return { keyid: fingerprint(key), key };
    });
  } catch (err) {
    if (err instanceof KeyProblem) return { exitCode: 2, message: `matrix: ${err.message}` };
    throw err;
  }
  const dir = resolve(out);
  mkdirSync(dir, { recursive: true });
  const m = buildMatrix(bundles, dir, trusted);
  writeFileSync(join(dir, 'matrix.html'), renderHtml(m));
  writeFileSync(join(dir, 'matrix.md'), renderMarkdown(m));
  const lines = m.columns.map((c) => `  ${columnTitle(c)}: ${c.verdict}${c.reference ? ' (REFERENCE TARGET)' : ''}; ${signatureText(c.signature)}${c.valid ? '' : `; NOT VALID: ${c.problems[0] ?? ''}`}`);
  return { exitCode: 0, message: [`matrix: ${join(dir, 'matrix.html')} and matrix.md, ${m.rows.length} requirements x ${m.columns.length} targets`, ...lines].join('\n') };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { exitCode, message } = matrix(process.argv.slice(2));
  (exitCode === 2 ? process.stderr : process.stdout).write(`${message}\n`);
  process.exit(exitCode);
}
