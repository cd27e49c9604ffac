// Key generators of the exploration: the same near-miss transforms and unusual keys the deterministic cases use
// (imported, not copied), plus arbitrary Unicode text of every plane, 0 to 1024 characters long. A recipe is a
// function of a stem: every key carries the run's prefix, so each one the exploration creates is findable and
// sweepable, and each execution (also every replay while shrinking) builds fresh keys from fresh stems.
import fc from 'fast-check';
import { NEAR_MISS_PAIRS } from '../../data/near-miss-pairs.js';
import { UNUSUAL_KEYS } from '../../data/unusual-keys.js';

export interface KeyRecipe {
  /** Which of the execution's stems the key is built on: keys on one stem collide and near-miss each other. */
  stemSlot: number;
  label: string;
  make(stem: string): string;
}

/** Stems per execution: few, so near-miss keys of one pair meet on the same image. */
export const STEM_SLOTS = 2;
/** The longest arbitrary text appended to a stem: the key stays within 1024 characters plus the stem. */
const MAX_TEXT = 1024;
/** Percent-encoded octets of that text at most: the whole request target stays under RFC 9110's 8000. */
const MAX_ENCODED_TEXT = 7_000;

/** A key a URL can carry: no lone surrogate (encodeURIComponent throws on one). */
const encodable = (s: string): boolean => {
  try {
    encodeURIComponent(s);
    return true;
  } catch {
    return false;
  }
};

const short = (s: string) => (s.length > 24 ? `${JSON.stringify(s.slice(0, 24)).slice(0, -1)}…" (${s.length} chars)` : JSON.stringify(s));

const nearMiss = fc.tuple(fc.constantFrom(...NEAR_MISS_PAIRS), fc.boolean()).map(([pair, side]) => ({
  label: `near-miss ${pair.id} ${side ? 'a' : 'b'}`,
  make: side ? pair.a : pair.b,
}));

// dot-segment keys need the raw sender; every other entry of the catalogue goes through the ordinary client.
const unusual = fc.constantFrom(...UNUSUAL_KEYS.filter((k) => k.transport !== 'raw')).map((k) => ({ label: `unusual ${k.id}`, make: k.make }));

// `binary` units: any code point of any plane (never half a surrogate pair). Short and long texts both, since the
// default size would rarely reach the column widths where keys get cut.
const text = fc
  .oneof(
    { weight: 3, arbitrary: fc.string({ unit: 'binary', maxLength: 12 }) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: MAX_TEXT, size: 'max' }) },
  )
  .filter(encodable)
  // RFC 9110 §4.1 recommends supporting request targets of at least 8000 octets, not more: a target that answers 414
  // to a longer one is within the HTTP standard, so the path (prefix included) stays well under it.
  .filter((t) => encodeURIComponent(t).length <= MAX_ENCODED_TEXT)
  .map((t) => ({ label: `text ${short(t)}`, make: (stem: string) => `${stem}-${t}` }));

// Plain ASCII suffixes from a small set: keys that any target's add rule accepts and that recur within a sequence.
const plain = fc.constantFrom('a', 'b', 'c', 'd').map((s) => ({ label: `plain ${s}`, make: (stem: string) => `${stem}-${s}` }));

export const keyRecipe: fc.Arbitrary<KeyRecipe> = fc
  .tuple(
    fc.nat({ max: STEM_SLOTS - 1 }),
    fc.oneof({ weight: 4, arbitrary: plain }, { weight: 3, arbitrary: nearMiss }, { weight: 2, arbitrary: unusual }, { weight: 2, arbitrary: text }),
  )
  .map(([stemSlot, r]) => ({ stemSlot, label: `${r.label} on stem ${stemSlot}`, make: r.make }));
