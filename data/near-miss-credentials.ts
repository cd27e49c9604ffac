// DT-08's near-miss credentials: the owner's OWN credential, changed the least a check could miss. Each names the bug
// class it finds. Token forms tamper the token the owner really sends; signed forms sign correctly with the REAL
// access key and secret, but for a request other than the one sent (the vendor locks the AK after 5 consecutive
// signature failures: harness/auth/ak-failure-budget.ts keeps those to a fixed budget per run).

export interface NearMissToken {
  id: string;
  /** The owner's token, tampered; `undefined` when the change is impossible for this token (then not exercised). */
  tamper(token: string): string | undefined;
  /** The kind of check that accepts it. */
  findsBug: string;
}

// A letter or digit replaced by another letter or digit whose base64 value differs in its top bit: significant in
// every position of a base64 token (the low bits of a last character may be padding), and the token keeps its charset.
const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
function flip(ch: string): string {
  const v = B64.indexOf(ch);
  if (v < 0) return ch === 'A' ? 'B' : 'A';
  return B64[(v ^ 32) < B64.length ? v ^ 32 : v ^ 16]!;
}

/** The position of the token's alphanumeric character nearest to `at` (so padding and separators are never the change). */
function alnumNear(token: string, at: number): number | undefined {
  for (let d = 0; d < token.length; d++) {
    for (const i of [at - d, at + d]) if (i >= 0 && i < token.length && /[A-Za-z0-9]/.test(token[i]!)) return i;
  }
  return undefined;
}

function changedAt(token: string, at: number): string | undefined {
  const i = alnumNear(token, at);
  return i === undefined ? undefined : token.slice(0, i) + flip(token[i]!) + token.slice(i + 1);
}

const swapCase = (t: string) => t.replace(/[A-Za-z]/g, (c) => (c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase()));

export const NEAR_MISS_TOKENS: readonly NearMissToken[] = [
  { id: 'first character changed', tamper: (t) => changedAt(t, 0), findsBug: 'a token looked up by its tail or a suffix index (a cache keyed by the last characters)' },
  { id: 'middle character changed', tamper: (t) => changedAt(t, Math.floor(t.length / 2)), findsBug: 'a token compared on its first and last characters, or hashed after truncation' },
  { id: 'last character changed', tamper: (t) => changedAt(t, t.length - 1), findsBug: "a prefix compare: strncmp with a fixed length, bcrypt's 72-byte limit, a token cache keyed by a prefix" },
  { id: 'last character removed', tamper: (t) => (t.length > 1 ? t.slice(0, -1) : undefined), findsBug: 'a compare over the shorter length (startsWith, strncmp with the given length)' },
  { id: 'one character appended', tamper: (t) => `${t}A`, findsBug: 'a prefix compare of the known token against the given one, a length cap before the lookup' },
  { id: 'case changed', tamper: (t) => (swapCase(t) === t ? undefined : swapCase(t)), findsBug: 'a case-insensitive compare or a token store under a case-folding collation' },
];

/** How a signed near miss differs from the request it is sent as. */
export type SignatureMiss = 'stale-date' | 'other-uri' | 'other-method';

export interface NearMissSignature {
  id: SignatureMiss;
  describe: string;
  findsBug: string;
}

/** How far outside the accepted window the stale X-Sdk-Date is: the vendor's window is 15 minutes either way. */
export const STALE_SDK_DATE_MS = 20 * 60_000;

export const NEAR_MISS_SIGNATURES: readonly NearMissSignature[] = [
  { id: 'stale-date', describe: 'correctly signed under the real AK with an X-Sdk-Date 20 minutes old', findsBug: 'the X-Sdk-Date never checked: a replay window of forever' },
  { id: 'other-uri', describe: "correctly signed under the real AK for another key's URI, sent to this one", findsBug: 'the path left out of the canonical request (or the signature checked against a cached URI)' },
  { id: 'other-method', describe: 'correctly signed under the real AK for a GET of the same URI, sent as DELETE', findsBug: 'the method left out of the canonical request: a captured read replayed as a delete' },
];
