// The preflight run by `npm run conformance` before Playwright starts, for a remote endpoint: an unusable target is
// told in one line within seconds, without the cost of starting Playwright and loading the tests. The global setup
// runs the preflight again right before the tests (the snapshot must be fresh); the IAM tokens fetched here are
// handed to it through the environment, so each persona still logs in once per run.
import type { SuiteConfig } from './config.js';
import { ExchangeLog } from './exchanges.js';
import { authHeadersFor } from './auth/credentials.js';
import { endpointFromCatalogue, handOver, loginSource, TOKEN_VARIABLES } from './auth/logins.js';
import { preflight, type PreflightResult } from './preflight.js';
import type { Exchange } from './exchanges.js';
import { registerConfigSecrets } from './secrets.js';
import { redactText } from './redact.js';
import { caProblem, newRequestContext } from './transport.js';

/** Runner-set variables that carry the run's login tokens from the gate to the global setup. */
export const IAM_TOKEN_VARIABLES = { owner: TOKEN_VARIABLES.owner.token, forbidden: TOKEN_VARIABLES.forbidden.token, outsider: TOKEN_VARIABLES.outsider.token } as const;

/** Set by the runner when the gate's preflight is the run's preflight: the global setup reuses its record. */
export const GATE_RUN_VARIABLE = 'IMS_PREFLIGHT_RUN_ID';

export type GateResult =
  | { ok: true; env: Record<string, string>; result?: PreflightResult; exchanges: Exchange[] }
  | { ok: false; message: string };

export async function preflightGate(given: SuiteConfig): Promise<GateResult> {
  let config = given;
  // The embedded target starts with Playwright; a private CA is trusted only in processes started with it.
  if (config.embedded || caProblem(config)) return { ok: true, env: {}, exchanges: [] };
  registerConfigSecrets(config);
  const context = await newRequestContext(config);
  const log = new ExchangeLog();
  const sources = {
    owner: loginSource(config, 'owner', { context, log }),
    forbidden: loginSource(config, 'forbidden', { context, log }),
    outsider: loginSource(config, 'outsider', { context, log }),
  };
  const login = (who: 'owner' | 'forbidden') => (sources[who] ? () => sources[who]!.token() : undefined);
  const none = () => Promise.reject(new Error('not an IAM persona'));
  const [ownerLogin, forbiddenLogin] = [login('owner'), login('forbidden')];
  const endpointEnv: Record<string, string> = {};
  try {
    if (config.endpointFromCatalogue) {
      // OpenStack credentials and no IMS_ENDPOINT: Glance's address is in the owner's token's service catalogue.
      config = { ...config, endpoint: await endpointFromCatalogue(config, sources.owner!), endpointFromCatalogue: false };
      endpointEnv.IMS_ENDPOINT = config.endpoint;
    }
    const result = await preflight(config, context, log, {
      owner: authHeadersFor(config.owner, ownerLogin ?? none),
      forbidden: config.forbidden ? authHeadersFor(config.forbidden, forbiddenLogin ?? none) : undefined,
      outsider: config.outsider ? authHeadersFor(config.outsider, sources.outsider ? () => sources.outsider!.token() : none) : undefined,
      ownerLogin,
      forbiddenLogin,
    });
    const env = { ...endpointEnv, ...(await handOver(sources)) };
    return { ok: true, env, result, exchanges: log.exchanges };
  } catch (err) {
    return { ok: false, message: `preflight failed: ${redactText((err instanceof Error ? err.message : String(err)).split('\n')[0]!)}` };
  } finally {
    await context.dispose();
  }
}
