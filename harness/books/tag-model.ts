// The model of an image's tags as one test (or one exploration sequence) sees them: the tags this run did not create
// (present at start, or appeared since: other people's), plus what this test added and deleted. A listing is
// compared with it whole; the differences go to the judge (harness/books/judge.ts), which decides what they break. Pure
// bookkeeping over plain data, on one clock (performance.now()), so fixtures, exploration and unit tests share it.
import type { Exchange } from '../http/exchanges.js';

export type Listing = ReadonlyMap<string, string | null>;

/** What a request did to one key, as its answer says. */
export type Effect =
  | { kind: 'present'; value: string | null } // a successful add
  | { kind: 'absent' } // a successful delete
  | { kind: 'unchanged' } // a definite refusal (4xx), or 503: the service did not take the request
  | { kind: 'unknown' }; // no answer, or another 5xx: the request may or may not have taken effect

interface Op {
  start: number;
  end?: number;
}

/** The state of one of the run's own keys on one image: the one record slots, cleanup and judging derive from. */
export type KeyState = 'present' | 'absent' | 'unknown' | 'listed-under-another-name';

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
  /** A request may have created it since a listing last showed it missing: it holds a slot and cleanup removes it. */
  mayExist: boolean;
  /** Present at some time (a later 404 on it is "deleted a moment ago", not "never carried"). */
  everPresent: boolean;
  ops: Op[];
  /** The requests on this key since the last listing that showed it as the model expected. */
  since: Exchange[];
  /** When that listing started (performance.now()); -Infinity before any. */
  lastSeen: number;
}

/** A tag this run did not create: someone else's. Judged only against requests that can have changed it. */
interface ForeignTag {
  value: string | null;
  /** When a listing last showed it as expected (performance.now() at its start); -Infinity: only the preflight's snapshot. */
  lastSeen: number;
}

export type DifferenceKind = 'vanished' | 'changed' | 'still-present' | 'came-back';

export interface Difference {
  image: string;
  key: string;
  kind: DifferenceKind;
  /** Whose tag: this test's own key, or a tag this run did not create. */
  owner: 'test' | 'foreign';
  expected: string;
  actual: string;
  /** The model's value of the tag before the difference (value relations of the judge). */
  value: string | null;
  /** Requests on this key since it was last seen as expected (own keys). */
  since: Exchange[];
  /** When the tag was last seen as expected (performance.now()); -Infinity: never since the run began. */
  lastSeen: number;
  /** Since when nothing of this test touched it: the later of lastSeen and its last request's answer (own keys). */
  settledAt: number;
}

export interface CheckResult {
  image: string;
  differences: Difference[];
  /** Keys this run did not create that appeared (other people's): recorded, and from now on followed as foreign tags. */
  appeared: { key: string; value: string | null }[];
  /** Own keys created but never listed as sent (the target renamed them): not judged by listing. */
  unlisted: string[];
  /** Own keys skipped in this check because a request on them overlapped the listing. */
  inFlight: number;
}

/** The strictest published add rule: keys no target stores under another name. */
const PLAIN_KEY = /^[A-Za-z0-9_\-.:+@]{1,128}$/;

export const show = (v: string | null | undefined): string => (v === undefined ? 'missing' : v === null ? 'present' : `present with value ${JSON.stringify(v)}`);

export class ImageModel {
  private readonly own = new Map<string, OwnKey>();
  private readonly foreign = new Map<string, ForeignTag>();

  constructor(
    readonly image: string,
    /** Tags present at start (other people's data), key -> value (null where the dialect has no values). */
    baseline: Readonly<Record<string, string | null>>,
    /** Keys of this run or of other live runs of the suite that this model does not own: not judged here. */
    private readonly isSuiteKey: (key: string) => boolean,
  ) {
    for (const [key, value] of Object.entries(baseline)) this.foreign.set(key, { value, lastSeen: -Infinity });
  }

  owns(key: string): boolean {
    return this.own.has(key);
  }

  /** The key's one state (own keys; a key never used is absent). */
  state(key: string): KeyState {
    const k = this.own.get(key);
    if (!k || k.present === false) return 'absent';
    if (k.present === undefined) return 'unknown';
    return k.unlisted ? 'listed-under-another-name' : 'present';
  }

  /** Own keys the model believes present (or possibly present). */
  live(): string[] {
    return [...this.own.keys()].filter((key) => this.state(key) !== 'absent');
  }

  /** Own keys that may exist until a listing shows them missing: what holds a slot and what cleanup removes. */
  held(): string[] {
    // A request still unanswered (or one that threw) may have created the key.
    return [...this.own].filter(([key, k]) => this.state(key) !== 'absent' || k.mayExist || k.ops.some((op) => op.end === undefined)).map(([key]) => key);
  }

  /** Own keys a listing has shown missing since anything may have created them: their slots are free. */
  confirmedGone(): string[] {
    return [...this.own].filter(([key, k]) => this.state(key) === 'absent' && !k.mayExist && k.ops.every((op) => op.end !== undefined)).map(([key]) => key);
  }

  /** Whether the image carried the key at some time during this test. */
  wasCarried(key: string): boolean {
    return this.own.get(key)?.everPresent ?? false;
  }

  isPresent(key: string): boolean | undefined {
    return this.own.get(key)?.present ?? false;
  }

  /** The value the model holds for an own key (null: no value in this dialect, or unknown). */
  valueOf(key: string): string | null {
    return this.own.get(key)?.value ?? this.foreign.get(key)?.value ?? null;
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
    const k = this.own.get(key) ?? { present: false, value: null, seen: false, unlisted: false, seenGone: false, mayExist: false, everPresent: false, ops: [], since: [], lastSeen: -Infinity };
    this.own.set(key, k);
    const op: Op = { start: now };
    k.ops.push(op);
    return (effect, exchange, at = performance.now()) => {
      op.end = at;
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
        k.mayExist = k.everPresent = true;
      } else if (effect.kind === 'absent') {
        k.present = false;
        k.seenGone = false;
      } else if (effect.kind === 'unknown') {
        k.present = undefined;
        k.mayExist = true;
      }
    };
  }

  /**
   * Compares a listing taken between `start` and `end` (performance.now(), before sending and after reading) with
   * the model. Keys with a request overlapping that window are skipped (either state may be listed); a key in an
   * unknown state takes the state listed. After a difference the model follows the target, so one change is
   * reported once, not at every later listing.
   */
  check(listing: Listing, start: number, end: number): CheckResult {
    const differences: Difference[] = [];
    const unlisted: string[] = [];
    let inFlight = 0;
    for (const [key, k] of this.own) {
      if (k.ops.some((op) => op.end === undefined || (op.start <= end && op.end >= start))) {
        inFlight++;
        continue;
      }
      const d = this.checkOwn(key, k, listing, start);
      if (d === 'unlisted') unlisted.push(key);
      else if (d) differences.push(d);
    }
    for (const [key, f] of this.foreign) {
      if (this.own.has(key)) continue;
      const has = listing.has(key);
      const actual = listing.get(key);
      if (has && (f.value === null || actual === f.value)) {
        f.lastSeen = start;
        continue;
      }
      differences.push({ image: this.image, key, kind: has ? 'changed' : 'vanished', owner: 'foreign', expected: show(f.value), actual: has ? show(actual) : 'missing', value: f.value, since: [], lastSeen: f.lastSeen, settledAt: f.lastSeen });
      if (has) this.foreign.set(key, { value: actual ?? null, lastSeen: start });
      else this.foreign.delete(key);
    }
    const appeared: { key: string; value: string | null }[] = [];
    for (const [key, value] of listing) {
      if (this.own.has(key) || this.foreign.has(key) || this.isSuiteKey(key) || differences.some((d) => d.key === key)) continue;
      appeared.push({ key, value });
      this.foreign.set(key, { value, lastSeen: start });
    }
    return { image: this.image, differences, appeared, unlisted, inFlight };
  }

  private checkOwn(key: string, k: OwnKey, listing: Listing, start: number): Difference | 'unlisted' | undefined {
    const has = listing.has(key);
    const actual = has ? listing.get(key) : undefined;
    let d: Difference | undefined;
    const diff = (kind: DifferenceKind, expected: string, got: string): Difference => ({ image: this.image, key, kind, owner: 'test', expected, actual: got, value: k.value, since: [...k.since], lastSeen: k.lastSeen, settledAt: Math.max(k.lastSeen, ...k.ops.map((op) => op.end ?? -Infinity)) });
    if (k.present === undefined) {
      k.present = has;
      if (has) k.value = actual ?? null;
    } else if (k.present) {
      // Never listed as sent since it was created: the target stores it under another name (or merged it with
      // another key when adding): the add is not under test, so the key is not judged by listing.
      if (!k.seen && (!has || (k.value !== null && actual !== k.value))) {
        k.unlisted = true;
        k.since = [];
        return 'unlisted';
      }
      if (!has) d = diff('vanished', show(k.value), 'missing');
      else if (k.value !== null && actual !== k.value) d = diff('changed', show(k.value), show(actual));
      else k.seen = true;
    } else if (has && !k.unlisted) {
      d = diff(k.seenGone ? 'came-back' : 'still-present', 'missing', show(actual));
    } else if (!has) k.seenGone = true;
    k.since = [];
    k.lastSeen = start;
    if (d) {
      k.present = has;
      k.value = actual ?? null;
      k.seen = has;
      k.seenGone = !has;
    }
    if (k.present) k.mayExist = k.everPresent = true;
    else if (k.present === false && !has) k.mayExist = false;
    return d;
  }
}

/** The effect an add's answer implies. */
export function addEffect(e: Exchange, value: string | null): Effect {
  if (e.status === undefined || e.status >= 500) return { kind: 'unknown' };
  return e.status >= 200 && e.status < 300 ? { kind: 'present', value } : { kind: 'unchanged' };
}

/**
 * The effect a delete's answer implies: 2xx removed it, 4xx left everything as it was, and so did 503 (the service
 * says it did not take the request: a delete that answers 503 and removes the tag anyway is a finding).
 */
export function deleteEffect(e: Exchange): Effect {
  if (e.status === 503) return { kind: 'unchanged' };
  if (e.status === undefined || e.status >= 500) return { kind: 'unknown' };
  return e.status >= 200 && e.status < 300 ? { kind: 'absent' } : { kind: 'unchanged' };
}

/** One line for a difference, for messages and reports. */
export function describeDifference(d: Difference): string {
  const whose = d.owner === 'test' ? "the test's tag" : 'the tag this run did not create';
  return `${whose} ${JSON.stringify(d.key)} on image ${d.image} ${d.kind.replace('-', ' ')}: expected ${d.expected}, listed ${d.actual}`;
}
