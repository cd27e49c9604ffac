import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeSegment, fillTemplate, joinUrl } from '../harness/http/encoding.js';
import { operation } from '../harness/spec.js';
import { UNUSUAL_KEYS } from '../data/unusual-keys.js';
import { NEAR_MISS_PAIRS } from '../data/near-miss-pairs.js';

const TEMPLATE = operation('deleteImageTag').pathTemplate;
const params = { project_id: 'p', image_id: 'i' };

test('the delete path comes from the spec template, one segment per parameter', () => {
  assert.equal(fillTemplate(TEMPLATE, { ...params, key: 'key1' }), '/v2/p/images/i/tags/key1');
});

test('every unusual key becomes exactly one segment that decodes back to the key', () => {
  for (const entry of UNUSUAL_KEYS.filter((k) => k.transport !== 'raw')) {
    const key = entry.make('ctk-abcdefgh-1x1');
    const path = fillTemplate(TEMPLATE, { ...params, key });
    const segments = path.split('/');
    assert.equal(segments.length, 7, `${entry.id} must stay one segment: ${path}`);
    assert.equal(decodeURIComponent(segments[6]!), key, entry.id);
    assert.doesNotMatch(segments[6]!, /[/?#\s\\]/, `${entry.id} leaves no character a URL parser would reinterpret`);
  }
});

test('the WHATWG URL parser keeps every encoded key intact (only the raw dot keys need the raw sender)', () => {
  for (const entry of UNUSUAL_KEYS.filter((k) => k.transport !== 'raw')) {
    const url = new URL(joinUrl('http://127.0.0.1:1/prefix', fillTemplate(TEMPLATE, { ...params, key: entry.make('s') })));
    assert.equal(decodeURIComponent(url.pathname.split('/').at(-1)!), entry.make('s'), entry.id);
  }
  assert.equal(new URL('http://h/v2/p/images/i/tags/.').pathname, '/v2/p/images/i/tags/', 'why dot keys go raw');
});

test('pchar encoding leaves sub-delimiters raw and still one segment', () => {
  assert.equal(encodeSegment('a+b', 'pchar'), 'a+b');
  assert.equal(encodeSegment('a b', 'pchar'), 'a%20b');
  assert.equal(encodeSegment('a/b?c#d', 'pchar'), 'a%2Fb%3Fc%23d');
  assert.equal(encodeSegment("!$&'()*+,;=:@", 'pchar'), "!$&'()*+,;=:@");
  assert.equal(encodeSegment('a+b'), 'a%2Bb');
});

test('a missing path parameter is a programming error, not a silent "undefined"', () => {
  assert.throws(() => fillTemplate(TEMPLATE, params), /key missing/);
});

test('joinUrl keeps a path prefix and drops a trailing slash', () => {
  assert.equal(joinUrl('https://h:8443/ims/', '/v2/x'), 'https://h:8443/ims/v2/x');
});

test('the catalogue covers what the documents ask for', () => {
  const keys = UNUSUAL_KEYS.map((k) => k.make('s'));
  for (const c of "/?#[]@!$&'()*+,;=:".split('')) assert.ok(keys.some((k) => k.includes(`a${c}b`)), `reserved ${c}`);
  for (const n of [36, 37, 128, 129, 255, 256, 1024]) assert.ok(keys.some((k) => k.length === n), `length ${n}`);
  for (const k of ['.', '..']) assert.ok(keys.includes(k), k);
  assert.ok(keys.some((k) => k.startsWith('../')));
  assert.equal(new Set(UNUSUAL_KEYS.map((k) => k.id)).size, UNUSUAL_KEYS.length, 'ids are unique');
  assert.equal(new Set(NEAR_MISS_PAIRS.map((p) => p.id)).size, NEAR_MISS_PAIRS.length, 'pair ids are unique');
  for (const p of NEAR_MISS_PAIRS) assert.notEqual(p.a('s'), p.b('s'), p.id);
  for (const p of NEAR_MISS_PAIRS) assert.ok(p.a('s').includes('s') && p.b('s').includes('s'), `${p.id}: both keys carry the stem`);
  for (const n of [36, 64, 128, 255, 1024]) assert.ok(NEAR_MISS_PAIRS.some((p) => p.a('s').length === n + 1 && p.a('s').slice(0, n) === p.b('s').slice(0, n)), `keys that differ only past ${n} characters`);
});

test('ordinary keys fit the strictest published add rule', async () => {
  const { runPrefix, newRunId } = await import('../harness/run/run-id.js');
  const stem = `${runPrefix(newRunId())}zz${(36 ** 4).toString(36)}`;
  assert.match(stem, /^[A-Za-z0-9_\-.:+@]{1,36}$/);
});

test('keys of recent runs are another run\'s working keys; look-alikes from long ago or the future are not', async () => {
  const { isRecentRunKey, newRunId, runPrefix } = await import('../harness/run/run-id.js');
  const now = Date.now();
  assert.equal(isRecentRunKey(`${runPrefix(newRunId(now - 60_000))}1x2`, now), true);
  assert.equal(isRecentRunKey(` ${runPrefix(newRunId(now))}1x2 `, now), true, 'wrapped unusual keys too');
  assert.equal(isRecentRunKey('ctk-zzzzzzzz-1x1', now), false, 'dated in the far future');
  assert.equal(isRecentRunKey(`${runPrefix(newRunId(now - 7 * 3_600_000))}1x2`, now), false, 'older than a run lives');
  assert.equal(isRecentRunKey('env', now), false);
});
