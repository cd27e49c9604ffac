// The reference target: a small node:http implementation of the spec (add, list, delete; both dialects;
// token, AK/SK and IAM authentication). Options add latency, a tag quota, legitimate variations and mutants.
// This file routes a request and checks its caller; the tag operations themselves are in tags.ts.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';
import { posix } from 'node:path';
import type { ReferenceSeed } from './seed.js';
import type { MutantName } from './mutants.js';
import { Store } from './store.js';
import { Personas, type Persona } from './auth/personas.js';
import { keyFromSegment, matchingKeys } from './keys.js';
import { sendError } from './errors.js';
import { startNeighbours, type NeighbourKind } from './neighbour.js';
import { shedder, type SheddingOptions } from './shedding.js';
import { sleep, TagOperations } from './tags.js';

export interface ReferenceOptions {
  seed: ReferenceSeed;
  latencyMs?: number;
  /** The target's clock runs this far ahead of the machine's (the preflight's clock-skew check). */
  clockOffsetMs?: number;
  /** Most tags one image may hold; adds beyond it get 400. Unlimited when unset. */
  tagQuota?: number;
  /** 404 by default; 400 is the vendor's documented alternative for "image does not exist". */
  unknownImageStatus?: 400 | 404;
  /** `strict`: the add operation refuses keys outside the strictest published rule, as some regions do. */
  addKeyRule?: 'none' | 'strict';
  /** Adds harmless extra response headers, as gateways do. */
  extraHeaders?: boolean;
  /** Image ids are UUIDs read case-insensitively (RFC 9562): a legitimate variation. */
  uuidAnyCase?: boolean;
  /** Tags the main image carries before any run: other people's data. */
  preexistingTags?: Record<string, string>;
  /** From the `after`th listing of tags on, every listing answers 503 for `forMs` ms: a correct service shedding load. */
  shedListings?: { after: number; forMs: number };
  mutants?: ReadonlySet<MutantName>;
  /** Other writers on the owner's two images while the target runs (reference/neighbour.ts). */
  neighbours?: ReadonlySet<NeighbourKind>;
  /** A busy gateway: a share of requests answered 503 before the service sees them (reference/shedding.ts). */
  shedding?: SheddingOptions;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function sendJson(res: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(value);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

export function createReferenceServer(options: ReferenceOptions): Server {
  const target = new ReferenceTarget(options);
  const server = createServer((req, res) => {
    target.handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) target.fail(res, 500, 'IMG.0500', err instanceof Error ? err.message : 'internal error');
    });
  });
  server.keepAliveTimeout = 5_000;
  if (options.neighbours?.size) {
    const stop = startNeighbours(target.store, [options.seed.imageId, options.seed.otherImageId], options.neighbours);
    server.on('close', stop);
  }
  return server;
}

/** One target's state (its store, personas, the mutants' memories) and its request handling, by dialect. */
class ReferenceTarget {
  readonly store: Store;
  private readonly has: (m: MutantName) => boolean;
  private readonly personas: Personas;
  private readonly tags: TagOperations;
  private readonly shed: (method: string) => boolean;
  private listings = 0;
  private shedUntil = 0;

  constructor(private readonly options: ReferenceOptions) {
    const { seed } = options;
    const mutants = options.mutants ?? new Set<MutantName>();
    const has = (m: MutantName) => mutants.has(m);
    this.has = has;
    this.store = new Store(seed, options.preexistingTags);
    this.personas = new Personas(seed, { tokenPrefix: has('token-prefix-compare') ? 16 : undefined, sdkDateUnchecked: has('sdk-date-unchecked') });
    this.tags = new TagOperations(this.store, options, has);
    this.shed = options.shedding ? shedder(options.shedding) : () => false;
  }

  fail(res: ServerResponse, status: number, code: string, message: string): void {
    sendError(res, status, code, message, this.has);
  }

  /** shedListings: whether this listing is shed (503) rather than answered. */
  private shedListing(): boolean {
    const opt = this.options.shedListings;
    if (!opt) return false;
    if (++this.listings === opt.after) this.shedUntil = Date.now() + opt.forMs;
    return Date.now() < this.shedUntil;
  }

  private iamLogin(res: ServerResponse, body: Buffer, host: string | undefined): void {
    try {
      const auth = JSON.parse(body.toString('utf8')) as {
        auth?: { identity?: { password?: { user?: { name?: string; password?: string; domain?: { name?: string } } } }; scope?: { project?: { id?: string } } };
      };
      const user = auth.auth?.identity?.password?.user;
      const persona = this.personas.login(user?.name ?? '', user?.password ?? '', user?.domain?.name ?? '');
      const scope = auth.auth?.scope?.project?.id;
      if (!persona || (scope !== undefined && scope !== persona.projectId)) return this.fail(res, 401, 'IAM.0001', 'the user name or password is wrong');
      const token = `iam-${randomBytes(24).toString('hex')}`;
      this.personas.issueToken(token, persona);
      // A Keystone-like catalogue naming this target as the image service (OpenStack clients find the endpoint there).
      const catalog = [{ type: 'image', name: 'reference', endpoints: [{ interface: 'public', region_id: 'reference', url: `http://${host ?? '127.0.0.1'}` }] }];
      sendJson(res, 201, { token: { expires_at: new Date(Date.now() + 86_400_000).toISOString(), project: { id: persona.projectId }, catalog } }, { 'X-Subject-Token': token });
    } catch {
      this.fail(res, 400, 'IAM.0002', 'the request body is not JSON');
    }
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const { options, has } = this;
    const body = await readBody(req);
    if (options.latencyMs) await sleep(options.latencyMs);
    if (options.clockOffsetMs) res.setHeader('Date', new Date(Date.now() + options.clockOffsetMs).toUTCString());
    if (options.extraHeaders) {
      res.setHeader('X-Request-Id', randomBytes(8).toString('hex'));
      res.setHeader('Strict-Transport-Security', 'max-age=31536000');
    }
    let path = (req.url ?? '/').split('?')[0] ?? '/';
    if (has('dot-segments-normalised')) path = posix.normalize(path);
    const segs = path.split('/').slice(1);
    const imageAt = segs[0] === 'v2' && segs[1] === 'images' ? 2 : 3;
    if (options.uuidAnyCase && /^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$/.test(segs[imageAt] ?? '')) segs[imageAt] = segs[imageAt]!.toLowerCase();
    const method = req.method ?? 'GET';

    if (method === 'GET' && path === '/') return sendJson(res, 200, { service: 'ims reference target', dialects: ['ims', 'openstack'] });
    if (method === 'POST' && path === '/v3/auth/tokens') return this.iamLogin(res, body, req.headers.host);
    if (this.shed(method)) {
      res.setHeader('Retry-After', '0');
      return this.fail(res, 503, 'APIG.0503', 'the service is busy: try again');
    }

    const isOpenstack = segs[0] === 'v2' && segs[1] === 'images';
    const isIms = segs[0] === 'v2' && segs[2] === 'images' && segs[4] === 'tags';
    if (!isOpenstack && !isIms) return this.fail(res, 404, 'IMG.0400', 'no such route');

    // auth-after-delete: the delete happens before anyone looks at the caller.
    const preDeleted = has('auth-after-delete') && method === 'DELETE' && segs.length === (isIms ? 6 : 5) && this.deleteBeforeAuth(segs, isIms);
    const persona = this.caller(req, res, body);
    if (!persona) return;
    if (isIms) return this.handleIms(res, segs, persona, method, body, preDeleted);
    return this.handleOpenstack(res, segs, persona, method, preDeleted);
  }

  /** auth-after-delete: the addressed tag goes before the caller is checked; whether one went. */
  private deleteBeforeAuth(segs: string[], isIms: boolean): boolean {
    let preDeleted = false;
    const tags = isIms ? this.store.tags(segs[1], segs[3]!) : this.store.anyImage(segs[2]!);
    for (const k of tags ? matchingKeys(tags.keys(), keyFromSegment(segs.at(-1)!, this.has), this.has) : []) preDeleted = tags!.delete(k);
    return preDeleted;
  }

  /** The persona the request authenticates as (or that a mutant lets in); undefined once the refusal is answered. */
  private caller(req: IncomingMessage, res: ServerResponse, body: Buffer): Persona | undefined {
    const { has, options } = this;
    const { seed } = options;
    const now = new Date(Date.now() + (options.clockOffsetMs ?? 0));
    const auth = this.personas.authenticate(req, body, now);
    let persona: Persona;
    if (auth.ok) persona = auth.persona;
    else if (has('no-auth') || (has('any-token') && typeof req.headers['x-auth-token'] === 'string' && req.headers['x-auth-token'] !== '')) {
      persona = { name: 'owner', projectId: seed.projectId, canWrite: true };
    } else {
      if (has('missing-token-403') && auth.reason === 'no credentials') this.fail(res, 403, 'IMG.0403', 'forbidden');
      else this.fail(res, 401, 'APIG.0301', auth.reason);
      return undefined;
    }
    if (has('no-auth')) persona = { name: 'owner', projectId: seed.projectId, canWrite: true };
    return persona;
  }

  private async handleIms(res: ServerResponse, segs: string[], persona: Persona, method: string, body: Buffer, preDeleted: boolean): Promise<void> {
    const { has, store, options } = this;
    const [, projectId = '', , imageId = ''] = segs;
    let tags = store.tags(projectId, imageId);
    // no-project-scoping: the token's project is never compared with the path's.
    if (persona.projectId !== projectId && !has('no-project-scoping')) {
      const crossDelete = has('cross-project-delete') && method === 'DELETE' && persona.name === 'owner';
      if (!crossDelete) return this.fail(res, has('cross-project-404') ? 404 : 403, 'IMG.0403', 'the token is not scoped to this project');
      tags = store.anyImage(imageId);
    }
    if (!tags && has('image-any-project')) tags = store.anyImage(imageId);
    if (!tags) {
      if (has('unknown-image-204') && method === 'DELETE') return this.tags.noContent(res);
      const status = options.unknownImageStatus ?? 404;
      return this.fail(res, status, status === 400 ? 'IMG.0027' : 'IMG.0404', 'the image does not exist');
    }
    if (segs.length === 5 && method === 'GET' && this.shedListing()) return this.fail(res, 503, 'IMG.0503', 'service unavailable');
    if (segs.length === 5 && method === 'GET') return sendJson(res, 200, { tags: this.tags.listed(tags).map(([key, value]) => ({ key, value })) });
    if (!persona.canWrite && !(has('forbidden-may-delete') && method === 'DELETE')) {
      return this.fail(res, has('forbidden-401') ? 401 : 403, 'IMG.0403', 'no permission on this image');
    }
    if (segs.length === 5 && method === 'POST') {
      let tag: { key?: unknown; value?: unknown } | undefined;
      try {
        tag = (JSON.parse(body.toString('utf8')) as { tag?: { key?: unknown; value?: unknown } }).tag;
      } catch {
        /* answered below */
      }
      if (typeof tag?.key !== 'string' || typeof tag.value !== 'string') return this.fail(res, 400, 'IMG.0002', 'body must be {"tag":{"key","value"}}');
      return this.tags.addTag(res, tags, tag.key, tag.value, imageId);
    }
    if (has('empty-key-deletes-all') && method === 'DELETE' && (segs.length === 5 || segs[5] === '')) return this.tags.deleteAll(res, tags);
    if (segs.length === 6 && (method === 'DELETE' || has('any-method-deletes'))) return this.tags.deleteTag(res, tags, imageId, segs[5]!, projectId, preDeleted);
    return this.fail(res, 405, 'IMG.0405', 'method not allowed');
  }

  private async handleOpenstack(res: ServerResponse, segs: string[], persona: Persona, method: string, preDeleted: boolean): Promise<void> {
    const { has, store, options } = this;
    const imageId = segs[2] ?? '';
    const owner = store.projectOf(imageId);
    const tags = owner === persona.projectId || has('no-project-scoping') || has('image-any-project') ? store.anyImage(imageId) : undefined;
    if (!tags) {
      if (has('unknown-image-204') && method === 'DELETE') return this.tags.noContent(res);
      return this.fail(res, options.unknownImageStatus ?? 404, 'IMG.0404', 'the image does not exist');
    }
    if (segs.length === 3 && method === 'GET' && this.shedListing()) return this.fail(res, 503, 'IMG.0503', 'service unavailable');
    if (segs.length === 3 && method === 'GET') return sendJson(res, 200, { id: imageId, name: 'reference image', tags: this.tags.listed(tags).map(([k]) => k) });
    if (has('empty-key-deletes-all') && method === 'DELETE' && segs[3] === 'tags' && (segs.length === 4 || segs[4] === '')) return this.tags.deleteAll(res, tags);
    if (segs[3] !== 'tags' || segs.length !== 5) return this.fail(res, 404, 'IMG.0400', 'no such route');
    if (!persona.canWrite && !(has('forbidden-may-delete') && method === 'DELETE')) {
      return this.fail(res, has('forbidden-401') ? 401 : 403, 'IMG.0403', 'no permission on this image');
    }
    if (method === 'PUT') return this.tags.addTag(res, tags, keyFromSegment(segs[4]!, () => false), '', imageId);
    if (method === 'DELETE' || has('any-method-deletes')) return this.tags.deleteTag(res, tags, imageId, segs[4]!, persona.projectId, preDeleted);
    return this.fail(res, 405, 'IMG.0405', 'method not allowed');
  }
}
