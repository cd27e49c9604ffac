// The preflight run by `npm run conformance` before Playwright starts, for a remote endpoint: an unusable target is
// told in one line within seconds, without the cost of starting Playwright and loading the tests. Its record is the
// run's (the global setup takes it); the login tokens fetched here, and the endpoint found in the catalogue, are
// handed to the global setup through the environment, so each persona logs in once per run.
import type { SuiteConfig } from './config.js';
import { handOver, TOKEN_VARIABLES } from '../auth/logins.js';
import { preflight, type PreflightResult } from './preflight.js';
import type { Exchange } from '../http/exchanges.js';
import { openSession } from './session.js';
import { redactText } from '../http/redact.js';
import { caProblem } from '../http/transport.js';

/** Runner-set variables that carry the run's login tokens from the gate to the global setup. */
export const IAM_TOKEN_VARIABLES = { owner: TOKEN_VARIABLES.owner.token, forbidden: TOKEN_VARIABLES.forbidden.token, outsider: TOKEN_VARIABLES.outsider.token } as const;

/** Set by the runner when the gate's preflight is the run's preflight: the global setup reuses its record. */
export const GATE_RUN_VARIABLE = 'IMS_PREFLIGHT_RUN_ID';

export type GateResult =
  | { ok: true; env: Record<string, string>; result?: PreflightResult; exchanges: Exchange[] }
  | { ok: false; message: string };

const oneLine = (err: unknown) => redactText((err instanceof Error ? err.message : String(err)).split('\n')[0]!);

export async function preflightGate(config: SuiteConfig, runId: string): Promise<GateResult> {
  // The embedded target starts with Playwright; a private CA is trusted only in processes started with it.
  if (config.embedded || caProblem(config)) return { ok: true, env: {}, exchanges: [] };
  let session;
  try {
    session = await openSession(config);
  } catch (err) {
    return { ok: false, message: `preflight failed: ${oneLine(err)}` };
  }
  try {
    const result = await preflight(session, runId);
    const env: Record<string, string> = { ...(await handOver(session.logins)) };
    if (config.endpointFromCatalogue) env.IMS_ENDPOINT = session.config.endpoint;
    // A target that loses overlapping writes is tested one write at a time: one worker, one request at a time.
    if (result.serialWrites) env.IMS_SERIAL_WRITES = '1';
    return { ok: true, env, result, exchanges: session.log.exchanges };
  } catch (err) {
    return { ok: false, message: `preflight failed: ${oneLine(err)}` };
  } finally {
    await session.dispose();
  }
}
