// One execution of a random sequence against the live target: the requests it sends, the model of every image it
// touches (harness/books/tag-model.ts), the whole model check after every command, and a cleanup that removes every tag
// it created, also after a failure. Findings name the requirement a broken property belongs to.
import type { ApiClient } from '../http/client.js';
import type { Exchange } from '../http/exchanges.js';
import { ImageModel, addEffect, deleteEffect } from '../books/tag-model.js';
import { RequestLog, judge, type ForeignChange, type SentRequest } from '../books/judge.js';
import type { Budget } from './budget.js';
import { NEAR_MISS_TOKENS } from '../../data/near-miss-credentials.js';
import { registerSecret } from '../http/redact.js';

export interface ExploreFinding {
  requirement: string;
  claim: string;
  exchanges: Exchange[];
  /** The keys involved (the one addressed, the one that changed): shrinking starts from the steps on them. */
  keys: string[];
}

/** What the exploration needs from its surroundings: clients, images, fresh stems and tag slots (with the ledger). */
export interface ExploreHost {
  owner: ApiClient;
  forbidden?: ApiClient;
  otherProject?: string;
  mainImage: string;
  otherImage?: string;
  stem(): string;
  /** Tags present at start (other people's): they must keep their values. */
  baseline(image: string): Record<string, string | null>;
  /** Keys of the suite that this exploration does not own (other tests of the run): not judged. */
  isSuiteKey(key: string): boolean;
  /** Nobody else writes to the images (IMS_IMAGE_EXCLUSIVE): every foreign change is judged against the sequence. */
  exclusive?: boolean;
  /** How many tags the exploration may hold at once on the image (slots reserved within the free quota). */
  slots(image: string): number;
  /** Whether the sequence holds a witness on the image (one slot more than `slots`); none where the quota had no room. */
  witness?(image: string): boolean;
  /** Adds a tag (ledger line first where there is a ledger), with the catalogue's next value for it unless `value` is given. */
  create(key: string, image: string, value?: string): Promise<{ exchange: Exchange; listed: string | null }>;
  /** The key is confirmed gone from the image: its slot is free, its ledger entry closed. */
  gone(key: string, image: string): void;
}

const ok = (e: Exchange) => e.status !== undefined && e.status >= 200 && e.status < 300;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One concrete step of a sequence, as sent: what shrinking replays (with fresh stems) and removes. */
/** How a delete that must be refused is sent; `token: <id>`: the owner's token tampered as NEAR_MISS_TOKENS' entry says. */
export type RefusedHow = 'forbidden' | 'other-project' | `token: ${string}`;

export interface Action {
  kind: 'add' | 'delete' | 'list' | RefusedHow;
  key?: string;
  image: string;
  /** Whether the whole model check ran after it. */
  check: boolean;
}

/** Tags a cleanup could not remove, per image, across the whole exploration: they keep their slots for good. */
export class Stuck {
  private readonly byImage = new Map<string, number>();
  add(image: string): void {
    this.byImage.set(image, this.of(image) + 1);
  }
  of(image: string): number {
    return this.byImage.get(image) ?? 0;
  }
}

export class Execution {
  readonly findings: ExploreFinding[] = [];
  /** Every exchange of the sequence in order (cleanup excluded): the reproduction. */
  readonly exchanges: Exchange[] = [];
  readonly steps: string[] = [];
  /** The concrete steps sent, for shrinking. */
  readonly actions: Action[] = [];
  /** Keys this execution used, in order of first use, with the images they were added to. */
  readonly known: string[] = [];
  /** Requests under test that answered 503: steps that did nothing (judged by the model only). */
  unavailable = 0;
  private readonly models = new Map<string, ImageModel>();

  /** Changes of tags the sequence did not create, as the judge saw them (someone else's, or attributed). */
  readonly foreign: ForeignChange[] = [];
  private readonly stems: string[] = [];
  harnessError?: Error;

  constructor(
    readonly host: ExploreHost,
    private readonly budget: Budget,
    private readonly stuck: Stuck = new Stuck(),
  ) {}

  /** Whether the sequence goes on: nothing broke yet and the target is usable. */
  get active(): boolean {
    return this.findings.length === 0 && !this.harnessError;
  }

  /** The stems this execution drew, by slot (shrinking maps them to fresh ones). */
  get stemsUsed(): readonly string[] {
    return this.stems;
  }

  stem(slot: number): string {
    while (this.stems.length <= slot) this.stems.push(this.host.stem());
    return this.stems[slot]!;
  }

  model(image: string): ImageModel {
    let m = this.models.get(image);
    if (!m) {
      m = new ImageModel(image, this.host.baseline(image), (k) => this.host.isSuiteKey(k) && !this.known.includes(k));
      this.models.set(image, m);
    }
    return m;
  }

  /** Keys the sequence holds on the image: the model's state decides (they may exist until a listing shows them missing). */
  private held(image: string): string[] {
    return this.models.get(image)?.held() ?? [];
  }

  /**
   * Images the whole model check lists: the main one, every image this sequence holds (or may hold) tags on, and
   * the image just addressed. Elsewhere nothing of ours can change, and the baseline is checked at the end of the run.
   */
  private scope(addressed?: string): string[] {
    const held = [...this.models.keys()].filter((i) => this.held(i).length > 0);
    return [...new Set([this.host.mainImage, ...held, ...(addressed ? [addressed] : [])])];
  }

  /** Requests a command of `n` requests needs, plus its model check, plus the cleanup of everything held so far. */
  affords(n: number): boolean {
    const cleanup = [...this.models.keys()].reduce((sum, i) => sum + (this.held(i).length ? this.held(i).length + 2 : 0), 0);
    return this.active && this.budget.affords(n + this.scope(this.host.otherImage).length + cleanup + 1);
  }

  hasSlot(image: string): boolean {
    const witness = this.witnesses.get(image);
    const held = this.held(image).filter((k) => k !== witness).length;
    return held + this.stuck.of(image) < this.host.slots(image);
  }

  /**
   * The sequence's witness on each image it tags, created before its first tag there: a tag no request of the
   * sequence addresses, so a wipe from elsewhere in the run (another test's request) takes it too and the judge tells
   * that wipe from what the sequence's own requests did (a refused delete, a delete answered 404). Not a step of the
   * sequence: shrinking replays make their own.
   */
  private readonly witnesses = new Map<string, string>();

  private async witness(image: string): Promise<void> {
    if (!this.host.witness?.(image) || this.witnesses.has(image)) return;
    const key = `${this.host.stem()}w`;
    this.witnesses.set(image, key);
    // A value no other tag carries: only a request that removes tags it has no relation to can take the witness. Its
    // add is in the reproduction: a wipe may show only on the witness.
    await this.create(key, image, `witness-${key}`);
  }

  /** Adds the tag through the host, into the model, the request log and the reproduction. */
  private async create(key: string, image: string, value?: string): Promise<void> {
    const done = this.model(image).begin(key);
    const start = performance.now();
    const { exchange, listed } = await this.host.create(key, image, value);
    const end = performance.now();
    this.record(exchange);
    done(addEffect(exchange, listed), exchange, end);
    this.log.add({ exchange, image, key, value: listed, start, end });
  }

  /** Keys the image carries and listed as sent, the most recently used first (picks favour recent keys). */
  present(image: string): string[] {
    const m = this.models.get(image);
    return m ? this.recent.filter((k) => m.owns(k) && m.isPresent(k) === true && m.wasListed(k)) : [];
  }

  /** Keys used before that the image does not carry now (deleted, or only ever probed), the most recent first. */
  absent(image: string): string[] {
    const m = this.model(image);
    return this.recent.filter((k) => m.isPresent(k) === false);
  }

  /** Keys used, the most recently used first. */
  private recent: string[] = [];

  deleted(image: string): string[] {
    const m = this.model(image);
    return this.absent(image).filter((k) => m.wasCarried(k));
  }

  private use(key: string): void {
    if (!this.known.includes(key)) this.known.push(key);
    this.recent = [key, ...this.recent.filter((k) => k !== key)];
  }

  private record(e: Exchange): Exchange {
    this.budget.charge();
    this.exchanges.push(e);
    return e;
  }

  private finding(requirement: string, claim: string, exchanges: Exchange[], keys: string[], at = this.findings.length): void {
    this.findings.splice(at, 0, { requirement, claim, exchanges, keys: [...new Set(keys)] });
  }

  /** Requests sent while a request elsewhere in the run wiped this sequence's tags: their answers judge nothing. */
  private readonly log = new RequestLog();
  private readonly disturbed = new WeakSet<Exchange>();

  /**
   * Judges a request by its answer after its model check (when it has one): a request the check shows disturbed is
   * no finding. The finding keeps its place before the check's own.
   */
  private async answerThenCheck(e: Exchange, check: (() => Promise<void>) | undefined, verdict: () => { requirement: string; claim: string } | undefined, key: string): Promise<void> {
    const at = this.findings.length;
    if (check) await check();
    const v = verdict();
    if (v && !this.disturbed.has(e)) this.finding(v.requirement, v.claim, [e], [key], at);
  }

  /** Runs one command; a harness failure (the target unusable) ends the sequence and is reported as such. */
  async step(label: string, body: () => Promise<void>): Promise<void> {
    this.steps.push(label);
    try {
      await body();
    } catch (err) {
      this.harnessError = err instanceof Error ? err : new Error(String(err));
    }
  }

  async add(key: string, image: string, check = true): Promise<void> {
    await this.witness(image);
    this.actions.push({ kind: 'add', key, image, check });
    this.use(key);
    await this.create(key, image);
    if (check) await this.verify(image);
  }

  /** The owner's delete under test, judged by its answer (DT-01, DT-05) and then by the whole model check. */
  async deleteAsOwner(key: string, image: string, check = true): Promise<void> {
    this.actions.push({ kind: 'delete', key, image, check });
    this.use(key);
    const m = this.model(image);
    const before = m.isPresent(key);
    const listed = m.wasListed(key);
    const value = m.owns(key) ? m.valueOf(key) : undefined;
    const done = m.begin(key);
    const start = performance.now();
    const e = this.record(await this.host.owner.deleteTag(key, { image }));
    const end = performance.now();
    done(deleteEffect(e), e, end);
    const sent = this.log.add({ exchange: e, image, key, value, start, end });
    if (e.status === 503) {
      // A busy service: judged only by the model (nothing may have changed), then a step that did nothing.
      this.unavailable++;
      if (check) await this.verify(image, sent);
      return;
    }
    const carried = m.wasCarried(key);
    await this.answerThenCheck(e, check ? () => this.verify(image, sent) : undefined, () => {
      if (before === true && listed && e.status !== 204) return { requirement: 'DT-01', claim: `deleting a tag the image carries (listed a moment ago) must answer 204; it answered ${e.status ?? e.error}` };
      if (before === false && e.status !== 404) {
        return { requirement: 'DT-05', claim: `deleting ${carried ? 'a key deleted a moment ago' : 'a key the image never carried'} must answer 404 (the operation is not idempotent); it answered ${e.status ?? e.error}` };
      }
      return undefined;
    }, key);
  }

  /** A delete that must be refused (the persona without permission, another project's path): nothing may change. */
  async deleteRefused(key: string, how: RefusedHow, check = true): Promise<boolean> {
    const image = this.host.mainImage;
    const tampered = how.startsWith('token: ') ? await this.tamperedToken(how.slice(7)) : undefined;
    if (how.startsWith('token: ') && tampered === undefined) return false; // the owner signs, or the change is impossible
    this.actions.push({ kind: how, key, image, check });
    this.use(key);
    const m = this.model(image);
    const start = performance.now();
    const e = this.record(
      how === 'forbidden'
        ? await this.host.forbidden!.deleteTag(key, { image })
        : tampered !== undefined
          ? await this.host.owner.deleteTag(key, { image, authOverride: () => ({ 'X-Auth-Token': tampered }) })
          : await this.host.owner.deleteTag(key, { image, project: this.host.otherProject }),
    );
    const sent = this.log.add({ exchange: e, image, key, value: m.owns(key) ? m.valueOf(key) : undefined, refusedBy: tampered !== undefined ? 'DT-08' : 'DT-09', start, end: performance.now() });
    if (e.status === 503) {
      this.unavailable++;
      if (check) await this.verify(image, sent);
      return true;
    }
    await this.answerThenCheck(e, check ? () => this.verify(image, sent) : undefined, () => {
      if (tampered !== undefined) return e.status !== 401 ? { requirement: 'DT-08', claim: `the owner's token with its ${how.slice(7)} must get 401; the delete answered ${e.status ?? e.error}` } : undefined;
      if (how === 'forbidden' && e.status !== 403) return { requirement: 'DT-09', claim: `valid credentials without permission on the image must get 403; the delete answered ${e.status ?? e.error}` };
      if (how === 'other-project' && (ok(e) || e.status === undefined)) return { requirement: 'DT-09', claim: `the owner's credentials in another project's path must never succeed; the delete answered ${e.status ?? e.error}` };
      return undefined;
    }, key);
    return true;
  }

  /** The owner's token changed as the near miss says; undefined when the owner sends no token or the change is impossible. */
  private async tamperedToken(id: string): Promise<string | undefined> {
    const token = (await this.host.owner.authHeaders({ method: 'DELETE', url: 'http://tamper.invalid/' }))['X-Auth-Token'];
    const tampered = token === undefined ? undefined : NEAR_MISS_TOKENS.find((m) => m.id === id)?.tamper(token);
    if (tampered === undefined || tampered === token) return undefined;
    registerSecret(tampered); // one character away from the real token
    return tampered;
  }

  /** A listing of its own: the whole model check as a command. */
  async list(): Promise<void> {
    this.actions.push({ kind: 'list', image: this.host.mainImage, check: true });
    await this.verify();
  }

  /** The whole model check: every image in scope listed and compared with its model, judged by the one judge. */
  private async verify(image?: string, addressed?: SentRequest): Promise<void> {
    const images = this.scope(image);
    const start = performance.now(); // the model's clock: before the listings are sent, after they are read
    const listings = await Promise.all(images.map((image) => this.host.owner.list({ image })));
    const end = performance.now();
    images.forEach((image, i) => {
      const listing = listings[i]!;
      this.record(listing.exchange);
      const m = this.model(image);
      const result = m.check(listing.tags, start, end);
      const j = judge({ result, listing: listing.exchange, window: { start, end }, log: this.log, addressed, exclusive: this.host.exclusive === true });
      for (const f of j.findings) this.finding(f.requirement, f.claim, f.exchanges, f.keys);
      if (j.wipedSince !== undefined) for (const r of this.log.within(j.wipedSince, end)) this.disturbed.add(r.exchange);
      for (const e of j.preempted) this.disturbed.add(e);
      this.foreign.push(...j.foreign);
      // A key the model and the listing agree is gone frees its slot.
      for (const key of m.confirmedGone()) this.host.gone(key, image);
    });
  }

  /**
   * Removes every tag this execution created: first a delete of every key it holds, by the name it sent (a target may
   * list a key under another name, e.g. Glance reads the path's UTF-8 as Latin-1, yet delete it by the name sent),
   * then list, delete what is still listed, list again; a few rounds with pauses, since a target may answer a delete
   * before it takes effect. Returns the keys it could not remove.
   */
  async cleanup(): Promise<string[]> {
    const left: string[] = [];
    for (const image of this.models.keys()) {
      const held = new Set(this.held(image)); // what the model says may exist; the rounds below confirm it gone
      for (const key of held) {
        await this.host.owner.cleanupDelete(key, { image });
        this.budget.charge();
      }
      for (let round = 0; held.size; round++) {
        if (round > 1) await sleep([300, 800, 1500][round - 2] ?? 0); // a delete that did not take at once: give the target a moment
        const listing = await this.host.owner.list({ image }, 'cleanup');
        this.budget.charge();
        for (const key of [...held]) {
          if (listing.tags.has(key)) continue;
          held.delete(key);
          this.host.gone(key, image);
        }
        if (round === 5) break;
        for (const key of held) {
          await this.host.owner.cleanupDelete(key, { image });
          this.budget.charge();
        }
      }
      for (let i = 0; i < held.size; i++) this.stuck.add(image); // the target would not delete it: its slot stays taken
      left.push(...[...held].map((k) => `${JSON.stringify(k)} on image ${image}`));
    }
    return left;
  }
}
