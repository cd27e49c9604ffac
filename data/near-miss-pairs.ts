// Near-miss key pairs for DT-04: two keys a real system may take for the same one. Each pair is exercised in both
// directions, the bystander always created first (a `DELETE ... LIMIT 1` under a folding collation removes the
// first row that matches, so the target created second would be deleted by luck). `conflatedBy` names the kind of
// system that makes the mistake. Every key carries the run's stem, so every key the suite creates stays findable.

export interface NearMissPair {
  id: string;
  a(stem: string): string;
  b(stem: string): string;
  /** The kind of real system that takes `a` and `b` for one key. */
  conflatedBy: string;
  /**
   * The kind of folding that conflates the pair. A target that cannot delete one pair of a kind (a folding collation
   * that matches two rows answers 500 and keeps both) is sent no more pairs of that kind: each would leave two more
   * tags no API call can remove.
   */
  kind: NearMissKind;
  /** `pchar`: the keys are sent with RFC 3986 sub-delimiters raw (an equivalent spelling), where `+` misreadings show. */
  encoding?: 'pchar';
}

export const NEAR_MISS_KINDS = ['case', 'accent', 'normalisation', 'compatibility', 'whitespace', 'ignorable', 'control', 'padding', 'length', 'decoding'] as const;
export type NearMissKind = (typeof NEAR_MISS_KINDS)[number];

/** Pads the stem with `x` to exactly n characters (ASCII, so also n bytes). */
const padTo = (n: number) => (stem: string) => (stem + 'x'.repeat(Math.max(0, n - stem.length))).slice(0, n);

const pair = (id: string, kind: NearMissKind, a: string, b: string, conflatedBy: string, encoding?: 'pchar'): NearMissPair => ({
  id,
  kind,
  a: (s) => `${s}-${a}`,
  b: (s) => `${s}-${b}`,
  conflatedBy,
  encoding,
});

/** Keys of n+1 characters that differ only in the last one: equal once cut to a column of width n. */
const pastWidth = (n: number): NearMissPair => ({
  id: `past-width-${n}`,
  kind: 'length',
  a: (s) => `${padTo(n)(s)}a`,
  b: (s) => `${padTo(n)(s)}b`,
  conflatedBy: `a VARCHAR(${n}) column or a ${n}-character index prefix that cuts keys before comparing`,
});

export const NEAR_MISS_PAIRS: readonly NearMissPair[] = [
  pair('ascii-case', 'case', 'Key', 'key', 'case-insensitive collations (MySQL utf8mb4_0900_ai_ci, SQL Server *_CI_*), lower-casing routers'),
  pair('non-ascii-case', 'case', 'Ärger', 'ärger', 'case-insensitive collations and toLowerCase() comparisons beyond ASCII'),
  pair('sharp-s', 'case', 'straße', 'strasse', 'full Unicode case folding (ß folds to ss), MySQL utf8mb4_unicode_ci'),
  pair('dotless-i', 'case', 'ı', 'I', 'Turkish-locale case mapping (I lower-cases to ı)'),
  pair('dotted-capital-i', 'case', 'İ', 'i', 'case folding of İ (U+0130) to i, general_ci collations'),
  pair('final-sigma', 'case', 'ς', 'σ', 'case folding (final sigma folds to σ)'),
  pair('accent', 'accent', 'café', 'cafe', 'accent-insensitive collations (*_ai_ci), search-style normalisers'),
  pair('nfc-nfd', 'normalisation', 'e\u0301', '\u00e9', 'Unicode normalisation before comparing (NFC), file systems that store NFD'),
  pair('fullwidth', 'compatibility', 'ＡＢ', 'AB', 'compatibility folding (NFKC), width-insensitive collations'),
  pair('ligature', 'compatibility', '\ufb01', 'fi', 'compatibility folding (NFKC) of ligatures'),
  pair('superscript', 'compatibility', 'x\u00b2', 'x2', 'compatibility folding (NFKC) of superscripts'),
  pair('ideographic-space', 'whitespace', 'a\u3000b', 'a b', 'NFKC or whitespace normalisers (U+3000 folds to a space)'),
  pair('no-break-space', 'whitespace', 'a\u00a0b', 'a b', 'NFKC or \\s-based whitespace collapsing'),
  pair('zero-width-space', 'ignorable', 'a\u200bb', 'ab', 'collations that ignore format characters, "invisible character" strippers'),
  pair('soft-hyphen', 'ignorable', 'a\u00adb', 'ab', 'UCA collations where the soft hyphen is ignorable'),
  pair('variation-selector', 'ignorable', '\u2603\ufe0f', '\u2603', 'collations and normalisers that drop variation selectors'),
  pair('nul', 'control', 'a\u0000b', 'a', 'C strings: the key cut at the NUL byte'),
  pair('control', 'control', 'a\u0007b', 'ab', 'sanitisers that strip control characters'),
  { id: 'leading-space', kind: 'padding', a: (s) => ` ${s}-sp`, b: (s) => `${s}-sp`, conflatedBy: 'trimming the key (a framework or gateway) before the lookup' },
  pair('trailing-space', 'padding', 'sp ', 'sp', 'PAD SPACE collations (trailing spaces ignored: MySQL before 8.0, SQL Server), trimming'),
  pair('trailing-tab', 'padding', 'sp\t', 'sp', 'trimming of all whitespace before the lookup'),
  pair('prefix', 'length', 'ab', 'abc', 'prefix matching (LIKE \'key%\', startsWith) instead of equality'),
  pastWidth(36),
  pastWidth(64),
  pastWidth(128),
  pastWidth(255),
  pastWidth(1024),
  pair('plus-vs-space', 'decoding', 'a+b', 'a b', 'form decoding of the path (a raw + read as a space)', 'pchar'),
  pair('pct25-vs-pct', 'decoding', '%25', '%', 'decoding the key twice'),
  pair('pct20-vs-space', 'decoding', 'a%20b', 'a b', 'decoding the key twice'),
  pair('pct2f-vs-slash', 'decoding', 'a%2Fb', 'a/b', 'decoding the key twice, or a proxy that decodes %2F'),
  pair('pct-escape-case', 'case', 'a%2fb', 'a%2Fb', 'normalising the case of percent-escapes inside an already decoded key'),
  pair('dot-segment', 'decoding', 'a/./b', 'a/b', 'resolving dot-segments in a key that holds a slash'),
];
