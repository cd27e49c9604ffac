// Registers every configured secret with the redactor, in each process that may print or write.
import type { Credentials, SuiteConfig } from './config.js';
import { registerSecret } from './redact.js';

function register(c: Credentials | undefined): void {
  if (!c) return;
  if (c.form === 'token') registerSecret(c.token);
  if (c.form === 'aksk') registerSecret(c.secretKey);
  if (c.form === 'iam') registerSecret(c.password);
}

export function registerConfigSecrets(config: SuiteConfig): void {
  register(config.owner);
  register(config.forbidden);
}
