// The exploration's pure parts: curl lines carry credentials only as shell variables, the budget's shares, and the
// key generators (every key carries its stem, none is unencodable, the catalogues' keys come up).
import test from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { curlCommand, shellQuote } from '../harness/http/curl.js';
import { Budget } from '../harness/explore/budget.js';
import { keyRecipe } from '../harness/explore/keys.js';
import { sequenceSeed } from '../harness/explore/explore.js';
import { redactExchange, type Exchange } from '../harness/http/exchanges.js';
import { registerSecret } from '../harness/http/redact.js';

const exchange = (over: Partial<Exchange>): Exchange => redactExchange({
  id: 'w0-1', seq: 1, operationId: 'x', role: 'under-test', persona: 'owner', transport: 'api', method: 'DELETE',
  url: 'http://127.0.0.1:1/v2/p/images/i/tags/a%27b', requestHeaders: {}, attempt: 1, startedAt: 0, durationMs: 1, ...over,
});

test('curl lines name credentials as shell variables, never their values', () => {
  registerSecret('s3cr3t-owner-token');
  const owner = curlCommand(exchange({ requestHeaders: { 'X-Auth-Token': 's3cr3t-owner-token', Accept: 'application/json' } }));
  assert.ok(owner.includes('"X-Auth-Token: $IMS_AUTH_TOKEN"'), owner);
  assert.ok(!owner.includes('s3cr3t'), owner);
  const forbidden = curlCommand(exchange({ persona: 'forbidden', requestHeaders: { 'X-Auth-Token': 'whatever-token' } }));
  assert.ok(forbidden.includes('$IMS_FORBIDDEN_AUTH_TOKEN'), forbidden);
  const signed = curlCommand(exchange({ requestHeaders: { Authorization: 'SDK-HMAC-SHA256 Access=AK, SignedHeaders=host, Signature=abcdef0123456789abcdef' } }));
  assert.ok(signed.includes('$SDK_AUTHORIZATION') && signed.includes('# sign the request'), signed);
  assert.ok(!signed.includes('abcdef0123456789abcdef'), signed);
});

test('curl lines quote URLs and bodies for the shell', () => {
  assert.equal(shellQuote("a'b"), `'a'\\''b'`);
  const post = curlCommand(exchange({ method: 'POST', requestBody: '{"tag":{"key":"it\'s","value":"v"}}' }));
  assert.ok(post.includes(`--data-binary '{"tag":{"key":"it'\\''s","value":"v"}}'`), post);
  assert.ok(post.includes(`'http://127.0.0.1:1/v2/p/images/i/tags/a%27b'`), post);
});

test('the budget splits into a search share and a shrinking share', () => {
  const b = new Budget(400);
  assert.deepEqual(b.limits, { explore: 240, shrink: 160 });
  b.charge(240);
  assert.equal(b.affords(1), false);
  b.phase = 'shrink';
  assert.equal(b.affords(160), true);
  assert.equal(b.affords(161), false);
  assert.equal(b.spent, 240);
});

test('every generated key carries its stem, is encodable, and the catalogues come up', () => {
  const stem = 'ctk-tp000000-0x1';
  const labels = new Set<string>();
  fc.assert(
    fc.property(keyRecipe, (r) => {
      const key = r.make(stem);
      labels.add(r.label.split(' ')[0]!);
      encodeURIComponent(key); // throws on a lone surrogate
      return key.includes(stem) && key.length <= stem.length + 1 + 1024 * 2;
    }),
    { numRuns: 500, seed: 42 },
  );
  for (const kind of ['plain', 'near-miss', 'unusual', 'text']) assert.ok(labels.has(kind), `no ${kind} key in 500 draws`);
});

test("the search's share is cut into sequences in advance; a sequence's part limits it and counts in the whole", () => {
  const b = new Budget(400);
  const parts = b.sequenceParts();
  assert.equal(parts.reduce((n, p) => n + p, 0), 240);
  assert.ok(parts.length > 1 && parts.every((p) => p === parts[0]), `${parts}`);
  assert.deepEqual(new Budget(10).sequenceParts(), [6]);
  const part = b.part(parts[0]!);
  part.charge(parts[0]!);
  assert.equal(part.affords(1), false);
  assert.equal(b.used.explore, parts[0]);
  const other = b.part(parts[1]!);
  other.close();
  assert.equal(other.affords(1), false);
});

test("a sequence's seed depends on the exploration's seed and its number only", () => {
  const seeds = Array.from({ length: 8 }, (_, i) => sequenceSeed(42, i));
  assert.equal(new Set(seeds).size, 8);
  assert.deepEqual(seeds, Array.from({ length: 8 }, (_, i) => sequenceSeed(42, i)));
  assert.notEqual(sequenceSeed(43, 0), seeds[0]);
  assert.ok(seeds.every((s) => Number.isInteger(s) && s >= 0 && s <= 0x7fffffff));
});
