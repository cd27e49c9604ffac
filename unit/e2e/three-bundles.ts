// Three certificates to line up, as a certification body would receive them: the embedded reference target
// (signed with key A), a broken implementation (a mutant that answers 204 for a missing key; signed with key B)
// and a vendor-like variant (legitimate variations: a strict add rule, 400 for an unknown image, gateway headers,
// plus an advisory deviation, Content-Length: 0 on the 204; unsigned). Used by the matrix checks.
import { join } from 'node:path';
import { startReference, suiteEnv } from '../../scripts/lib/reference-process.js';
import { keygen } from '../../scripts/keygen.js';
import { runScript, type Ran } from './helpers.js';

export interface ThreeBundles {
  reference: string;
  mutant: string;
  vendor: string;
  keyA: string;
  keyB: string;
  runs: Ran[];
}

export const MUTANT_IDENTITY = { vendor: 'Brokenware', product: 'Tagless', version: '0.0.1' };
export const VENDOR_IDENTITY = { vendor: 'Acme Cloud', product: 'Acme Image Service', version: '2024.3-beta' };
const VENDOR_ARGS = ['--add-key-rule', 'strict', '--unknown-image-status', '400', '--extra-headers', '--mutant', 'delete-204-content-length'];

const identityFlags = (i: { vendor: string; product: string; version: string }) => ['--vendor', i.vendor, '--product', i.product, '--product-version', i.version];

export async function makeThreeBundles(work: string): Promise<ThreeBundles> {
  const keyA = join(work, 'key-a');
  const keyB = join(work, 'key-b');
  for (const k of [keyA, keyB]) if (keygen(['--out', k]).exitCode !== 0) throw new Error(`keygen ${k} failed`);
  const out = { reference: join(work, 'reference'), mutant: join(work, 'mutant'), vendor: join(work, 'vendor'), keyA, keyB, runs: [] as Ran[] };
  out.runs.push(await runScript('scripts/certify.ts', ['--out', out.reference, '--sign-key', `${keyA}.pem`], suiteEnv({ IMS_RESULTS_DIR: join(work, 'r-reference') })));
  const mutant = await startReference(['--mutant', 'missing-key-204']);
  const vendor = await startReference(VENDOR_ARGS);
  try {
    out.runs.push(await runScript('scripts/certify.ts', ['--out', out.mutant, '--sign-key', `${keyB}.pem`, ...identityFlags(MUTANT_IDENTITY)], suiteEnv({ ...mutant.env, IMS_RESULTS_DIR: join(work, 'r-mutant') })));
    out.runs.push(await runScript('scripts/certify.ts', ['--out', out.vendor, ...identityFlags(VENDOR_IDENTITY)], suiteEnv({ ...vendor.env, IMS_RESULTS_DIR: join(work, 'r-vendor') })));
  } finally {
    await Promise.all([mutant.stop(), vendor.stop()]);
  }
  return out;
}

/** What each column must show for a requirement: the reference passes everything; the mutant fails DT-05, DT-06 and
 * DT-16 (a missing key answers 204, so concurrent deletes all succeed and a malformed key gets no 4xx); the vendor warns on DT-12 and leaves DT-04's
 * near-miss pairs its strict add rule refuses unexercised. */
export function expectedCell(column: 'reference' | 'mutant' | 'vendor', id: string): string | RegExp {
  if (column === 'reference') return 'pass';
  if (column === 'mutant') return ['DT-05', 'DT-06', 'DT-16'].includes(id) ? 'FAIL' : 'pass';
  if (id === 'DT-12') return 'warning (advisory fail)';
  if (id === 'DT-04') return /^pass, \d+ not exercised$/;
  return 'pass';
}
