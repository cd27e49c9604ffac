// The one judge: which requirement a difference breaks, and when a change of a tag the run did not create is the
// run's to answer for (a related request) or someone else's (an observation).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ImageModel, addEffect, deleteEffect } from '../harness/books/tag-model.js';
import { RequestLog, judge, type SentRequest } from '../harness/books/judge.js';
import type { Exchange } from '../harness/http/exchanges.js';

let seq = 0;
const ex = (method: string, status: number): Exchange => ({
  id: `t-${++seq}`, seq, operationId: 'x', role: 'under-test', persona: 'owner', transport: 'api', method, url: `u${seq}`, requestHeaders: {}, status, attempt: 1, startedAt: 0, durationMs: 0,
});
const listing = (entries: Record<string, string | null>) => new Map(Object.entries(entries));

/** An image with one own tag `mine` (listed once) and the foreign tags given; the log holds the add. */
function world(foreign: Record<string, string | null>, image = 'img') {
  const log = new RequestLog();
  const m = new ImageModel(image, foreign, () => false);
  const add = ex('POST', 204);
  m.begin('mine', 0)(addEffect(add, 'vm'), add, 1);
  log.add({ exchange: add, image, key: 'mine', value: 'vm', start: 0, end: 1 });
  m.check(listing({ ...foreign, mine: 'vm' }), 2, 3);
  return { m, log };
}

/** Adds a second own tag beside `mine` (created at 4..5) and lists both (6..7). */
function withTag(w: { m: ImageModel; log: RequestLog }, key: string, value: string): void {
  const add = ex('POST', 204);
  w.m.begin(key, 4)(addEffect(add, value), add, 5);
  w.log.add({ exchange: add, image: 'img', key, value, start: 4, end: 5 });
  w.m.check(listing({ mine: 'vm', [key]: value }), 6, 7);
}

function sendDelete(m: ImageModel, log: RequestLog, key: string, status: number, extra: Partial<SentRequest> = {}, t = 10): SentRequest {
  const e = ex('DELETE', status);
  if (m.owns(key) && !extra.refusedBy) m.begin(key, t)(deleteEffect(e), e, t + 1);
  return log.add({ exchange: e, image: m.image, key, start: t, end: t + 1, ...extra });
}

const run = (m: ImageModel, log: RequestLog, after: Record<string, string | null>, addressed?: SentRequest, exclusive = false) =>
  judge({ result: m.check(listing(after), 20, 21), listing: ex('GET', 200), window: { start: 20, end: 21 }, log, addressed, exclusive });

test("another writer's tag that vanished while an unrelated delete ran is an observation, not a finding", () => {
  const { m, log } = world({ 'their-job': 'x' });
  const del = sendDelete(m, log, 'absent-key', 404);
  const j = run(m, log, { mine: 'vm' }, del);
  assert.deepEqual(j.findings, []);
  assert.deepEqual(j.foreign.map((c) => [c.key, c.kind, c.attributedTo]), [['their-job', 'vanished', []]]);
  assert.deepEqual(run(m, log, { mine: 'vm' }).foreign, [], 'reported once: the model follows the target');
});

test('a related delete answers for a foreign tag: a case fold, the same key on another image, a value', () => {
  const fold = world({ Env: 'prod' });
  const j1 = run(fold.m, fold.log, { mine: 'vm' }, sendDelete(fold.m, fold.log, 'env', 404));
  assert.deepEqual(j1.findings.map((f) => f.requirement), ['DT-04']);
  assert.equal(j1.foreign[0]!.attributedTo.length, 1);

  const other = world({ shared: 'v' }, 'img-b');
  const onA: SentRequest = other.log.add({ exchange: ex('DELETE', 204), image: 'img-a', key: 'shared', start: 10, end: 11 });
  assert.deepEqual(run(other.m, other.log, { mine: 'vm' }, onA).findings.map((f) => f.requirement), ['DT-04']);

  const value = world({ colleague: 'same-value' });
  const byValue = value.log.add({ exchange: ex('DELETE', 204), image: 'img', key: 'k', value: 'same-value', start: 10, end: 11 });
  assert.deepEqual(run(value.m, value.log, { mine: 'vm' }, byValue).findings.map((f) => f.requirement), ['DT-04']);
});

test('a whole-collection request answers for a foreign tag only when it also changed one of the run\'s own', () => {
  const spared = world({ theirs: 'x' });
  const empty = spared.log.add({ exchange: ex('DELETE', 404), image: 'img', start: 10, end: 11 });
  assert.deepEqual(run(spared.m, spared.log, { mine: 'vm' }, empty).findings, [], 'own bystander intact: another writer removed theirs');

  const wiped = world({ theirs: 'x' });
  const all = wiped.log.add({ exchange: ex('DELETE', 204), image: 'img', start: 10, end: 11 });
  const j = run(wiped.m, wiped.log, {}, all);
  assert.deepEqual(j.findings.map((f) => f.requirement).sort(), ['DT-04', 'DT-04']);
  assert.ok(j.foreign[0]!.attributedTo.includes(all.exchange.id));
});

test("a delete never answers for another tag's value change; an add of a related key does", () => {
  const w = world({ Config: 'rev 1' });
  sendDelete(w.m, w.log, 'config', 404);
  assert.deepEqual(run(w.m, w.log, { mine: 'vm', Config: 'rev 2' }).findings, []);
  const a = world({ Config: 'rev 1' });
  a.log.add({ exchange: ex('POST', 204), image: 'img', key: 'config', value: 'rev 2', start: 10, end: 11 });
  assert.deepEqual(run(a.m, a.log, { mine: 'vm', Config: 'rev 2' }).findings.map((f) => f.requirement), ['DT-04']);
});

test('declared exclusive, every request of the window answers for every foreign change', () => {
  const { m, log } = world({ 'their-job': 'x' });
  const del = sendDelete(m, log, 'unrelated', 404);
  assert.deepEqual(run(m, log, { mine: 'vm' }, del, true).findings.map((f) => f.requirement), ['DT-04']);
});

test('the requirement a difference breaks: refused requests, a non-2xx that removed the tag, a tag still listed', () => {
  const refused = world({});
  const bad = sendDelete(refused.m, refused.log, 'mine', 401, { refusedBy: 'DT-08' });
  assert.deepEqual(run(refused.m, refused.log, {}, bad).findings.map((f) => f.requirement), ['DT-08']);

  const busy = world({});
  const shed = sendDelete(busy.m, busy.log, 'mine', 503); // 503: the service says it did not take the request
  const j = run(busy.m, busy.log, {}, shed);
  assert.deepEqual(j.findings.map((f) => f.requirement), ['DT-01']);
  assert.match(j.findings[0]!.claim, /answered 503 yet the tag is gone/);

  const stays = world({});
  const ok = sendDelete(stays.m, stays.log, 'mine', 204);
  assert.deepEqual(run(stays.m, stays.log, { mine: 'vm' }, ok).findings.map((f) => f.requirement), ['DT-03']);

  const probe = world({});
  const post = probe.log.add({ exchange: ex('POST', 405), image: 'img', key: 'mine', start: 10, end: 11 });
  assert.deepEqual(run(probe.m, probe.log, {}, post).findings.map((f) => f.requirement), ['DT-04'], 'another method on the URI is no delete');
});

test('a wipe from elsewhere (a tag of the test gone with no related request) is DT-04, not the refused request\'s', () => {
  const w = world({});
  withTag(w, 'bystander', 'vb');
  const bad = sendDelete(w.m, w.log, 'mine', 401, { refusedBy: 'DT-08' });
  assert.deepEqual(run(w.m, w.log, {}, bad).findings.map((f) => f.requirement), ['DT-04', 'DT-04']);
  const kept = world({});
  const k2 = ex('POST', 204);
  kept.m.begin('bystander', 4)(addEffect(k2, 'vb'), k2, 5);
  kept.m.check(listing({ mine: 'vm', bystander: 'vb' }), 6, 7);
  const bad2 = sendDelete(kept.m, kept.log, 'mine', 401, { refusedBy: 'DT-08' });
  assert.deepEqual(run(kept.m, kept.log, { bystander: 'vb' }, bad2).findings.map((f) => f.requirement), ['DT-08'], 'the bystander stayed: the refused request did it');
});

test('a wipe from elsewhere says since when: the test\'s requests from then on met a state the test did not make', () => {
  const w = world({});
  withTag(w, 'bystander', 'vb');
  const bad = sendDelete(w.m, w.log, 'mine', 401, { refusedBy: 'DT-08' });
  const j = run(w.m, w.log, {}, bad);
  // Both tags were last seen at the listing of 6..7: from then on anything the test sent may have met the wipe.
  assert.equal(j.wipedSince, 6);
  assert.deepEqual(w.log.within(j.wipedSince!, 21).map((r) => r.exchange.id), [bad.exchange.id]);
  // Nothing wiped: no such time, and the refused request is judged.
  const kept = world({});
  const bad2 = sendDelete(kept.m, kept.log, 'mine', 401, { refusedBy: 'DT-08' });
  assert.equal(run(kept.m, kept.log, { mine: 'vm' }, bad2).wipedSince, undefined);
  // A tag the test's own request removed (a delete of it) is no wipe: no wipedSince.
  const own = world({});
  const del = sendDelete(own.m, own.log, 'mine', 204);
  assert.equal(run(own.m, own.log, {}, del).wipedSince, undefined);
});

test('a tag another delete of the test removed first (by its value): that delete is DT-04\'s, the 404 of the tag\'s own delete judges nothing', () => {
  const w = world({});
  const by = ex('POST', 204);
  w.m.begin('twin', 4)(addEffect(by, 'vm'), by, 5); // shares mine's value
  w.log.add({ exchange: by, image: 'img', key: 'twin', value: 'vm', start: 4, end: 5 });
  w.m.check(listing({ mine: 'vm', twin: 'vm' }), 6, 7);
  const other = sendDelete(w.m, w.log, 'twin', 204, { value: 'vm' }, 10); // another lane's delete, matching by value
  const late = sendDelete(w.m, w.log, 'mine', 404, { value: 'vm' }, 12); // finds its tag gone
  const j = run(w.m, w.log, {}, late);
  assert.deepEqual(j.findings.map((f) => f.requirement), ['DT-04']);
  assert.equal(j.findings[0]!.exchanges[0], other.exchange, 'the remover comes first in the evidence');
  assert.deepEqual(j.preempted, [late.exchange]);
});

test('a refused request is not blamed for a tag that only shares its value: that is a wipe from elsewhere', () => {
  const w = world({});
  const bad = sendDelete(w.m, w.log, 'other-key', 401, { refusedBy: 'DT-08', value: 'vm' });
  const j = run(w.m, w.log, {}, bad);
  assert.deepEqual(j.findings.map((f) => f.requirement), ['DT-04']);
  assert.notEqual(j.wipedSince, undefined);
});

test('a wipe from elsewhere also explains the addressed tag gone under a 404: no DT-01 for it, its answer judges nothing', () => {
  const w = world({});
  withTag(w, 'bystander', 'vb');
  const late = sendDelete(w.m, w.log, 'mine', 404);
  const j = run(w.m, w.log, {}, late);
  assert.deepEqual(j.findings.map((f) => f.requirement), ['DT-04'], 'the wipe, once');
  assert.deepEqual(j.preempted, [late.exchange]);
  // Without the wipe (the bystander stayed) the 404 that removed the tag is DT-01's.
  const k = world({});
  withTag(k, 'bystander', 'vb');
  const l2 = sendDelete(k.m, k.log, 'mine', 404);
  assert.deepEqual(run(k.m, k.log, { bystander: 'vb' }, l2).findings.map((f) => f.requirement), ['DT-01']);
});

test('a tag gone under its own delete\'s 503, seen by another lane\'s listing, is that delete\'s DT-01, not a DT-04', () => {
  const w = world({});
  const own = sendDelete(w.m, w.log, 'mine', 503, {}, 10); // the model keeps it (a 503 takes nothing)
  const lane = w.log.add({ exchange: ex('DELETE', 204), image: 'img', key: 'elsewhere', start: 12, end: 13 });
  const j = run(w.m, w.log, {}, lane);
  assert.deepEqual(j.findings.map((f) => f.requirement), ['DT-01']);
  assert.equal(j.findings[0]!.exchanges[0], own.exchange);
  assert.match(j.findings[0]!.claim, /answered 503 yet the tag is gone/);
});
