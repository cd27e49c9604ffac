// Signed attestations of an evidence bundle: an in-toto Statement v1 whose subjects are the bundle's files with
// their SHA-256, in a DSSE envelope signed with Ed25519 (node:crypto). The keyid is the key's fingerprint, so a
// reader can tell which key signed; it is only a hint (DSSE): the signature decides.
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify as verifySignature, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ATTESTATION, listFiles, sha256 } from './bundle.js';

export { ATTESTATION };
export const IN_TOTO_PAYLOAD_TYPE = 'application/vnd.in-toto+json';
const STATEMENT_TYPE = 'https://in-toto.io/Statement/v1';
/** Names this suite and its predicate version: a reader can tell what the statement claims. */
const PREDICATE_TYPE = 'https://github.com/ims-conformance/delete-image-tag/certification/v1';

export interface DsseSignature {
  keyid?: string;
  sig: string;
}
export interface DsseEnvelope {
  payload: string;
  payloadType: string;
  signatures: DsseSignature[];
}
export interface Statement {
  _type: string;
  subject: { name: string; digest: { sha256: string } }[];
  predicateType: string;
  predicate: Record<string, unknown>;
}

/** DSSE's Pre-Authentication Encoding: "DSSEv1" SP LEN(type) SP type SP LEN(body) SP body, lengths in bytes. */
export function pae(payloadType: string, body: Buffer): Buffer {
  const type = Buffer.from(payloadType, 'utf8');
  return Buffer.concat([Buffer.from(`DSSEv1 ${type.length} `), type, Buffer.from(` ${body.length} `), body]);
}

/** "sha256:<hex>" of the public key's SubjectPublicKeyInfo (DER): the same for its PEM in any formatting. */
export function fingerprint(key: KeyObject): string {
  const pub = key.type === 'private' ? createPublicKey(key) : key;
  return `sha256:${createHash('sha256').update(pub.export({ type: 'spki', format: 'der' })).digest('hex')}`;
}

export function generateKeyPair(): { privatePem: string; publicPem: string; keyid: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return {
    privatePem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    keyid: fingerprint(publicKey),
  };
}

export class KeyProblem extends Error {}

function loadKey(path: string, kind: 'private' | 'public'): KeyObject {
  let pem: Buffer;
  try {
    pem = readFileSync(path);
  } catch {
    throw new KeyProblem(`cannot read the ${kind} key file ${path}`);
  }
  let key: KeyObject;
  try {
    key = kind === 'private' ? createPrivateKey(pem) : createPublicKey(pem);
  } catch {
    throw new KeyProblem(`${path} is not a PEM ${kind} key`);
  }
  // A private key given as the trusted key would verify too; refuse it so that nobody ships the signing key.
  if (kind === 'public' && /PRIVATE KEY/.test(pem.toString('latin1'))) throw new KeyProblem(`${path} holds a private key; give the public key (.pub.pem)`);
  if (key.asymmetricKeyType !== 'ed25519') throw new KeyProblem(`${path} is a ${key.asymmetricKeyType ?? 'unknown'} key; an Ed25519 key is expected (ims-conformance keygen)`);
  return key;
}
export const loadPrivateKey = (path: string) => loadKey(path, 'private');
export const loadPublicKey = (path: string) => loadKey(path, 'public');

export function signEnvelope(payload: Buffer, payloadType: string, key: KeyObject): DsseEnvelope {
  const sig = sign(null, pae(payloadType, payload), key).toString('base64');
  return { payload: payload.toString('base64'), payloadType, signatures: [{ keyid: fingerprint(key), sig }] };
}

/** Standard or URL-safe base64 (DSSE verifiers must accept both); null when it is neither. */
export function decodeBase64(s: unknown): Buffer | null {
  if (typeof s !== 'string' || !/^[A-Za-z0-9+/_-]*={0,2}$/.test(s)) return null;
  const std = s.replace(/-/g, '+').replace(/_/g, '/');
  const buf = Buffer.from(std, 'base64');
  // Buffer.from ignores what it cannot decode: compare lengths to refuse truncated input.
  return buf.toString('base64').replace(/=+$/, '') === std.replace(/=+$/, '') ? buf : null;
}

export interface TrustedKey {
  keyid: string;
  key: KeyObject;
}

/**
 * DSSE verification: the envelope is accepted when signatures of at least `threshold` distinct trusted keys verify
 * over PAE(payloadType, payload) and the payload type is supported. A signature's keyid, when present, narrows the
 * keys tried. Returns the payload and the keyids that verified, or why it was rejected.
 */
export function verifyEnvelope(
  envelope: unknown,
  trusted: TrustedKey[],
  opts: { threshold?: number; payloadTypes?: string[] } = {},
): { ok: true; payload: Buffer; keyids: string[] } | { ok: false; problem: string } {
  const env = envelope as Partial<DsseEnvelope> | null;
  if (!env || typeof env !== 'object' || typeof env.payloadType !== 'string' || !Array.isArray(env.signatures)) return { ok: false, problem: 'the envelope is not a DSSE envelope (payload, payloadType, signatures)' };
  const payload = decodeBase64(env.payload);
  if (!payload) return { ok: false, problem: 'the envelope payload is not base64' };
  const message = pae(env.payloadType, payload);
  const accepted = new Set<string>();
  for (const s of env.signatures) {
    const sig = decodeBase64(s?.sig);
    if (!sig) continue;
    const candidates = typeof s.keyid === 'string' && s.keyid !== '' ? trusted.filter((t) => t.keyid === s.keyid) : trusted;
    for (const t of candidates) if (!accepted.has(t.keyid) && verifySignature(null, message, t.key, sig)) accepted.add(t.keyid);
  }
  const threshold = opts.threshold ?? 1;
  if (accepted.size < threshold) {
    const named = env.signatures.map((s) => s?.keyid).filter((k): k is string => typeof k === 'string');
    return { ok: false, problem: `no signature verifies with the trusted key${trusted.length === 1 ? ` ${trusted[0]!.keyid}` : 's'}${named.length ? ` (signed as ${named.join(', ')})` : ''}` };
  }
  if (!(opts.payloadTypes ?? [IN_TOTO_PAYLOAD_TYPE]).includes(env.payloadType)) return { ok: false, problem: `payload type ${JSON.stringify(env.payloadType)} is not supported` };
  return { ok: true, payload, keyids: [...accepted] };
}

/** The statement certify signs: every file of the bundle (the attestation itself excepted) with its SHA-256. */
export function bundleStatement(dir: string, predicate: Record<string, unknown>): Statement {
  const subject = listFiles(dir)
    .filter((p) => p !== ATTESTATION)
    .map((name) => ({ name, digest: { sha256: sha256(readFileSync(join(dir, name))) } }));
  return { _type: STATEMENT_TYPE, subject, predicateType: PREDICATE_TYPE, predicate };
}

/** Problems of a verified statement against the bundle on disk: every file a subject, every subject a file. */
export function statementProblems(payload: Buffer, dir: string): string[] {
  let st: Statement;
  try {
    st = JSON.parse(payload.toString('utf8')) as Statement;
  } catch {
    return ['the signed payload is not JSON'];
  }
  if (st?._type !== STATEMENT_TYPE) return [`the signed payload is not an in-toto Statement v1 (_type ${JSON.stringify(st?._type)})`];
  if (st.predicateType !== PREDICATE_TYPE) return [`the statement's predicateType is ${JSON.stringify(st.predicateType)}, not ${PREDICATE_TYPE}`];
  if (!Array.isArray(st.subject)) return ['the statement has no subjects'];
  const problems: string[] = [];
  const signed = new Map(st.subject.map((s) => [s?.name, s?.digest?.sha256]));
  const present = listFiles(dir).filter((p) => p !== ATTESTATION);
  for (const p of present) {
    const want = signed.get(p);
    if (!want) problems.push(`${p} is not among the signed subjects`);
    else if (sha256(readFileSync(join(dir, p))) !== want) problems.push(`${p} does not match its signed SHA-256`);
  }
  for (const name of signed.keys()) if (typeof name !== 'string' || !present.includes(name)) problems.push(`signed subject ${String(name)} is missing from the bundle`);
  return problems;
}
