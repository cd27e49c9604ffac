// The evidence bundle's manifest: the SHA-256 of every file and one digest over them. The manifest is written in
// a canonical form, so an edit of any byte of any file, the manifest included, is detected.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

const MANIFEST = 'manifest.json';
const BUNDLE_FORMAT = 'ims-conformance-bundle/1';
/** The signed attestation (scripts/lib/attestation.ts): written after the manifest, it covers the manifest itself. */
export const ATTESTATION = 'attestation.intoto.dsse.json';

export interface Manifest {
  format: string;
  createdAt: string;
  /** SHA-256 over the sorted `<sha256>  <path>` lines: one value to quote in a CI log or a certificate. */
  digest: string;
  files: Record<string, string>;
}

export const sha256 = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');

/** Every file under dir, as sorted POSIX paths relative to it. */
export function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name));
      else out.push(relative(dir, join(d, e.name)).split(sep).join('/'));
    }
  };
  walk(dir);
  return out.sort();
}

const digestOf = (files: Record<string, string>) =>
  sha256(Object.keys(files).sort().map((p) => `${files[p]}  ${p}\n`).join(''));

function canonicalManifest(m: Manifest): string {
  const files = Object.fromEntries(Object.keys(m.files).sort().map((p) => [p, m.files[p]!]));
  return `${JSON.stringify({ format: m.format, createdAt: m.createdAt, digest: m.digest, files }, null, 2)}\n`;
}

export function writeManifest(dir: string): Manifest {
  const files = Object.fromEntries(listFiles(dir).filter((p) => p !== MANIFEST && p !== ATTESTATION).map((p) => [p, sha256(readFileSync(join(dir, p)))]));
  const manifest: Manifest = { format: BUNDLE_FORMAT, createdAt: new Date().toISOString(), digest: digestOf(files), files };
  writeFileSync(join(dir, MANIFEST), canonicalManifest(manifest));
  return manifest;
}

/** Problems with the bundle's files against its manifest; empty when every byte is as written. */
export function checkManifest(dir: string): { manifest?: Manifest; problems: string[] } {
  let text: string;
  let manifest: Manifest;
  try {
    text = readFileSync(join(dir, MANIFEST), 'utf8');
    manifest = JSON.parse(text) as Manifest;
  } catch {
    return { problems: [`${MANIFEST} is missing or is not JSON`] };
  }
  if (manifest?.format !== BUNDLE_FORMAT || typeof manifest.files !== 'object' || manifest.files === null) {
    return { problems: [`${MANIFEST} is not a ${BUNDLE_FORMAT} manifest`] };
  }
  const problems: string[] = [];
  if (canonicalManifest(manifest) !== text) problems.push(`${MANIFEST} was edited (it is not in the form it was written in)`);
  if (manifest.digest !== digestOf(manifest.files)) problems.push(`${MANIFEST}: the digest does not match the file list`);
  const present = listFiles(dir).filter((p) => p !== MANIFEST && p !== ATTESTATION);
  for (const p of present) {
    const want = manifest.files[p];
    if (!want) problems.push(`${p} is not in the manifest (added after the bundle was written)`);
    else if (sha256(readFileSync(join(dir, p))) !== want) problems.push(`${p} does not match its SHA-256 in the manifest`);
  }
  for (const p of Object.keys(manifest.files)) if (!present.includes(p)) problems.push(`${p} is listed in the manifest but missing`);
  return { manifest, problems };
}
