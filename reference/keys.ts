// How the reference target turns a path segment into a key, and which stored keys a request addresses.
// The correct reading decodes exactly once and compares exactly; the mutants are the classic misreadings.
import type { MutantName } from './mutants.js';

/** Percent-decodes once; malformed escapes (e.g. `%zz`) stay literal text rather than failing the request. */
export function decodeOnce(segment: string): string {
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

export function keyFromSegment(segment: string, has: (m: MutantName) => boolean): string {
  if (has('no-decode')) return segment;
  if (has('double-decode')) return decodeOnce(decodeOnce(segment));
  if (has('plus-as-space')) return decodeOnce(segment.replace(/\+/g, ' '));
  return decodeOnce(segment);
}

/** The stored keys a delete of `key` removes. */
export function matchingKeys(stored: Iterable<string>, key: string, has: (m: MutantName) => boolean): string[] {
  const norm = (k: string) => {
    let out = k;
    if (has('case-insensitive')) out = out.toLowerCase();
    if (has('trim-keys')) out = out.trim();
    if (has('nfc-normalise')) out = out.normalize('NFC');
    return out;
  };
  const wanted = norm(key);
  const all = [...stored];
  if (has('delete-all-tags') && all.includes(key)) return all;
  return all.filter((k) => norm(k) === wanted || (has('prefix-delete') && k.startsWith(key)));
}
