/**
 * Server-side check of `SDK-HMAC-SHA256` signatures for the reference target.
 * Deliberately separate from harness/auth (no imports either way): the server
 * re-derives the canonical request from the bytes it received, so a shared
 * bug cannot make the suite's signer and this verifier agree by accident.
 *
 * Canonicalisation (documented decode-split-encode-once form):
 * - path: percent-decode to bytes (a `%` without two hex digits stays literal
 *   text, so `%zz` canonicalises to `%25zz`), split on `/` (so `%2F` is a
 *   separator), encode each segment once keeping `A-Z a-z 0-9 - _ . ~`,
 *   join with `/`, append `/` if missing;
 * - query: pieces split on `&` then on the first `=`, empty pieces dropped,
 *   `+` literal, each side re-encoded as above, sorted by name then value;
 * - headers named in SignedHeaders, in the order given, `name:trimmed value\n`.
 * Check order: missing > malformed > unknown-ak > expired > bad-signature.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

export type SdkVerifyFailure =
  | { ok: false; reason: 'missing' | 'malformed' | 'unknown-ak' | 'expired' | 'bad-signature'; detail: string };
export type SdkVerifyResult = { ok: true; accessKey: string } | SdkVerifyFailure;

export interface ReceivedRequest {
  method: string;
  /** `req.url` as node:http received it (origin-form, or absolute-form from a proxy client). */
  rawUrl: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

const SCHEME = 'SDK-HMAC-SHA256';
const MAX_SKEW_MS = 15 * 60 * 1000;
const REQUIRED_SIGNED = ['host', 'x-sdk-date'];

// Byte -> canonical text, computed once: unreserved bytes as themselves, the rest as %XX.
const BYTE_TEXT: readonly string[] = Array.from({ length: 256 }, (_, b) => {
  const c = String.fromCharCode(b);
  return /^[A-Za-z0-9._~-]$/.test(c) ? c : `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
});

function fail(reason: SdkVerifyFailure['reason'], detail: string): SdkVerifyFailure {
  return { ok: false, reason, detail };
}

/** node:http lowercases names; scan anyway so hand-built header objects work too. */
function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  for (const [k, v] of Object.entries(headers)) {
    if (k.toLowerCase() !== name || v === undefined) continue;
    return Array.isArray(v) ? v.join(', ') : String(v);
  }
  return undefined;
}

/** Percent-decode into bytes; malformed escapes are kept as the literal characters. */
function unescapeBytes(text: string): Buffer {
  const chunks: Buffer[] = [];
  let last = 0;
  for (const m of text.matchAll(/%([0-9A-Fa-f]{2})/g)) {
    const at = m.index ?? 0;
    chunks.push(Buffer.from(text.slice(last, at), 'utf8'), Buffer.from([parseInt(m[1] ?? '0', 16)]));
    last = at + 3;
  }
  chunks.push(Buffer.from(text.slice(last), 'utf8'));
  return Buffer.concat(chunks);
}

function escapeBytes(bytes: Buffer): string {
  let s = '';
  for (const b of bytes) s += BYTE_TEXT[b];
  return s;
}

function canonicalPath(path: string): string {
  const decoded = unescapeBytes(path || '/');
  const segments: string[] = [];
  let from = 0;
  let slash = decoded.indexOf(0x2f);
  while (slash !== -1) {
    segments.push(escapeBytes(decoded.subarray(from, slash)));
    from = slash + 1;
    slash = decoded.indexOf(0x2f, from);
  }
  segments.push(escapeBytes(decoded.subarray(from)));
  const uri = segments.join('/');
  return uri.endsWith('/') ? uri : `${uri}/`;
}

function canonicalQueryString(query: string): string {
  const entries = query
    .split('&')
    .filter((p) => p.length > 0)
    .map((p) => {
      const i = p.indexOf('=');
      const name = escapeBytes(unescapeBytes(i === -1 ? p : p.slice(0, i)));
      const value = escapeBytes(unescapeBytes(i === -1 ? '' : p.slice(i + 1)));
      return { name, value };
    });
  entries.sort((a, b) => Buffer.compare(Buffer.from(a.name), Buffer.from(b.name)) || Buffer.compare(Buffer.from(a.value), Buffer.from(b.value)));
  return entries.map((e) => `${e.name}=${e.value}`).join('&');
}

/** Separate path and query of the request-target without normalising it. */
function targetParts(rawUrl: string): { path: string; query: string } {
  let target = rawUrl;
  const abs = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/?#]*/.exec(target);
  if (abs) target = target.slice(abs[0].length);
  const q = target.indexOf('?');
  return q === -1 ? { path: target, query: '' } : { path: target.slice(0, q), query: target.slice(q + 1) };
}

interface AuthFields {
  access: string;
  signedHeaders: string[];
  signedHeadersText: string;
  signature: string;
}

function parseAuthorization(value: string): AuthFields | string {
  const m = /^SDK-HMAC-SHA256[ \t]+(.+)$/s.exec(value.trim());
  if (!m) return `Authorization does not use the ${SCHEME} scheme`;
  const fields = new Map<string, string>();
  for (const part of (m[1] ?? '').split(',')) {
    const p = part.trim();
    const eq = p.indexOf('=');
    if (eq <= 0) return `Authorization parameter without a name: ${JSON.stringify(p)}`;
    const name = p.slice(0, eq);
    if (!['Access', 'SignedHeaders', 'Signature'].includes(name)) return `unknown Authorization parameter ${name}`;
    if (fields.has(name)) return `duplicate Authorization parameter ${name}`;
    fields.set(name, p.slice(eq + 1));
  }
  const access = fields.get('Access');
  const sh = fields.get('SignedHeaders');
  const signature = fields.get('Signature');
  if (!access) return 'Authorization has no Access';
  if (!sh) return 'Authorization has no SignedHeaders';
  if (!signature) return 'Authorization has no Signature';
  if (!/^[0-9a-fA-F]{64}$/.test(signature)) return 'Signature is not 64 hex digits';
  const names = sh.split(';');
  if (names.some((n) => !/^[a-z0-9!#$%&'*+.^_`|~-]+$/.test(n))) return `SignedHeaders is not a list of lowercase names: ${sh}`;
  if (new Set(names).size !== names.length) return `SignedHeaders repeats a name: ${sh}`;
  for (const r of REQUIRED_SIGNED) if (!names.includes(r)) return `SignedHeaders must include ${r}`;
  return { access, signedHeaders: names, signedHeadersText: sh, signature: signature.toLowerCase() };
}

/** Strict YYYYMMDDTHHMMSSZ; rejects out-of-range fields rather than letting Date roll them over. */
function parseSdkDate(text: string): number | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(text);
  if (!m) return undefined;
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  const t = Date.UTC(y, mo - 1, d, h, mi, s);
  const back = new Date(t);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) return undefined;
  if (back.getUTCHours() !== h || back.getUTCMinutes() !== mi || back.getUTCSeconds() !== s) return undefined;
  return t;
}

export function verifySdkSignature(
  req: ReceivedRequest,
  lookupSecret: (ak: string) => string | undefined,
  now: Date,
  opts: { checkDate?: boolean } = {},
): SdkVerifyResult {
  const authorization = header(req.headers, 'authorization');
  if (authorization === undefined || authorization.trim() === '') return fail('missing', 'no Authorization header');
  const auth = parseAuthorization(authorization);
  if (typeof auth === 'string') return fail('malformed', auth);

  const headerLines: string[] = [];
  for (const name of auth.signedHeaders) {
    const v = header(req.headers, name);
    if (v === undefined) return fail('missing', `signed header ${name} is absent`);
    headerLines.push(`${name}:${v.trim()}\n`);
  }
  const dateText = (header(req.headers, 'x-sdk-date') ?? '').trim();
  const signedAt = parseSdkDate(dateText);
  if (signedAt === undefined) return fail('malformed', `X-Sdk-Date is not YYYYMMDDTHHMMSSZ: ${JSON.stringify(dateText)}`);

  const secret = lookupSecret(auth.access);
  if (secret === undefined) return fail('unknown-ak', `no secret for access key ${auth.access}`);

  const skew = Math.abs(now.getTime() - signedAt);
  if (opts.checkDate !== false && skew > MAX_SKEW_MS) return fail('expired', `X-Sdk-Date ${dateText} is ${Math.round(skew / 1000)} s from server time`);

  const { path, query } = targetParts(req.rawUrl);
  const canonical = [
    req.method.toUpperCase(),
    canonicalPath(path),
    canonicalQueryString(query),
    headerLines.join(''),
    auth.signedHeadersText,
    createHash('sha256').update(req.body).digest('hex'),
  ].join('\n');
  const toSign = `${SCHEME}\n${dateText}\n${createHash('sha256').update(canonical).digest('hex')}`;
  const expected = createHmac('sha256', secret).update(toSign).digest();
  const given = Buffer.from(auth.signature, 'hex');
  if (!timingSafeEqual(expected, given)) {
    return fail('bad-signature', `signature mismatch; server canonical request was ${JSON.stringify(canonical)}`);
  }
  return { ok: true, accessKey: auth.access };
}
