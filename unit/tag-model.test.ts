// The model of an image's tags: what a listing must show after each request, what it may show while requests are in
// flight, and which differences it reports (and how often).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ImageModel, addEffect, deleteEffect } from '../harness/books/tag-model.js';
import type { Exchange } from '../harness/http/exchanges.js';

const ex = (method: string, status: number | undefined, seq = 1): Exchange => ({
  id: `w0-${seq}`, seq, operationId: 'x', role: 'fixture', persona: 'owner', transport: 'api', method, url: `u${seq}`, requestHeaders: {}, status, attempt: 1, startedAt: 0, durationMs: 0,
});
const listing = (entries: Record<string, string | null>) => new Map(Object.entries(entries));
const model = (baseline: Record<string, string | null> = {}) => new ImageModel('img', baseline, (k) => k.startsWith('other-run-'));

/** Runs one request on the model at times [t0, t1]. */
function request(m: ImageModel, key: string, e: Exchange, t0: number, t1: number, kind: 'add' | 'delete', value: string | null = 'v') {
  m.begin(key, t0)(kind === 'add' ? addEffect(e, value) : deleteEffect(e), e, t1);
}

test('after a 204 exactly the addressed tag is gone; a bystander that vanished is reported once, with the suspects', () => {
  const m = model({ env: 'prod' });
  request(m, 'a', ex('POST', 204, 1), 0, 1, 'add', 'va');
  request(m, 'b', ex('POST', 204, 2), 1, 2, 'add', 'vb');
  assert.deepEqual(m.check(listing({ env: 'prod', a: 'va', b: 'vb' }), 3, 4).differences, []);
  const del = ex('DELETE', 204, 3);
  request(m, 'a', del, 5, 6, 'delete');
  const after = m.check(listing({ env: 'prod' }), 7, 8); // b vanished with a
  assert.deepEqual(after.differences.map((d) => [d.key, d.kind, d.owner]), [['b', 'vanished', 'test']]);
  assert.deepEqual(after.differences[0]!.since, [], 'b had no request of its own since it was last seen as expected');
  assert.deepEqual(m.check(listing({ env: 'prod' }), 9, 10).differences, [], 'the model follows the target: one fault, one report');
});

test('a deleted tag that is listed again, a 404 that removed the tag, a changed pre-existing tag', () => {
  const m = model({ env: 'prod' });
  request(m, 'a', ex('POST', 204), 0, 1, 'add');
  request(m, 'a', ex('DELETE', 204), 2, 3, 'delete');
  assert.deepEqual(m.check(listing({ env: 'prod', a: 'v' }), 4, 5).differences.map((d) => d.kind), ['still-present']);
  const m2 = model({ env: 'prod' });
  request(m2, 'k', ex('POST', 204), 0, 1, 'add');
  request(m2, 'k', ex('DELETE', 404), 2, 3, 'delete');
  const d = m2.check(listing({ env: 'staging' }), 4, 5).differences;
  assert.deepEqual(d.map((x) => [x.key, x.kind, x.owner]), [['k', 'vanished', 'test'], ['env', 'changed', 'foreign']]);
});

test('a request overlapping the listing is not judged; an unanswered one takes the listed state', () => {
  const m = model();
  request(m, 'a', ex('POST', 204), 0, 1, 'add');
  request(m, 'a', ex('DELETE', 204), 5, 9, 'delete'); // in flight while the list ran from 4 to 6
  assert.deepEqual(m.check(listing({ a: 'v' }), 4, 6).differences, []);
  assert.deepEqual(m.check(listing({}), 10, 11).differences, []);
  const u = model();
  request(u, 'x', ex('POST', undefined), 0, 1, 'add'); // no answer: it may exist
  assert.deepEqual(u.check(listing({}), 2, 3).differences, []);
  assert.deepEqual(u.live(), [], 'listed as absent: nothing to clean up');
});

test('a key never listed as sent is not judged by listing; other runs\' keys and strangers are not judged', () => {
  const m = model();
  request(m, 'k\u00e9', ex('POST', 204), 0, 1, 'add'); // the target lists it under another name
  const r = m.check(listing({ 'k\u00c3\u00a9': 'v', 'other-run-x': 'v', stranger: 's' }), 2, 3);
  assert.deepEqual(r.differences, []);
  assert.deepEqual(r.unlisted, ['k\u00e9']);
  assert.deepEqual(r.appeared.map((a) => a.key).sort(), ['k\u00c3\u00a9', 'stranger']);
  const plain = model();
  request(plain, 'plain-key', ex('POST', 204), 0, 1, 'add');
  assert.deepEqual(plain.check(listing({}), 2, 3).differences.map((d) => d.kind), ['vanished'], 'a plain key is expected as sent at once');
});

test('held keys: a key holds its slot from its add until a listing shows it missing; a refused add holds none', () => {
  const m = model();
  request(m, 'a', ex('POST', 204), 0, 1, 'add');
  request(m, 'r', ex('POST', 400), 0, 1, 'add'); // refused: never created
  request(m, 'u', ex('POST', 500), 0, 1, 'add'); // may have been created
  assert.deepEqual(m.held().sort(), ['a', 'u']);
  request(m, 'a', ex('DELETE', 204), 2, 3, 'delete');
  assert.deepEqual(m.held().sort(), ['a', 'u'], 'answered 204, not yet listed missing');
  assert.equal(m.wasCarried('a'), true);
  assert.equal(m.wasCarried('r'), false);
  m.check(listing({ u: 'v' }), 4, 5);
  assert.deepEqual(m.held(), ['u'], 'listed: a is gone, u exists');
  assert.deepEqual(m.confirmedGone().sort(), ['a', 'r']);
  const done = m.begin('p');
  assert.deepEqual(m.held().sort(), ['p', 'u'], 'an unanswered request may create its key');
  done({ kind: 'unchanged' });
  assert.deepEqual(m.held(), ['u']);
});
