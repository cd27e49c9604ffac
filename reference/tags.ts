// The reference target's tag operations, shared by both dialects once the image's tags and the caller are known: add,
// delete, delete-all, the listing. The mutants' faults live here with the memories some of them keep (keys deleted
// before, tags that still show, rows a re-add left stale), which the add and the delete share.
import type { ServerResponse } from 'node:http';
import type { MutantName } from './mutants.js';
import type { Store } from './store.js';
import { hasFoldingTwin, keyFromSegment, matchingKeys } from './keys.js';
import { sendError } from './errors.js';

const STRICT_ADD_KEY = /^[A-Za-z0-9_\-.:+@]{1,36}$/;
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface TagRules {
  /** Most tags one image may hold; adds beyond it get 400. Unlimited when unset. */
  tagQuota?: number;
  /** `strict`: the add operation refuses keys outside the strictest published rule. */
  addKeyRule?: 'none' | 'strict';
}

export class TagOperations {
  private readonly ghosts = new Map<Map<string, string>, Map<string, string>>(); // list-keeps-deleted: tags that still show
  private readonly deletedOnce = new Set<string>(); // idempotent-second-delete: keys deleted before, per image
  private readonly tombstones = new Set<string>(); // deleted-key-tombstone: keys deleted before, on any image
  private readonly stale = new Set<string>(); // readd-undeletable, upsert-stale-index: image+key whose next delete misses the live row
  private readonly negative = new Map<string, number>(); // negative-cache-404: image+key -> when the cached 404 expires

  constructor(
    private readonly store: Store,
    private readonly rules: TagRules,
    private readonly has: (m: MutantName) => boolean,
  ) {}

  private fail(res: ServerResponse, status: number, code: string, message: string): void {
    sendError(res, status, code, message, this.has);
  }

  /** A delete's success: 204 without a body, unless a mutant answers otherwise. */
  noContent(res: ServerResponse): void {
    const { has } = this;
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
  async deleteTag(res: ServerResponse, tags: Map<string, string>, imageId: string, segment: string, projectId: string, preDeleted: boolean): Promise<void> {
    const { has } = this;
    if (preDeleted) return this.noContent(res); // auth-after-delete: the tag went before the caller was checked
    const key = keyFromSegment(segment, has);
    if (has('reject-non-ascii-400') && /[^\x00-\x7f]/.test(key)) return this.fail(res, 400, 'IMG.0001', 'key contains invalid characters');
    if (has('reject-long-key-400') && key.length > 36) return this.fail(res, 400, 'IMG.0001', 'key is too long');
    if (has('percent-key-500') && key.includes('%')) return this.fail(res, 500, 'IMG.0500', 'internal error');
    const matches = matchingKeys(tags.keys(), key, has);
    // delete-by-value: the filter names the value column too, so every tag with the addressed tag's value goes.
    if (has('delete-by-value') && matches.length) {
      const value = tags.get(matches[0]!);
      for (const [k, v] of tags) if (v === value && !matches.includes(k)) matches.push(k);
    }
    const onceKey = `${imageId}\n${key}`;
    if (has('deleted-key-tombstone') && this.tombstones.has(key)) return this.fail(res, 404, 'IMG.0404', 'tag not found');
    if (has('negative-cache-404') && (this.negative.get(onceKey) ?? 0) > Date.now()) return this.fail(res, 404, 'IMG.0404', 'tag not found');
    if (this.stale.delete(onceKey)) return this.noContent(res); // the row it removed was not the live one
    if (has('folding-twin-500') && tags.has(key) && hasFoldingTwin(tags.keys(), key)) return this.fail(res, 500, 'IMG.0500', 'internal error');
    if (matches.length === 0) {
      if (has('negative-cache-404')) this.negative.set(onceKey, Date.now() + 2_000);
      if (has('missing-key-204') || (has('idempotent-second-delete') && this.deletedOnce.has(onceKey))) return this.noContent(res);
      return this.fail(res, 404, 'IMG.0404', 'tag not found');
    }
    if (has('non-atomic-delete')) await sleep(25); // the check above and the delete below are not one step
    if (has('delete-204-noop') || (has('delete-noop-non-ascii') && /[^\x00-\x7f]/.test(key))) return this.noContent(res);
    if (has('lost-writes')) return readModifyWrite(tags, (set) => {
      for (const k of matches) set.delete(k);
    }).then(() => this.noContent(res));
    this.remove(tags, matches, key, projectId, onceKey);
    // delete-then-503: a gateway that times out after the service committed the delete.
    if (has('delete-then-503') && Math.random() < 0.5) {
      res.setHeader('Retry-After', '0');
      return this.fail(res, 503, 'APIG.0503', 'service unavailable');
    }
    this.noContent(res);
  }

  /** The delete itself: the matched tags go (a ghost of each stays listed under list-keeps-deleted), the key is remembered. */
  private remove(tags: Map<string, string>, matches: string[], key: string, projectId: string, onceKey: string): void {
    for (const k of matches) {
      if (this.has('list-keeps-deleted')) {
        if (!this.ghosts.has(tags)) this.ghosts.set(tags, new Map());
        this.ghosts.get(tags)!.set(k, tags.get(k)!);
      }
      tags.delete(k);
    }
    if (this.has('delete-on-every-image')) for (const other of this.store.imagesOf(projectId)) other.delete(key);
    this.deletedOnce.add(onceKey);
    this.tombstones.add(key);
  }

  /** empty-key-deletes-all: a router that reads an empty key as "all tags". */
  deleteAll(res: ServerResponse, tags: Map<string, string>): void {
    tags.clear();
    this.noContent(res);
  }

  async addTag(res: ServerResponse, tags: Map<string, string>, key: string, value: string, imageId: string): Promise<void> {
    const { has, rules } = this;
    if (rules.addKeyRule === 'strict' && !STRICT_ADD_KEY.test(key)) return this.fail(res, 400, 'IMG.0002', 'tag key is invalid');
    if (rules.tagQuota !== undefined && !tags.has(key) && tags.size >= rules.tagQuota) {
      return this.fail(res, 400, 'IMG.0003', `the image already has ${rules.tagQuota} tags`);
    }
    const onceKey = `${imageId}\n${key}`;
    if ((has('readd-undeletable') && !tags.has(key) && this.deletedOnce.has(onceKey)) || (has('upsert-stale-index') && tags.has(key))) this.stale.add(onceKey);
    if (has('lost-writes')) await readModifyWrite(tags, (set) => set.set(key, value));
    else tags.set(key, value);
    res.writeHead(204);
    res.end();
  }

  /** The tags a listing shows: the image's, and under list-keeps-deleted the ghosts of deleted ones. */
  listed(tags: Map<string, string>): [string, string][] {
    return [...tags, ...(this.ghosts.get(tags) ?? new Map<string, string>())];
  }
}

/** lost-writes: the whole tag set is read, changed and written back after a pause, as one row (OpenStack Glance). */
async function readModifyWrite(tags: Map<string, string>, change: (set: Map<string, string>) => void): Promise<void> {
  const copy = new Map(tags);
  await sleep(5);
  change(copy);
  tags.clear();
  for (const [k, v] of copy) tags.set(k, v);
}
