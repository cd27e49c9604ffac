// Unit tests for the suite's SDK-HMAC-SHA256 signer and the reference target's verifier.
// Run: node --import tsx --test unit/sdk-signer.test.ts
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  canonicalQuery,
  canonicalRequest,
  canonicalUri,
  formatSdkDate,
  signRequest,
  sha256Hex,
  signature,
  splitUrl,
  stringToSign,
} from '../harness/auth/sdk-signer.js';
import { verifySdkSignature, type ReceivedRequest, type SdkVerifyResult } from '../reference/auth/sdk-signature.js';
import { UNUSUAL_KEYS } from '../data/unusual-keys.js';

const AK = 'FAKEAKEXAMPLE0000000';
const SK = 'fake-secret-key-for-vectors';
const DATE = '20261126T120000Z';
const NOW = new Date('2026-11-26T12:00:00Z');
const HOST = 'ims.cn-north-4.myhuaweicloud.com';
const TAGS = '/v2/fd73a4a14a4a4dfb9771a8475e5198ea/images/67e17426-359e-49fb-aa12-0bd1756ec240/tags';
// printf '' | sha256sum
const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

const secrets = (ak: string): string | undefined => (ak === AK ? SK : undefined);

function reasonOf(r: SdkVerifyResult): string {
  return r.ok ? 'ok' : r.reason;
}

/** What node:http would hand the server for a request the suite sends to `url` (no default ports in these URLs). */
function received(method: string, url: string, added: Record<string, string>, body = ''): ReceivedRequest {
  const m = /^https?:\/\/([^/?#]+)([^#]*)$/.exec(url);
  if (!m || m[1] === undefined || m[2] === undefined) throw new Error(`test URL not understood: ${url}`);
  const headers: Record<string, string> = { host: m[1] };
  for (const [k, v] of Object.entries(added)) headers[k.toLowerCase()] = v;
  return { method, rawUrl: m[2], headers, body: Buffer.from(body, 'utf8') };
}

function sigOf(authorization: string | undefined): string {
  const m = /Signature=([0-9a-f]{64})$/.exec(authorization ?? '');
  if (!m || m[1] === undefined) throw new Error(`no signature in ${String(authorization)}`);
  return m[1];
}

// ---------------------------------------------------------------------------
// Known vectors, worked by hand from the published algorithm. Hashes and HMACs
// were computed with the command line, never with the code under test:
//   CRH=$(printf '%s\n%s\n%s\n%s\n%s\n%s\n%s\n%s' METHOD URI QUERY 'host:HOST' \
//         'x-sdk-date:20261126T120000Z' '' 'host;x-sdk-date' BODYHASH | sha256sum)
//   printf '%s\n%s\n%s' SDK-HMAC-SHA256 20261126T120000Z "$CRH" \
//     | openssl dgst -sha256 -hmac 'fake-secret-key-for-vectors'
// (printf '%s' keeps the `%` of the URIs away from printf's format parser.)
// ---------------------------------------------------------------------------

interface Vector {
  name: string;
  method: string;
  url: string;
  body?: string;
  uri: string;
  canonicalRequest: string;
  stringToSign: string;
  signature: string;
}

const VECTORS: Vector[] = [
  {
    // Example from the source document; key `key1`.
    // printf '%s\n%s\n%s\n%s\n%s\n%s\n%s\n%s' 'DELETE' "$TAGS/key1/" '' 'host:ims.cn-north-4.myhuaweicloud.com' 'x-sdk-date:20261126T120000Z' '' 'host;x-sdk-date' "$EMPTY" | sha256sum
    //   -> 2bf0ea777f854b64fe4c33cd99c5d04282f2b693391c26ddfe77877f669dc085
    // printf '%s\n%s\n%s' 'SDK-HMAC-SHA256' '20261126T120000Z' '2bf0ea77...' | openssl dgst -sha256 -hmac 'fake-secret-key-for-vectors'
    //   -> 9963952fa2bd584299e9d9fb4955223e25199d8e8ca5e546c0316f2406565901
    name: 'plain key key1',
    method: 'DELETE',
    url: `https://${HOST}${TAGS}/key1`,
    uri: '/v2/fd73a4a14a4a4dfb9771a8475e5198ea/images/67e17426-359e-49fb-aa12-0bd1756ec240/tags/key1/',
    canonicalRequest: `DELETE
/v2/fd73a4a14a4a4dfb9771a8475e5198ea/images/67e17426-359e-49fb-aa12-0bd1756ec240/tags/key1/

host:ims.cn-north-4.myhuaweicloud.com
x-sdk-date:20261126T120000Z

host;x-sdk-date
e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855`,
    stringToSign: `SDK-HMAC-SHA256
20261126T120000Z
2bf0ea777f854b64fe4c33cd99c5d04282f2b693391c26ddfe77877f669dc085`,
    signature: '9963952fa2bd584299e9d9fb4955223e25199d8e8ca5e546c0316f2406565901',
  },
  {
    // Key `key 中` sent as `key%20%E4%B8%AD`, to a non-default port (the port is part of host).
    // printf '%s\n%s\n%s\n%s\n%s\n%s\n%s\n%s' 'DELETE' "$TAGS/key%20%E4%B8%AD/" '' 'host:127.0.0.1:8443' 'x-sdk-date:20261126T120000Z' '' 'host;x-sdk-date' "$EMPTY" | sha256sum
    //   -> edad59fab55d93dffbbe174355f5860713daa97675cb3ee76aa251c208545c9c
    // printf '%s\n%s\n%s' 'SDK-HMAC-SHA256' '20261126T120000Z' 'edad59fa...' | openssl dgst -sha256 -hmac 'fake-secret-key-for-vectors'
    //   -> 3911c04adc7cbef8c5faf46f9e294b2e46717db32a24024273854870c05977fb
    name: 'key with a space and a CJK char',
    method: 'DELETE',
    url: `https://127.0.0.1:8443${TAGS}/${encodeURIComponent('key 中')}`,
    uri: '/v2/fd73a4a14a4a4dfb9771a8475e5198ea/images/67e17426-359e-49fb-aa12-0bd1756ec240/tags/key%20%E4%B8%AD/',
    canonicalRequest: `DELETE
/v2/fd73a4a14a4a4dfb9771a8475e5198ea/images/67e17426-359e-49fb-aa12-0bd1756ec240/tags/key%20%E4%B8%AD/

host:127.0.0.1:8443
x-sdk-date:20261126T120000Z

host;x-sdk-date
e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855`,
    stringToSign: `SDK-HMAC-SHA256
20261126T120000Z
edad59fab55d93dffbbe174355f5860713daa97675cb3ee76aa251c208545c9c`,
    signature: '3911c04adc7cbef8c5faf46f9e294b2e46717db32a24024273854870c05977fb',
  },
  {
    // Key `a/b` sent as one segment `a%2Fb`: the documented algorithm decodes before splitting,
    // so the canonical URI has a real `/` there.
    // printf '%s\n%s\n%s\n%s\n%s\n%s\n%s\n%s' 'DELETE' "$TAGS/a/b/" '' 'host:ims.cn-north-4.myhuaweicloud.com' 'x-sdk-date:20261126T120000Z' '' 'host;x-sdk-date' "$EMPTY" | sha256sum
    //   -> 4742f76cb66a2119eb8d04beda45d0f30d7bba67b26c82bd59167928429e6a92
    // printf '%s\n%s\n%s' 'SDK-HMAC-SHA256' '20261126T120000Z' '4742f76c...' | openssl dgst -sha256 -hmac 'fake-secret-key-for-vectors'
    //   -> c660d6c94a005b97857455a44cfd7221fa793cd06dec5e9d1abdec1af5e3ad58
    name: 'key a/b sent as a%2Fb',
    method: 'DELETE',
    url: `https://${HOST}${TAGS}/a%2Fb`,
    uri: '/v2/fd73a4a14a4a4dfb9771a8475e5198ea/images/67e17426-359e-49fb-aa12-0bd1756ec240/tags/a/b/',
    canonicalRequest: `DELETE
/v2/fd73a4a14a4a4dfb9771a8475e5198ea/images/67e17426-359e-49fb-aa12-0bd1756ec240/tags/a/b/

host:ims.cn-north-4.myhuaweicloud.com
x-sdk-date:20261126T120000Z

host;x-sdk-date
e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855`,
    stringToSign: `SDK-HMAC-SHA256
20261126T120000Z
4742f76cb66a2119eb8d04beda45d0f30d7bba67b26c82bd59167928429e6a92`,
    signature: 'c660d6c94a005b97857455a44cfd7221fa793cd06dec5e9d1abdec1af5e3ad58',
  },
  {
    // Key whose text is literally `a%2Fb`, sent as `a%252Fb`: decoded once, encoded once.
    // printf '%s\n%s\n%s\n%s\n%s\n%s\n%s\n%s' 'DELETE' "$TAGS/a%252Fb/" '' 'host:ims.cn-north-4.myhuaweicloud.com' 'x-sdk-date:20261126T120000Z' '' 'host;x-sdk-date' "$EMPTY" | sha256sum
    //   -> 4f54c7be8973eef43fadce1182cd917cc3038c0122c18887c48c7e0a2250ea3e
    // printf '%s\n%s\n%s' 'SDK-HMAC-SHA256' '20261126T120000Z' '4f54c7be...' | openssl dgst -sha256 -hmac 'fake-secret-key-for-vectors'
    //   -> 55625cb436f12fb921977ebc549c59dabdb6ec9c2982bc1b504ed6248357a3a9
    name: 'key containing the text %2F',
    method: 'DELETE',
    url: `https://${HOST}${TAGS}/${encodeURIComponent('a%2Fb')}`,
    uri: '/v2/fd73a4a14a4a4dfb9771a8475e5198ea/images/67e17426-359e-49fb-aa12-0bd1756ec240/tags/a%252Fb/',
    canonicalRequest: `DELETE
/v2/fd73a4a14a4a4dfb9771a8475e5198ea/images/67e17426-359e-49fb-aa12-0bd1756ec240/tags/a%252Fb/

host:ims.cn-north-4.myhuaweicloud.com
x-sdk-date:20261126T120000Z

host;x-sdk-date
e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855`,
    stringToSign: `SDK-HMAC-SHA256
20261126T120000Z
4f54c7be8973eef43fadce1182cd917cc3038c0122c18887c48c7e0a2250ea3e`,
    signature: '55625cb436f12fb921977ebc549c59dabdb6ec9c2982bc1b504ed6248357a3a9',
  },
  {
    // Sibling add-tag call, to pin the body hash.
    // printf '%s' '{"tag":{"key":"k","value":"v"}}' | sha256sum -> db44ca98cbec1cbbf41f746cccb29b34869bc271d9e2c434782e96d5847e6bc1
    // printf '%s\n%s\n%s\n%s\n%s\n%s\n%s\n%s' 'POST' "$TAGS/" '' 'host:ims.cn-north-4.myhuaweicloud.com' 'x-sdk-date:20261126T120000Z' '' 'host;x-sdk-date' 'db44ca98...' | sha256sum
    //   -> 759bdf065a5c9b53cfbb5067031646a9cfb01221a2738eeebda9961aa731b81f
    // printf '%s\n%s\n%s' 'SDK-HMAC-SHA256' '20261126T120000Z' '759bdf06...' | openssl dgst -sha256 -hmac 'fake-secret-key-for-vectors'
    //   -> d8becdc5b5dd3cb357098f4517073c5f65480e8fe03cf6e111804967600c511a
    name: 'POST with a JSON body',
    method: 'POST',
    url: `https://${HOST}${TAGS}`,
    body: '{"tag":{"key":"k","value":"v"}}',
    uri: '/v2/fd73a4a14a4a4dfb9771a8475e5198ea/images/67e17426-359e-49fb-aa12-0bd1756ec240/tags/',
    canonicalRequest: `POST
/v2/fd73a4a14a4a4dfb9771a8475e5198ea/images/67e17426-359e-49fb-aa12-0bd1756ec240/tags/

host:ims.cn-north-4.myhuaweicloud.com
x-sdk-date:20261126T120000Z

host;x-sdk-date
db44ca98cbec1cbbf41f746cccb29b34869bc271d9e2c434782e96d5847e6bc1`,
    stringToSign: `SDK-HMAC-SHA256
20261126T120000Z
759bdf065a5c9b53cfbb5067031646a9cfb01221a2738eeebda9961aa731b81f`,
    signature: 'd8becdc5b5dd3cb357098f4517073c5f65480e8fe03cf6e111804967600c511a',
  },
  {
    // Query sorted by name then value; sent as `z=1&a=b%20c&a=a`.
    // printf '%s\n%s\n%s\n%s\n%s\n%s\n%s\n%s' 'GET' "$TAGS/" 'a=a&a=b%20c&z=1' 'host:ims.cn-north-4.myhuaweicloud.com' 'x-sdk-date:20261126T120000Z' '' 'host;x-sdk-date' "$EMPTY" | sha256sum
    //   -> 8d0bb2b68b6f46135cfadad88b1872284b874fa0a74a06f2e34ecb70f65e6038
    // printf '%s\n%s\n%s' 'SDK-HMAC-SHA256' '20261126T120000Z' '8d0bb2b6...' | openssl dgst -sha256 -hmac 'fake-secret-key-for-vectors'
    //   -> 42f1f8e6ae68d35f0bb2878f7539172e722860bef32924703ce69cc9c7504796
    name: 'GET with a query',
    method: 'GET',
    url: `https://${HOST}${TAGS}?z=1&a=b%20c&a=a`,
    uri: '/v2/fd73a4a14a4a4dfb9771a8475e5198ea/images/67e17426-359e-49fb-aa12-0bd1756ec240/tags/',
    canonicalRequest: `GET
/v2/fd73a4a14a4a4dfb9771a8475e5198ea/images/67e17426-359e-49fb-aa12-0bd1756ec240/tags/
a=a&a=b%20c&z=1
host:ims.cn-north-4.myhuaweicloud.com
x-sdk-date:20261126T120000Z

host;x-sdk-date
e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855`,
    stringToSign: `SDK-HMAC-SHA256
20261126T120000Z
8d0bb2b68b6f46135cfadad88b1872284b874fa0a74a06f2e34ecb70f65e6038`,
    signature: '42f1f8e6ae68d35f0bb2878f7539172e722860bef32924703ce69cc9c7504796',
  },
];

for (const v of VECTORS) {
  test(`vector: ${v.name}`, () => {
    const req = { method: v.method, url: v.url, headers: {}, ...(v.body === undefined ? {} : { body: v.body }) };
    assert.equal(canonicalUri(splitUrl(v.url).path), v.uri);
    const cr = canonicalRequest(req, DATE);
    assert.equal(cr, v.canonicalRequest);
    const sts = stringToSign(cr, DATE);
    assert.equal(sts, v.stringToSign);
    assert.equal(signature(SK, sts), v.signature);
    const added = signRequest({ ...req, accessKey: AK, secretKey: SK, now: NOW });
    assert.deepEqual(added, {
      'X-Sdk-Date': DATE,
      Authorization: `SDK-HMAC-SHA256 Access=${AK}, SignedHeaders=host;x-sdk-date, Signature=${v.signature}`,
    });
    assert.deepEqual(verifySdkSignature(received(v.method, v.url, added, v.body), secrets, NOW), { ok: true, accessKey: AK });
  });
}

test('not the Node SDK double-encoding: key `a b` sent as a%20b is signed as a%20b, not a%2520b', () => {
  // printf '%s\n%s\n%s\n%s\n%s\n%s\n%s\n%s' 'DELETE' "$TAGS/a%20b/" '' 'host:ims.cn-north-4.myhuaweicloud.com' 'x-sdk-date:20261126T120000Z' '' 'host;x-sdk-date' "$EMPTY" | sha256sum
  //   -> 3fca15c3...  | openssl dgst ... -> 81c453a53770bba911183d1e8a633b9f2a3ed70b3c264a57e595384b78a0b939
  // Same with "$TAGS/a%2520b/" (the Node SDK form)
  //   -> 91ac3488...  | openssl dgst ... -> 5a61f32239ecf4875d48a4d59a22b2d390c01e56c1e91e8245dfe33e1d4e92ef
  const url = `https://${HOST}${TAGS}/a%20b`;
  assert.equal(canonicalUri(`${TAGS}/a%20b`), `${TAGS}/a%20b/`);
  assert.ok(!canonicalUri(`${TAGS}/a%20b`).includes('%2520'));
  const ours = signRequest({ method: 'DELETE', url, headers: {}, accessKey: AK, secretKey: SK, now: NOW });
  assert.equal(sigOf(ours['Authorization']), '81c453a53770bba911183d1e8a633b9f2a3ed70b3c264a57e595384b78a0b939');
  assert.notEqual(sigOf(ours['Authorization']), '5a61f32239ecf4875d48a4d59a22b2d390c01e56c1e91e8245dfe33e1d4e92ef');
  // A server using the documented form rejects the Node SDK's signature for the same request.
  const nodeSdk = {
    'X-Sdk-Date': DATE,
    Authorization: `SDK-HMAC-SHA256 Access=${AK}, SignedHeaders=host;x-sdk-date, Signature=5a61f32239ecf4875d48a4d59a22b2d390c01e56c1e91e8245dfe33e1d4e92ef`,
  };
  assert.equal(reasonOf(verifySdkSignature(received('DELETE', url, nodeSdk), secrets, NOW)), 'bad-signature');
  assert.equal(reasonOf(verifySdkSignature(received('DELETE', url, ours), secrets, NOW)), 'ok');
});

// ---------------------------------------------------------------------------
// Canonicalisation details.
// ---------------------------------------------------------------------------

test('canonicalUri: trailing slash, empty path, dot-segments and empty segments kept as sent', () => {
  assert.equal(canonicalUri(''), '/');
  assert.equal(canonicalUri('/'), '/');
  assert.equal(canonicalUri('/v2'), '/v2/');
  assert.equal(canonicalUri('/v2/'), '/v2/');
  assert.equal(canonicalUri('/v2/p/images/i/tags/.'), '/v2/p/images/i/tags/./');
  assert.equal(canonicalUri('/v2/p/images/i/tags/..'), '/v2/p/images/i/tags/../');
  assert.equal(canonicalUri('/a//b'), '/a//b/');
});

test('canonicalUri: decodes then encodes once (case, over-encoding, raw characters)', () => {
  assert.equal(canonicalUri('/t/%e4%b8%ad'), '/t/%E4%B8%AD/');
  assert.equal(canonicalUri('/t/%41%7e%2d%5F%2E'), '/t/A~-_./');
  assert.equal(canonicalUri('/t/a b'), '/t/a%20b/');
  assert.equal(canonicalUri('/t/中'), '/t/%E4%B8%AD/');
  assert.equal(canonicalUri('/t/😀'), '/t/%F0%9F%98%80/');
  assert.equal(canonicalUri("/t/!'()*+,;=:@$&"), '/t/%21%27%28%29%2A%2B%2C%3B%3D%3A%40%24%26/');
  assert.equal(canonicalUri('/t/%2525'), '/t/%2525/');
});

test('canonicalUri: malformed escapes stay literal text; invalid UTF-8 bytes survive', () => {
  assert.equal(canonicalUri('/t/%zz'), '/t/%25zz/');
  assert.equal(canonicalUri('/t/%'), '/t/%25/');
  assert.equal(canonicalUri('/t/%4'), '/t/%254/');
  assert.equal(canonicalUri('/t/%%41'), '/t/%25A/');
  assert.equal(canonicalUri('/t/%FF%fe'), '/t/%FF%FE/');
});

test('canonicalUri: %2F is a separator after decoding (documented form cannot tell a%2Fb from a/b)', () => {
  assert.equal(canonicalUri('/t/a%2Fb'), '/t/a/b/');
  assert.equal(canonicalUri('/t/a%2fb'), canonicalUri('/t/a/b'));
  const a = signRequest({ method: 'DELETE', url: `https://${HOST}/t/a%2Fb`, headers: {}, accessKey: AK, secretKey: SK, now: NOW });
  // The verifier accepts the same signature on the other path: a property of the algorithm, not a bug here.
  assert.equal(reasonOf(verifySdkSignature(received('DELETE', `https://${HOST}/t/a/b`, a), secrets, NOW)), 'ok');
});

test('canonicalQuery: sorting, encoding and edge cases', () => {
  assert.equal(canonicalQuery(''), '');
  assert.equal(canonicalQuery('?'), '');
  assert.equal(canonicalQuery('?b=2&a=1'), 'a=1&b=2');
  assert.equal(canonicalQuery('b=2&a=1'), 'a=1&b=2');
  assert.equal(canonicalQuery('a'), 'a=');
  assert.equal(canonicalQuery('a=1&&b'), 'a=1&b=');
  assert.equal(canonicalQuery('a=2&a=10&a=1'), 'a=1&a=10&a=2');
  assert.equal(canonicalQuery('a=b=c'), 'a=b%3Dc');
  assert.equal(canonicalQuery('q=a+b'), 'q=a%2Bb');
  assert.equal(canonicalQuery('q=%zz&r=%e4%b8%ad&s=%7E'), 'q=%25zz&r=%E4%B8%AD&s=~');
  assert.equal(canonicalQuery('k%20x=1'), 'k%20x=1');
});

test('splitUrl: by hand, keeping dot-segments the WHATWG parser would remove', () => {
  const raw = 'https://IMS.Example.TEST:443/v2/p/images/i/tags/.?x=1#frag';
  assert.deepEqual(splitUrl(raw), { scheme: 'https', host: 'ims.example.test', path: '/v2/p/images/i/tags/.', query: 'x=1' });
  assert.equal(new URL(raw).pathname, '/v2/p/images/i/tags/'); // why new URL() is not used
  assert.equal(splitUrl('http://h:80/a').host, 'h');
  assert.equal(splitUrl('http://h:8080/a').host, 'h:8080');
  assert.equal(splitUrl('https://user:pw@h:8443').host, 'h:8443');
  assert.equal(splitUrl('https://h').path, '/');
  assert.equal(splitUrl('http://[::1]:9000/x').host, '[::1]:9000');
  assert.equal(splitUrl('https://h/a/../b').path, '/a/../b');
  assert.throws(() => splitUrl('/relative/path'), TypeError);
});

test('formatSdkDate is UTC YYYYMMDDTHHMMSSZ', () => {
  assert.equal(formatSdkDate(NOW), DATE);
  assert.equal(formatSdkDate(new Date('2027-01-02T03:04:05.678+08:00')), '20270101T190405Z');
});

test('signRequest: an explicit Host header is signed instead of the URL host', () => {
  const url = `https://127.0.0.1:8443${TAGS}/key1`;
  const added = signRequest({ method: 'delete', url, headers: { Host: HOST }, accessKey: AK, secretKey: SK, now: NOW });
  // Same bytes as vector 1 (method is upper-cased, host comes from the header).
  assert.equal(sigOf(added['Authorization']), '9963952fa2bd584299e9d9fb4955223e25199d8e8ca5e546c0316f2406565901');
});

test('signRequest: string and byte bodies hash the same', () => {
  const base = { method: 'POST', url: `https://${HOST}${TAGS}`, headers: {}, accessKey: AK, secretKey: SK, now: NOW };
  const s = signRequest({ ...base, body: '{"tag":{"key":"k","value":"v"}}' });
  const b = signRequest({ ...base, body: new TextEncoder().encode('{"tag":{"key":"k","value":"v"}}') });
  assert.deepEqual(s, b);
});

// ---------------------------------------------------------------------------
// Verifier behaviour beyond the round trips.
// ---------------------------------------------------------------------------

const URL1 = `https://${HOST}${TAGS}/key1`;
const signed1 = (): Record<string, string> =>
  signRequest({ method: 'DELETE', url: URL1, headers: {}, accessKey: AK, secretKey: SK, now: NOW });

test('verifier: date window is 15 minutes either side, inclusive', () => {
  const req = received('DELETE', URL1, signed1());
  const at = (ms: number): string => reasonOf(verifySdkSignature(req, secrets, new Date(NOW.getTime() + ms)));
  assert.equal(at(15 * 60_000), 'ok');
  assert.equal(at(-15 * 60_000), 'ok');
  assert.equal(at(15 * 60_000 + 1000), 'expired');
  assert.equal(at(-20 * 60_000), 'expired'); // signed 20 minutes in the future
});

test('verifier: malformed credentials', () => {
  const good = signed1();
  const with_ = (h: Record<string, string>): string => reasonOf(verifySdkSignature(received('DELETE', URL1, { ...good, ...h }), secrets, NOW));
  assert.equal(with_({ Authorization: 'Bearer abc' }), 'malformed');
  assert.equal(with_({ Authorization: good['Authorization']?.replace('Signature=', 'Signature=zz') ?? '' }), 'malformed');
  assert.equal(with_({ Authorization: good['Authorization']?.replace('host;x-sdk-date', 'host') ?? '' }), 'malformed');
  assert.equal(with_({ Authorization: `${good['Authorization'] ?? ''}, Extra=1` }), 'malformed');
  assert.equal(with_({ 'X-Sdk-Date': '2026-11-26T12:00:00Z' }), 'malformed');
  assert.equal(with_({ 'X-Sdk-Date': '20261131T120000Z' }), 'malformed'); // 31 November
  assert.equal(with_({ 'X-Sdk-Date': `${DATE}, ${DATE}` }), 'malformed'); // node joins duplicate headers
  assert.equal(with_({ Authorization: '' }), 'missing');
});

test('verifier: tampering with method, path, query, body or host breaks the signature', () => {
  const h = signed1();
  const r = (req: ReceivedRequest): string => reasonOf(verifySdkSignature(req, secrets, NOW));
  assert.equal(r(received('DELETE', URL1, h)), 'ok');
  assert.equal(r(received('GET', URL1, h)), 'bad-signature');
  assert.equal(r(received('DELETE', `${URL1}x`, h)), 'bad-signature');
  assert.equal(r(received('DELETE', `${URL1}?a=1`, h)), 'bad-signature');
  assert.equal(r(received('DELETE', URL1, h, 'x')), 'bad-signature');
  assert.equal(r(received('DELETE', URL1.replace(HOST, `${HOST}:8443`), h)), 'bad-signature');
});

test('verifier: absolute-form request-target and query order do not matter', () => {
  const url = `https://${HOST}${TAGS}?b=2&a=1`;
  const h = signRequest({ method: 'GET', url, headers: {}, accessKey: AK, secretKey: SK, now: NOW });
  const req = received('GET', url, h);
  assert.equal(reasonOf(verifySdkSignature({ ...req, rawUrl: `http://${HOST}${TAGS}?a=1&b=2` }, secrets, NOW)), 'ok');
});

// ---------------------------------------------------------------------------
// Round trips over every key of the unusual-key catalogue (data/unusual-keys.ts), as the suite sends them:
// a stem with a run prefix, the catalogue's wrapping around it; plus a plain key.
// ---------------------------------------------------------------------------

const STEM = 'ctk-tp4n8pf8-0x1';
const CATALOGUE_KEYS: { label: string; key: string }[] = [
  { label: 'plain key1', key: 'key1' },
  ...UNUSUAL_KEYS.map((k) => ({ label: `${k.id} (${k.description})`, key: k.make(STEM) })),
];

/** Independent expectation: strict RFC 3986 encoding of the key, `/` left as a separator. */
function expectedTail(key: string): string {
  const strict = (s: string): string =>
    encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return key.split('/').map(strict).join('/');
}

for (const { label, key } of CATALOGUE_KEYS) {
  test(`round trip: key ${label}`, () => {
    const path = `/v2/p/images/i/tags/${encodeURIComponent(key)}`;
    const url = `https://ims.example.test${path}`;
    const canon = canonicalUri(path);
    const tail = expectedTail(key);
    assert.equal(canon, tail.endsWith('/') ? `/v2/p/images/i/tags/${tail}` : `/v2/p/images/i/tags/${tail}/`);
    assert.ok(!canon.includes('%25') || key.includes('%'), 'no double encoding');

    const sign = (over: Partial<{ accessKey: string; now: Date }> = {}): Record<string, string> =>
      signRequest({ method: 'DELETE', url, headers: {}, accessKey: AK, secretKey: SK, now: NOW, ...over });
    const check = (h: Record<string, string>, mutate?: (r: ReceivedRequest) => void): string => {
      const r = received('DELETE', url, h);
      mutate?.(r);
      return reasonOf(verifySdkSignature(r, secrets, NOW));
    };

    const good = sign();
    assert.deepEqual(verifySdkSignature(received('DELETE', url, good), secrets, NOW), { ok: true, accessKey: AK });

    const sig = sigOf(good['Authorization']);
    const flipped = sig.slice(0, -1) + (sig.endsWith('0') ? '1' : '0');
    assert.equal(check({ ...good, Authorization: (good['Authorization'] ?? '').replace(sig, flipped) }), 'bad-signature');

    assert.equal(check(sign({ accessKey: 'FAKEAKUNKNOWN0000000' })), 'unknown-ak');
    assert.equal(check(sign({ now: new Date(NOW.getTime() - 20 * 60_000) })), 'expired');

    assert.equal(check(good, (r) => delete r.headers['authorization']), 'missing');
    assert.equal(check(good, (r) => delete r.headers['x-sdk-date']), 'missing');
    assert.equal(check(good, (r) => delete r.headers['host']), 'missing');

    // The same signature must not open the neighbouring key.
    assert.equal(check(good, (r) => (r.rawUrl = `${r.rawUrl}x`)), 'bad-signature');
  });
}

test('a request without a body is signed with the hash of the empty string', () => {
  assert.equal(sha256Hex(''), EMPTY_SHA256);
  assert.equal(canonicalRequest({ method: 'DELETE', url: `https://${HOST}${TAGS}/key1`, headers: {} }, DATE).split('\n').at(-1), EMPTY_SHA256);
});
