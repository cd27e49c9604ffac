// The one reproduction line: a `curl` command that repeats a recorded request, for the person who must fix the
// target; used by the reporter and by the exploration's reproduction alike. Built from the recorded exchange, which
// is redacted already: a credential is written as a shell variable ("$IMS_AUTH_TOKEN"), never as its value. Every
// other part is single-quoted for a POSIX shell; `-g --path-as-is` send the path exactly as recorded.
import type { Exchange } from './exchanges.js';
import { REDACTED } from './redact.js';

/** Headers curl sets itself, or that describe the suite's client rather than the request. */
const SKIPPED_HEADERS = new Set(['host', 'content-length', 'connection', 'user-agent', 'accept-encoding']);

/** POSIX shell single quoting: safe for any byte string, including quotes, `$`, backslashes and newlines. */
export function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/**
 * The shell variable that stands for a redacted header value. The token variables are the suite's own; a signed
 * (AK/SK) request must be signed again (the signature covers the date), so its variable is one the reader sets.
 */
function variableFor(e: Exchange, header: string, value: string): { name: string; note?: string } {
  const forbidden = e.persona === 'forbidden';
  if (e.authOverride) return { name: 'INVALID_CREDENTIAL', note: 'the suite sent a deliberately invalid credential here (DT-08)' };
  if (header.toLowerCase() === 'authorization' && /^SDK-HMAC-SHA256/i.test(value)) {
    return { name: forbidden ? 'FORBIDDEN_SDK_AUTHORIZATION' : 'SDK_AUTHORIZATION', note: `sign the request with ${forbidden ? 'IMS_FORBIDDEN_' : 'IMS_'}ACCESS_KEY/SECRET_KEY (SDK-HMAC-SHA256) and set X-Sdk-Date to match` };
  }
  return { name: forbidden ? 'IMS_FORBIDDEN_AUTH_TOKEN' : 'IMS_AUTH_TOKEN' };
}

/** One command line (no newline) repeating the exchange's request; a trailing shell comment when it needs help. */
export function curlCommand(e: Exchange): string {
  const parts = ['curl', '-sS', '-i', '-g', '--path-as-is', '-X', shellQuote(e.method)];
  const notes = new Set<string>();
  for (const [name, value] of Object.entries(e.requestHeaders)) {
    if (SKIPPED_HEADERS.has(name.toLowerCase())) continue;
    if (value.includes(REDACTED)) {
      const v = variableFor(e, name, value);
      if (v.note) notes.add(v.note);
      // The header name is a token (no quotes, no `$`), so double quotes expand only the variable.
      parts.push('-H', `"${name.replace(/[^A-Za-z0-9!#%&*+.^_|~-]/g, '')}: $${v.name}"`);
    } else {
      parts.push('-H', shellQuote(`${name}: ${value}`));
    }
  }
  if (e.requestBody !== undefined && e.requestBody !== '') parts.push('--data-binary', shellQuote(e.requestBody));
  parts.push(shellQuote(e.url));
  const line = parts.join(' ');
  return notes.size ? `${line}  # ${[...notes].join('; ')}` : line;
}
