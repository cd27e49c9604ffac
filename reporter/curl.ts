// Reproduction lines: a `curl` command that repeats the request a failure names, for the person who must fix the
// target. Built from the recorded exchange, which is redacted already: a credential is written as a shell variable
// ("$IMS_AUTH_TOKEN"), never as its value. Every other part is single-quoted for a POSIX shell.
import { describeExchange, type Exchange } from '../harness/exchanges.js';
import { REDACTED } from '../harness/redact.js';

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

/** The requests a failure turns on: those its message names, else the last request of the operation under test. */
export function decisiveExchanges(exchanges: Exchange[], message: string | undefined): Exchange[] {
  const named = exchanges.filter((e) => message?.includes(describeExchange(e)));
  if (named.length) return named;
  const last = exchanges.filter((e) => e.role === 'under-test').slice(-1);
  return last.length ? last : exchanges.slice(-1);
}

/** At most `max` distinct reproduction lines for a failed test. */
export function reproductionLines(exchanges: Exchange[], message: string | undefined, max = 5): string[] {
  return [...new Set(decisiveExchanges(exchanges, message).map(curlCommand))].slice(0, max);
}

/** For a requirement decided over the whole run (DT-11, DT-14): the requests its evidence lines name. */
export function runScopeReproduction(evidence: string[], exchanges: Exchange[], max = 5): string[] {
  const lineOf = (e: Exchange) => `${e.method} ${e.url} [${e.persona}] -> ${e.status ?? e.error}`;
  const named = exchanges.filter((e) => evidence.some((ev) => ev === lineOf(e) || ev.startsWith(`${lineOf(e)}: `)));
  return [...new Set(named.map(curlCommand))].slice(0, max);
}
