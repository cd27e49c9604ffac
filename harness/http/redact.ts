// Secrets never leave the process: headers, URLs and free text are scrubbed before anything is printed or written.

const SECRET_HEADERS = new Set(['authorization', 'x-auth-token', 'x-subject-token', 'proxy-authorization', 'cookie', 'set-cookie']);
export const REDACTED = '[REDACTED]';

const knownSecrets = new Set<string>();

/** Registers a secret value (token, SK, password) so that any text containing it is scrubbed. */
export function registerSecret(value: string | undefined): void {
  if (value && value.length >= 4) knownSecrets.add(value);
}

export function redactText(text: string): string {
  let out = text;
  for (const secret of knownSecrets) out = out.split(secret).join(REDACTED);
  // Signatures and tokens that were never registered (e.g. issued by IAM mid-run) still have a recognisable shape.
  out = out.replace(/(Signature=)[0-9a-f]{16,}/gi, `$1${REDACTED}`);
  out = out.replace(/("password"\s*:\s*")[^"]*(")/g, `$1${REDACTED}$2`);
  // Header lines in free text, as Playwright's call logs print a failed request's headers: `- X-Auth-Token: …`.
  out = out.replace(/((?:^|[\s"'-])(?:x-auth-token|x-subject-token|authorization|proxy-authorization|cookie)\s*[:=]\s*)[^\n\r\u001b"]+/gim, `$1${REDACTED}`);
  return out;
}

export function redactHeaders(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (!SECRET_HEADERS.has(name.toLowerCase())) out[name] = redactText(value);
    // The scheme and structure stay readable (evidence); the signature, a bearer secret and any known AK do not.
    else if (name.toLowerCase() === 'authorization') out[name] = redactText(value.replace(/Signature=\S+/, `Signature=${REDACTED}`).replace(/^(Bearer|Basic)\s+\S+/i, `$1 ${REDACTED}`));
    else out[name] = REDACTED;
  }
  return out;
}
