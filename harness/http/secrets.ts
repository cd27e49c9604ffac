// Registers every configured secret with the redactor, in each process that may print or write.
import type { Credentials, SuiteConfig } from '../run/config.js';
import { registerSecret } from './redact.js';

function register(c: Credentials | undefined): void {
  if (!c) return;
  if (c.form === 'token') registerSecret(c.token);
  // The AK too: it names the account, and neither half of an AK/SK pair may appear in anything written.
  if (c.form === 'aksk') {
    registerSecret(c.secretKey);
    registerSecret(c.accessKey);
  }
  if (c.form === 'iam' || c.form === 'keystone') registerSecret(c.password);
}

export function registerConfigSecrets(config: SuiteConfig): void {
  register(config.owner);
  register(config.forbidden);
  register(config.outsider);
  registerSecret(config.proxy?.password);
}
