// The preflight run by `npm run conformance` before Playwright starts, for a remote endpoint: an unusable target is
// told in one line within seconds, without the cost of starting Playwright and loading the tests. The global setup
// runs the preflight again right before the tests (the snapshot must be fresh); the IAM tokens fetched here are
// handed to it through the environment, so each persona still logs in once per run.
import type { SuiteConfig } from './config.js';
import { preflight, type PreflightResult } from './preflight.js';
import type { Exchange } from './exchanges.js';
import { openSession } from './session.js';
import { redactText } from './redact.js';
import { caProblem } from './transport.js';

/** Runner-set variables that carry the run's IAM tokens from the gate to the global setup. */
export const IAM_TOKEN_VARIABLES = { owner: 'IMS_RUN_IAM_TOKEN_OWNER', forbidden: 'IMS_RUN_IAM_TOKEN_FORBIDDEN' } as const;

/** Set by the runner when the gate's preflight is the run's preflight: the global setup reuses its record. */
export const GATE_RUN_VARIABLE = 'IMS_PREFLIGHT_RUN_ID';

export type GateResult =
  | { ok: true; env: Record<string, string>; result?: PreflightResult; exchanges: Exchange[] }
  | { ok: false; message: string };

export async function preflightGate(config: SuiteConfig, runId: string): Promise<GateResult> {
  // The embedded target starts with Playwright; a private CA is trusted only in processes started with it.
  if (config.embedded || caProblem(config)) return { ok: true, env: {}, exchanges: [] };
  const session = await openSession(config);
  try {
    const result = await preflight(session, runId);
    const env: Record<string, string> = {};
    for (const who of ['owner', 'forbidden'] as const) if (session.logins[who]) env[IAM_TOKEN_VARIABLES[who]] = await session.logins[who]!();
    // A target that loses overlapping writes is tested one write at a time: one worker, one request at a time.
    if (result.serialWrites) env.IMS_SERIAL_WRITES = '1';
    return { ok: true, env, result, exchanges: session.log.exchanges };
  } catch (err) {
    return { ok: false, message: `preflight failed: ${redactText((err instanceof Error ? err.message : String(err)).split('\n')[0]!)}` };
  } finally {
    await session.dispose();
  }
}
