// The preflight's probe for targets that lose overlapping writes to one image (OpenStack Glance reads, changes and
// writes back an image's whole tag set). On the run's own keys only, and never two writes that could both store the
// same key: a target that stores a key twice may be unable to delete either row ever again (Glance answers 500 to
// every delete of such a tag), which is harm no run can undo.
//
// So at most two writes overlap, each on its own fresh key, and the next pair starts only when both have answered and
// a listing has been read. A read-modify-write target can then store a key only on behalf of one of the two: an add
// stores its own key, and a write that read a stale set can store the other key back only if the other write deleted
// it (so the other one stored nothing). The worst outcomes are a lost add, an undone delete, and a deleted key come
// back: each is undone by deleting one key at a time, which the probe does, checks by listing (bounded rounds), and
// names what it could not remove. A target that loses or undoes any write is then tested one write at a time (unless
// IMS_SERIAL_WRITES=0) and DT-17 records the finding. With IMS_SERIAL_WRITES=1 the probe sends nothing at all.
import type { ApiClient } from '../http/client.js';
import { describeExchange, type Exchange } from '../http/exchanges.js';
import { appendLedger } from '../books/ledger.js';
import { runPrefix } from './run-id.js';

/** Why the probe did not reach a finding: DT-17's decision reads this, never the sentence. */
export type WriteProbeSkip = 'serial-writes-requested' | 'too-few-slots' | 'incomplete';

export interface WriteProbeRecord {
  image: string;
  /** Rounds run (the probe stops at the first loss). */
  rounds: number;
  /** What went wrong, one line per key: empty when every write took effect. */
  lost: string[];
  /** Exchanges that are the evidence of a loss (one line each). */
  evidence: string[];
  /** Why it did not run or did not complete, for a reader. */
  skipped?: string;
  /** The same, typed. */
  skip?: WriteProbeSkip;
  /** Probe keys still on the image after its own cleanup (named again at the end of the run). */
  left: string[];
}

export interface WriteProbeOptions {
  /** IMS_SERIAL_WRITES=1: the user asked for no overlapping writes at all, so the probe sends none. */
  serialWritesRequested?: boolean;
  /** Rounds on this image (ROUNDS when it is probed alone). */
  rounds?: number;
  /** Shared by the images probed at once: a loss or a refused write on one stops the rounds on every one. */
  shared?: { stop: boolean };
  /** Marks this image's keys: images probed at once never write the same key (a target that confuses images would
   * then refuse the second delete and keep the tag). */
  keyMark?: string;
}

/** Rounds of three overlapping pairs; the probe stops at the first loss. Two writes at once lose one less often than
 * three, hence more rounds: on Glance one round in two or three shows a loss. */
export const ROUNDS = 8;
/** Delete-one-at-a-time passes of the cleanup, each checked by a listing. */
const CLEANUP_PASSES = 3;
/** Keys held at once: the two of a pair plus the one carried into the next pair. */
const SLOTS_NEEDED = 3;
const ok = (e: Exchange) => e.status !== undefined && e.status >= 200 && e.status < 300;

type Write = { key: string; op: 'add' | 'delete' };
type Done = Write & { e: Exchange };

export async function probeWrites(
  owner: ApiClient,
  image: string,
  freeSlots: number,
  ledger: { resultsDir: string; runId: string },
  options: WriteProbeOptions = {},
): Promise<WriteProbeRecord> {
  const record: WriteProbeRecord = { image, rounds: 0, lost: [], evidence: [], left: [] };
  if (options.serialWritesRequested) {
    return { ...record, skip: 'serial-writes-requested', skipped: 'serial writes requested (IMS_SERIAL_WRITES=1): the probe overlaps writes, so it was not run' };
  }
  if (freeSlots < SLOTS_NEEDED) return { ...record, skip: 'too-few-slots', skipped: `needs ${SLOTS_NEEDED} free tag slots on image ${image}, it has ${freeSlots}` };
  const probe = new ImageProbe(owner, image, ledger, options, record);
  try {
    await probe.runRounds();
  } catch (err) {
    // A target the harness cannot read here (a transport error) is judged by the tests, not by the probe.
    record.skip = 'incomplete';
    record.skipped = `the probe could not complete: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`;
  } finally {
    const cleaned = await removeOneByOne(owner, image, probe.created, ledger).catch(() => ({ left: [...probe.created], soloIgnored: [] }));
    record.left = cleaned.left;
    // A delete sent alone that answered 2xx and left its tag listed: the target does not show a delete's effect at
    // all (DT-03 judges that), so the probe's "undone deletes" were no overlap's doing.
    if (record.lost.length && cleaned.soloIgnored.length) {
      record.skip = 'incomplete';
      record.skipped = `the probe could not complete: a delete sent alone answered 2xx and the tag ${JSON.stringify(cleaned.soloIgnored[0])} stayed listed, so what looked like lost overlapping writes is not told from a delete without effect (the tests judge it)`;
      record.lost = [];
      record.evidence = [];
    }
  }
  return record;
}

/** The rounds of one image's probe: its writes, the keys they created, the losses recorded in `record`. */
class ImageProbe {
  /** Every key the probe added (ledgered before the add is sent), for the cleanup. */
  readonly created = new Set<string>();

  constructor(
    private readonly owner: ApiClient,
    private readonly image: string,
    private readonly ledger: { resultsDir: string; runId: string },
    private readonly options: WriteProbeOptions,
    private readonly record: WriteProbeRecord,
  ) {}

  /** The rounds until the first loss (here or, shared, on another image); throws when a write is refused or unanswered. */
  async runRounds(): Promise<void> {
    const { record, options } = this;
    for (let round = 1; round <= (options.rounds ?? ROUNDS) && !record.lost.length && !options.shared?.stop; round++) {
      record.rounds = round;
      const [k0, k1, k2] = [0, 1, 2].map((i) => `${runPrefix(this.ledger.runId)}wp${options.keyMark ?? ''}${round}x${i}`) as [string, string, string];
      // Add beside add, delete beside add, delete beside delete: the three ways two writes can undo each other.
      if (!(await this.pair({ key: k0, op: 'add' }, { key: k1, op: 'add' }))) break;
      if (!(await this.pair({ key: k0, op: 'delete' }, { key: k2, op: 'add' }))) break;
      await this.pair({ key: k1, op: 'delete' }, { key: k2, op: 'delete' });
    }
  }

  private async send(w: Write): Promise<Done> {
    const { owner, image, ledger } = this;
    if (w.op === 'delete') return { ...w, e: await owner.cleanupDelete(w.key, { image }, 'preflight') };
    appendLedger(ledger.resultsDir, { runId: ledger.runId, image, key: w.key, op: 'add', value: `probe-${w.key}`, at: new Date().toISOString() });
    this.created.add(w.key);
    return { ...w, e: await owner.addTag(w.key, `probe-${w.key}`, { image }, 'preflight') };
  }

  private lose(what: string, ...es: Exchange[]): void {
    this.record.lost.push(what);
    if (this.options.shared) this.options.shared.stop = true;
    this.record.evidence.push(...es.map(describeExchange));
  }

  /** Two writes at once, then a listing; true when both took effect. */
  private async pair(a: Write, b: Write): Promise<boolean> {
    if (a.key === b.key) throw new Error('a probe pair must write two different keys'); // the rule the header explains
    const done = await Promise.all([this.send(a), this.send(b)]);
    // A write without an answer may still be running on the target: no further write may overlap it.
    const unanswered = done.find((d) => d.e.status === undefined);
    if (unanswered) throw new Error(`${unanswered.op} of ${JSON.stringify(unanswered.key)} got no answer (${unanswered.e.error ?? 'unknown'})`);
    // A refused write (a 404 for a key just added, a 503): the probe cannot tell a loss from it, and each further
    // round could leave one more tag it cannot remove. The tests judge such a target.
    const refused = done.find((d) => !ok(d.e));
    if (refused) {
      if (this.options.shared) this.options.shared.stop = true;
      throw new Error(`the ${refused.op} of ${JSON.stringify(refused.key)} answered ${refused.e.status}`);
    }
    const listing = await this.owner.list({ image: this.image }, 'preflight');
    for (const d of done) {
      if (!ok(d.e)) continue;
      if (d.op === 'add' && !listing.tags.has(d.key)) this.lose(`an add answered ${d.e.status} but the tag ${JSON.stringify(d.key)} is not listed`, d.e, listing.exchange);
      if (d.op === 'delete' && listing.tags.has(d.key)) this.lose(`a delete answered ${d.e.status} but the tag ${JSON.stringify(d.key)} is listed again`, d.e, listing.exchange);
    }
    return !this.record.lost.length;
  }
}

/**
 * The probe on every image at once, the rounds shared out between them: images have tag sets of their own, so two
 * images' pairs never overlap on one set, and the time of the probe halves with two. The first loss stops every image;
 * each image's keys are its own.
 */
export async function probeImages(owner: ApiClient, images: readonly string[], freeSlots: Readonly<Record<string, number>>, ledger: { resultsDir: string; runId: string }, options: WriteProbeOptions = {}): Promise<WriteProbeRecord[]> {
  const able = images.filter((image) => (freeSlots[image] ?? 0) >= SLOTS_NEEDED);
  const probed = able.length ? able : images.slice(0, 1); // none with room: the first one says why
  const shared = { stop: false };
  const rounds = Math.ceil(ROUNDS / probed.length);
  const mark = (i: number) => (probed.length > 1 ? String.fromCharCode(97 + i) : '');
  return Promise.all(probed.map((image, i) => probeWrites(owner, image, freeSlots[image] ?? 0, ledger, { ...options, rounds, shared, keyMark: mark(i) })));
}

/**
 * The probe's cleanup: one delete at a time, each pass checked by a listing. Returns the keys still there, and those
 * whose delete, sent alone, answered 2xx while the next listing still showed them.
 */
async function removeOneByOne(owner: ApiClient, image: string, keys: Set<string>, ledger: { resultsDir: string; runId: string }): Promise<{ left: string[]; soloIgnored: string[] }> {
  const gone = new Set<string>();
  const answered2xx = new Set<string>();
  const soloIgnored = new Set<string>();
  for (let pass = 0; pass <= CLEANUP_PASSES; pass++) {
    const listing = await owner.list({ image }, 'preflight');
    const there = [...keys].filter((k) => listing.tags.has(k));
    for (const k of there) if (answered2xx.has(k)) soloIgnored.add(k);
    for (const k of keys) {
      if (there.includes(k) || gone.has(k)) continue;
      gone.add(k);
      appendLedger(ledger.resultsDir, { runId: ledger.runId, image, key: k, op: 'gone', at: new Date().toISOString() });
    }
    if (!there.length || pass === CLEANUP_PASSES) return { left: there, soloIgnored: [...soloIgnored] };
    answered2xx.clear();
    for (const k of there) {
      const e = await owner.cleanupDelete(k, { image }, 'preflight').catch(() => undefined);
      if (e && ok(e)) answered2xx.add(k);
    }
  }
  return { left: [...keys], soloIgnored: [...soloIgnored] };
}
