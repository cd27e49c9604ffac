// `ims-conformance keygen [--out PREFIX]`: an Ed25519 key pair for signing certificates. Writes PREFIX.pem (the
// private key, mode 0600, never printed) and PREFIX.pub.pem (the public key to give whoever verifies), and prints the
// key's fingerprint, which verify and the matrix show next to a verified signature.
import { existsSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateKeyPair } from './lib/attestation.js';

const KEYGEN_USAGE = `usage: ims-conformance keygen [--out PREFIX]
  Writes PREFIX.pem (Ed25519 private key, PKCS#8 PEM, mode 0600: keep it secret) and PREFIX.pub.pem (public key, SPKI
  PEM: publish it). Default PREFIX: ims-conformance-signing. Existing files are never overwritten.
  Sign with: certify --sign-key PREFIX.pem; check with: verify BUNDLE --trust-key PREFIX.pub.pem`;

export function keygen(argv: string[]): { exitCode: number; message: string } {
  let prefix = 'ims-conformance-signing';
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--help' || a === '-h') return { exitCode: 0, message: KEYGEN_USAGE };
    if (a === '--out' && argv[i + 1]) prefix = argv[++i]!;
    else if (a.startsWith('--out=') && a.length > 6) prefix = a.slice(6);
    else return { exitCode: 2, message: `keygen: unexpected argument ${JSON.stringify(a)}\n${KEYGEN_USAGE}` };
  }
  const priv = resolve(`${prefix}.pem`);
  const pub = resolve(`${prefix}.pub.pem`);
  for (const f of [priv, pub]) if (existsSync(f)) return { exitCode: 2, message: `keygen: ${f} exists; choose another --out (keys are never overwritten)` };
  const pair = generateKeyPair();
  try {
    writeFileSync(priv, pair.privatePem, { mode: 0o600, flag: 'wx' });
    writeFileSync(pub, pair.publicPem, { flag: 'wx' });
  } catch (err) {
    return { exitCode: 2, message: `keygen: cannot write the key files: ${err instanceof Error ? err.message : String(err)}` };
  }
  return { exitCode: 0, message: `keygen: private key ${priv} (keep it secret), public key ${pub}; key ${pair.keyid}` };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { exitCode, message } = keygen(process.argv.slice(2));
  (exitCode === 2 ? process.stderr : process.stdout).write(`${message}\n`);
  process.exit(exitCode);
}
