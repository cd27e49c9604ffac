// The package as a user gets it: `npm pack`, the tarball installed into an empty folder (its dependencies from the
// registry, or npm's cache when it holds them), then `npx ims-conformance` from there: --version prints the version,
// and `run` gives CONFORMANT against the embedded target with its results under that folder, not the package's.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suiteEnv } from '../../scripts/lib/reference-process.js';
import { ROOT, sh } from './helpers.js';
import { requirements } from '../../harness/spec.js';

const work = mkdtempSync(join(tmpdir(), 'ims-e2e-package-'));
const app = join(work, 'app');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { name: string; version: string };
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';


let tarball = '';
before(async () => {
  // npm's own variables of an enclosing `npm test` (npm_config_*, npm_package_*) must not steer the install.
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('npm_')));
  const packed = await sh(npm, ['pack', '--json', '--pack-destination', work], ROOT, env);
  assert.equal(packed.code, 0, packed.out);
  const [info] = JSON.parse(packed.out.slice(packed.out.indexOf('['))) as { filename: string; size: number; files: { path: string }[] }[];
  tarball = join(work, info!.filename);
  process.stdout.write(`# tarball ${info!.filename}: ${info!.size} bytes, ${info!.files.length} files\n`);
  mkdirSync(app);
  writeFileSync(join(app, 'package.json'), '{ "private": true }\n');
  const installed = await sh(npm, ['install', '--prefer-offline', '--no-audit', '--no-fund', tarball], app, env);
  assert.equal(installed.code, 0, installed.out);
});
after(() => rmSync(work, { recursive: true, force: true }));

test('the tarball holds what runs and nothing of the maintainers', () => {
  assert.ok(statSync(tarball).size < 500_000, 'the tarball stays small');
  const shipped = join(app, 'node_modules', pkg.name);
  for (const f of ['LICENSE', 'README.md', 'bin/ims-conformance.js', 'scripts/cli.ts', 'spec/delete-image-tag.openapi.yaml', 'reference/main.ts', 'playwright.config.ts']) {
    assert.ok(existsSync(join(shipped, f)), `${f} is shipped`);
  }
  for (const f of ['unit', 'targets', 'docs', '.ci', 'scripts/bench.ts', 'results']) assert.ok(!existsSync(join(shipped, f)), `${f} is not shipped`);
});

test('npx ims-conformance --version prints the package version, for the command and a subcommand', async () => {
  for (const args of [['--version'], ['run', '--version']]) {
    const r = await sh('npx', ['--no-install', 'ims-conformance', ...args], app, suiteEnv({}));
    assert.equal(r.code, 0, r.out);
    assert.equal(r.out.trim(), pkg.version);
  }
});

test('npx ims-conformance run in the empty folder: CONFORMANT against the embedded target, results under that folder', async () => {
  const r = await sh('npx', ['--no-install', 'ims-conformance', 'run'], app, suiteEnv({}));
  assert.equal(r.code, 0, r.out.slice(-3000));
  assert.match(r.out, new RegExp(`verdict: CONFORMANT — ${requirements.length} requirements: ${requirements.length} pass`));
  const report = JSON.parse(readFileSync(join(app, 'results', 'report.json'), 'utf8')) as { verdict: string; target: { embedded: boolean } };
  assert.equal(report.verdict, 'CONFORMANT');
  assert.equal(report.target.embedded, true);
  assert.ok(existsSync(join(app, 'results', 'junit.xml')) && existsSync(join(app, 'results', 'html', 'index.html')));
  assert.ok(!existsSync(join(app, 'node_modules', pkg.name, 'results')), 'nothing is written inside the installed package');
});

test('npx ims-conformance reference starts the shipped reference target, which answers over HTTP', async () => {
  const child = spawn('npx', ['--no-install', 'ims-conformance', 'reference', '--port', '0', '--max-lifetime-s', '20'], { cwd: app, env: suiteEnv({}), stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  try {
    const url = await new Promise<string>((done, fail) => {
      let out = '';
      const timer = setTimeout(() => fail(new Error(`no "listening on" within 15 s: ${out}`)), 15_000);
      child.stdout.on('data', (c: Buffer) => {
        out += c.toString();
        const m = /listening on (http:\/\/\S+)/.exec(out);
        if (m) {
          clearTimeout(timer);
          done(m[1]!);
        }
      });
    });
    // Without credentials the target answers 401 with the documented error body.
    const res = await fetch(`${url}/v2/p/images/i/tags/k`, { method: 'DELETE' });
    assert.equal(res.status, 401);
  } finally {
    process.kill(-child.pid!, 'SIGTERM');
  }
});
