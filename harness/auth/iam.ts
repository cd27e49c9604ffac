// IAM password login (POST {iam}/v3/auth/tokens): the token comes back in X-Subject-Token.
import type { Credentials } from '../config.js';
import { HarnessError } from '../errors.js';
import { registerSecret } from '../redact.js';

export async function fetchIamToken(creds: Extract<Credentials, { form: 'iam' }>, projectId: string, timeoutMs: number): Promise<string> {
  const url = `${creds.endpoint.replace(/\/+$/, '')}/v3/auth/tokens`;
  const body = {
    auth: {
      identity: { methods: ['password'], password: { user: { name: creds.username, password: creds.password, domain: { name: creds.domain } } } },
      scope: { project: { id: projectId } },
    },
  };
  let res: Response;
  try {
    res = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body), signal: AbortSignal.timeout(timeoutMs) });
  } catch (err) {
    throw new HarnessError(`IAM endpoint ${creds.endpoint} did not answer: ${err instanceof Error ? err.message : String(err)}`);
  }
  const token = res.headers.get('x-subject-token');
  if (res.status !== 201 && res.status !== 200) throw new HarnessError(`IAM login of user ${creds.username} answered ${res.status}: check the IAM_USERNAME/IAM_PASSWORD/IAM_DOMAIN variables`);
  if (!token) throw new HarnessError(`IAM login of user ${creds.username} answered ${res.status} without an X-Subject-Token header`);
  registerSecret(token);
  return token;
}
