// Turns a persona's credentials into the headers of one request.
import type { Credentials } from '../run/config.js';
import { signRequest } from './sdk-signer.js';

export interface SignableRequest {
  method: string;
  /** Full URL exactly as sent (path already encoded). */
  url: string;
  body?: string;
}

export type AuthHeaders = (req: SignableRequest) => Promise<Record<string, string>>;

/** `iamToken` supplies the run's shared login token (IAM or Keystone) for the persona: fetched once per run, renewed before expiry. */
export function authHeadersFor(creds: Credentials | undefined, iamToken: () => Promise<string>): AuthHeaders {
  if (!creds) return async () => ({});
  switch (creds.form) {
    case 'token':
      return async () => ({ 'X-Auth-Token': creds.token });
    case 'iam':
    case 'keystone':
      return async () => ({ 'X-Auth-Token': await iamToken() });
    case 'aksk':
      return async (req) =>
        signRequest({ method: req.method, url: req.url, headers: {}, body: req.body ?? '', accessKey: creds.accessKey, secretKey: creds.secretKey });
  }
}
