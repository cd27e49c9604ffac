// Where Playwright and tsx are, found by module resolution (not a path under this folder's node_modules: installed as a
// package, the dependencies are hoisted beside it), and the environment Playwright's processes need to load the suite.
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const PLAYWRIGHT_CLI = createRequire(import.meta.url).resolve('@playwright/test/cli');
/** tsx's loader, as a URL for `--import`: resolved here, so it works whatever the working folder. */
export const TSX_IMPORT = import.meta.resolve('tsx');
/** Installed as a package, the suite lives under node_modules, whose files Playwright does not transpile. */
export const INSTALLED = /[\\/]node_modules[\\/]/.test(ROOT);

/**
 * The environment of a Playwright run of the suite. Installed as a package, its processes (runner, workers, the
 * embedded target) load the TypeScript through tsx. In the repository Playwright's own transpiler does it, as it always
 * did. (--enable-source-maps was measured: it slows a run and Playwright's locations still ignore it.)
 */
export function playwrightEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  if (!INSTALLED) return env;
  const options = `--import=${TSX_IMPORT}`;
  return { ...env, NODE_OPTIONS: env.NODE_OPTIONS ? `${env.NODE_OPTIONS} ${options}` : options };
}
