// How the reference target turns a path segment into a key, and which stored keys a request addresses.
// The correct reading decodes exactly once and compares exactly; the mutants are the classic misreadings.
import type { MutantName } from './mutants.js';

/** Percent-decodes once; malformed escapes (e.g. `%zz`) stay literal text rather than failing the request. */
function decodeOnce(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment.replace(/(%[0-9A-Fa-f]{2})+/g, (run) => {
      try {
        return decodeURIComponent(run);
      } catch {
        return run;
      }
    });
  }
}

/** Thrown by the malformed-escape-500 mutant's strict decoder: the server answers 500. */
class DecodeError extends Error {}

export function keyFromSegment(segment: string, has: (m: MutantName) => boolean): string {
  if (has('no-decode')) return segment;
  if (has('malformed-escape-500')) {
    try {
      return decodeURIComponent(segment);
    } catch {
      throw new DecodeError(`cannot decode ${segment}`);
    }
  }
  if (has('c-string-key')) return decodeOnce(segment).split('\0')[0]!;
  if (has('double-decode')) return decodeOnce(decodeOnce(segment));
  if (has('plus-as-space')) return decodeOnce(segment.replace(/\+/g, ' '));
  return decodeOnce(segment);
}

/** What a case-, accent-, width- and trailing-space-insensitive collation compares (utf8mb4_0900_ai_ci with PAD SPACE). */
const collationWeight = (k: string) => k.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase().replace(/ +$/, '');

/** The stored keys a delete of `key` removes (in insertion order, as rows come back from a table). */
export function matchingKeys(stored: Iterable<string>, key: string, has: (m: MutantName) => boolean): string[] {
  const norm = (k: string) => {
    let out = k;
    if (has('case-insensitive')) out = out.toLowerCase();
    if (has('trim-keys')) out = out.trim();
    if (has('nfc-normalise')) out = out.normalize('NFC');
    if (has('nfkc-fold')) out = out.normalize('NFKC');
    if (has('collation-first-match')) out = collationWeight(out);
    if (has('truncate-255')) out = out.slice(0, 255);
    return out;
  };
  const wanted = norm(key);
  const all = [...stored];
  if (has('delete-all-tags') && all.includes(key)) return all;
  const matches = all.filter((k) => norm(k) === wanted || (has('prefix-delete') && k.startsWith(key)));
  // DELETE ... LIMIT 1: the first row that compares equal goes, whichever it is.
  return has('collation-first-match') || has('truncate-255') ? matches.slice(0, 1) : matches;
}

/**
 * What MariaDB's utf8mb3_general_ci compares: one weight per character, case and the accents of precomposed letters
 * folded (a lone combining mark keeps its own weight: no expansions), trailing spaces ignored (PAD SPACE).
 */
const generalCiWeight = (k: string) => [...k].map((ch) => ch.normalize('NFD').replace(/\p{M}/gu, '') || ch).join('').toLowerCase().replace(/ +$/, '');

/**
 * folding-twin-500: the exact key exists (the service's own check passes), but the database lookup under a folding
 * collation matches more than one row and the ORM's `query.one()` raises: 500, nothing removed.
 */
export const hasFoldingTwin = (stored: Iterable<string>, key: string): boolean => [...stored].filter((k) => generalCiWeight(k) === generalCiWeight(key)).length > 1;
