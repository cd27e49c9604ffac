// The credentials DT-08 sends that share nothing with a real one. The signed cases here use a fabricated AK; the
// near misses under the REAL AK (data/near-miss-credentials.ts) are rationed by harness/auth/ak-failure-budget.ts,
// since the vendor locks an AK after 5 consecutive signature failures.
import { signRequest } from './sdk-signer.js';
import type { SignableRequest } from './credentials.js';

export interface BadCredential {
  name: string;
  /** Headers that replace the persona's own, computed per request because signatures cover the URL. */
  headers(req: SignableRequest): Record<string, string>;
}

const FABRICATED_AK = 'CTKFABRICATEDAK00000';
const FABRICATED_SK = 'ctk-fabricated-secret-key-not-real';

export const BAD_CREDENTIALS: readonly BadCredential[] = [
  { name: 'no credentials', headers: () => ({}) },
  { name: 'malformed token (not a token at all)', headers: () => ({ 'X-Auth-Token': 'not a token; <>' }) },
  { name: 'invalid token (well-formed, unknown)', headers: () => ({ 'X-Auth-Token': `MIIinvalid${'A'.repeat(60)}` }) },
  { name: 'malformed Authorization header', headers: () => ({ Authorization: 'SDK-HMAC-SHA256 garbage' }) },
  {
    name: 'well-formed signature under a fabricated AK',
    headers: (req) => signRequest({ method: req.method, url: req.url, headers: {}, body: req.body ?? '', accessKey: FABRICATED_AK, secretKey: FABRICATED_SK }),
  },
  {
    name: 'signature with an X-Sdk-Date 20 minutes old (fabricated AK)',
    headers: (req) =>
      signRequest({ method: req.method, url: req.url, headers: {}, body: req.body ?? '', accessKey: FABRICATED_AK, secretKey: FABRICATED_SK, now: new Date(Date.now() - 20 * 60_000) }),
  },
];
