// IAM password login (POST {iam}/v3/auth/tokens): the token comes back in X-Subject-Token. It goes through the
// run's Playwright request context, so the proxy, CA and TLS settings apply to the IAM endpoint too.
import type { APIRequestContext } from '@playwright/test';
import type { Credentials } from '../run/config.js';
import type { ExchangeLog } from '../http/exchanges.js';
import { registerSecret } from '../http/redact.js';

/** Why a login failed, so the preflight can name the variables to check. */
export class IamLoginError extends Error {
  override name = 'IamLoginError';
  constructor(
    readonly kind: 'unreachable' | 'refused' | 'no-token',
    message: string,
  ) {
    super(message);
  }
}

export async function fetchIamToken(
  creds: Extract<Credentials, { form: 'iam' }>,
  projectId: string,
  opts: { context: APIRequestContext; timeoutMs: number; log?: ExchangeLog; persona: string },
): Promise<string> {
  const url = `${creds.endpoint.replace(/\/+$/, '')}/v3/auth/tokens`;
  const body = JSON.stringify({
    auth: {
      identity: { methods: ['password'], password: { user: { name: creds.username, password: creds.password, domain: { name: creds.domain } } } },
      scope: { project: { id: projectId } },
    },
  });
  const requestHeaders = { 'Content-Type': 'application/json', Accept: 'application/json' };
  const startedAt = Date.now();
  let status: number | undefined;
  let headers: Record<string, string> | undefined;
  let error: string | undefined;
  try {
    const res = await opts.context.fetch(url, { method: 'POST', headers: requestHeaders, data: body, failOnStatusCode: false, maxRedirects: 0, timeout: opts.timeoutMs });
    status = res.status();
    headers = res.headers();
  } catch (err) {
    error = (err instanceof Error ? err.message : String(err)).split('\n')[0];
  }
  const token = headers?.['x-subject-token'];
  registerSecret(token); // before the exchange is recorded, so the record cannot hold it
  opts.log?.add({
    operationId: null,
    role: 'auth',
    persona: opts.persona,
    transport: 'api',
    method: 'POST',
    url,
    requestHeaders,
    requestBody: body,
    status,
    responseHeaders: headers,
    error,
    attempt: 1,
    startedAt,
    durationMs: Date.now() - startedAt,
  });
  if (error !== undefined) throw new IamLoginError('unreachable', `the IAM endpoint ${creds.endpoint} is unreachable: ${error}`);
  if (status !== 201 && status !== 200) throw new IamLoginError('refused', `IAM login of user ${creds.username} was refused (${status})`);
  if (!token) throw new IamLoginError('no-token', `IAM login of user ${creds.username} answered ${status} without an X-Subject-Token header`);
  return token;
}
