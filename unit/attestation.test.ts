// The attestation's envelope: DSSE's PAE and verification against the published DSSE test vectors and the DSSE
// protocol's example, then certify's own envelopes against tampering of every part.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createPrivateKey, createPublicKey, generateKeyPairSync, verify as cryptoVerify, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { decodeBase64, fingerprint, IN_TOTO_PAYLOAD_TYPE, pae, signEnvelope, verifyEnvelope, type DsseEnvelope, type TrustedKey } from '../scripts/lib/attestation.js';

interface Vector {
  id: string;
  envelope: DsseEnvelope;
  trustedKeys: string[];
  threshold: number;
  supportedPayloadTypes: string[];
  pae: string;
  expect: 'accept' | 'reject';
}
const vectors = JSON.parse(readFileSync(fileURLToPath(new URL('./fixtures/dsse/vectors.json', import.meta.url)), 'utf8')) as {
  keys: Record<string, { seed: string; public: string }>;
  vectors: Vector[];
};
const b64u = (hex: string) => Buffer.from(hex, 'hex').toString('base64url');
const vectorKey = (name: string): KeyObject => {
  const k = vectors.keys[name]!;
  return createPublicKey(createPrivateKey({ key: { kty: 'OKP', crv: 'Ed25519', d: b64u(k.seed), x: b64u(k.public) }, format: 'jwk' }));
};

test('PAE matches the published encoding of every DSSE test vector (byte lengths, UTF-8 types, empty bodies)', () => {
  assert.ok(vectors.vectors.length >= 9);
  for (const v of vectors.vectors) {
    const body = decodeBase64(v.envelope.payload);
    assert.ok(body, `${v.id}: payload decodes`);
    // The swapped vector's signature (and its published PAE) covers the in-toto type, not the type it claims.
    const signedType = v.id === 'payload-type-swapped' ? IN_TOTO_PAYLOAD_TYPE : v.envelope.payloadType;
    assert.equal(pae(signedType, body).toString('hex'), v.pae, v.id);
  }
  // The signature of the swapped vector covers the in-toto type; the envelope claims another: PAE differs.
  const swapped = vectors.vectors.find((v) => v.id === 'payload-type-swapped')!;
  assert.notEqual(pae(swapped.envelope.payloadType, decodeBase64(swapped.envelope.payload)!).toString('hex'), swapped.pae);
});

test('every DSSE test vector is accepted or rejected as published', () => {
  for (const v of vectors.vectors) {
    const trusted: TrustedKey[] = v.trustedKeys.map((name) => ({ keyid: name, key: vectorKey(name) }));
    const result = verifyEnvelope(v.envelope, trusted, { threshold: v.threshold, payloadTypes: v.supportedPayloadTypes });
    assert.equal(result.ok ? 'accept' : 'reject', v.expect, `${v.id}: ${result.ok ? 'accepted' : result.problem}`);
  }
});

test('the DSSE protocol example: PAE "DSSEv1 29 http://example.com/HelloWorld 11 hello world" and its ECDSA P-256 signature', () => {
  const body = Buffer.from('hello world');
  const encoded = pae('http://example.com/HelloWorld', body);
  assert.equal(encoded.toString(), 'DSSEv1 29 http://example.com/HelloWorld 11 hello world');
  const hex = (dec: string) => BigInt(dec).toString(16).padStart(64, '0');
  const x = hex('46950820868899156662930047687818585632848591499744589407958293238635476079160');
  const y = hex('5640078356564379163099075877009565129882514886557779369047442380624545832820');
  const key = createPublicKey({ key: { kty: 'EC', crv: 'P-256', x: b64u(x), y: b64u(y) }, format: 'jwk' });
  const sig = decodeBase64('A3JqsQGtVsJ2O2xqrI5IcnXip5GToJ3F+FnZ+O88SjtR6rDAajabZKciJTfUiHqJPcIAriEGAHTVeCUjW2JIZA==')!;
  assert.equal(cryptoVerify('sha256', encoded, { key, dsaEncoding: 'ieee-p1363' }, sig), true);
  assert.equal(cryptoVerify('sha256', pae('http://example.com/HelloWorld', Buffer.from('hello world!')), { key, dsaEncoding: 'ieee-p1363' }, sig), false);
});

test('base64 decoding accepts both alphabets and refuses what is not base64', () => {
  assert.deepEqual(decodeBase64('-_-_Pj8='), decodeBase64('+/+/Pj8='));
  assert.equal(decodeBase64('not base64!'), null);
  assert.equal(decodeBase64(42), null);
  assert.deepEqual(decodeBase64('QQ'), Buffer.from('A'), 'unpadded base64 is accepted');
  assert.equal(decodeBase64('Q'), null, 'a lone base64 character decodes to nothing');
});

test('an envelope certify writes verifies with its key, and every tampered part or another key is rejected', () => {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const other = generateKeyPairSync('ed25519').publicKey;
  const trusted = [{ keyid: fingerprint(publicKey), key: publicKey }];
  const statement = Buffer.from(JSON.stringify({ _type: 'https://in-toto.io/Statement/v1', subject: [{ name: 'report.json', digest: { sha256: 'a'.repeat(64) } }] }));
  const env = signEnvelope(statement, IN_TOTO_PAYLOAD_TYPE, privateKey);
  assert.equal(env.signatures[0]!.keyid, fingerprint(privateKey), 'the keyid is the public key fingerprint');
  const ok = verifyEnvelope(env, trusted);
  assert.ok(ok.ok && ok.payload.equals(statement));

  const flip = (b64: string) => {
    const buf = Buffer.from(b64, 'base64');
    buf[Math.floor(buf.length / 2)]! ^= 0x01;
    return buf.toString('base64');
  };
  const tampered: Record<string, unknown> = {
    payload: { ...env, payload: flip(env.payload) },
    'payload replaced': { ...env, payload: Buffer.from(statement.toString().replace('report.json', 'report.jsom')).toString('base64') },
    signature: { ...env, signatures: [{ ...env.signatures[0]!, sig: flip(env.signatures[0]!.sig) }] },
    keyid: { ...env, signatures: [{ ...env.signatures[0]!, keyid: `sha256:${'0'.repeat(64)}` }] },
    payloadType: { ...env, payloadType: 'application/vnd.in-toto+jsom' },
    'payloadType, still in-toto-like': { ...env, payloadType: 'application/json' },
    'no signatures': { ...env, signatures: [] },
    'not an envelope': { payload: env.payload },
    'payload not base64': { ...env, payload: '%%%' },
  };
  for (const [part, e] of Object.entries(tampered)) assert.equal(verifyEnvelope(e, trusted).ok, false, `tampered ${part} was accepted`);
  assert.equal(verifyEnvelope(env, [{ keyid: fingerprint(other), key: other }]).ok, false, 'another key was accepted');
  // A keyid is only a hint: naming the trusted key on another key's signature does not help.
  const forged = signEnvelope(statement, IN_TOTO_PAYLOAD_TYPE, generateKeyPairSync('ed25519').privateKey);
  forged.signatures[0]!.keyid = fingerprint(publicKey);
  assert.equal(verifyEnvelope(forged, trusted).ok, false, 'a signature by another key under the trusted keyid was accepted');
});
