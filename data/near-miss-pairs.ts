// Near-miss key pairs for DT-04: deleting `target` must leave `bystander` (and its value) in place.
// Each pair is built from a stem that carries the run prefix. `encoding: 'pchar'` sends the target with
// RFC 3986 sub-delimiters raw (an equivalent spelling of the same key), which is where `+` misreadings show.

export interface NearMissPair {
  id: string;
  description: string;
  target(stem: string): string;
  bystander(stem: string): string;
  encoding?: 'pchar';
}

export const NEAR_MISS_PAIRS: readonly NearMissPair[] = [
  { id: 'case', description: 'other case', target: (s) => `${s}-Key`, bystander: (s) => `${s}-key` },
  { id: 'prefix', description: 'target is a prefix of the bystander', target: (s) => `${s}-ab`, bystander: (s) => `${s}-abc` },
  { id: 'suffix', description: 'bystander is a prefix of the target', target: (s) => `${s}-abc`, bystander: (s) => `${s}-ab` },
  { id: 'leading-space', description: 'bystander has a leading space', target: (s) => `${s}-sp`, bystander: (s) => ` ${s}-sp` },
  { id: 'trailing-space', description: 'bystander has a trailing space', target: (s) => `${s}-sp`, bystander: (s) => `${s}-sp ` },
  { id: 'nfd-vs-nfc', description: 'NFD target, NFC bystander', target: (s) => `${s}-e\u0301`, bystander: (s) => `${s}-\u00e9` },
  { id: 'plus-vs-space', description: '`a+b` (sent with a raw +) vs `a b`', target: (s) => `${s}-a+b`, bystander: (s) => `${s}-a b`, encoding: 'pchar' },
  { id: 'pct25-vs-pct', description: 'literal `%25` vs `%`', target: (s) => `${s}-%25`, bystander: (s) => `${s}-%` },
  { id: 'pct2f-vs-slash', description: 'literal `a%2Fb` vs `a/b`', target: (s) => `${s}-a%2Fb`, bystander: (s) => `${s}-a/b` },
];
