// The run's login tokens per persona (IAM or Keystone password logins): one TokenSource each, in the process that
// logs in (the preflight gate, then the global setup, whose broker hands the tokens to every worker).
import type { APIRequestContext } from '@playwright/test';
import type { Persona, SuiteConfig } from '../run/config.js';
import type { ExchangeLog } from '../http/exchanges.js';
import { registerSecret } from '../http/redact.js';
import { fetchIamToken } from './iam.js';
import { fetchKeystoneToken, imageEndpointFromCatalog, type IssuedToken } from './openstack.js';
import { TokenSource } from './token-source.js';

/** Runner-set variables that carry the run's login tokens (and their expiry) from the gate to the global setup. */
export const TOKEN_VARIABLES: Record<Persona, { token: string; expires: string }> = {
  owner: { token: 'IMS_RUN_IAM_TOKEN_OWNER', expires: 'IMS_RUN_TOKEN_EXPIRES_OWNER' },
  forbidden: { token: 'IMS_RUN_IAM_TOKEN_FORBIDDEN', expires: 'IMS_RUN_TOKEN_EXPIRES_FORBIDDEN' },
  outsider: { token: 'IMS_RUN_IAM_TOKEN_OUTSIDER', expires: 'IMS_RUN_TOKEN_EXPIRES_OUTSIDER' },
};

export const PERSONAS: readonly Persona[] = ['owner', 'forbidden', 'outsider'];

/** A token the gate handed over through the environment. */
export function handedOver(who: Persona, env: NodeJS.ProcessEnv = process.env): IssuedToken | undefined {
  const token = env[TOKEN_VARIABLES[who].token];
  if (!token) return undefined;
  registerSecret(token);
  const expires = Number(env[TOKEN_VARIABLES[who].expires]);
  return { token, expiresAt: Number.isFinite(expires) && expires > 0 ? expires : undefined };
}

/** The persona's login source, or undefined when its credentials need no login (a token, AK/SK). */
export function loginSource(config: SuiteConfig, who: Persona, opts: { context: APIRequestContext; log?: ExchangeLog; given?: IssuedToken }): TokenSource | undefined {
  const creds = config[who];
  const fetchOpts = { context: opts.context, timeoutMs: Math.min(config.timeoutMs, 3_000), log: opts.log, persona: who };
  if (creds?.form === 'iam') {
    // The outsider works in the other project; the IAM login is scoped to the project it works in.
    const project = who === 'outsider' ? (config.otherProjectId ?? config.projectId) : config.projectId;
    return new TokenSource(async () => ({ token: await fetchIamToken(creds, project, fetchOpts) }), opts.given);
  }
  if (creds?.form === 'keystone') return new TokenSource(() => fetchKeystoneToken(creds, fetchOpts), opts.given);
  return undefined;
}

/** The image endpoint from the owner's token's catalogue (config.endpointFromCatalogue); throws a one-line Error. */
export async function endpointFromCatalogue(config: SuiteConfig, owner: TokenSource): Promise<string> {
  const creds = config.owner;
  if (creds?.form !== 'keystone') throw new Error('the endpoint can only come from a Keystone catalogue');
  const found = imageEndpointFromCatalog((await owner.issued()).catalog, creds.interface, creds.region);
  if ('problem' in found) throw new Error(`${creds.source}: ${found.problem}`);
  return found.url;
}

/** Environment entries that hand the gate's tokens to the global setup. */
export async function handOver(sources: Partial<Record<Persona, TokenSource>>): Promise<Record<string, string>> {
  const env: Record<string, string> = {};
  for (const who of PERSONAS) {
    const s = sources[who];
    if (!s) continue;
    const t = await s.issued();
    env[TOKEN_VARIABLES[who].token] = t.token;
    if (t.expiresAt) env[TOKEN_VARIABLES[who].expires] = String(t.expiresAt);
  }
  return env;
}
