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

interface Waiter {
  image: string;
  want: number;
  atLeast: number;
  grant: (n: number) => void;
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

export async function startBroker(opts: BrokerOptions): Promise<{ url: string; close: () => Promise<void> }> {
  const free = new Map(Object.entries(opts.slots));
  const capacity = new Map(free);
  const queue: Waiter[] = [];
  const budgets = new Map(Object.entries(opts.budgets ?? {}));
  // One budget of known-failing signed requests under the real AK for the whole run, whatever the number of workers.
  const akBudget = new AkFailureBudget();

  // Strict FIFO: a large request at the head is not starved by a stream of small ones.
  const pump = () => {
    while (queue.length) {
      const head = queue[0]!;
      const available = free.get(head.image) ?? 0;
      if (available < head.atLeast) return;
      const n = Math.min(head.want, available);
      free.set(head.image, available - n);
      queue.shift();
      head.grant(n);
    }
  };

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const reply = (status: number, value: unknown) => {
        res.writeHead(status, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify(value));
      };
      const body = chunks.length ? (JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>) : {};
      const image = String(body.image ?? '');
      if (req.url === '/slots/acquire') {
        const cap = capacity.get(image) ?? 0;
        // One slot more when the capacity allows (a test's bystander), asked for together so no test waits holding some.
        const extra = body.extra === true && Number(body.atLeast ?? body.want) + 1 <= cap ? 1 : 0;
        const want = Number(body.want) + extra;
        const atLeast = Number(body.atLeast ?? body.want) + extra;
        if (atLeast > cap) return reply(409, { error: `needs ${atLeast} free tag slots on image ${image}, the run has ${cap}` });
        queue.push({ image, want, atLeast, grant: (n) => reply(200, { granted: n - extra, extra: extra === 1 }) });
        return pump();
      }
      if (req.url === '/slots/release') {
        free.set(image, (free.get(image) ?? 0) + Number(body.count));
        reply(200, {});
        return pump();
      }
      if (req.url === '/budget/take') {
        const name = String(body.name ?? '');
        const left = budgets.get(name) ?? 0;
        if (left > 0) budgets.set(name, left - 1);
        return reply(200, { granted: left > 0 });
      }
      if (req.url === '/ak/spend') return reply(200, { granted: akBudget.spend(), ...akBudget.state });
      if (req.url === '/ak/succeeded') {
        akBudget.succeeded();
        return reply(200, akBudget.state);
      }
      const persona = /^\/iam\/(owner|forbidden|outsider)$/.exec(req.url ?? '')?.[1] as TokenPersona | undefined;
      const source = persona && opts.iamTokens?.[persona];
      if (source) {
        source.issued().then(
          ({ token, expiresAt }) => reply(200, { token, expiresAt }),
          (err: unknown) => reply(502, { error: err instanceof Error ? err.message : String(err) }),
        );
        return;
      }
      reply(404, { error: 'unknown broker route' });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
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
    return (await this.call<{ granted: number }>('/slots/acquire', { image, want, atLeast })).granted;
  }

  /** As acquire, plus one slot more when the run's capacity on the image allows (extra: whether it was granted). */
  async acquireWithExtra(image: string, want: number, atLeast: number, extra: boolean): Promise<{ granted: number; extra: boolean }> {
    const r = await this.call<{ granted: number; extra?: boolean }>('/slots/acquire', { image, want, atLeast, extra });
    return { granted: r.granted, extra: r.extra === true };
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
