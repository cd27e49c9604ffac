// Keeps the README's requirement and mutant tables generated from their sources (the spec's catalogue, the
// reference target's mutants and the self-test's oracle). `--check` (in npm test) fails when they drift.
import { readFileSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { requirements } from '../harness/spec.js';
import { EXPECTED_KILLS } from './selftest/expected-kills.js';

const README = 'README.md';
const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ').trim();

function requirementTable(): string {
  const rows = requirements.map((r) => `| ${r.id} | ${r.level} | ${r.tier} | ${r.dialects.join(', ')} | ${cell(r.title)}: ${cell(r.description)} | ${cell(r.clause)} |`);
  return ['| id | level | tier | dialects | requirement | source clause |', '| --- | --- | --- | --- | --- | --- |', ...rows].join('\n');
}

function mutantTable(): string {
  const listed = execFileSync(process.execPath, ['--import', 'tsx', 'reference/main.ts', '--list-mutants'], { encoding: 'utf8' }).trim().split('\n');
  const rows = listed.map((line) => {
    const [name = '', what = ''] = line.split('\t');
    const k = EXPECTED_KILLS[name];
    return `| \`${name}\` | ${cell(what)} | ${k?.requirements.join(', ') ?? '—'}${k?.advisory ? ' (advisory: verdict stays CONFORMANT)' : ''}${k?.explorationOnly ? ' (by the exploration, in at least 9 of 10 seeds)' : ''} |`;
  });
  return ['| mutant | the fault | must be caught as |', '| --- | --- | --- |', ...rows].join('\n');
}

function replaceBlock(text: string, name: string, body: string): string {
  const re = new RegExp(`(<!-- ${name}:start -->)[\\s\\S]*?(<!-- ${name}:end -->)`);
  if (!re.test(text)) throw new Error(`README.md has no ${name} block`);
  return text.replace(re, `$1\n${body}\n$2`);
}

const current = readFileSync(README, 'utf8');
const next = replaceBlock(replaceBlock(current, 'requirements', requirementTable()), 'mutants', mutantTable());
if (process.argv.includes('--check')) {
  if (next !== current) {
    process.stderr.write('README.md tables are out of date: run npm run readme:tables\n');
    process.exit(1);
  }
  process.stdout.write('README tables match the spec and the mutants\n');
} else {
  writeFileSync(README, next);
}
