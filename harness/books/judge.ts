// The one judge: turns a listing's differences from the model (harness/books/tag-model.ts) into typed findings under the
// requirement each breaks, with the requests that can have caused them. The tests' books (fixtures/tag-book.ts) and
// the exploration (harness/explore/execution.ts) both use it, on one clock (performance.now()).
//
// The rule for tags this run did not create (DT-04's text in the spec; docs/VERDICTS.md): other people write to a
// shared image, so such a tag that vanishes or changes is judged against a request of this run only when that request
// can have done it: its key and the tag's key are related the way real services conflate them (data/conflations.ts;
// the same key on another image included), or its tag's value and the tag's key or value are equal (a lookup on the
// wrong column), or it removed a tag of the run's own that it did not address, in the same window (a fault that wipes
// tags, a whole collection or every tag, wipes the run's bystanders too; one that spares exactly the run's tags is no
// behaviour of a real service, while another writer removing its own tags is everyday). Otherwise the change is an observation. With the image
// declared exclusive (IMS_IMAGE_EXCLUSIVE=1) every request of the window is a suspect of every change.
import { conflation } from '../../data/conflations.js';
import type { Exchange } from '../http/exchanges.js';
import { describeDifference, show, type CheckResult, type Difference } from './tag-model.js';

/** A request of this run, as the judge relates it to tags. */
export interface SentRequest {
  exchange: Exchange;
  /** The image its path names. */
  image: string;
  /** The key it addressed; undefined: the whole collection (an empty key, `.../tags`). */
  key?: string;
  /** The addressed tag's value as the model held it when sent (value relations). */
  value?: string | null;
  /** It had to be refused: the requirement that says so (DT-08 credentials, DT-09 permission, DT-10 unknown image). */
  refusedBy?: string;
  /** performance.now() before sending and after the answer was read. */
  start: number;
  end: number;
}

/** Every request of one test or one sequence: what can have changed a tag between two listings. */
export class RequestLog {
  readonly entries: SentRequest[] = [];

  add(r: SentRequest): SentRequest {
    this.entries.push(r);
    return r;
  }

  /** Requests that overlap (from, to]: sent before `to` and answered after `from`. */
  within(from: number, to: number): SentRequest[] {
    return this.entries.filter((r) => r.start <= to && r.end >= from);
  }
}

export interface JudgedFinding {
  requirement: string;
  claim: string;
  /** The decisive exchange first, then the other suspects, then the listing that showed it. */
  exchanges: Exchange[];
  /** The keys involved (the one addressed, the one that changed). */
  keys: string[];
}

/** A change of a tag this run did not create, as observed: attributed to requests of the run or to someone else. */
export interface ForeignChange {
  image: string;
  key: string;
  kind: 'vanished' | 'changed' | 'appeared';
  expected: string;
  actual: string;
  /** Wall-clock ISO times: when it was last seen as it was (null: only in the preflight's snapshot), and seen changed. */
  lastSeenAt: string | null;
  seenAt: string;
  /** The requests of this run that can have caused it (their exchange ids); empty: someone else's change. */
  attributedTo: string[];
}

export interface Judgement {
  findings: JudgedFinding[];
  foreign: ForeignChange[];
  /**
   * Tags of the test's own vanished that none of its requests can have removed (a request elsewhere in the run wiped
   * them): since when (performance.now()). The test's requests from then to the listing met a state it did not make,
   * so their answers judge nothing (fixtures/outcomes.ts: disturbed); the wipe itself is the DT-04 finding here.
   */
  wipedSince?: number;
  /** Requests under test whose tag another request of the test had removed first: their answers judge nothing. */
  preempted: Exchange[];
}

export interface JudgeInput {
  result: CheckResult;
  listing: Exchange;
  /** performance.now() before the listing was sent and after it was read. */
  window: { start: number; end: number };
  log: RequestLog;
  /** The request whose effect this listing is checked for. */
  addressed?: SentRequest;
  /** Nobody else writes to the image: every request of the window is a suspect of every change. */
  exclusive: boolean;
}

const ok = (e: Exchange) => e.status !== undefined && e.status >= 200 && e.status < 300;
const wall = (t: number) => new Date(performance.timeOrigin + t).toISOString();
const answer = (e: Exchange) => `${e.status ?? e.error ?? 'nothing'}`;

/** Whether a keyed request can have changed the tag (its key, or its value, related to the tag's). */
function relatedByKey(r: SentRequest, d: Difference): boolean {
  if (r.key === undefined) return false;
  if (conflation(r.key, d.key) !== undefined) return true;
  // A refused request that acted anyway would act on its key: blaming it for a tag that only shares its value takes
  // two faults, where a value-matching delete elsewhere takes one.
  if (r.refusedBy) return false;
  if (r.value !== undefined && r.value !== null && (r.value === d.key || (d.value !== null && r.value === d.value))) return true;
  return d.value !== null && r.key === d.value;
}

export function judge(input: JudgeInput): Judgement {
  const { result, log, window, addressed } = input;
  const findings: JudgedFinding[] = [];
  const foreign: ForeignChange[] = [];
  // Own tags first: the collection requests they implicate may implicate foreign tags too.
  const own = result.differences.filter((d) => d.owner === 'test');
  const implicated = new Set<SentRequest>();
  const relatedOf = new Map<Difference, SentRequest[]>();
  const preempted: Exchange[] = [];
  for (const d of own) {
    const window_ = log.within(d.lastSeen, window.end).filter((r) => r.image === d.image || r.key !== undefined);
    relatedOf.set(d, window_.filter((r) => (r.key === undefined ? r.image === d.image : relatedByKey(r, d))));
  }
  // A tag of the run's own gone with no request of this test related to it: something else wiped tags (another
  // test's request, in a parallel run). Then no single request here is the likely cause: the change is DT-04's.
  const wipedTags = own.filter((d) => d.kind === 'vanished' && !d.since.length && !relatedOf.get(d)!.length);
  const wiped = wipedTags.length > 0;
  for (const d of own) {
    const related = relatedOf.get(d)!;
    // A request that removed a tag of the run's own it did not address removes others' too: a fault that wipes tags
    // (every tag, or every tag of a collection) does not spare the ones the run did not create.
    for (const r of related) if (r.key === undefined || d.kind === 'vanished') implicated.add(r);
    if (d.kind === 'vanished' && addressed && !(addressed.image === d.image && addressed.key === d.key)) implicated.add(addressed);
    const j = judgeOwn(d, related, { addressed, wiped, log, listing: input.listing });
    if (j.finding) findings.push(j.finding);
    if (j.preempted) preempted.push(j.preempted);
  }
  for (const d of result.differences.filter((x) => x.owner === 'foreign')) {
    const inWindow = log.within(d.lastSeen, window.end);
    // A delete removes; only a write that carries a value (an add) can change another tag's value.
    const canDo = (r: SentRequest) => d.kind !== 'changed' || r.exchange.method === 'POST' || r.exchange.method === 'PUT';
    const related = input.exclusive
      ? inWindow
      : inWindow.filter((r) => canDo(r) && ((r.image === d.image && implicated.has(r)) || (r.key !== undefined && relatedByKey(r, d))));
    const suspects = orderSuspects(addressed && related.includes(addressed) ? addressed : undefined, [], related);
    foreign.push({
      image: d.image, key: d.key, kind: d.kind === 'changed' ? 'changed' : 'vanished', expected: d.expected, actual: d.actual,
      lastSeenAt: Number.isFinite(d.lastSeen) ? wall(d.lastSeen) : null, seenAt: wall(window.start), attributedTo: suspects.map((e) => e.id),
    });
    if (suspects.length) findings.push(route(d, suspects, addressed && related.includes(addressed) ? addressed : undefined, log, input.listing, wiped));
  }
  for (const a of result.appeared) {
    foreign.push({ image: result.image, key: a.key, kind: 'appeared', expected: 'missing', actual: show(a.value), lastSeenAt: null, seenAt: wall(window.start), attributedTo: [] });
  }
  return { findings, foreign, preempted, ...(wiped ? { wipedSince: Math.min(...wipedTags.map((d) => d.settledAt)) } : {}) };
}

/**
 * The finding one difference of the run's own tags makes (none when a wipe or another request explains it), and the
 * request under test whose answer it leaves without judgement.
 */
function judgeOwn(d: Difference, related: SentRequest[], ctx: { addressed?: SentRequest; wiped: boolean; log: RequestLog; listing: Exchange }): { finding?: JudgedFinding; preempted?: Exchange } {
  const { addressed, wiped, log, listing } = ctx;
  // Another delete that answered 2xx and can have removed the tag (by its value, a fold of its key) explains a
  // vanished tag better than a request that was refused or answered 404: lanes side by side share the books, and a
  // fault that deletes by value in one lane takes the tag another lane was about to delete.
  const remover = d.kind === 'vanished' ? related.find((r) => r !== addressed && !r.refusedBy && r.exchange.method === 'DELETE' && ok(r.exchange) && !(r.image === d.image && r.key === d.key)) : undefined;
  const isAddressed = !!addressed && addressed.image === d.image && addressed.key === d.key;
  if (remover && addressed && (addressed.refusedBy || !ok(addressed.exchange))) {
    // The addressed delete found its tag already gone: its 404 judges nothing.
    return { finding: route(d, orderSuspects(remover, d.since, related.filter((r) => !r.refusedBy)), remover, log, listing), ...(isAddressed ? { preempted: addressed.exchange } : {}) };
  }
  // The tag's own delete: the addressed request, or another lane's delete of it that answered no 2xx (a 2xx leaves
  // the model expecting it gone). A tag gone under its own delete's 503 is that delete's DT-01, never a DT-04.
  const ownDelete = isAddressed ? addressed : d.kind === 'vanished' ? related.find((r) => r.image === d.image && r.key === d.key && r.exchange.method === 'DELETE' && !r.refusedBy) : undefined;
  // Tags of the test wiped from elsewhere meanwhile: the tag gone under its delete's 404 is the wipe's doing too.
  if (wiped && ownDelete && d.kind === 'vanished' && ownDelete.exchange.status === 404) return { preempted: ownDelete.exchange };
  if (ownDelete && !isAddressed && !wiped) return { finding: route(d, orderSuspects(ownDelete, d.since, related), ownDelete, log, listing) };
  return { finding: route(d, orderSuspects(addressed, d.since, related), wiped ? undefined : addressed, log, listing, wiped) };
}

function orderSuspects(addressed: SentRequest | undefined, since: readonly Exchange[], related: readonly SentRequest[]): Exchange[] {
  const out: Exchange[] = [];
  for (const e of [...(addressed ? [addressed.exchange] : []), ...since, ...related.map((r) => r.exchange)]) if (!out.includes(e)) out.push(e);
  return out;
}

/** The requirement a difference breaks, and the claim that says why. */
function route(d: Difference, suspects: Exchange[], addressed: SentRequest | undefined, log: RequestLog, listing: Exchange, wiped = false): JudgedFinding {
  const refused = wiped ? undefined : addressed?.refusedBy ? addressed : log.entries.find((r) => r.refusedBy && suspects.includes(r.exchange));
  // The addressed tag of a delete (a probe with another method on its URI addresses it too, but answers for nothing).
  const isAddressed = !!addressed && addressed.exchange.method === 'DELETE' && d.image === addressed.image && d.key === addressed.key;
  let requirement: string;
  let claim: string;
  if (refused?.refusedBy) {
    requirement = refused.refusedBy;
    claim = `a request that had to be refused (it answered ${answer(refused.exchange)}) changed the image's tags`;
  } else if (d.kind === 'still-present' || d.kind === 'came-back') {
    requirement = 'DT-03';
    claim = isAddressed && ok(addressed.exchange) ? `the delete answered ${answer(addressed.exchange)} but the tag is still listed` : 'a deleted tag is listed again';
  } else if (isAddressed && !ok(addressed.exchange)) {
    // The tag existed and the delete took effect, so the answer had to be 204 (DT-01); a value change is no delete's.
    requirement = d.kind === 'vanished' ? 'DT-01' : 'DT-04';
    claim = `the delete answered ${answer(addressed.exchange)} yet the tag ${d.kind === 'vanished' ? 'is gone' : 'changed'}`;
  } else {
    requirement = 'DT-04';
    claim = wiped
      ? 'tags vanished that no request of this test addressed (a request elsewhere in the run removed them)'
      : addressed?.key !== undefined ? `a delete of ${JSON.stringify(addressed.key)} changed a tag it did not address` : 'a tag the requests did not address changed';
  }
  return { requirement, claim: `${claim}: ${describeDifference(d)}`, exchanges: [...suspects.slice(0, 6), listing], keys: [...new Set([...(addressed?.key !== undefined ? [addressed.key] : []), d.key])] };
}
