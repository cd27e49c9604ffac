// The API client: URLs from the spec's templates (one segment per parameter), every exchange recorded with
// its contract check, fixture steps retried within a budget, the operation under test never retried.
import type { APIRequestContext } from '@playwright/test';
import type { SuiteConfig } from '../run/config.js';
import { DIALECT_OPERATIONS, checkErrorBody, checkOsImage, checkTagList, operation, type Operation } from '../spec.js';
import { fillTemplate, joinUrl, type SegmentEncoding } from './encoding.js';
import { describeExchange, excerpt, type Exchange, type ExchangeLog, type ExchangeRole } from './exchanges.js';
import type { AuthHeaders, SignableRequest } from '../auth/credentials.js';
import { sendOnWire, type WireResponse } from './wire.js';
import { HarnessError } from '../run/errors.js';
import { serialTurn } from './serial-turn.js';
import type { RateLimiter } from './rate-limit.js';
import { retryDelayMs } from './backoff.js';

export type PersonaName = 'owner' | 'forbidden' | 'outsider';

export interface TargetAddress {
  /** Defaults to the configured image. */
  image?: string;
  /** Defaults to the configured project. */
  project?: string;
}

export interface DeleteOptions extends TargetAddress {
  encoding?: SegmentEncoding;
  /** Sends the key segment verbatim on a bare socket (dot-segments, byte-level checks). */
  raw?: boolean;
  /** Replaces the persona's authentication headers (DT-08's bad credentials). */
  authOverride?: (req: SignableRequest) => Record<string, string>;
  /** A deliberately concurrent request (DT-06): sent at once even with IMS_SERIAL_WRITES=1. */
  concurrent?: boolean;
  /** Drops the empty key's segment and its slash: `.../tags` instead of `.../tags/` (a router's "all tags"). */
  withoutKeySegment?: boolean;
}

/** A listing with the exchange that fetched it: its start and end bound when the listed state held. */
export interface TagListing {
  tags: Map<string, string | null>;
  exchange: Exchange;
}

/** A request as the client sends it: what it is (operation, role), where, and how. */
interface SendRequest {
  op: Operation;
  role: ExchangeRole;
  method: string;
  url: string;
  body?: string;
  raw?: boolean;
  authOverride?: (req: SignableRequest) => Record<string, string>;
  concurrent?: boolean;
  attempts: number;
  /** false: not an answer of the operation under test (another method on its URI), so DT-11 does not judge it. */
  contract?: boolean;
}

/** The statuses that say the service did not take the request (busy, throttled): sent again, and a cleanup ended on one never got its answer. */
export const RETRYABLE_STATUS: ReadonlySet<number> = new Set([429, 503]);
// Fixture steps: enough tries that a gateway shedding a tenth of requests in bursts does not stop a run.
const MAX_ATTEMPTS = 6;
// A cleanup delete tries longer (about 9.5 s of waits when the service keeps answering 503 without Retry-After): a
// tag it gives up on is left on the target, which is harm; a fixture step it gives up on only leaves a case unexercised.
const CLEANUP_ATTEMPTS = 10;
const FIXTURE_RETRY_CAP_MS = 5_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class ApiClient {
  constructor(
    private readonly request: APIRequestContext,
    private readonly config: SuiteConfig,
    private readonly log: ExchangeLog,
    readonly persona: PersonaName,
    private readonly auth: AuthHeaders,
    private readonly limiter: RateLimiter,
  ) {}

  /** The same client acting as another persona (same log, same connection pool). */
  as(persona: PersonaName, auth: AuthHeaders): ApiClient {
    return new ApiClient(this.request, this.config, this.log, persona, auth, this.limiter);
  }

  /** The persona's own authentication headers for a request (the exploration tampers with the owner's token). */
  authHeaders(req: SignableRequest): Promise<Record<string, string>> {
    return this.auth(req);
  }

  /** Whether the dialect's listing shows tag values (the openstack dialect's tags are plain strings). */
  get listsValues(): boolean {
    return this.config.dialect === 'ims';
  }

  /** A tag's value as this dialect's listing shows it: the value, or null where tags carry none. */
  listedValue(value: string): string | null {
    return this.listsValues ? value : null;
  }

  private get ops() {
    return DIALECT_OPERATIONS[this.config.dialect];
  }

  private path(op: Operation, at: TargetAddress, extra: Record<string, string> = {}, encoding?: SegmentEncoding, raw?: ReadonlySet<string>): string {
    const params = { project_id: at.project ?? this.config.projectId, image_id: at.image ?? this.config.imageId, ...extra };
    return joinUrl(this.config.endpoint, fillTemplate(op.pathTemplate, params, encoding, raw));
  }

  /** DELETE of the operation under test. Never retried: its first answer is the evidence. */
  async deleteTag(key: string, opts: DeleteOptions = {}): Promise<Exchange> {
    return this.sendDelete(key, opts, 'under-test', 1);
  }

  /** Teardown's delete of a tag the test created: retried like any fixture step. */
  async cleanupDelete(key: string, opts: DeleteOptions = {}, role: ExchangeRole = 'cleanup'): Promise<Exchange> {
    return this.sendDelete(key, opts, role, CLEANUP_ATTEMPTS);
  }

  private async sendDelete(key: string, opts: DeleteOptions, role: ExchangeRole, attempts: number): Promise<Exchange> {
    const op = operation(this.ops.delete);
    const url = this.tagUrl(key, opts);
    // `.../tags` is another route than the operation's (its own answer, e.g. 405, is not the operation's to document).
    const contract = !opts.withoutKeySegment;
    return (await this.send({ op, role, method: 'DELETE', url, raw: opts.raw, authOverride: opts.authOverride, concurrent: opts.concurrent, attempts, contract })).exchange;
  }

  private tagUrl(key: string, opts: DeleteOptions): string {
    const op = operation(this.ops.delete);
    const keyParam = this.config.dialect === 'ims' ? 'key' : 'tag';
    const url = this.path(op, opts, { [keyParam]: key }, opts.encoding, opts.raw ? new Set([keyParam]) : undefined);
    return opts.withoutKeySegment && key === '' ? url.replace(/\/$/, '') : url;
  }

  /**
   * Another method than DELETE on a tag's URI (a router that sends every method to the delete handler is a real
   * bug). Not the operation under test: its answer is recorded, not checked against the operation's contract.
   */
  async otherMethod(method: 'GET' | 'HEAD' | 'PUT' | 'POST' | 'PATCH', key: string, at: TargetAddress & { raw?: boolean } = {}): Promise<Exchange> {
    const op = operation(this.ops.delete);
    return (await this.send({ op, role: 'probe', method, url: this.tagUrl(key, at), raw: at.raw, attempts: 1, contract: false })).exchange;
  }

  /** Adds a tag through the dialect's fixture operation. Returns the final exchange (204 = created). */
  async addTag(key: string, value: string, at: TargetAddress & { raw?: boolean } = {}, role: ExchangeRole = 'fixture'): Promise<Exchange> {
    const op = operation(this.ops.add);
    if (this.config.dialect === 'ims') {
      const body = JSON.stringify({ tag: { key, value } });
      return (await this.send({ op, role, method: 'POST', url: this.path(op, at), body, attempts: MAX_ATTEMPTS })).exchange;
    }
    const url = this.path(op, at, { tag: key }, 'component', at.raw ? new Set(['tag']) : undefined);
    return (await this.send({ op, role, method: 'PUT', url, raw: at.raw, attempts: MAX_ATTEMPTS })).exchange;
  }

  /** The image's tags as key -> value (null in the openstack dialect, whose tags have no values). */
  async listTags(at: TargetAddress = {}, role: ExchangeRole = 'fixture'): Promise<Map<string, string | null>> {
    return (await this.list(at, role)).tags;
  }

  /** The image's tags, with the exchange that listed them. */
  async list(at: TargetAddress = {}, role: ExchangeRole = 'fixture'): Promise<TagListing> {
    const op = operation(this.ops.list);
    const { exchange: e, text } = await this.send({ op, role, method: 'GET', url: this.path(op, at), attempts: MAX_ATTEMPTS });
    if (e.error || e.status !== 200) throw new HarnessError(`listing the image's tags failed: ${describeExchange(e)}`);
    const parsed = text === undefined ? undefined : safeJson(text);
    if (this.config.dialect === 'ims') {
      const check = checkTagList(parsed);
      if (!check.valid) throw new HarnessError(`the tag list does not match the spec's TagList schema (${check.errors.join('; ')}): ${describeExchange(e)}`);
      return { tags: new Map((parsed as { tags: { key: string; value: string }[] }).tags.map((t) => [t.key, t.value])), exchange: e };
    }
    const check = checkOsImage(parsed);
    if (!check.valid) throw new HarnessError(`the image does not match the spec's OsImage schema (${check.errors.join('; ')}): ${describeExchange(e)}`);
    return { tags: new Map((parsed as { tags: string[] }).tags.map((t) => [t, null])), exchange: e };
  }

  private async send(req: SendRequest): Promise<{ exchange: Exchange; text: string | undefined }> {
    for (let attempt = 1; ; attempt++) {
      await this.limiter.take();
      const headers: Record<string, string> = {
        Accept: 'application/json',
        ...(req.body ? { 'Content-Type': 'application/json' } : {}),
        ...(req.authOverride
          ? req.authOverride({ method: req.method, url: req.url, body: req.body })
          : await this.auth({ method: req.method, url: req.url, body: req.body })),
      };
      const release = this.config.serialWrites && !req.concurrent ? await serialTurn() : undefined;
      const startedAt = Date.now();
      const res = await sendOnWire(this.request, this.config, { method: req.method, url: req.url, headers, body: req.body, raw: req.raw }).finally(() => release?.());
      const e = this.record(req, attempt, headers, startedAt, res);
      const retryable = res.error !== undefined ? /ECONNRESET|socket hang up|ECONNREFUSED/.test(res.error) : RETRYABLE_STATUS.has(res.status ?? 0);
      if (!retryable || attempt >= req.attempts) {
        if (res.error !== undefined && req.role !== 'under-test') throw new HarnessError(`${req.op.operationId} could not reach the target: ${describeExchange(e)}`);
        return { exchange: e, text: res.body?.toString('utf8') };
      }
      const wait = retryDelayMs(res.headers?.['retry-after'], attempt, FIXTURE_RETRY_CAP_MS);
      this.log.retries.push(`retried ${req.role} step: ${describeExchange(e)} (attempt ${attempt} of ${req.attempts}); attempt ${attempt + 1} after ${wait} ms`);
      await sleep(wait);
    }
  }

  /** The exchange as evidence (redacted by the log), with DT-11's contract check of an answer of the operation under test. */
  private record(req: SendRequest, attempt: number, headers: Record<string, string>, startedAt: number, res: WireResponse): Exchange {
    const { status, headers: responseHeaders, body } = res;
    // A client that cannot read an answer of the operation under test: DT-02 checks the bytes on a bare socket.
    const error = res.error !== undefined && req.role === 'under-test' ? `${res.error} (an HTTP client could not read this response; a 204 that carries a body does this: DT-02 checks the bytes)` : res.error;
    const judged = req.op.underTest && req.contract !== false && status !== undefined && !routesAnywhere(req.url);
    return this.log.add({
      operationId: req.op.operationId,
      role: req.role,
      persona: this.persona,
      transport: req.raw ? 'raw' : 'api',
      method: req.method,
      url: req.url,
      requestHeaders: headers,
      authOverride: req.authOverride ? true : undefined,
      requestBody: req.body,
      status,
      responseHeaders,
      bodyBytes: body?.length,
      bodyExcerpt: body && body.length ? excerpt(body) : undefined,
      error,
      attempt,
      startedAt,
      durationMs: Date.now() - startedAt,
      contract: judged
        ? { documentedStatus: req.op.documentedStatuses.includes(status), errorBody: status >= 400 ? checkErrorBody(body?.toString('utf8') ?? '', responseHeaders?.['content-type'] ?? '') : undefined }
        : undefined,
    });
  }
}


function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * A path ending in a dot-segment (`/.` or `/..`) may legitimately be resolved by any hop to another resource
 * (RFC 3986 §5.2.4), so its answer is not judged as the operation's (DT-11); DT-13 judges it on its own.
 */
function routesAnywhere(url: string): boolean {
  return /\/\.{1,2}$/.test(url.split('?')[0] ?? '');
}
