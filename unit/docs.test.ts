// What the README and every --help say, held to what the code does: the exit codes (the README's table and the
// top-level --help against reporter/exit-codes.ts and exitCodeOf) and the file names keygen writes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXIT, EXIT_MEANING } from '../reporter/exit-codes.js';
import { exitCodeOf, type Verdict } from '../reporter/outcomes.js';
import { LEFTOVER_TTL_MS } from '../harness/run/preflight.js';

const cli = (...args: string[]) => spawnSync(process.execPath, ['bin/ims-conformance.js', ...args], { encoding: 'utf8' });
const README = readFileSync('README.md', 'utf8');
const CODES = Object.keys(EXIT_MEANING).map(Number).sort();

/** The README's table under `| verdict | exit code | meaning |`: [verdict, code] per row. */
function readmeExitTable(): [string, number][] {
  const lines = README.split('\n');
  const head = lines.findIndex((l) => /^\| verdict \| exit code \| meaning \|/.test(l));
  assert.ok(head >= 0, 'the README has an exit-code table');
  const rows: [string, number][] = [];
  for (const l of lines.slice(head + 2)) {
    if (!l.startsWith('|')) break;
    const [verdict = '', code = ''] = l.split('|').slice(1).map((c) => c.trim());
    rows.push([verdict, Number(code)]);
  }
  return rows;
}

test('the README documents every exit code of the code, and each verdict row gives the code exitCodeOf returns', () => {
  assert.deepEqual(CODES, Object.values(EXIT).sort(), 'one table: EXIT and EXIT_MEANING name the same codes');
  const rows = readmeExitTable();
  assert.deepEqual([...new Set(rows.map(([, c]) => c))].sort(), CODES);
  for (const [verdict, code] of rows) {
    if (verdict === 'any but ERROR') {
      for (const v of ['CONFORMANT', 'NON-CONFORMANT', 'INCOMPLETE'] as Verdict[]) assert.equal(exitCodeOf(v, 1), code, `${v} with tags left`);
    } else {
      assert.ok(['CONFORMANT', 'NON-CONFORMANT', 'INCOMPLETE', 'ERROR'].includes(verdict), `unknown verdict row ${verdict}`);
      assert.equal(exitCodeOf(verdict as Verdict), code, `README: ${verdict} exits ${code}`);
    }
  }
});

test('the top-level --help lists exactly the exit codes of the table, with their meaning', () => {
  const help = cli('--help');
  assert.equal(help.status, 0);
  const listed = [...help.stdout.split('Exit codes:')[1]!.matchAll(/^ {2}(\d) {2}(.+)$/gm)].map((m) => [Number(m[1]), m[2]]);
  assert.deepEqual(listed, CODES.map((c) => [c, EXIT_MEANING[c as keyof typeof EXIT_MEANING]]));
  // Every exit code another --help names is one of the table's.
  for (const c of ['run', 'certify', 'verify', 'merge', 'sweep']) {
    for (const m of cli(c, '--help').stdout.matchAll(/\b(?:[Ee]xit|exits?) (\d)\b/g)) assert.ok(CODES.includes(Number(m[1])), `${c} --help names exit ${m[1]}`);
  }
});

test('keygen writes the files its --help, the README and docs/CERTIFICATION.md name', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ims-docs-'));
  try {
    const made = cli('keygen', '--out', join(dir, 'k'));
    assert.equal(made.status, 0, made.stderr);
    const written = readdirSync(dir).map((f) => f.replace(/^k/, 'PREFIX')).sort();
    assert.deepEqual(written, ['PREFIX.pem', 'PREFIX.pub.pem']);
    const named = (text: string) => [...new Set([...text.matchAll(/PREFIX\.[\w.]*pem/g)].map((m) => m[0]))].sort();
    const help = cli('keygen', '--help');
    assert.equal(help.status, 0);
    assert.deepEqual(named(help.stdout), written, 'keygen --help');
    assert.deepEqual(named(readFileSync('docs/CERTIFICATION.md', 'utf8')), written, 'docs/CERTIFICATION.md');
    for (const f of named(README)) assert.ok(written.includes(f), `README names ${f}`);
    // certify and verify take the same files.
    assert.match(cli('certify', '--help').stdout, /--sign-key KEY .*keygen/);
    assert.ok(existsSync(join(dir, 'k.pem')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('every command answers --help with its own usage line, the reference target included', () => {
  for (const c of ['run', 'certify', 'verify', 'keygen', 'matrix', 'merge', 'sweep', 'reference', 'selftest']) {
    const h = cli(c, '--help');
    assert.equal(h.status, 0, `${c}: ${h.stderr}`);
    assert.match(h.stdout, new RegExp(`^usage: ims-conformance ${c}\\b`), c);
    assert.doesNotMatch(h.stdout, /\.key\.pem/, c);
  }
});

test("sweep's --ttl-hours default, in its --help and the README, is the code's", () => {
  const hours = LEFTOVER_TTL_MS / 3_600_000;
  assert.match(cli('sweep', '--help').stdout, new RegExp(`--ttl-hours N .*\\(default ${hours}\\)`));
  assert.match(README, new RegExp(`\\| \`--apply\`, \`--ttl-hours N\` \\| .*\\(${hours}\\) \\|`));
});
