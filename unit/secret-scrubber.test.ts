import { test } from 'node:test';
import assert from 'node:assert/strict';
import SecretScrubber from '../reporter/secret-scrubber.js';
import { redactText } from '../harness/http/redact.js';
import type { TestCase, TestResult, TestStep } from '@playwright/test/reporter';

// What Playwright prints for a request that failed: the headers are in the call log, colour codes and all.
const CALL_LOG = [
  'apiRequestContext.fetch: socket hang up',
  'Call log:',
  '\u001b[2m  - → DELETE http://127.0.0.1:1/v2/p/images/i/tags/k\u001b[22m',
  '\u001b[2m    - accept: application/json\u001b[22m',
  '\u001b[2m    - X-Auth-Token: iam-0123456789abcdef0123456789abcdef0123456789abcdef\u001b[22m',
  '\u001b[2m    - Authorization: SDK-HMAC-SHA256 Access=AKEXAMPLE, SignedHeaders=host;x-sdk-date, Signature=abc\u001b[22m',
].join('\n');

test('header lines of a call log are scrubbed, whatever their value', () => {
  const out = redactText(CALL_LOG);
  assert.doesNotMatch(out, /iam-0123/);
  assert.doesNotMatch(out, /AKEXAMPLE/);
  assert.match(out, /X-Auth-Token: \[REDACTED\]/);
  assert.match(out, /accept: application\/json/, 'other headers stay readable');
  assert.match(redactText('tests/authorization.spec.ts:4:1'), /authorization\.spec/, 'file names are not headers');
});

test('the scrubber cleans step and test errors before later reporters see them', () => {
  const scrubber = new SecretScrubber();
  scrubber.onBegin();
  const step = { error: { message: CALL_LOG, stack: CALL_LOG } } as unknown as TestStep;
  scrubber.onStepEnd({} as TestCase, {} as TestResult, step);
  assert.doesNotMatch(JSON.stringify(step.error), /iam-0123|AKEXAMPLE/);
  const result = { errors: [{ message: CALL_LOG, cause: { message: CALL_LOG } }], error: { message: CALL_LOG } } as unknown as TestResult;
  scrubber.onTestEnd({} as TestCase, result);
  assert.doesNotMatch(JSON.stringify(result), /iam-0123|AKEXAMPLE/);
});
