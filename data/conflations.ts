// How a real service can take one key for another: the relations DT-04's attribution rule uses to decide whether a
// request of this run can have changed a tag it did not create (docs/VERDICTS.md, "Other writers"). A tag this run
// did not create that vanishes or changes is judged against a request only when the request's key and the tag's key
// are related by one of these (or by the same key on another image, the request's value, or the whole collection);
// otherwise someone else changed it. Each entry names the kind of system that makes the mistake, as the near-miss
// pairs (data/near-miss-pairs.ts) do: the pairs are the test cases, these are the folds behind them.

export interface Conflation {
  id: string;
  /** The kind of real system that conflates keys this way. */
  conflatedBy: string;
  /** The two keys may be taken for one. */
  related(a: string, b: string): boolean;
}

/** Keys equal after `fold`. */
const fold = (id: string, conflatedBy: string, f: (s: string) => string): Conflation => ({ id, conflatedBy, related: (a, b) => f(a) === f(b) });

const stripMarks = (s: string) => s.normalize('NFKD').replace(/\p{M}/gu, '');
const decodeOnce = (s: string) => {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
};

/** Column widths that cut keys (VARCHAR(n), index prefixes): the widths of the past-width near-miss pairs. */
export const CUT_WIDTHS = [36, 64, 128, 255, 1024] as const;

export const CONFLATIONS: readonly Conflation[] = [
  fold('case', 'case-insensitive collations, lower-casing routers, toLowerCase() comparisons', (s) => s.toLowerCase()),
  fold('full-case-fold', 'full Unicode case folding (ß to ss, final sigma, dotless and dotted i)', (s) => s.toUpperCase().toLowerCase().replace(/ı/g, 'i').replace(/i\u0307/g, 'i')),
  fold('accent', 'accent-insensitive collations, search-style normalisers', (s) => stripMarks(s).toLowerCase()),
  fold('nfc', 'Unicode normalisation before comparing', (s) => s.normalize('NFC')),
  fold('nfkc', 'compatibility folding (fullwidth forms, ligatures, superscripts, Unicode spaces)', (s) => s.normalize('NFKC').replace(/\s/g, ' ')),
  fold('ignorables', 'collations that ignore format and control characters, invisible-character strippers', (s) => s.replace(/[\p{Cf}\p{Cc}\ufe00-\ufe0f]/gu, '')),
  fold('c-string', 'C strings: the key cut at its first NUL', (s) => s.split('\u0000')[0] ?? ''),
  fold('trim', 'trimming, PAD SPACE collations', (s) => s.trim()),
  fold('plus-space', 'form decoding of the path (a + read as a space)', (s) => s.replace(/\+/g, ' ')),
  fold('decode-twice', 'decoding the key twice, proxies that decode %2F', (s) => decodeOnce(decodeOnce(s))),
  fold('escape-case', 'normalising the case of percent-escapes', (s) => s.replace(/%[0-9a-f]{2}/gi, (m) => m.toUpperCase())),
  fold('dot-segments', 'resolving dot-segments in a key that holds a slash', (s) => s.replace(/\/\.(?=\/|$)/g, '')),
  {
    id: 'prefix',
    conflatedBy: "prefix matching (LIKE 'key%', startsWith) instead of equality",
    related: (a, b) => a !== '' && b !== '' && (a.startsWith(b) || b.startsWith(a)),
  },
  {
    id: 'cut-width',
    conflatedBy: 'a fixed-width column or index prefix that cuts keys before comparing',
    related: (a, b) => CUT_WIDTHS.some((n) => a.length >= n && b.length >= n && a.slice(0, n) === b.slice(0, n)),
  },
];

/** The first conflation under which a service may take `a` for `b` (equal keys included), or undefined. */
export function conflation(a: string, b: string): string | undefined {
  if (a === b) return 'same key';
  return CONFLATIONS.find((c) => c.related(a, b))?.id;
}
