// Retries, honestly: fixture steps (add, list) retry 429/503 and connection resets with backoff that honours
// Retry-After within a bounded budget, and every retry is recorded; the DELETE under test is sent once, whatever
// it gets. IMS_MAX_RPS bounds the request rate. Against a local node:http server on 127.0.0.1 only.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request, type APIRequestContext } from '@playwright/test';
import { loadConfig } from '../harness/run/config.js';
import { ApiClient } from '../harness/http/client.js';
import { ExchangeLog } from '../harness/http/exchanges.js';
import { RateLimiter } from '../harness/http/rate-limit.js';

let server: Server;
let context: APIRequestContext;
let url = '';
const seen: { method: string; at: number }[] = [];
// What the server does next, per method: a queue of faults, then success.
const script: Record<string, ('503' | '503-retry-after-0' | '503-retry-after-1' | '429' | 'reset')[]> = {};

before(async () => {
  server = createServer((req, res) => {
    seen.push({ method: req.method ?? '', at: Date.now() });
    req.resume();
    const fault = script[req.method ?? '']?.shift();
    if (fault === 'reset') return req.socket.destroy();
    if (fault === '503') return res.writeHead(503, { 'Content-Type': 'application/json' }).end('{"error":{"code":"IMG.0503","message":"busy"}}');
    if (fault === '503-retry-after-0') return res.writeHead(503, { 'Retry-After': '0', 'Content-Type': 'application/json' }).end('{"error":{"code":"IMG.0503","message":"busy"}}');
    if (fault === '503-retry-after-1') return res.writeHead(503, { 'Retry-After': '1', 'Content-Type': 'application/json' }).end('{"error":{"code":"IMG.0503","message":"busy"}}');
    if (fault === '429') return res.writeHead(429, { 'Content-Type': 'application/json' }).end('{"error":{"code":"APIG.0308","message":"throttled"}}');
    if (req.method === 'GET') return res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"tags":[]}');
    res.writeHead(204).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  setTimeout(() => server.close(), 60_000).unref(); // stops by itself
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  context = await request.newContext();
});

after(async () => {
  await context.dispose();
  server.closeAllConnections();
  server.close();
});

function client(log: ExchangeLog, rps?: number): ApiClient {
  const config = loadConfig({ IMS_ENDPOINT: url, IMS_PROJECT_ID: 'p', IMS_IMAGE_ID: 'i', IMS_AUTH_TOKEN: 'unit-token' });
  return new ApiClient(context, config, log, 'owner', async () => ({ 'X-Auth-Token': 'unit-token' }), new RateLimiter(rps));
}

test('an add answered 503 with Retry-After: 1 is retried after a second, and the retry is recorded', async () => {
  script.POST = ['503-retry-after-1'];
  const log = new ExchangeLog();
  const started = Date.now();
  const e = await client(log).addTag('k', 'v');
  assert.equal(e.status, 204);
  assert.ok(Date.now() - started >= 1000, 'Retry-After honoured');
  assert.deepEqual(log.exchanges.map((x) => [x.attempt, x.status]), [[1, 503], [2, 204]]);
  assert.equal(log.retries.length, 1);
  assert.match(log.retries[0]!, /retried fixture step: POST .* -> 503 .*\(attempt 1 of 6\); attempt 2 after 1000 ms/);
});

test('a list whose connection is reset, then throttled, is retried', async () => {
  script.GET = ['reset', '429'];
  const log = new ExchangeLog();
  const tags = await client(log).listTags();
  assert.equal(tags.size, 0);
  assert.deepEqual(log.exchanges.map((x) => x.attempt), [1, 2, 3]);
  assert.ok(log.exchanges[0]!.error, 'the reset is recorded as a transport error');
  assert.equal(log.exchanges[1]!.status, 429);
});

test('the retry budget is bounded: six attempts, then the last answer stands', async () => {
  script.POST = ['503', '503', '503', '503', '503', '503', '503'];
  const log = new ExchangeLog();
  const started = Date.now();
  const e = await client(log).addTag('k', 'v');
  assert.equal(e.status, 503);
  assert.equal(log.exchanges.length, 6);
  assert.ok(Date.now() - started < 5_000, 'exponential backoff from 100 ms: 100 + 200 + 400 + 800 + 1600 ms');
  script.POST = [];
});

test('a gateway that keeps answering Retry-After: 0 is not sent every try at once: the waits still double', async () => {
  script.POST = ['503-retry-after-0', '503-retry-after-0', '503-retry-after-0'];
  const log = new ExchangeLog();
  const e = await client(log).addTag('k', 'v');
  assert.equal(e.status, 204);
  const waits = log.retries.map((r) => Number(/after (\d+) ms$/.exec(r)?.[1]));
  assert.deepEqual(waits, [100, 200, 400]);
});

test('a cleanup delete tries longer than a fixture step: a tag given up on is left on the target', async () => {
  script.DELETE = Array<'503-retry-after-0'>(9).fill('503-retry-after-0');
  const log = new ExchangeLog();
  const e = await client(log).cleanupDelete('k');
  assert.equal(e.status, 204, 'the tenth try is answered');
  assert.deepEqual(log.exchanges.map((x) => x.attempt), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  script.DELETE = [];
});

test('the DELETE under test is never retried: a 503 is its answer', async () => {
  script.DELETE = ['503'];
  const before = seen.filter((s) => s.method === 'DELETE').length;
  const log = new ExchangeLog();
  const e = await client(log).deleteTag('k');
  assert.equal(e.status, 503);
  assert.equal(seen.filter((s) => s.method === 'DELETE').length - before, 1);
  assert.deepEqual(log.retries, []);
});

test('IMS_MAX_RPS: no more requests in any second than the budget', async () => {
  const log = new ExchangeLog();
  const api = client(log, 10);
  const started = Date.now();
  await Promise.all(Array.from({ length: 21 }, () => api.listTags()));
  const elapsed = Date.now() - started;
  assert.ok(elapsed >= 1_900, `21 requests at 10/s take at least 2 s, took ${elapsed} ms`);
  // When each was sent (the budget is the client's): arrival times on a busy machine bunch what was sent evenly.
  const times = log.exchanges.map((e) => e.startedAt);
  const worst = Math.max(...times.map((t) => times.filter((u) => u >= t && u < t + 1000).length));
  assert.ok(worst <= 11, `${worst} requests within one second`); // 10 per second, plus the one at the window's edge
});
