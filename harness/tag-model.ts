// The model of an image's tags as one test sees them: the tags present at the start of the run (other people's),
// plus what this test added and deleted. A listing is compared with it whole: every key this test owns must be in
// the state its requests left it in, every tag present at start must keep its value. Pure bookkeeping over plain
// data, so the fixtures, the exploration and the unit tests share it.
import type { Exchange } from './exchanges.js';

export type Listing = ReadonlyMap<string, string | null>;

/** What a request did to one key, as its answer says. */
export type Effect =
  | { kind: 'present'; value: string | null } // a successful add
  | { kind: 'absent' } // a successful delete
  | { kind: 'unchanged' } // a definite refusal (4xx)
  | { kind: 'unknown' }; // no answer, or a 5xx: the request may or may not have taken effect

interface Op {
  start: number;
  end?: number;
  exchange?: Exchange;
}

interface OwnKey {
  /** undefined: either state is possible (an unanswered request). */
  present: boolean | undefined;
  value: string | null;
  /** Seen in a listing under the name it was sent as since it was last created: until then a missing key is "unlisted", not "vanished". */
  seen: boolean;
  /** Created, then never listed as sent: the target stores it under another name; it cannot be judged by listing. */
  unlisted: boolean;
  /** Listed as gone since it was last deleted: showing it again means it came back, not that it stayed. */
  seenGone: boolean;
  ops: Op[];
  /** The requests since the last listing that showed this key as the model expected: the suspects of a difference. */
  since: Exchange[];
}

export type DifferenceKind = 'vanished' | 'changed' | 'still-present' | 'came-back';

export interface Difference {
  image: string;
  key: string;
  kind: DifferenceKind;
  /** Whose tag: this test's own key, or a tag present before the run. */
  owner: 'test' | 'pre-existing';
  expected: string;
  actual: string;
  /** Requests since the key was last seen as expected (this test's; other tests of the run run alongside). */
  suspects: Exchange[];
}

export interface CheckResult {
  differences: Difference[];
  /** Keys neither this test's nor present at start nor of a run of the suite: other people's changes, recorded only. */
  appeared: string[];
  /** Own keys created but never listed as sent (the target renamed them): not judged by listing. */
  unlisted: string[];
  /** Own keys skipped in this check because a request on them overlapped the listing. */
  inFlight: number;
}

/** The strictest published add rule: keys no target stores under another name. */
const PLAIN_KEY = /^[A-Za-z0-9_\-.:+@]{1,128}$/;

const show = (v: string | null | undefined) => (v === undefined ? 'missing' : v === null ? 'present' : `present with value ${JSON.stringify(v)}`);

export class ImageModel {
  private readonly own = new Map<string, OwnKey>();
  private listingsChecked = 0;

  constructor(
    readonly image: string,
    /** Tags present at start (other people's data), key -> value (null where the dialect has no values). */
    private readonly baseline: Readonly<Record<string, string | null>>,
    /** Keys of this run or of other live runs of the suite that this test does not own: not judged here. */
    private readonly isSuiteKey: (key: string) => boolean,
  ) {}

  owns(key: string): boolean {
    return this.own.has(key);
  }

  /** Own keys the model believes present (or possibly present): what teardown must clean up. */
  live(): string[] {
    return [...this.own].filter(([, k]) => k.present !== false).map(([key]) => key);
  }

  isPresent(key: string): boolean | undefined {
    return this.own.get(key)?.present ?? false;
  }

  wasListed(key: string): boolean {
    const k = this.own.get(key);
    return !!k && k.seen && !k.unlisted;
  }

  /**
   * A request on `key` is about to go out. Returns the function that records its effect once answered. Times are
   * performance.now(): taken before the request is sent and after its answer is read, so the interval covers it.
   */
  begin(key: string, now: number = performance.now()): (effect: Effect, exchange?: Exchange, at?: number) => void {
    const k = this.own.get(key) ?? { present: false, value: null, seen: false, unlisted: false, seenGone: false, ops: [], since: [] };
    this.own.set(key, k);
    const op: Op = { start: now };
    k.ops.push(op);
    return (effect, exchange, at = performance.now()) => {
      op.end = at;
      op.exchange = exchange;
      if (exchange) k.since.push(exchange);
      if (effect.kind === 'present') {
        if (k.present !== true) {
          // Only a key with unusual characters can come back under another name: a plain one is expected as sent.
          k.seen = PLAIN_KEY.test(key);
          k.unlisted = false;
        }
        k.present = true;
        k.value = effect.value;
        k.seenGone = false;
      } else if (effect.kind === 'absent') {
        k.present = false;
        k.seenGone = false;
      }
      else if (effect.kind === 'unknown') k.present = undefined;
    };
  }

  /** A request that may change any key (a delete with an empty key, another method on a tag's URI): a suspect for every difference. */
  suspect(exchange: Exchange): void {
    for (const k of this.own.values()) k.since.push(exchange);
    this.baselineSuspects.push(exchange);
  }

  private baselineSuspects: Exchange[] = [];

  /**
   * Compares a listing taken between `start` and `end` (performance.now(), before sending and after reading) with
   * the model. Keys with a request overlapping that window are skipped (either state may be listed); a key in an
   * unknown state takes the state listed.
   */
  check(listing: Listing, start: number, end: number): CheckResult {
    this.listingsChecked++;
    const differences: Difference[] = [];
    const unlisted: string[] = [];
    let inFlight = 0;
    for (const [key, k] of this.own) {
      if (k.ops.some((op) => op.end === undefined || (op.start <= end && op.end >= start))) {
        inFlight++;
        continue;
      }
      const has = listing.has(key);
      const actual = has ? listing.get(key) : undefined;
      if (k.present === undefined) {
        k.present = has;
        if (has) k.value = actual ?? null;
      } else if (k.present) {
        // Never listed as sent since it was created: the target stores it under another name (or merged it with
        // another key when adding): the add is not under test, so the key is not judged by listing.
        if (!k.seen && (!has || (k.value !== null && actual !== k.value))) {
          k.unlisted = true;
          unlisted.push(key);
          k.since = [];
          continue;
        }
        if (!has) differences.push(this.diff(key, k, 'vanished', show(k.value), 'missing'));
        else if (k.value !== null && actual !== k.value) differences.push(this.diff(key, k, 'changed', show(k.value), show(actual)));
        else k.seen = true;
      } else if (has && !k.unlisted) {
        differences.push(this.diff(key, k, k.seenGone ? 'came-back' : 'still-present', 'missing', show(actual)));
      } else if (!has) k.seenGone = true;
      if (!differences.some((d) => d.key === key)) k.since = [];
      else {
        // The model follows the target from here on, so one fault is reported once, not at every later listing.
        k.present = has;
        k.value = actual ?? null;
        k.seen = has;
        k.seenGone = !has;
        k.since = [];
      }
    }
    for (const [key, value] of Object.entries(this.baseline)) {
      if (this.own.has(key)) continue;
      const has = listing.has(key);
      if (has && (value === null || listing.get(key) === value)) continue;
      differences.push({
        image: this.image, key, kind: has ? 'changed' : 'vanished', owner: 'pre-existing',
        expected: show(value), actual: has ? show(listing.get(key)) : 'missing', suspects: [...this.baselineSuspects],
      });
    }
    if (!differences.some((d) => d.owner === 'pre-existing')) this.baselineSuspects = [];
    const appeared = [...listing.keys()].filter((key) => !this.own.has(key) && !(key in this.baseline) && !this.isSuiteKey(key));
    return { differences, appeared, unlisted, inFlight };
  }

  private diff(key: string, k: OwnKey, kind: DifferenceKind, expected: string, actual: string): Difference {
    return { image: this.image, key, kind, owner: 'test', expected, actual, suspects: [...k.since, ...this.baselineSuspects] };
  }
}

/** The effect an add's answer implies. */
export function addEffect(e: Exchange, value: string | null): Effect {
  if (e.status === undefined || e.status >= 500) return { kind: 'unknown' };
  return e.status >= 200 && e.status < 300 ? { kind: 'present', value } : { kind: 'unchanged' };
}

/** The effect a delete's answer implies: 2xx removed it, 4xx left everything as it was. */
export function deleteEffect(e: Exchange): Effect {
  if (e.status === undefined || e.status >= 500) return { kind: 'unknown' };
  return e.status >= 200 && e.status < 300 ? { kind: 'absent' } : { kind: 'unchanged' };
}

/** One line for a difference, for messages and reports. */
export function describeDifference(d: Difference): string {
  const whose = d.owner === 'test' ? "the test's tag" : 'the tag present before the run';
  return `${whose} ${JSON.stringify(d.key)} on image ${d.image} ${d.kind.replace('-', ' ')}: expected ${d.expected}, listed ${d.actual}`;
}
