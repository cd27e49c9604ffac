// The unusual-key catalogue: the one place that lists the keys DT-07 (no charset/length validation) sends.
// Each key is built around a stem that carries the run prefix, so every key the suite creates stays findable.
// `transport: 'raw'` keys cannot pass through a WHATWG URL parser (dot-segments) and go through the raw sender.

export type KeyGroup = 'whitespace' | 'unicode' | 'gen-delims' | 'sub-delims' | 'percent' | 'punctuation' | 'length' | 'dot-segment';

export interface UnusualKey {
  id: string;
  group: KeyGroup;
  description: string;
  make(stem: string): string;
  transport?: 'raw';
}

// RFC 3986 §2.2 reserved characters, in its two groups.
const GEN_DELIMS = [':', '/', '?', '#', '[', ']', '@'] as const;
const SUB_DELIMS = ['!', '$', '&', "'", '(', ')', '*', '+', ',', ';', '='] as const;

/** Pads the stem with `x` to exactly n UTF-16 code units (all ASCII here, so also n bytes and n characters). */
const ofLength = (n: number) => (stem: string) => (stem + 'x'.repeat(Math.max(0, n - stem.length))).slice(0, n);

export const UNUSUAL_KEYS: readonly UnusualKey[] = [
  { id: 'inner-space', group: 'whitespace', description: 'a space inside', make: (s) => `${s} x` },
  { id: 'leading-space', group: 'whitespace', description: 'a leading space', make: (s) => ` ${s}` },
  { id: 'trailing-space', group: 'whitespace', description: 'a trailing space', make: (s) => `${s} ` },
  { id: 'tab', group: 'whitespace', description: 'a tab inside', make: (s) => `${s}\tx` },
  { id: 'cjk', group: 'unicode', description: 'CJK characters', make: (s) => `${s}中文标签` },
  { id: 'emoji', group: 'unicode', description: 'a 4-byte emoji (surrogate pair)', make: (s) => `${s}😀` },
  { id: 'combining-nfd', group: 'unicode', description: 'a combining mark (NFD e + U+0301)', make: (s) => `${s}e\u0301` },
  ...[...GEN_DELIMS.map((c) => [c, 'gen-delims'] as const), ...SUB_DELIMS.map((c) => [c, 'sub-delims'] as const)].map(
    ([c, group]): UnusualKey => ({
      id: `reserved-${c.codePointAt(0)!.toString(16).padStart(2, '0')}`,
      group,
      description: `the reserved URI character ${JSON.stringify(c)}`,
      make: (s) => `${s}a${c}b`,
    }),
  ),
  { id: 'percent', group: 'percent', description: 'a bare %', make: (s) => `${s}%` },
  { id: 'literal-pct25', group: 'percent', description: 'the literal text %25', make: (s) => `${s}%25` },
  { id: 'literal-pct2f', group: 'percent', description: 'the literal text %2F', make: (s) => `${s}%2F` },
  { id: 'malformed-pct', group: 'percent', description: 'the malformed escape %zz', make: (s) => `${s}%zz` },
  { id: 'backslash', group: 'punctuation', description: 'a backslash', make: (s) => `${s}\\x` },
  { id: 'double-quote', group: 'punctuation', description: 'a double quote', make: (s) => `${s}"x` },
  { id: 'angle-brackets', group: 'punctuation', description: 'angle brackets', make: (s) => `${s}<x>` },
  { id: 'dotdot-slash', group: 'punctuation', description: 'a ../ path-traversal shape', make: (s) => `../${s}` },
  ...[36, 37, 128, 129, 255, 256, 1024].map(
    (n): UnusualKey => ({ id: `length-${n}`, group: 'length', description: `${n} characters`, make: ofLength(n) }),
  ),
  { id: 'dot', group: 'dot-segment', description: 'the key "."', make: () => '.', transport: 'raw' },
  { id: 'dotdot', group: 'dot-segment', description: 'the key ".."', make: () => '..', transport: 'raw' },
];

/** Keys of the catalogue that cannot carry the run's stem ("." and ".."): the suite's own, though no prefix says so. */
export const STEMLESS_KEYS: ReadonlySet<string> = new Set(UNUSUAL_KEYS.filter((k) => k.make('a') === k.make('b')).map((k) => k.make('')));
