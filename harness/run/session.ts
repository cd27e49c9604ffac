// One bootstrap for the processes that talk to the target outside the tests (the runner's preflight gate, the
// global setup, the sweep): the request context, each persona's login source (IAM or Keystone: one login per run,
// renewed before expiry, or the token the runner already got), their headers, the endpoint from the service catalogue
// when it is not configured, and the owner's client. Workers get the same tokens from the broker (fixtures/index.ts).
import type { APIRequestContext } from '@playwright/test';
import type { Persona, SuiteConfig } from './config.js';
import { ApiClient } from '../http/client.js';
import { ExchangeLog } from '../http/exchanges.js';
import { RateLimiter } from '../http/rate-limit.js';
import { authHeadersFor, type AuthHeaders } from '../auth/credentials.js';
import { endpointFromCatalogue, handedOver, loginSource, PERSONAS } from '../auth/logins.js';
import type { TokenSource } from '../auth/token-source.js';
import { registerConfigSecrets } from '../http/secrets.js';
import { newRequestContext } from '../http/transport.js';

export interface Session {
  /** The configuration, with the endpoint resolved from the catalogue when it came from there. */
  config: SuiteConfig;
  context: APIRequestContext;
  log: ExchangeLog;
  /** The persona's login source; undefined when its credentials need no login (a token, AK/SK). */
  logins: Partial<Record<Persona, TokenSource>>;
  /** Headers per configured persona. */
  auth: Partial<Record<Persona, AuthHeaders>> & { owner: AuthHeaders };
  owner: ApiClient;
  dispose(): Promise<void>;
}

/** Opens a session; `handedOverTokens`: take the tokens the runner's gate got (the global setup). Throws a one-line Error when the catalogue has no usable endpoint. */
export async function openSession(given: SuiteConfig, opts: { log?: ExchangeLog; handedOverTokens?: boolean } = {}): Promise<Session> {
  registerConfigSecrets(given);
  const context = await newRequestContext(given);
  const log = opts.log ?? new ExchangeLog();
  const logins: Session['logins'] = {};
  for (const who of PERSONAS) {
    const source = loginSource(given, who, { context, log, given: opts.handedOverTokens ? handedOver(who) : undefined });
    if (source) logins[who] = source;
  }
  let config = given;
  try {
    // OpenStack credentials and no IMS_ENDPOINT: the image service's address is in the owner's token's catalogue.
    if (config.endpointFromCatalogue) config = { ...config, endpoint: await endpointFromCatalogue(config, logins.owner!), endpointFromCatalogue: false };
  } catch (err) {
    await context.dispose().catch(() => undefined);
    throw err;
  }
  const notLogin = () => Promise.reject(new Error('this persona has no login'));
  const headers = (who: Persona) => authHeadersFor(config[who], logins[who] ? () => logins[who]!.token() : notLogin);
  const auth: Session['auth'] = { owner: headers('owner') };
  for (const who of ['forbidden', 'outsider'] as const) if (config[who]) auth[who] = headers(who);
  return {
    config,
    context,
    log,
    logins,
    auth,
    owner: new ApiClient(context, config, log, 'owner', auth.owner, new RateLimiter(config.maxRps)),
    dispose: () => context.dispose().catch(() => undefined),
  };
}
