// Reproduction lines: run through a real POSIX shell with `curl` replaced by a function that prints its arguments,
// each line must give curl exactly the recorded method, URL, headers and body, whatever bytes the key holds, and the
// credential only through the shell variable, never its value.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import type { Exchange } from '../harness/http/exchanges.js';
import { redactExchange } from '../harness/http/exchanges.js';
import { registerSecret } from '../harness/http/redact.js';
import { curlCommand, decisiveExchanges, namedExchanges, reproductionLines, shellQuote } from '../reporter/curl.js';
import { ANNOTATION, encodeFinding } from '../harness/run/outcome-protocol.js';

const base: Exchange = {
  id: 'w0-1', seq: 1, operationId: 'deleteImageTag', role: 'under-test', persona: 'owner', transport: 'api', method: 'DELETE',
  url: 'http://127.0.0.1:8080/v2/p/images/i/tags/k', requestHeaders: { 'X-Auth-Token': '[REDACTED]', Accept: 'application/json' },
  status: 200, attempt: 1, startedAt: 0, durationMs: 1,
};

/** The argv curl would receive when the line runs in sh, with the given environment. */
function argvOf(line: string, env: Record<string, string> = {}): string[] {
  const script = `curl() { for a in "$@"; do printf '%s\\0' "$a"; done; }\n${line}`;
  const out = execFileSync('/bin/sh', ['-c', script], { env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env } });
  return out.toString('utf8').split('\0').slice(0, -1);
}

test('shell quoting survives every special byte', () => {
  for (const s of ["a'b", 'a"b', '$(touch /tmp/x)', '`id`', 'a\\b', 'new\nline', 'tab\tx', '*', '!', '', ' lead', "'''", 'é中']) {
    assert.deepEqual(argvOf(`curl ${shellQuote(s)}`), [s], JSON.stringify(s));
  }
});

test('a curl line gives curl the method, the exact URL, headers and the credential as a variable', () => {
  const keys = ["it's", 'a$b', '`x`', 'a b', '..', 'ä', "a'b\"c\\d", '%25', '!(*)'];
  for (const key of keys) {
    const url = `http://127.0.0.1:8080/v2/p/images/i/tags/${encodeURIComponent(key)}`;
    const line = curlCommand({ ...base, url });
    assert.doesNotMatch(line, /\n/);
    const argv = argvOf(line, { IMS_AUTH_TOKEN: 'tok-from-env' });
    assert.equal(argv.at(-1), url, `URL for ${JSON.stringify(key)}`);
    assert.deepEqual(argv.slice(argv.indexOf('-X'), argv.indexOf('-X') + 2), ['-X', 'DELETE']);
    assert.ok(argv.includes('--path-as-is') && argv.includes('-g'), 'dot segments and brackets are sent as recorded');
    assert.ok(argv.includes('X-Auth-Token: tok-from-env'), 'the token comes from $IMS_AUTH_TOKEN');
    assert.ok(argv.includes('Accept: application/json'));
  }
  // Raw URLs (sent byte for byte by the raw client) may hold shell syntax: it stays data.
  const raw = 'http://127.0.0.1:8080/v2/p/images/i/tags/$(touch /tmp/pwned)`id`';
  assert.equal(argvOf(curlCommand({ ...base, transport: 'raw', url: raw })).at(-1), raw);
});

test('no secret value is ever in a line: the recorded exchange is redacted, the line names the variable', () => {
  const secret = 'canary-token-8c1f0f6e-never-print';
  registerSecret(secret);
  const e = redactExchange({ ...base, requestHeaders: { 'X-Auth-Token': secret }, url: `${base.url}?x=${secret}` });
  const line = curlCommand(e);
  assert.ok(!line.includes(secret), line);
  assert.match(line, /"X-Auth-Token: \$IMS_AUTH_TOKEN"/);
  assert.match(curlCommand({ ...base, persona: 'forbidden' }), /"X-Auth-Token: \$IMS_FORBIDDEN_AUTH_TOKEN"/);
  const signed = curlCommand({ ...base, requestHeaders: { Authorization: 'SDK-HMAC-SHA256 Access=AK, SignedHeaders=host;x-sdk-date, Signature=[REDACTED]', 'X-Sdk-Date': '20260101T000000Z' } });
  assert.match(signed, /"Authorization: \$SDK_AUTHORIZATION"/);
  assert.match(signed, /# sign the request with IMS_ACCESS_KEY\/SECRET_KEY/);
  // DT-08's deliberately invalid credentials must not become the owner's valid token.
  const invalid = curlCommand({ ...base, authOverride: true });
  assert.match(invalid, /"X-Auth-Token: \$INVALID_CREDENTIAL"/);
  assert.doesNotMatch(invalid, /IMS_AUTH_TOKEN/);
});

test('a body is sent as recorded; Host and Content-Length are left to curl', () => {
  const line = curlCommand({ ...base, method: 'POST', requestHeaders: { Host: 'x', 'Content-Length': '9', 'Content-Type': 'application/json' }, requestBody: `{"tag":{"key":"it's"}}` });
  const argv = argvOf(line);
  assert.equal(argv[argv.indexOf('--data-binary') + 1], `{"tag":{"key":"it's"}}`);
  assert.ok(!argv.some((a) => /^(Host|Content-Length):/.test(a)));
});

test('the decisive requests are those the failure names by id, else the last request under test', () => {
  const a = { ...base, id: 'w0-1', seq: 1, url: `${base.url}1`, status: 204 };
  const b = { ...base, id: 'w0-2', seq: 2, url: `${base.url}2`, status: 200 };
  const fixture = { ...base, id: 'w0-3', seq: 3, role: 'fixture' as const, method: 'POST', url: `${base.url}3` };
  const finding = { type: ANNOTATION.finding, description: encodeFinding({ requirement: 'DT-01', claim: 'bad', exchanges: [a.id] }) };
  assert.deepEqual(decisiveExchanges([a, b, fixture], namedExchanges([a, b, fixture], [finding])), [a]);
  assert.deepEqual(decisiveExchanges([a, b, fixture], namedExchanges([a, b, fixture], [])), [b]);
  assert.deepEqual(namedExchanges([a, b, fixture], [{ type: ANNOTATION.evidence, description: JSON.stringify([fixture.id, b.id]) }]), [b, fixture], 'in the order recorded');
  assert.deepEqual(reproductionLines([a, b], []), [curlCommand(b)]);
  // Identical requests are distinct exchanges: four identical concurrent deletes are four lines.
  const same = [1, 2, 3, 4].map((n) => ({ ...base, id: `w1-${n}`, seq: n }));
  const four = { type: ANNOTATION.finding, description: encodeFinding({ requirement: 'DT-06', claim: 'x', exchanges: same.map((e) => e.id) }) };
  assert.equal(reproductionLines(same, namedExchanges(same, [four])).length, 4);
});
