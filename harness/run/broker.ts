// The run's broker: a loopback HTTP service in the runner's main process that every worker shares.
// It hands out tag slots (the image's free quota, across all workers together) and the run's IAM tokens.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HarnessError } from './errors.js';
import { registerSecret } from '../http/redact.js';
import type { IssuedToken } from '../auth/openstack.js';
import { needsRenewal } from '../auth/token-source.js';
import { AkFailureBudget } from '../auth/ak-failure-budget.js';

type TokenPersona = 'owner' | 'forbidden' | 'outsider';

/** Slots asked for on one image: between atLeast and want, plus one for the test's bystander when `extra`. */
export interface SlotAsk {
  image: string;
  want: number;
  atLeast?: number;
  extra?: boolean;
  /**
   * Fewer than `want` only when the run's capacity on the image is smaller: the ask waits for other tests' slots.
   * For a test whose cases, not only its speed, depend on the grant: the run's own tests must never leave a case of
   * a conformant target unexercised.
   */
  whole?: boolean;
}

/** What one ask was granted. */
export interface SlotGrant {
  granted: number;
  extra: boolean;
}

interface Part {
  image: string;
  want: number;
  atLeast: number;
}

/** A test's asks on every image it needs, granted together: a test never waits for one image while holding another. */
interface Waiter {
  parts: Part[];
  grant: (n: number[]) => void;
}

export interface BrokerOptions {
  /** Free tag slots per image id. */
  slots: Record<string, number>;
  /** The run's login tokens; each source logs in once and again before its token expires. */
  iamTokens?: Partial<Record<TokenPersona, { issued(): Promise<IssuedToken> } | undefined>>;
  /** Run-wide budgets by name (e.g. the retries after a 503): every worker draws from the same count. */
  budgets?: Record<string, number>;
}

/** The run's budget of re-sends of a request under test answered 503 (all workers together). */
export const RETRY_503_BUDGET = 'retry-503';
export const RETRY_503_PER_RUN = 60;

/** The run's tag slots: what each image has free, and the tests waiting for some. */
class SlotBook {
  private readonly free: Map<string, number>;
  private readonly capacity: Map<string, number>;
  private readonly queue: Waiter[] = [];

  constructor(slots: Record<string, number>) {
    this.free = new Map(Object.entries(slots));
    this.capacity = new Map(this.free);
  }

  /** Queues one acquire, answered through `answer` once granted; a reason (and no answer) when it never can be. */
  acquire(asks: SlotAsk[], answer: (grants: SlotGrant[]) => void): string | undefined {
    const planned = this.plan(asks);
    if (typeof planned === 'string') return planned;
    const grant = (n: number[]) => answer(n.map((g, i): SlotGrant => ({ granted: g - planned.extras[i]!, extra: planned.extras[i] === 1 })));
    this.queue.push({ parts: planned.parts, grant });
    this.pump();
    return undefined;
  }

  release(image: string, count: number): void {
    this.free.set(image, (this.free.get(image) ?? 0) + count);
  }

  /** The asks of one acquire, checked against the run's capacity: a reason when they can never be granted. */
  private plan(asks: SlotAsk[]): { parts: Part[]; extras: number[] } | string {
    if (new Set(asks.map((a) => a.image)).size !== asks.length) return 'one acquire asks once per image';
    const extras: number[] = [];
    const parts: Part[] = [];
    for (const a of asks) {
      const cap = this.capacity.get(a.image) ?? 0;
      const floor = Number(a.atLeast ?? a.want);
      const least = a.whole === true ? Math.max(floor, Math.min(Number(a.want), cap)) : floor;
      // One slot more when the capacity allows (a test's bystander), asked for together so no test waits holding some.
      const extra = a.extra === true && least + 1 <= cap ? 1 : 0;
      if (least + extra > cap) return `needs ${least + extra} free tag slots on image ${a.image}, the run has ${cap}`;
      extras.push(extra);
      parts.push({ image: a.image, want: Number(a.want) + extra, atLeast: least + extra });
    }
    return { parts, extras };
  }

  // First come, first served on each image: a waiter holds back those behind it on the images where it is short (a
  // large ask is not starved by a stream of small ones), never on an image it could have: a test that holds slots
  // there and asks for more must not wait behind a waiter that waits for the slots that test holds.
  pump(): void {
    const { free, queue } = this;
    const blocked = new Set<string>();
    for (let i = 0; i < queue.length; ) {
      const w = queue[i]!;
      const short = w.parts.filter((p) => blocked.has(p.image) || (free.get(p.image) ?? 0) < p.atLeast);
      if (short.length) {
        for (const p of short) blocked.add(p.image);
        i++;
        continue;
      }
      const granted = w.parts.map((p) => {
        const n = Math.min(p.want, free.get(p.image) ?? 0);
        free.set(p.image, (free.get(p.image) ?? 0) - n);
        return n;
      });
      queue.splice(i, 1);
      w.grant(granted);
    }
  }
}

/** What the broker's routes share for the whole run. */
interface BrokerState {
  slots: SlotBook;
  budgets: Map<string, number>;
  akBudget: AkFailureBudget;
  iamTokens: BrokerOptions['iamTokens'];
}

type Reply = (status: number, value: unknown) => void;

export async function startBroker(opts: BrokerOptions): Promise<{ url: string; close: () => Promise<void> }> {
  const state: BrokerState = {
    slots: new SlotBook(opts.slots),
    budgets: new Map(Object.entries(opts.budgets ?? {})),
    // One budget of known-failing signed requests under the real AK for the whole run, whatever the number of workers.
    akBudget: new AkFailureBudget(),
    iamTokens: opts.iamTokens,
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const reply: Reply = (status, value) => {
        res.writeHead(status, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify(value));
      };
      const body = chunks.length ? (JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>) : {};
      route(req.url ?? '', body, reply, state);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** One broker request, answered by its route. */
function route(url: string, body: Record<string, unknown>, reply: Reply, state: BrokerState): void {
  const { slots, budgets, akBudget } = state;
  if (url === '/slots/acquire') {
    const refused = slots.acquire(body.asks as SlotAsk[], (grants) => reply(200, { grants }));
    if (refused) reply(409, { error: refused });
    return;
  }
  if (url === '/slots/release') {
    slots.release(String(body.image ?? ''), Number(body.count));
    reply(200, {});
    return slots.pump();
  }
  if (url === '/budget/take') {
    const name = String(body.name ?? '');
    const left = budgets.get(name) ?? 0;
    if (left > 0) budgets.set(name, left - 1);
    return reply(200, { granted: left > 0 });
  }
  if (url === '/ak/spend') return reply(200, { granted: akBudget.spend(), ...akBudget.state });
  if (url === '/ak/succeeded') {
    akBudget.succeeded();
    return reply(200, akBudget.state);
  }
  const persona = /^\/iam\/(owner|forbidden|outsider)$/.exec(url)?.[1] as TokenPersona | undefined;
  const source = persona && state.iamTokens?.[persona];
  if (source) {
    source.issued().then(
      ({ token, expiresAt }) => reply(200, { token, expiresAt }),
      (err: unknown) => reply(502, { error: err instanceof Error ? err.message : String(err) }),
    );
    return;
  }
  reply(404, { error: 'unknown broker route' });
}

export class BrokerClient {
  private readonly tokens = new Map<string, { at: number; issued: Promise<IssuedToken> }>();

  constructor(private readonly url: string) {}

  private async call<T>(path: string, body?: unknown): Promise<T> {
    const res = await fetch(`${this.url}${path}`, { method: body === undefined ? 'GET' : 'POST', body: body === undefined ? undefined : JSON.stringify(body) });
    const value = (await res.json()) as T & { error?: string };
    if (!res.ok) throw new HarnessError(value.error ?? `broker ${path} answered ${res.status}`);
    return value;
  }

  /** Waits for between atLeast and want free tag slots on the image; resolves with how many were granted. */
  async acquire(image: string, want: number, atLeast = want): Promise<number> {
    return (await this.acquireAll([{ image, want, atLeast }]))[0]!.granted;
  }

  /** Waits until every ask can be granted, then takes them all at once (extra: whether the bystander's slot was). */
  async acquireAll(asks: readonly SlotAsk[]): Promise<SlotGrant[]> {
    return (await this.call<{ grants: SlotGrant[] }>('/slots/acquire', { asks })).grants;
  }

  async release(image: string, count: number): Promise<void> {
    if (count > 0) await this.call('/slots/release', { image, count });
  }

  /** Takes one unit of a run-wide budget; false when it is spent. */
  async take(name: string): Promise<boolean> {
    return (await this.call<{ granted: boolean }>('/budget/take', { name })).granted;
  }

  /** One request under the real AK that will fail its signature check: false when the run's budget refuses it (then it is not sent). */
  async spendAkFailure(): Promise<boolean> {
    return (await this.call<{ granted: boolean }>('/ak/spend', {})).granted;
  }

  /** A request under the real AK succeeded: the consecutive-failure count starts again. */
  async akSucceeded(): Promise<void> {
    await this.call('/ak/succeeded', {});
  }

  /** The run's login token for the persona: asked once per worker (again near its expiry), scrubbed from anything this process writes. */
  async iamToken(persona: TokenPersona): Promise<string> {
    const held = this.tokens.get(persona);
    if (held) {
      const t = await held.issued.catch(() => undefined);
      if (t && !needsRenewal(t, held.at, Date.now())) return t.token;
    }
    const issued = this.call<IssuedToken>(`/iam/${persona}`).then((t) => {
      registerSecret(t.token);
      return t;
    });
    const entry = { at: Date.now(), issued };
    issued.catch(() => this.tokens.get(persona) === entry && this.tokens.delete(persona)); // the next test may ask again
    this.tokens.set(persona, entry);
    return (await issued).token;
  }
}
