// Starts the reference target as its own process on a free loopback port, with the embedded seed (or another),
// and gives back the IMS_* variables that point the suite at it. Used by the self-test, the benchmark and
// end-to-end checks: they reach the target exactly as a user would, over HTTP.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { EMBEDDED_SEED, type TargetSeed } from '../../harness/run/embedded-target.js';
import { SIGNED_ONLY_MUTANTS } from '../../reference/mutants.js';

export interface ReferenceProcess {
  url: string;
  seed: TargetSeed;
  /** The variables a user would set to point the suite at this target (token form). */
  env: Record<string, string>;
  stop(): Promise<void>;
}

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface ReferenceTargets {
  /** One entry per server the process started, with the mutants it carries. */
  targets: { url: string; mutants: string[]; env: Record<string, string> }[];
  seed: TargetSeed;
  stop(): Promise<void>;
}

/** Starts a single reference target. */
export async function startReference(args: string[] = [], seed: TargetSeed = EMBEDDED_SEED, startTimeoutMs = 15_000): Promise<ReferenceProcess> {
  const { targets, stop } = await startReferenceTargets(args, 1, seed, startTimeoutMs);
  return { url: targets[0]!.url, seed, env: targets[0]!.env, stop };
}

/** Starts one reference process that serves `count` targets (e.g. with --each-mutant). */
export async function startReferenceTargets(args: string[], count: number, seed: TargetSeed = EMBEDDED_SEED, startTimeoutMs = 15_000): Promise<ReferenceTargets> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'reference/main.ts', '--port', '0', '--max-lifetime-s', '900', ...args], {
    cwd: ROOT,
    env: { ...process.env, REFERENCE_SEED: JSON.stringify(seed) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const targets = await new Promise<ReferenceTargets['targets']>((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`reference target did not start within ${startTimeoutMs} ms: ${err.trim()}`));
    }, startTimeoutMs);
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const found = [...out.matchAll(/listening on (http:\/\/\S+) \((?:mutants: ([^;)]+)|no mutants)/g)];
      if (found.length >= count) {
        clearTimeout(timer);
        resolve(found.map((m) => ({ url: m[1]!, mutants: m[2] ? m[2].split(', ') : [], env: targetEnv(m[1]!, seed, m[2] ? m[2].split(', ') : []) })));
      }
    });
    child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`reference target exited (${code}) before listening: ${err.trim()}`));
    });
  });
  return {
    targets,
    seed,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 2_000).unref();
      }),
  };
}

/** The variables that name a target with this seed, without credentials. */
export function targetVars(url: string, seed: TargetSeed): Record<string, string> {
  return {
    IMS_ENDPOINT: url,
    IMS_PROJECT_ID: seed.projectId,
    IMS_IMAGE_ID: seed.imageId,
    IMS_OTHER_IMAGE_ID: seed.otherImageId,
    IMS_OTHER_PROJECT_ID: seed.otherProjectId,
  };
}

/**
 * The variables a user would set to point the suite at a target with this seed: token form, or AK/SK for a target
 * carrying a fault only a signed request shows.
 */
function targetEnv(url: string, seed: TargetSeed, mutants: readonly string[] = []): Record<string, string> {
  if (mutants.some((m) => (SIGNED_ONLY_MUTANTS as ReadonlySet<string>).has(m))) {
    const { owner, forbidden } = seed.accessKeys;
    return { ...targetVars(url, seed), IMS_ACCESS_KEY: owner.ak, IMS_SECRET_KEY: owner.sk, IMS_FORBIDDEN_ACCESS_KEY: forbidden.ak, IMS_FORBIDDEN_SECRET_KEY: forbidden.sk, ...outsiderVars(seed) };
  }
  return { ...targetVars(url, seed), IMS_AUTH_TOKEN: seed.tokens.owner, IMS_FORBIDDEN_AUTH_TOKEN: seed.tokens.forbidden, ...outsiderVars(seed) };
}

/** The outsider persona: a user of the other project and the image it owns there (DT-09's cross-tenant case). */
export function outsiderVars(seed: TargetSeed): Record<string, string> {
  return { IMS_OUTSIDER_AUTH_TOKEN: seed.tokens.otherProject, IMS_OUTSIDER_IMAGE_ID: seed.otherProjectImageId };
}

/** The environment for a suite run: the caller's, minus any IMS_* it had, plus the given ones. */
export function suiteEnv(vars: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('IMS_')) env[k] = v;
  return { ...env, ...vars };
}
