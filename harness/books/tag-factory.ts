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
  private readonly used = new Map<string, number>();
  private readonly live: Created[] = [];

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
    const used = this.used.get(image) ?? 0;
    // A key the test still holds (a tag created again after it vanished) takes no new slot.
    const again = this.live.some((t) => t.key === key && t.image === image);
    if (!again && used >= (this.held.get(image) ?? 0)) throw new HarnessError(`test creates more tags on ${image} than it reserved`);
    const value = opts.value ?? `v-${this.stem()}`;
    appendLedger(this.opts.resultsDir, { runId: this.opts.runId, image, key, op: 'add', value, raw: opts.raw, at: new Date().toISOString() });
    this.used.set(image, (this.used.get(image) ?? 0) + 1);
    const exchange = await this.client.addTag(key, value, { image, raw: opts.raw });
    const created = exchange.status !== undefined && exchange.status >= 200 && exchange.status < 300;
    const listed = this.client.listsValues ? value : null;
    // After a transport error or a 5xx the tag may exist: it keeps its slot and its cleanup, as the model keeps it unknown.
    const maybe = exchange.status === undefined || exchange.status >= 500;
    if ((created || maybe) && !this.live.some((t) => t.key === key && t.image === image)) this.live.push({ image, key, value, listed, raw: !!opts.raw });
    else {
      this.used.set(image, (this.used.get(image) ?? 1) - 1); // nothing was added: the slot is free again
      // Only a definite refusal closes the entry: after a transport error or a 5xx the tag may exist.
      if (exchange.status !== undefined && exchange.status >= 400 && exchange.status < 500) this.gone(image, key);
    }
    return { created, exchange, listed };
  }

  /** The test saw the tag deleted (204): teardown leaves it alone and its slot is reusable. */
  deleted(key: string, image: string = this.opts.defaultImage): void {
    const i = this.live.findIndex((t) => t.key === key && t.image === image);
    if (i >= 0) {
      this.live.splice(i, 1);
      this.used.set(image, (this.used.get(image) ?? 1) - 1);
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
    const t = this.live.find((x) => x.key === key && x.image === image);
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
    this.used.clear();
    return problems;
  }
}
