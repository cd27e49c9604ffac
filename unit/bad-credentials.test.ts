// DT-08's bad credentials never put a real AK at risk: the vendor locks an AK after 5 bad signatures, so no case
// signs the wrong string under a configured AK. The signed cases are well-formed (they reach the AK lookup, not
// the parser), under a fabricated AK, and one carries an X-Sdk-Date 20 minutes old.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BAD_CREDENTIALS } from '../harness/auth/bad-credentials.js';
import { EMBEDDED_SEED } from '../harness/run/embedded-target.js';
import { verifySdkSignature } from '../reference/auth/sdk-signature.js';

const url = `https://ims.example.test/v2/p/images/i/tags/k`;
const req = { method: 'DELETE', url };
const realAks = [EMBEDDED_SEED.accessKeys.owner.ak, EMBEDDED_SEED.accessKeys.forbidden.ak];

test('no bad credential names a real AK', () => {
  for (const c of BAD_CREDENTIALS) {
    const text = JSON.stringify(c.headers(req));
    for (const ak of realAks) assert.ok(!text.includes(ak), `${c.name} uses a real AK`);
  }
});

test('the signed cases are well-formed signatures under an unknown AK, one dated 20 minutes ago', () => {
  const signed = BAD_CREDENTIALS.filter((c) => 'Authorization' in c.headers(req) && /Signature=[0-9a-f]{64}/.test(c.headers(req).Authorization ?? ''));
  assert.equal(signed.length, 2);
  const dates: number[] = [];
  for (const c of signed) {
    const h = c.headers(req);
    const lower = Object.fromEntries(Object.entries(h).map(([k, v]) => [k.toLowerCase(), v]));
    const verdict = verifySdkSignature({ method: 'DELETE', rawUrl: '/v2/p/images/i/tags/k', headers: { host: 'ims.example.test', ...lower }, body: Buffer.alloc(0) }, () => undefined, new Date());
    assert.equal(verdict.ok ? 'ok' : verdict.reason, 'unknown-ak', c.name);
    const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(h['X-Sdk-Date'] ?? '')!;
    dates.push(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!));
  }
  const ages = dates.map((d) => Math.round((Date.now() - d) / 60_000)).sort((a, b) => a - b);
  assert.deepEqual(ages, [0, 20]);
});
