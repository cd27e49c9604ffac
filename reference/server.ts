// The reference target: a small node:http implementation of the spec (add, list, delete; both dialects;
// token, AK/SK and IAM authentication). Options add latency, a tag quota, legitimate variations and mutants.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';
import { posix } from 'node:path';
import type { ReferenceSeed } from './seed.js';
import type { MutantName } from './mutants.js';
import { Store } from './store.js';
import { Personas, type Persona } from './auth/personas.js';
import { hasFoldingTwin, keyFromSegment, matchingKeys } from './keys.js';
import { sendError } from './errors.js';
import { startNeighbours, type NeighbourKind } from './neighbour.js';
import { shedder, type SheddingOptions } from './shedding.js';

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

const STRICT_ADD_KEY = /^[A-Za-z0-9_\-.:+@]{1,36}$/;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

// One closure over the target's state (store, personas, mutant memories): its inner functions are the handlers, each
// short; the length is theirs, kept together because they share that state.
export function createReferenceServer(options: ReferenceOptions): Server {
  const { seed } = options;
  const mutants = options.mutants ?? new Set<MutantName>();
  const has = (m: MutantName) => mutants.has(m);
  const store = new Store(seed, options.preexistingTags);
  const personas = new Personas(seed, { tokenPrefix: has('token-prefix-compare') ? 16 : undefined, sdkDateUnchecked: has('sdk-date-unchecked') });
  const ghosts = new Map<Map<string, string>, Map<string, string>>(); // list-keeps-deleted: tags that still show
  const deletedOnce = new Set<string>(); // idempotent-second-delete: keys deleted before, per image
  const tombstones = new Set<string>(); // deleted-key-tombstone: keys deleted before, on any image
  const stale = new Set<string>(); // readd-undeletable, upsert-stale-index: image+key whose next delete misses the live row
  const negative = new Map<string, number>(); // negative-cache-404: image+key -> when the cached 404 expires

  const fail = (res: ServerResponse, status: number, code: string, message: string) => sendError(res, status, code, message, has);
  const shed = options.shedding ? shedder(options.shedding) : () => false;

  function noContent(res: ServerResponse): void {
    if (has('delete-200-json')) {
      const text = JSON.stringify({ result: 'deleted' });
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
      res.end(text);
    } else if (has('delete-204-with-body')) {
      // Node's http server drops a 204's body, so this fault is written to the socket directly.
      res.socket?.end('HTTP/1.1 204 No Content\r\nContent-Length: 7\r\nConnection: close\r\n\r\ndeleted');
    } else {
      if (has('delete-204-content-length')) res.setHeader('Content-Length', '0');
      res.writeHead(204);
      res.end();
    }
  }

  /** The delete core shared by both dialects, once the image's tags and the caller are known. */
  async function deleteTag(res: ServerResponse, tags: Map<string, string>, imageId: string, segment: string, projectId: string, preDeleted: boolean): Promise<void> {
    if (preDeleted) return noContent(res); // auth-after-delete: the tag went before the caller was checked
    const key = keyFromSegment(segment, has);
    if (has('reject-non-ascii-400') && /[^\x00-\x7f]/.test(key)) return fail(res, 400, 'IMG.0001', 'key contains invalid characters');
    if (has('reject-long-key-400') && key.length > 36) return fail(res, 400, 'IMG.0001', 'key is too long');
    if (has('percent-key-500') && key.includes('%')) return fail(res, 500, 'IMG.0500', 'internal error');
    const matches = matchingKeys(tags.keys(), key, has);
    // delete-by-value: the filter names the value column too, so every tag with the addressed tag's value goes.
    if (has('delete-by-value') && matches.length) {
      const value = tags.get(matches[0]!);
      for (const [k, v] of tags) if (v === value && !matches.includes(k)) matches.push(k);
    }
    const onceKey = `${imageId}\n${key}`;
    if (has('deleted-key-tombstone') && tombstones.has(key)) return fail(res, 404, 'IMG.0404', 'tag not found');
    if (has('negative-cache-404') && (negative.get(onceKey) ?? 0) > Date.now()) return fail(res, 404, 'IMG.0404', 'tag not found');
    if (stale.delete(onceKey)) return noContent(res); // the row it removed was not the live one
    if (has('folding-twin-500') && tags.has(key) && hasFoldingTwin(tags.keys(), key)) return fail(res, 500, 'IMG.0500', 'internal error');
    if (matches.length === 0) {
      if (has('negative-cache-404')) negative.set(onceKey, Date.now() + 2_000);
      if (has('missing-key-204') || (has('idempotent-second-delete') && deletedOnce.has(onceKey))) return noContent(res);
      return fail(res, 404, 'IMG.0404', 'tag not found');
    }
    if (has('non-atomic-delete')) await sleep(25); // the check above and the delete below are not one step
    if (has('delete-204-noop') || (has('delete-noop-non-ascii') && /[^\x00-\x7f]/.test(key))) return noContent(res);
    if (has('lost-writes')) return readModifyWrite(tags, (set) => {
      for (const k of matches) set.delete(k);
    }).then(() => noContent(res));
    for (const k of matches) {
      if (has('list-keeps-deleted')) {
        if (!ghosts.has(tags)) ghosts.set(tags, new Map());
        ghosts.get(tags)!.set(k, tags.get(k)!);
      }
      tags.delete(k);
    }
    if (has('delete-on-every-image')) for (const other of store.imagesOf(projectId)) other.delete(key);
    deletedOnce.add(onceKey);
    tombstones.add(key);
    // delete-then-503: a gateway that times out after the service committed the delete.
    if (has('delete-then-503') && Math.random() < 0.5) {
      res.setHeader('Retry-After', '0');
      return fail(res, 503, 'APIG.0503', 'service unavailable');
    }
    noContent(res);
  }

  /** lost-writes: the whole tag set is read, changed and written back after a pause, as one row (OpenStack Glance). */
  async function readModifyWrite(tags: Map<string, string>, change: (set: Map<string, string>) => void): Promise<void> {
    const copy = new Map(tags);
    await sleep(5);
    change(copy);
    tags.clear();
    for (const [k, v] of copy) tags.set(k, v);
  }

  /** empty-key-deletes-all: a router that reads an empty key as "all tags". */
  function deleteAll(res: ServerResponse, tags: Map<string, string>): void {
    tags.clear();
    noContent(res);
  }

  async function addTag(res: ServerResponse, tags: Map<string, string>, key: string, value: string, imageId: string): Promise<void> {
    if (options.addKeyRule === 'strict' && !STRICT_ADD_KEY.test(key)) return fail(res, 400, 'IMG.0002', 'tag key is invalid');
    if (options.tagQuota !== undefined && !tags.has(key) && tags.size >= options.tagQuota) {
      return fail(res, 400, 'IMG.0003', `the image already has ${options.tagQuota} tags`);
    }
    const onceKey = `${imageId}\n${key}`;
    if ((has('readd-undeletable') && !tags.has(key) && deletedOnce.has(onceKey)) || (has('upsert-stale-index') && tags.has(key))) stale.add(onceKey);
    if (has('lost-writes')) await readModifyWrite(tags, (set) => set.set(key, value));
    else tags.set(key, value);
    res.writeHead(204);
    res.end();
  }

  let listings = 0;
  let shedUntil = 0;
  /** shedListings: whether this listing is shed (503) rather than answered. */
  function shedListing(): boolean {
    const opt = options.shedListings;
    if (!opt) return false;
    if (++listings === opt.after) shedUntil = Date.now() + opt.forMs;
    return Date.now() < shedUntil;
  }

  function listed(tags: Map<string, string>): [string, string][] {
    return [...tags, ...(ghosts.get(tags) ?? new Map<string, string>())];
  }

  function sendJson(res: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}): void {
    const text = JSON.stringify(value);
    res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text), ...headers });
    res.end(text);
  }

  function iamLogin(res: ServerResponse, body: Buffer, host: string | undefined): void {
    try {
      const auth = JSON.parse(body.toString('utf8')) as {
        auth?: { identity?: { password?: { user?: { name?: string; password?: string; domain?: { name?: string } } } }; scope?: { project?: { id?: string } } };
      };
      const user = auth.auth?.identity?.password?.user;
      const persona = personas.login(user?.name ?? '', user?.password ?? '', user?.domain?.name ?? '');
      const scope = auth.auth?.scope?.project?.id;
      if (!persona || (scope !== undefined && scope !== persona.projectId)) return fail(res, 401, 'IAM.0001', 'the user name or password is wrong');
      const token = `iam-${randomBytes(24).toString('hex')}`;
      personas.issueToken(token, persona);
      // A Keystone-like catalogue naming this target as the image service (OpenStack clients find the endpoint there).
      const catalog = [{ type: 'image', name: 'reference', endpoints: [{ interface: 'public', region_id: 'reference', url: `http://${host ?? '127.0.0.1'}` }] }];
      sendJson(res, 201, { token: { expires_at: new Date(Date.now() + 86_400_000).toISOString(), project: { id: persona.projectId }, catalog } }, { 'X-Subject-Token': token });
    } catch {
      fail(res, 400, 'IAM.0002', 'the request body is not JSON');
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
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
    if (method === 'POST' && path === '/v3/auth/tokens') return iamLogin(res, body, req.headers.host);
    if (shed(method)) {
      res.setHeader('Retry-After', '0');
      return fail(res, 503, 'APIG.0503', 'the service is busy: try again');
    }

    const isOpenstack = segs[0] === 'v2' && segs[1] === 'images';
    const isIms = segs[0] === 'v2' && segs[2] === 'images' && segs[4] === 'tags';
    if (!isOpenstack && !isIms) return fail(res, 404, 'IMG.0400', 'no such route');

    const now = new Date(Date.now() + (options.clockOffsetMs ?? 0));
    // auth-after-delete: the delete happens before anyone looks at the caller.
    let preDeleted = false;
    if (has('auth-after-delete') && method === 'DELETE' && segs.length === (isIms ? 6 : 5)) {
      const tags = isIms ? store.tags(segs[1], segs[3]!) : store.anyImage(segs[2]!);
      for (const k of tags ? matchingKeys(tags.keys(), keyFromSegment(segs.at(-1)!, has), has) : []) preDeleted = tags!.delete(k);
    }
    const auth = personas.authenticate(req, body, now);
    let persona: Persona;
    if (auth.ok) persona = auth.persona;
    else if (has('no-auth') || (has('any-token') && typeof req.headers['x-auth-token'] === 'string' && req.headers['x-auth-token'] !== '')) {
      persona = { name: 'owner', projectId: seed.projectId, canWrite: true };
    } else if (has('missing-token-403') && auth.reason === 'no credentials') return fail(res, 403, 'IMG.0403', 'forbidden');
    else return fail(res, 401, 'APIG.0301', auth.reason);
    if (has('no-auth')) persona = { name: 'owner', projectId: seed.projectId, canWrite: true };

    if (isIms) return handleIms(res, segs, persona, method, body, preDeleted);
    return handleOpenstack(res, segs, persona, method, preDeleted);
  }

  async function handleIms(res: ServerResponse, segs: string[], persona: Persona, method: string, body: Buffer, preDeleted: boolean): Promise<void> {
    const [, projectId = '', , imageId = ''] = segs;
    let tags = store.tags(projectId, imageId);
    // no-project-scoping: the token's project is never compared with the path's.
    if (persona.projectId !== projectId && !has('no-project-scoping')) {
      const crossDelete = has('cross-project-delete') && method === 'DELETE' && persona.name === 'owner';
      if (!crossDelete) return fail(res, has('cross-project-404') ? 404 : 403, 'IMG.0403', 'the token is not scoped to this project');
      tags = store.anyImage(imageId);
    }
    if (!tags && has('image-any-project')) tags = store.anyImage(imageId);
    if (!tags) {
      if (has('unknown-image-204') && method === 'DELETE') return noContent(res);
      const status = options.unknownImageStatus ?? 404;
      return fail(res, status, status === 400 ? 'IMG.0027' : 'IMG.0404', 'the image does not exist');
    }
    if (segs.length === 5 && method === 'GET' && shedListing()) return fail(res, 503, 'IMG.0503', 'service unavailable');
    if (segs.length === 5 && method === 'GET') return sendJson(res, 200, { tags: listed(tags).map(([key, value]) => ({ key, value })) });
    if (!persona.canWrite && !(has('forbidden-may-delete') && method === 'DELETE')) {
      return fail(res, has('forbidden-401') ? 401 : 403, 'IMG.0403', 'no permission on this image');
    }
    if (segs.length === 5 && method === 'POST') {
      let tag: { key?: unknown; value?: unknown } | undefined;
      try {
        tag = (JSON.parse(body.toString('utf8')) as { tag?: { key?: unknown; value?: unknown } }).tag;
      } catch {
        /* answered below */
      }
      if (typeof tag?.key !== 'string' || typeof tag.value !== 'string') return fail(res, 400, 'IMG.0002', 'body must be {"tag":{"key","value"}}');
      return addTag(res, tags, tag.key, tag.value, imageId);
    }
    if (has('empty-key-deletes-all') && method === 'DELETE' && (segs.length === 5 || segs[5] === '')) return deleteAll(res, tags);
    if (segs.length === 6 && (method === 'DELETE' || has('any-method-deletes'))) return deleteTag(res, tags, imageId, segs[5]!, projectId, preDeleted);
    return fail(res, 405, 'IMG.0405', 'method not allowed');
  }

  async function handleOpenstack(res: ServerResponse, segs: string[], persona: Persona, method: string, preDeleted: boolean): Promise<void> {
    const imageId = segs[2] ?? '';
    const owner = store.projectOf(imageId);
    const tags = owner === persona.projectId || has('no-project-scoping') || has('image-any-project') ? store.anyImage(imageId) : undefined;
    if (!tags) {
      if (has('unknown-image-204') && method === 'DELETE') return noContent(res);
      return fail(res, options.unknownImageStatus ?? 404, 'IMG.0404', 'the image does not exist');
    }
    if (segs.length === 3 && method === 'GET' && shedListing()) return fail(res, 503, 'IMG.0503', 'service unavailable');
    if (segs.length === 3 && method === 'GET') return sendJson(res, 200, { id: imageId, name: 'reference image', tags: listed(tags).map(([k]) => k) });
    if (has('empty-key-deletes-all') && method === 'DELETE' && segs[3] === 'tags' && (segs.length === 4 || segs[4] === '')) return deleteAll(res, tags);
    if (segs[3] !== 'tags' || segs.length !== 5) return fail(res, 404, 'IMG.0400', 'no such route');
    if (!persona.canWrite && !(has('forbidden-may-delete') && method === 'DELETE')) {
      return fail(res, has('forbidden-401') ? 401 : 403, 'IMG.0403', 'no permission on this image');
    }
    if (method === 'PUT') return addTag(res, tags, keyFromSegment(segs[4]!, () => false), '', imageId);
    if (method === 'DELETE' || has('any-method-deletes')) return deleteTag(res, tags, imageId, segs[4]!, persona.projectId, preDeleted);
    return fail(res, 405, 'IMG.0405', 'method not allowed');
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) fail(res, 500, 'IMG.0500', err instanceof Error ? err.message : 'internal error');
    });
  });
  server.keepAliveTimeout = 5_000;
  if (options.neighbours?.size) {
    const stop = startNeighbours(store, [seed.imageId, seed.otherImageId], options.neighbours);
    server.on('close', stop);
  }
  return server;
}
