// Listed first among the reporters: scrubs secrets from test and step errors before any other reporter (console,
// JUnit, HTML, blob) sees them. Playwright's own error for a failed request carries a call log with the request's
// headers, credentials included, even when the suite caught the error and went on.
import type { Reporter, TestCase, TestResult, TestStep, TestError } from '@playwright/test/reporter';
import { runConfig } from '../harness/run/config.js';
import { registerConfigSecrets } from '../harness/http/secrets.js';
import { redactText, registerSecret } from '../harness/http/redact.js';
import { IAM_TOKEN_VARIABLES } from '../harness/run/preflight-gate.js';

function scrub(error: TestError | undefined): void {
  if (!error) return;
  if (error.message !== undefined) error.message = redactText(error.message);
  if (error.stack !== undefined) error.stack = redactText(error.stack);
  if (error.value !== undefined) error.value = redactText(error.value);
  if (error.snippet !== undefined) error.snippet = redactText(error.snippet);
  scrub(error.cause);
}

export default class SecretScrubber implements Reporter {
  onBegin(): void {
    try {
      registerConfigSecrets(runConfig());
    } catch {
      // No usable configuration: the run stops before any test; the header-line patterns still apply.
    }
    for (const name of Object.values(IAM_TOKEN_VARIABLES)) registerSecret(process.env[name]);
  }

  onStepEnd(_test: TestCase, _result: TestResult, step: TestStep): void {
    scrub(step.error);
  }

  onTestEnd(_test: TestCase, result: TestResult): void {
    for (const e of result.errors) scrub(e);
    scrub(result.error);
  }

  printsToStdio(): boolean {
    return false;
  }
}
