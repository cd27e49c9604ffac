// What was certified and with what: the target's identity (vendor, product, version, from IMS_VENDOR /
// IMS_PRODUCT / IMS_PRODUCT_VERSION or certify's flags) and the runtime (Node, Playwright). Recorded in report.json.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface ProductIdentity {
  vendor: string;
  product: string;
  version: string;
  /** True when the target was the suite's own embedded reference target, not a vendor's product. */
  reference: boolean;
}

export const IDENTITY_VARIABLES = { vendor: 'IMS_VENDOR', product: 'IMS_PRODUCT', version: 'IMS_PRODUCT_VERSION' } as const;

/** The identity the embedded reference target always carries: it cannot be named after a vendor. */
const REFERENCE_IDENTITY = { vendor: 'ims-conformance', product: 'embedded reference target' } as const;

/** Problems with one identity value (empty list when usable). */
export function identityProblems(name: string, value: string | undefined): string[] {
  if (value === undefined || !value.trim()) return [`${name} is required`];
  if (value.length > 120) return [`${name} is longer than 120 characters`];
  // Control characters would corrupt the one-line outputs (verify, matrix) and the HTML page.
  if (/[\u0000-\u001f\u007f]/.test(value)) return [`${name} contains control characters`];
  return [];
}

/**
 * The identity recorded for a run: the embedded target's fixed one, the IMS_* variables when all three are set,
 * else null (a plain run need not name its target; certify refuses to run without it).
 */
export function productIdentity(env: NodeJS.ProcessEnv, embedded: boolean, suiteVersion: string): ProductIdentity | null {
  if (embedded) return { ...REFERENCE_IDENTITY, version: suiteVersion, reference: true };
  const [vendor, product, version] = Object.values(IDENTITY_VARIABLES).map((n) => env[n]?.trim());
  if (!vendor || !product || !version) return null;
  return { vendor, product, version, reference: false };
}

export function runtimeVersions(): { node: string; playwright: string } {
  const pkg = fileURLToPath(new URL('../node_modules/@playwright/test/package.json', import.meta.url));
  let playwright = 'unknown';
  try {
    playwright = (JSON.parse(readFileSync(pkg, 'utf8')) as { version: string }).version;
  } catch {
    // Installed elsewhere (a global install): the version stays "unknown" rather than guessed.
  }
  return { node: process.version, playwright };
}
