/**
 * The suite's own AK/SK request signer (`SDK-HMAC-SHA256`), documented
 * decode-split-encode-once form. Written here rather than taken from the
 * official Node SDK, whose signer encodes already-encoded segments a second
 * time (`a%20b` signed as `a%2520b`).
 *
 * Decisions (the reference verifier in reference/auth makes the same ones):
 * - Percent-decoding works on bytes: a `%` not followed by two hex digits
 *   (`%zz`, a trailing `%`) is kept as the literal text, so it is re-encoded
 *   as `%25zz`. Decoded bytes are never interpreted as UTF-8, so invalid
 *   UTF-8 such as `%FF` round-trips as `%FF` instead of becoming U+FFFD.
 * - `%2F` decodes to `/` before the split, as the documented algorithm says:
 *   the canonical URI cannot tell `a%2Fb` from `a/b`.
 * - Query: split on `&`, then on the first `=`; `a` alone is `a=`; empty
 *   pieces are dropped; `+` is a literal plus (RFC 3986), not a space; pairs
 *   are sorted by encoded name, then encoded value.
 * - Host: an explicit `Host` in `headers` wins (it is what goes on the wire);
 *   otherwise the URL's host, lowercased, with the port unless it is the
 *   scheme default (what node:http and WHATWG clients send).
 */
import { createHash, createHmac } from 'node:crypto';

const ALGORITHM = 'SDK-HMAC-SHA256';
const SIGNED_HEADERS = 'host;x-sdk-date';

export interface SignInput {
  method: string;
  /** Full URL as sent; the path is already percent-encoded. */
  url: string;
  headers: Record<string, string>;
  body?: string | Uint8Array;
  accessKey: string;
  secretKey: string;
  now?: Date;
}

export interface SplitUrl {
  scheme: string;
  /** Host header value derived from the authority (see module comment). */
  host: string;
  /** Raw path as on the wire, `/` when empty. */
  path: string;
  /** Raw query without the `?`, `''` when none. */
  query: string;
}

const UNRESERVED = /[A-Za-z0-9\-_.~]/;
const HEX = '0123456789ABCDEF';

function isHexDigit(code: number): boolean {
  return (
    (code >= 0x30 && code <= 0x39) || (code >= 0x41 && code <= 0x46) || (code >= 0x61 && code <= 0x66)
  );
}

/** Percent-decode to raw bytes, leaving malformed escapes as literal text. */
function percentDecodeBytes(s: string): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < s.length; ) {
    if (s[i] === '%' && i + 2 < s.length && isHexDigit(s.charCodeAt(i + 1)) && isHexDigit(s.charCodeAt(i + 2))) {
      out.push(parseInt(s.slice(i + 1, i + 3), 16));
      i += 3;
      continue;
    }
    // Take one whole code point so astral characters encode as one UTF-8 sequence.
    const cp = s.codePointAt(i) ?? 0;
    const ch = String.fromCodePoint(cp);
    for (const b of Buffer.from(ch, 'utf8')) out.push(b);
    i += ch.length;
  }
  return Uint8Array.from(out);
}

function percentEncodeBytes(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) {
    const ch = String.fromCharCode(b);
    if (b < 0x80 && UNRESERVED.test(ch)) out += ch;
    else out += '%' + HEX[b >> 4] + HEX[b & 0x0f];
  }
  return out;
}

/** Decode then encode once: the single canonical form of a URI component. */
function recode(s: string): string {
  return percentEncodeBytes(percentDecodeBytes(s));
}

export function canonicalUri(rawPath: string): string {
  const bytes = percentDecodeBytes(rawPath === '' ? '/' : rawPath);
  // Split the decoded bytes on 0x2F so `%2F` becomes a separator, as documented.
  const segments: Uint8Array[] = [];
  let start = 0;
  for (let i = 0; i <= bytes.length; i++) {
    if (i === bytes.length || bytes[i] === 0x2f) {
      segments.push(bytes.subarray(start, i));
      start = i + 1;
    }
  }
  const joined = segments.map(percentEncodeBytes).join('/');
  return joined.endsWith('/') ? joined : joined + '/';
}

export function canonicalQuery(search: string): string {
  const q = search.startsWith('?') ? search.slice(1) : search;
  if (q === '') return '';
  const pairs: Array<[string, string]> = [];
  for (const piece of q.split('&')) {
    if (piece === '') continue;
    const eq = piece.indexOf('=');
    const name = eq < 0 ? piece : piece.slice(0, eq);
    const value = eq < 0 ? '' : piece.slice(eq + 1);
    pairs.push([recode(name), recode(value)]);
  }
  // Encoded strings are ASCII, so code-unit order is byte order.
  pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
  return pairs.map(([k, v]) => `${k}=${v}`).join('&');
}

/** Split an absolute URL by hand: the WHATWG parser would rewrite dot-segments and some characters. */
export function splitUrl(url: string): SplitUrl {
  const m = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/([^/?#]*)(.*)$/s.exec(url);
  if (!m) throw new TypeError(`not an absolute http(s) URL: ${url}`);
  const scheme = (m[1] ?? '').toLowerCase();
  let authority = m[2] ?? '';
  let rest = m[3] ?? '';
  const hash = rest.indexOf('#');
  if (hash >= 0) rest = rest.slice(0, hash); // fragments never go on the wire
  const qm = rest.indexOf('?');
  const path = qm >= 0 ? rest.slice(0, qm) : rest;
  const query = qm >= 0 ? rest.slice(qm + 1) : '';
  const at = authority.lastIndexOf('@');
  if (at >= 0) authority = authority.slice(at + 1);
  if (authority === '') throw new TypeError(`URL has no host: ${url}`);
  // IPv6 literals keep their brackets; the port follows the closing bracket.
  const hp = /^(\[[^\]]*\]|[^:]*)(?::(\d*))?$/.exec(authority);
  if (!hp) throw new TypeError(`cannot parse host in URL: ${url}`);
  const hostname = (hp[1] ?? '').toLowerCase();
  const port = hp[2] ?? '';
  const defaultPort = scheme === 'https' ? '443' : scheme === 'http' ? '80' : '';
  const host = port === '' || port === defaultPort ? hostname : `${hostname}:${port}`;
  return { scheme, host, path: path === '' ? '/' : path, query };
}

export function formatSdkDate(d: Date): string {
  // 2026-11-26T12:00:00.000Z -> 20261126T120000Z
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/[-:]/g, '');
}

export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

function hostFor(input: { url: string; headers: Record<string, string> }): string {
  for (const [k, v] of Object.entries(input.headers)) {
    if (k.toLowerCase() === 'host') return v.trim();
  }
  return splitUrl(input.url).host;
}

export function canonicalRequest(
  input: { method: string; url: string; headers: Record<string, string>; body?: string | Uint8Array },
  sdkDate: string,
): string {
  const u = splitUrl(input.url);
  const canonicalHeaders = `host:${hostFor(input)}\nx-sdk-date:${sdkDate.trim()}\n`;
  return [
    input.method.toUpperCase(),
    canonicalUri(u.path),
    canonicalQuery(u.query),
    canonicalHeaders,
    SIGNED_HEADERS,
    sha256Hex(input.body ?? ''),
  ].join('\n');
}

export function stringToSign(canonicalRequestText: string, sdkDate: string): string {
  return `${ALGORITHM}\n${sdkDate}\n${sha256Hex(canonicalRequestText)}`;
}

export function signature(secretKey: string, stringToSignText: string): string {
  return createHmac('sha256', secretKey).update(stringToSignText).digest('hex');
}

export function signRequest(input: SignInput): Record<string, string> {
  const sdkDate = formatSdkDate(input.now ?? new Date());
  const sig = signature(input.secretKey, stringToSign(canonicalRequest(input, sdkDate), sdkDate));
  return {
    'X-Sdk-Date': sdkDate,
    Authorization: `${ALGORITHM} Access=${input.accessKey}, SignedHeaders=${SIGNED_HEADERS}, Signature=${sig}`,
  };
}
