// One bootstrap for the processes that talk to the target outside the tests (the runner's preflight gate, the
// global setup, the sweep): the request context, each persona's headers with its IAM login memoised (one login per
// persona per process, or the token the runner already got), and the owner's client. Workers get the same tokens
// from the broker (fixtures/index.ts).
import type { APIRequestContext } from '@playwright/test';
import type { SuiteConfig } from './config.js';
import { ApiClient, type PersonaName } from './client.js';
import { ExchangeLog } from './exchanges.js';
import { RateLimiter } from './rate-limit.js';
import { authHeadersFor, type AuthHeaders } from './auth/credentials.js';
import { fetchIamToken } from './auth/iam.js';
import { registerConfigSecrets } from './secrets.js';
import { registerSecret } from './redact.js';
import { newRequestContext } from './transport.js';

/** An IAM login is one quick exchange: bounded so an unreachable IAM endpoint is told within seconds. */
const IAM_TIMEOUT_MS = 3_000;

export interface Session {
  config: SuiteConfig;
  context: APIRequestContext;
  log: ExchangeLog;
  /** The persona's IAM login, memoised; undefined when the persona does not use IAM. */
  logins: Partial<Record<PersonaName, () => Promise<string>>>;
  auth: { owner: AuthHeaders; forbidden?: AuthHeaders };
  owner: ApiClient;
  dispose(): Promise<void>;
}

export async function openSession(config: SuiteConfig, opts: { log?: ExchangeLog; givenTokens?: Partial<Record<PersonaName, string>> } = {}): Promise<Session> {
  registerConfigSecrets(config);
  const context = await newRequestContext(config);
  const log = opts.log ?? new ExchangeLog();
  const logins: Session['logins'] = {};
  for (const who of ['owner', 'forbidden'] as const) {
    const creds = who === 'owner' ? config.owner : config.forbidden;
    if (creds?.form !== 'iam') continue;
    const given = opts.givenTokens?.[who];
    registerSecret(given);
    let token: Promise<string> | undefined = given ? Promise.resolve(given) : undefined;
    logins[who] = () => (token ??= fetchIamToken(creds, config.projectId, { context, timeoutMs: Math.min(config.timeoutMs, IAM_TIMEOUT_MS), log, persona: who }));
  }
  const notIam = () => Promise.reject(new Error('not an IAM persona'));
  const auth: Session['auth'] = {
    owner: authHeadersFor(config.owner, logins.owner ?? notIam),
    forbidden: config.forbidden ? authHeadersFor(config.forbidden, logins.forbidden ?? notIam) : undefined,
  };
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
