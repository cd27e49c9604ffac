// Starts the reference target as its own process on a free loopback port, with the embedded seed (or another),
// and gives back the IMS_* variables that point the suite at it. Used by the self-test, the benchmark and
// end-to-end checks: they reach the target exactly as a user would, over HTTP.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { EMBEDDED_SEED, type TargetSeed } from '../../harness/embedded-target.js';

export interface ReferenceProcess {
  url: string;
  seed: TargetSeed;
  /** The variables a user would set to point the suite at this target (token form). */
  env: Record<string, string>;
  stop(): Promise<void>;
}

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export async function startReference(args: string[] = [], seed: TargetSeed = EMBEDDED_SEED, startTimeoutMs = 15_000): Promise<ReferenceProcess> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'reference/main.ts', '--port', '0', '--max-lifetime-s', '900', ...args], {
    cwd: ROOT,
    env: { ...process.env, REFERENCE_SEED: JSON.stringify(seed) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`reference target did not start within ${startTimeoutMs} ms: ${err.trim()}`));
    }, startTimeoutMs);
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /listening on (http:\/\/[^\s]+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`reference target exited (${code}) before listening: ${err.trim()}`));
    });
  });
  return {
    url,
    seed,
    env: {
      IMS_ENDPOINT: url,
      IMS_PROJECT_ID: seed.projectId,
      IMS_IMAGE_ID: seed.imageId,
      IMS_OTHER_IMAGE_ID: seed.otherImageId,
      IMS_OTHER_PROJECT_ID: seed.otherProjectId,
      IMS_AUTH_TOKEN: seed.tokens.owner,
      IMS_FORBIDDEN_AUTH_TOKEN: seed.tokens.forbidden,
    },
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 2_000).unref();
      }),
  };
}

/** The environment for a suite run: the caller's, minus any IMS_* it had, plus the given ones. */
export function suiteEnv(vars: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('IMS_')) env[k] = v;
  return { ...env, ...vars };
}
