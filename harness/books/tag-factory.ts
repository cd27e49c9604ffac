// The tag factory: unique keys per test, creation within the run's tag slots, a ledger line before every add,
// and a teardown that deletes only what this test created and did not see deleted.
import type { ApiClient } from '../http/client.js';
import type { BrokerClient, SlotAsk, SlotGrant } from '../run/broker.js';
import type { Exchange } from '../http/exchanges.js';
import { appendLedger, type StuckCase } from './ledger.js';
import { runPrefix } from '../run/run-id.js';
import { HarnessError } from '../run/errors.js';

export interface Created {
  image: string;
  key: string;
  value: string;
  /** The value as the listing will show it: null where the dialect's tags carry no values. */
  listed: string | null;
  raw: boolean;
  /** The case a lane created it for, once its cleanup failed (kept for the teardown's ledger line). */
  case?: StuckCase;
}

export interface CreateResult {
  created: boolean;
  exchange: Exchange;
  /** The value as the listing will show it: null where the dialect's tags carry no values. */
  listed: string | null;
}

/** A cleanup delete is done when the tag is gone: deleted now (any 2xx: a target that answers 200 still deleted it) or already (404). */
export const isCleanedUp = (e: Exchange): boolean => e.status !== undefined && ((e.status >= 200 && e.status < 300) || e.status === 404);

let counter = 0; // per worker process; the worker index makes it unique in the run

export class TagFactory {
  private readonly held = new Map<string, number>();
  /** The tags this test holds, each once: created, being created, or maybe created. Slots and cleanup derive from it. */
  private readonly live: Created[] = [];
  /** Entries an add answered 2xx or left unknown: a refusal of the same key side by side no longer frees them. */
  private readonly kept = new WeakSet<Created>();

  constructor(
    private readonly client: ApiClient,
    private readonly broker: BrokerClient,
    private readonly opts: { runId: string; workerIndex: number; resultsDir: string; defaultImage: string },
  ) {}

  /**
   * A fresh stem: `ctk-<run>-<worker>x<n>_`, within the strictest published add rule. The closing `_` keeps stems
   * prefix-free (`…x1_` is no prefix of `…x10_`), so a prefix-matching fault on one test's key never reaches another's.
   */
  stem(): string {
    return `${runPrefix(this.opts.runId)}${this.opts.workerIndex.toString(36)}x${(++counter).toString(36)}_`;
  }

  /**
   * Reserves tag slots on an image for this test: at least `atLeast`, at most `want`. Waits while other
   * tests hold the image's free quota. Returns the number granted.
   */
  async reserve(want: number, atLeast: number = want, image: string = this.opts.defaultImage): Promise<number> {
    const granted = await this.broker.acquire(image, want, atLeast);
    this.held.set(image, (this.held.get(image) ?? 0) + granted);
    return granted;
  }

  /**
   * As reserve, on several images at once (granted together, so the test never waits for one while holding another),
   * each with one slot more for the test's bystander where asked and the run's capacity on the image allows.
   */
  async reserveAll(asks: readonly SlotAsk[]): Promise<SlotGrant[]> {
    const grants = await this.broker.acquireAll(asks);
    asks.forEach((a, i) => this.held.set(a.image, (this.held.get(a.image) ?? 0) + grants[i]!.granted + (grants[i]!.extra ? 1 : 0)));
    return grants;
  }

  /** Adds a tag. `created` is true when the target answered 2xx; a refusal is not an error here. */
  async create(key: string, opts: { image?: string; value?: string; raw?: boolean } = {}): Promise<CreateResult> {
    const image = opts.image ?? this.opts.defaultImage;
    // A key the test still holds (a tag created again after it vanished) takes no new slot.
    const held = this.find(key, image);
    if (!held && this.slotsUsed(image) >= (this.held.get(image) ?? 0)) throw new HarnessError(`test creates more tags on ${image} than it reserved`);
    const value = opts.value ?? `v-${this.stem()}`;
    const listed = this.client.listedValue(value);
    appendLedger(this.opts.resultsDir, { runId: this.opts.runId, image, key, op: 'add', value, raw: opts.raw, at: new Date().toISOString() });
    // The entry holds its slot from before the add is sent, so a test's adds side by side never exceed what it reserved.
    const entry = held ?? { image, key, value, listed, raw: !!opts.raw };
    if (!held) this.live.push(entry);
    const exchange = await this.client.addTag(key, value, { image, raw: opts.raw });
    const created = exchange.status !== undefined && exchange.status >= 200 && exchange.status < 300;
    // After a transport error or a 5xx the tag may exist: it keeps its slot and its cleanup, as the model keeps it unknown.
    const maybe = exchange.status === undefined || exchange.status >= 500;
    if (created || maybe) {
      this.kept.add(entry);
      if (!this.live.includes(entry)) this.live.push(entry); // an add of the same key side by side was refused first
    } else if (!this.kept.has(entry)) {
      this.drop(entry); // nothing was added: the slot is free again
      this.gone(image, key); // a definite refusal (4xx) closes the entry
    }
    return { created, exchange, listed };
  }

  private find(key: string, image: string): Created | undefined {
    return this.live.find((t) => t.key === key && t.image === image);
  }

  /** The slots the test uses on an image: one per tag it holds (created, being created, or maybe created). */
  private slotsUsed(image: string): number {
    return this.live.filter((t) => t.image === image).length;
  }

  private drop(t: Created): void {
    const i = this.live.indexOf(t);
    if (i >= 0) this.live.splice(i, 1);
  }

  /** The test saw the tag deleted (204): teardown leaves it alone and its slot is reusable. */
  deleted(key: string, image: string = this.opts.defaultImage): void {
    const t = this.find(key, image);
    if (t) {
      this.drop(t);
      this.gone(image, key);
    }
  }

  /** Closes the key's ledger entry: the sweep leaves a key alone once the run knew it was gone. */
  private gone(image: string, key: string): void {
    appendLedger(this.opts.resultsDir, { runId: this.opts.runId, image, key, op: 'gone', at: new Date().toISOString() });
  }

  /**
   * Cleans up one tag now (a lane reusing its slots): a fixture delete, retried; 204 and 404 both free the slot.
   * Any other answer leaves the tag held and recorded as stuck in the ledger (with the case that made it); the
   * caller decides what a held slot means.
   */
  async remove(key: string, image: string = this.opts.defaultImage, about?: StuckCase): Promise<Exchange | undefined> {
    const t = this.find(key, image);
    if (!t) return undefined;
    const e = await this.client.cleanupDelete(key, { image, raw: t.raw });
    if (isCleanedUp(e)) this.deleted(key, image);
    else this.stuck(t, e, about);
    return e;
  }

  /** The target would not delete the tag: the ledger says so, for the sweep and for later runs. */
  private stuck(t: Created, e: Exchange, about?: StuckCase): void {
    t.case ??= about;
    appendLedger(this.opts.resultsDir, { runId: this.opts.runId, image: t.image, key: t.key, op: 'stuck', status: e.status, case: t.case, at: new Date().toISOString() });
  }

  /** Deletes what this test created and did not see deleted, then returns the slots. Runs even after a failure. */
  async cleanup(): Promise<string[]> {
    const problems: string[] = [];
    await Promise.all(
      this.live.splice(0).map(async (t) => {
        const e = await this.client.cleanupDelete(t.key, { image: t.image, raw: t.raw }).catch((err: unknown) => err);
        if (e instanceof Error) problems.push(`cleanup of ${JSON.stringify(t.key)}: ${e.message}`);
        else if (!isCleanedUp(e as Exchange)) {
          problems.push(`cleanup of ${JSON.stringify(t.key)} answered ${(e as Exchange).status}`);
          this.stuck(t, e as Exchange);
        }
        else this.gone(t.image, t.key);
      }),
    );
    await Promise.all([...this.held].map(([image, n]) => this.broker.release(image, n)));
    this.held.clear();
    return problems;
  }
}
