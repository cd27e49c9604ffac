// Helpers of the end-to-end checks (unit/e2e-*.test.ts): run the suite as a user does (`scripts/conformance.ts`
// in its own process, against a reference target started with a known seed), read what it left, and search
// every produced file, zips included, for secrets. Everything stays on 127.0.0.1 and in a fresh temp folder.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { inflateRawSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import { outsiderVars, suiteEnv, targetVars as referenceTargetVars } from '../../scripts/lib/reference-process.js';
import { EMBEDDED_SEED, type TargetSeed } from '../../harness/run/embedded-target.js';
import { reportSchemaProblems } from '../../reporter/report-schema.js';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
}

export const tempDir = (name: string) => mkdtempSync(join(tmpdir(), `ims-e2e-${name}-`));

/** Runs a script of the suite (`scripts/conformance.ts`, `scripts/sweep.ts`) with exactly these IMS_* variables. */
export function runScript(script: string, vars: Record<string, string>, args: string[] = [], opts: { timeoutMs?: number; onSpawn?: (pid: number) => void } = {}): Promise<Finished> {
  const started = Date.now();
  return new Promise((resolve) => {
    // detached: the run is its own process group, so a test can SIGKILL the runner and its workers together.
    const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], { cwd: ROOT, env: suiteEnv(vars), stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    opts.onSpawn?.(child.pid!);
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }, opts.timeoutMs ?? 120_000);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, ms: Date.now() - started });
    });
  });
}

export const runSuite = (vars: Record<string, string>, args: string[] = [], opts: { timeoutMs?: number; onSpawn?: (pid: number) => void } = {}) =>
  runScript('scripts/conformance.ts', vars, args, opts);

/** A seed whose every secret is a fresh canary: finding one in any output is a leak. */
export function canarySeed(): { seed: TargetSeed; canaries: string[] } {
  const c = (what: string) => `CANARY${what}${randomBytes(6).toString('hex')}`;
  const seed: TargetSeed = {
    ...EMBEDDED_SEED,
    tokens: { owner: c('owntok'), forbidden: c('fortok'), otherProject: c('othtok') },
    accessKeys: { owner: { ak: c('OWNAK').toUpperCase(), sk: c('ownsk') }, forbidden: { ak: c('FORAK').toUpperCase(), sk: c('forsk') } },
    iamUsers: {
      owner: { username: 'canary-owner', password: c('ownpw'), domain: 'canary-domain' },
      forbidden: { username: 'canary-forbidden', password: c('forpw'), domain: 'canary-domain' },
    },
  };
  const canaries = [
    ...Object.values(seed.tokens),
    seed.accessKeys.owner.ak,
    seed.accessKeys.owner.sk,
    seed.accessKeys.forbidden.ak,
    seed.accessKeys.forbidden.sk,
    seed.iamUsers.owner.password,
    seed.iamUsers.forbidden.password,
  ];
  return { seed, canaries };
}

/** The IMS_* variables of each authentication form for a persona of the seed. */
export function authVars(seed: TargetSeed, url: string, who: 'owner' | 'forbidden', form: 'token' | 'aksk' | 'iam'): Record<string, string> {
  const p = who === 'owner' ? 'IMS_' : 'IMS_FORBIDDEN_';
  if (form === 'token') return { [`${p}AUTH_TOKEN`]: seed.tokens[who] };
  if (form === 'aksk') return { [`${p}ACCESS_KEY`]: seed.accessKeys[who].ak, [`${p}SECRET_KEY`]: seed.accessKeys[who].sk };
  const u = seed.iamUsers[who];
  return { [`${p}IAM_ENDPOINT`]: url, [`${p}IAM_USERNAME`]: u.username, [`${p}IAM_PASSWORD`]: u.password, [`${p}IAM_DOMAIN`]: u.domain };
}

/** The target's variables without the owner's and forbidden persona's credentials (add authVars for the forms under
 * test); with the outsider persona (its token), without which DT-09's cross-tenant case is not configured. */
export function targetVars(seed: TargetSeed, url: string, resultsDir: string): Record<string, string> {
  return { ...referenceTargetVars(url, seed), ...outsiderVars(seed), IMS_RESULTS_DIR: resultsDir };
}

/** The image's tags as the target holds them, read with the owner's token (test code, not the suite). */
export async function tagsOn(url: string, seed: TargetSeed, image = seed.imageId): Promise<Map<string, string>> {
  const res = await fetch(`${url}/v2/${seed.projectId}/images/${image}/tags`, { headers: { 'X-Auth-Token': seed.tokens.owner } });
  if (res.status !== 200) throw new Error(`listing answered ${res.status}`);
  const body = (await res.json()) as { tags: { key: string; value: string }[] };
  return new Map(body.tags.map((t) => [t.key, t.value]));
}

export function readJsonFile<T>(file: string): T {
  const data = JSON.parse(readFileSync(file, 'utf8')) as T;
  // Every report.json a test reads must match the committed schema (docs/REPORT-SCHEMA.md).
  if (basename(file) === 'report.json') {
    const problems = reportSchemaProblems(data);
    if (problems.length) throw new Error(`${file} does not match reporter/report.schema.json: ${problems.join('; ')}`);
  }
  return data;
}

function* walk(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) yield* walk(p);
    else yield p;
  }
}

/** The entries of a zip file (stored or deflated), read from its central directory. */
function unzipEntries(zip: Buffer): { name: string; data: Buffer }[] {
  const eocd = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (eocd < 0) return [];
  const count = zip.readUInt16LE(eocd + 10);
  let at = zip.readUInt32LE(eocd + 16);
  const out: { name: string; data: Buffer }[] = [];
  for (let i = 0; i < count; i++) {
    if (zip.readUInt32LE(at) !== 0x02014b50) break;
    const method = zip.readUInt16LE(at + 10);
    const size = zip.readUInt32LE(at + 20);
    const nameLen = zip.readUInt16LE(at + 28);
    const extraLen = zip.readUInt16LE(at + 30);
    const commentLen = zip.readUInt16LE(at + 32);
    const local = zip.readUInt32LE(at + 42);
    const name = zip.subarray(at + 46, at + 46 + nameLen).toString('utf8');
    const dataAt = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const raw = zip.subarray(dataAt, dataAt + size);
    out.push({ name, data: method === 8 ? inflateRawSync(raw) : raw });
    at += 46 + nameLen + extraLen + commentLen;
  }
  return out;
}

/**
 * Every place under `dir` (and in the given console text) where one of the needles occurs. Zips (blob reports,
 * traces) are opened, and so are the base64 zips the HTML report embeds, recursively.
 */
export function findSecrets(dir: string, needles: readonly (string | RegExp)[], consoleText = ''): string[] {
  const hits: string[] = [];
  const scan = (where: string, data: Buffer, depth = 0) => {
    if (depth > 4) return;
    if (data.subarray(0, 4).equals(Buffer.from([0x50, 0x4b, 0x03, 0x04]))) {
      for (const e of unzipEntries(data)) scan(`${where}!${e.name}`, e.data, depth + 1);
      return;
    }
    const text = data.toString('latin1');
    const utf8 = data.toString('utf8');
    for (const n of needles) {
      const found = typeof n === 'string' ? text.includes(n) || utf8.includes(n) : n.test(utf8);
      if (found) hits.push(`${where}: ${String(n)}`);
    }
    for (const m of utf8.matchAll(/data:application\/zip;base64,([A-Za-z0-9+/=]+)/g)) scan(`${where}(embedded zip)`, Buffer.from(m[1]!, 'base64'), depth + 1);
  };
  for (const file of walk(dir)) scan(file, readFileSync(file));
  scan('console', Buffer.from(consoleText));
  return hits;
}
