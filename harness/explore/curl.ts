// A request as a `curl` command line someone can paste to replay it. Credentials are shell variables the reader
// sets, never values: the exchange's secret headers are already redacted, and are written back as the variable that
// holds them for the persona that sent the request.
import type { Exchange } from '../exchanges.js';

/** POSIX single-quoting: safe for any text (the URL is percent-encoded; bodies are JSON). */
export const shellQuote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

const SKIP = new Set(['content-length', 'host', 'connection']);

function credentialVariable(header: string, persona: string): string {
  const prefix = persona === 'forbidden' ? 'IMS_FORBIDDEN_' : 'IMS_';
  const lower = header.toLowerCase();
  if (lower === 'x-auth-token') return `${prefix}AUTH_TOKEN`;
  if (lower === 'authorization') return `${prefix}AUTHORIZATION`;
  return `${prefix}${header.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
}

export function curlCommand(e: Exchange): string {
  const parts = ['curl', '-sS', '-i'];
  if (e.transport === 'raw') parts.push('--path-as-is');
  parts.push('-X', e.method, shellQuote(e.url));
  let signed = false;
  for (const [name, value] of Object.entries(e.requestHeaders)) {
    if (SKIP.has(name.toLowerCase())) continue;
    if (value.includes('[REDACTED]')) {
      if (name.toLowerCase() === 'authorization') signed = true;
      parts.push('-H', `"${name}: $${credentialVariable(name, e.persona)}"`);
    } else parts.push('-H', shellQuote(`${name}: ${value}`));
  }
  if (e.requestBody !== undefined) parts.push('--data-binary', shellQuote(e.requestBody));
  const line = parts.join(' ');
  // An AK/SK signature covers the request's date: whoever replays it signs it anew into the variable.
  return signed ? `${line}  # signed request: put a fresh SDK-HMAC-SHA256 Authorization for it in $${credentialVariable('authorization', e.persona)}` : line;
}
