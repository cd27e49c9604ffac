// One record per HTTP exchange: the evidence a verdict names. Redacted at creation, so nothing later can leak.
import { redactHeaders, redactText } from './redact.js';
import { currentUnit } from '../run/work-unit.js';

export type ExchangeRole = 'under-test' | 'fixture' | 'cleanup' | 'auth' | 'preflight' | 'probe';

export interface Exchange {
  /**
   * The exchange's identity in the run, given when it is recorded: the process that made it and a counter
   * (`w2-17`: worker 2's 17th exchange; `p-3`: the preflight's). Findings and evidence name exchanges by it.
   */
  id: string;
  /** Its place in the log that recorded it (one test's, or the preflight's). */
  seq: number;
  operationId: string | null;
  role: ExchangeRole;
  persona: string;
  transport: 'api' | 'raw';
  method: string;
  url: string;
  requestHeaders: Record<string, string>;
  /** The persona's credentials were replaced by a test's own (DT-08's invalid ones): a reproduction must not reuse them. */
  authOverride?: boolean;
  requestBody?: string;
  status?: number;
  responseHeaders?: Record<string, string>;
  bodyBytes?: number;
  bodyExcerpt?: string;
  /** Transport failure: no usable HTTP response. */
  error?: string;
  attempt: number;
  startedAt: number;
  durationMs: number;
  /** The independent piece of work it was sent for (harness/run/work-unit.ts): a lane's case, an exploration sequence. */
  unit?: string;
  /** Contract check of a response of the operation under test (DT-11), computed on the full body. */
  contract?: { documentedStatus: boolean; errorBody?: { valid: boolean; errors: string[] } };
}

const EXCERPT = 512;

export function excerpt(body: Buffer | string): string {
  const text = typeof body === 'string' ? body : body.toString('utf8');
  return redactText(text.length > EXCERPT ? `${text.slice(0, EXCERPT)}…(${text.length - EXCERPT} more)` : text);
}

export function redactExchange(e: Exchange): Exchange {
  return {
    ...e,
    url: redactText(e.url),
    requestHeaders: redactHeaders(e.requestHeaders),
    responseHeaders: e.responseHeaders && redactHeaders(e.responseHeaders),
    requestBody: e.requestBody === undefined ? undefined : redactText(e.requestBody),
    error: e.error === undefined ? undefined : redactText(e.error),
  };
}

/** The one line that shows an exchange anywhere (messages, evidence, reports): `DELETE /v2/.../tags/k [owner] -> 204`. */
export function describeExchange(e: Exchange): string {
  const outcome = e.error ? `failed: ${e.error}` : `${e.status}${e.bodyBytes ? ` with ${e.bodyBytes} body bytes ${JSON.stringify(e.bodyExcerpt?.slice(0, 160))}` : ''}`;
  return `${e.method} ${e.url} [${e.persona}] -> ${outcome}`;
}

/** One counter per process: every log of a worker (or of the preflight) draws from it, so ids never repeat. */
let counter = 0;
const nextId = () => ++counter;

/** Collects the exchanges of one test (or of the global setup). */
export class ExchangeLog {
  readonly exchanges: Exchange[] = [];
  /** One line per retry of a fixture step: shown with the test (annotations), never hidden in a transcript. */
  readonly retries: string[] = [];
  private seq = 0;

  /** `origin` names the process: `w<workerIndex>` in a test worker (unique in a run), `p` for the preflight. */
  constructor(private readonly origin = 'p') {}

  add(e: Omit<Exchange, 'seq' | 'id'>): Exchange {
    const unit = currentUnit();
    const recorded = redactExchange({ ...e, ...(unit === undefined ? {} : { unit }), id: `${this.origin}-${nextId()}`, seq: ++this.seq });
    this.exchanges.push(recorded);
    return recorded;
  }
}
