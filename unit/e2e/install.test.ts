// The README's install commands, followed literally on this machine: read from the "Installing" section (never
// restated here), each run as written by bash, with only what cannot be literal replaced: the GitHub address by a
// local bare clone (git+file://, the working tree's commit tagged as the README's ref) and the reference target's
// port by a free one. npm's prefix (where -g installs) is a folder of the test; dependencies come from npm's cache
// when it holds them. Each install path must give a working `ims-conformance --help` without an engine warning, and
// the tarball's install a short run against `ims-conformance reference`.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { ROOT, sh, type Done } from './helpers.js';

const work = mkdtempSync(join(tmpdir(), 'ims-e2e-install-'));
after(() => rmSync(work, { recursive: true, force: true }));
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };

/** The shell lines of the README's "Installing" section, comments removed. */
function readmeInstallLines(): string[] {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const section = readme.split(/^## /m).find((s) => s.startsWith('Installing'));
  assert.ok(section, 'the README has an "Installing" section');
  const block = /```sh\n([\s\S]*?)```/.exec(section)?.[1];
  assert.ok(block, 'with a sh block');
  return block.split('\n').map((l) => l.replace(/\s+#\s.*$/, '').trim()).filter(Boolean);
}
const LINES = readmeInstallLines();
const line = (re: RegExp): string => {
  const found = LINES.find((l) => re.test(l));
  assert.ok(found, `the README's install block has a line like ${re}`);
  return found;
};

/** npm's variables of an enclosing `npm test` must not steer the installs; `-g` goes into the test's own prefix. */
function envFor(prefix: string | null): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('npm_') && !k.startsWith('IMS_')));
  const path = (env.PATH ?? '').split(delimiter).filter((p) => !p.includes('node_modules'));
  return {
    ...env,
    ...(prefix ? { npm_config_prefix: prefix, PATH: [join(prefix, 'bin'), ...path].join(delimiter) } : { PATH: path.join(delimiter) }),
    npm_config_prefer_offline: 'true',
    npm_config_audit: 'false',
    npm_config_fund: 'false',
    npm_config_update_notifier: 'false',
  };
}

/** One README line through bash (helpers' sh). */
const bash = (command: string, cwd: string, env: NodeJS.ProcessEnv, timeoutMs = 240_000): Promise<Done> => sh('bash', ['-c', command], cwd, env, timeoutMs);

const freePort = () =>
  new Promise<number>((done) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => done(port));
    });
  });

/** `ims-conformance --help` as the README has it: the usage, and no warning of npm's (EBADENGINE) or Node's. */
async function helpWorks(cwd: string, env: NodeJS.ProcessEnv, command = line(/^ims-conformance --help$/)): Promise<void> {
  const help = await bash(command, cwd, env);
  assert.equal(help.code, 0, help.out);
  assert.match(help.out, /^usage: ims-conformance <command>/m);
  assert.doesNotMatch(help.out, /EBADENGINE|npm warn|Unsupported engine|ExperimentalWarning/i);
}

const tarballLine = line(/^npm install -g \.\/\S+\.tgz$/);
const tarballName = tarballLine.split('./')[1]!;

test('npm pack makes the tarball the README names', async () => {
  const packed = await bash(`npm pack --json --pack-destination ${JSON.stringify(work)} ${JSON.stringify(ROOT)}`, work, envFor(null));
  assert.equal(packed.code, 0, packed.out);
  assert.equal(tarballName, `ims-conformance-${pkg.version}.tgz`, 'the README names the current version');
  assert.ok(existsSync(join(work, tarballName)), packed.out);
});

test('from the tarball: npm install -g, --help without an engine warning, a short run against ims-conformance reference', async () => {
  const prefix = join(work, 'global-tgz');
  const env = envFor(prefix);
  const installed = await bash(tarballLine, work, env);
  assert.equal(installed.code, 0, installed.out);
  assert.doesNotMatch(installed.out, /EBADENGINE/, 'no engine warning on install');
  await helpWorks(work, env);
  // The reference target of its own (its IMS_* lines are the env file), then the README's short run against it.
  const app = join(work, 'app');
  mkdirSync(app);
  const port = String(await freePort());
  const start = line(/^ims-conformance reference .*> reference\.env &$/).replace(/--port \d+/, `--port ${port}`).replace(/\s*&$/, '');
  const reference = spawn('bash', ['-c', start], { cwd: app, env, stdio: 'ignore', detached: true });
  try {
    const envFile = join(app, 'reference.env');
    for (let i = 0; i < 150 && !(existsSync(envFile) && readFileSync(envFile, 'utf8').includes('IMS_OUTSIDER_IMAGE_ID=')); i++) await new Promise((r) => setTimeout(r, 100));
    assert.match(readFileSync(envFile, 'utf8'), new RegExp(`IMS_ENDPOINT=http://127\\.0\\.0\\.1:${port}`));
    const run = await bash(line(/^ims-conformance run --env-file reference\.env /), app, env);
    assert.equal(run.code, 0, run.out.slice(-3000));
    assert.match(run.out, /^ {2}PASS {2}DT-01 /m);
    assert.match(run.out, /^verdict: CONFORMANT \(partial: on what it exercised\)/m);
    assert.ok(existsSync(join(app, 'results', 'report.json')), 'results under the folder it ran in');
  } finally {
    process.kill(-reference.pid!, 'SIGTERM');
  }
});

test('without installing: npx --package ./<tarball> ims-conformance --help', async () => {
  await helpWorks(work, envFor(join(work, 'no-global')), line(/^npx (--yes )?--package \.\/\S+\.tgz ims-conformance --help$/));
});

test('from the repository by git URL (a local bare clone): npm install -g, nothing built, --help answers', async () => {
  const gitLine = line(/^npm install -g git\+https:\/\/\S+$/);
  const [, url, ref] = /git\+(https:\/\/\S+?)(?:#(\S+))?$/.exec(gitLine)!;
  const bare = join(work, 'ims-conformance.git');
  // HEAD names main, as on GitHub (npm reads HEAD from ls-remote).
  execFileSync('git', ['init', '-q', '--bare', '--initial-branch=main', bare]);
  // The working tree as it is (tracked files, uncommitted changes included), else HEAD.
  // (A machine without a git identity can still make that commit object: it is named here, and never leaves the test.)
  const identity = { GIT_AUTHOR_NAME: 'install check', GIT_AUTHOR_EMAIL: 'install-check@localhost', GIT_COMMITTER_NAME: 'install check', GIT_COMMITTER_EMAIL: 'install-check@localhost' };
  const commit = execFileSync('git', ['stash', 'create'], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, ...identity } }).trim() || 'HEAD';
  execFileSync('git', ['push', '-q', bare, `${commit}:refs/heads/main`, ...(ref ? [`${commit}:refs/tags/${ref}`] : [])], { cwd: ROOT });
  const prefix = join(work, 'global-git');
  const env = envFor(prefix);
  const installed = await bash(gitLine.replace(url!, `file://${bare}`), work, env);
  assert.equal(installed.code, 0, installed.out);
  assert.doesNotMatch(installed.out, /EBADENGINE/);
  await helpWorks(work, env);
  const version = await bash('ims-conformance --version', work, env);
  assert.equal(version.out.trim(), pkg.version);
  // npm packs a git dependency with the `files` list; no prepare script ran, none is needed (tsx runs the sources).
  const shipped = join(prefix, 'lib', 'node_modules', 'ims-conformance');
  assert.ok(existsSync(join(shipped, 'scripts', 'cli.ts')) && !existsSync(join(shipped, 'unit')), 'the files list decides what is installed');
});
