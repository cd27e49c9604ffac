// Transport options shared by every way the suite reaches a target: Playwright's request contexts (the API
// client, the preflight, the IAM login) and the raw socket sender (which takes the same settings from the config).
import { request, type APIRequestContext } from '@playwright/test';
import { resolve } from 'node:path';
import type { SuiteConfig } from '../run/config.js';

type Env = Record<string, string | undefined>;

const INSECURE_TLS_WARNING =
  'IMS_INSECURE_TLS=1: TLS certificates are NOT verified; anyone on the path can read the credentials and answer in the target\'s place';

/** A Playwright request context with the run's transport options. */
export function newRequestContext(config: Pick<SuiteConfig, 'insecureTls' | 'proxy'>): Promise<APIRequestContext> {
  return request.newContext({
    ignoreHTTPSErrors: config.insecureTls,
    ...(config.proxy ? { proxy: { ...config.proxy } } : {}),
  });
}

/**
 * Playwright's request context trusts a private CA only through NODE_EXTRA_CA_CERTS, which Node reads when a
 * process starts: `npm run conformance` sets it before Playwright starts. Returns the problem when it is missing.
 */
export function caProblem(config: Pick<SuiteConfig, 'caFile'>, env: Env = process.env): string | undefined {
  if (!config.caFile) return undefined;
  const given = env.NODE_EXTRA_CA_CERTS;
  if (given && resolve(given) === resolve(config.caFile)) return undefined;
  return `IMS_CA_FILE=${config.caFile} is only trusted when NODE_EXTRA_CA_CERTS names it at process start: run the suite through npm run conformance`;
}

/** The environment Playwright's processes need for the configured transport. */
export function transportEnv(config: Pick<SuiteConfig, 'caFile'>, env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return config.caFile ? { ...env, NODE_EXTRA_CA_CERTS: resolve(config.caFile) } : env;
}

/** What the results record about the transport: nothing secret (no proxy credentials). */
export function describeTransport(config: SuiteConfig): { proxy: string | null; noProxy: string | null; caFile: string | null; insecureTls: boolean; timeoutMs: number; maxRps: number | null } {
  return {
    proxy: config.proxy?.server ?? null,
    noProxy: config.proxy?.bypass ?? null,
    caFile: config.caFile ?? null,
    insecureTls: config.insecureTls,
    timeoutMs: config.timeoutMs,
    maxRps: config.maxRps ?? null,
  };
}

/** Warnings every run prints at start and records in its results. */
export function transportWarnings(config: Pick<SuiteConfig, 'insecureTls'>): string[] {
  return config.insecureTls ? [INSECURE_TLS_WARNING] : [];
}
