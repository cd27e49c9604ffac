// Keeps the generated tables in step with their sources: the requirement table of README.md (the spec's catalogue)
// and the mutant table of docs/MAINTAINING.md (the reference target's mutants and the self-test's oracle).
// `--check` (in npm test) fails when they drift.
import { readFileSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { requirements } from '../harness/spec.js';
import { EXPECTED_KILLS } from './selftest/expected-kills.js';
import { isMutantName } from '../reference/mutants.js';

/** Each generated block and the file that holds it. */
const BLOCKS = [
  { file: 'README.md', name: 'requirements', body: () => requirementTable() },
  { file: 'docs/MAINTAINING.md', name: 'mutants', body: () => mutantTable() },
];
const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ').trim();

function requirementTable(): string {
  const rows = requirements.map((r) => `| ${r.id} | ${r.level} | ${r.tier} | ${r.dialects.join(', ')} | ${cell(r.title)}: ${cell(r.description)} | ${cell(r.clause)} |`);
  return ['| id | level | tier | dialects | requirement | source clause |', '| --- | --- | --- | --- | --- | --- |', ...rows].join('\n');
}

function mutantTable(): string {
  const listed = execFileSync(process.execPath, ['--import', 'tsx', 'reference/main.ts', '--list-mutants'], { encoding: 'utf8' }).trim().split('\n');
  const rows = listed.map((line) => {
    const [name = '', what = ''] = line.split('\t');
    const k = isMutantName(name) ? EXPECTED_KILLS[name] : undefined;
    const notes = [k?.advisory ? 'advisory: verdict stays CONFORMANT' : '', k?.leavesTags ? 'tags left named, exit 3' : '', k?.explorationOnly ? 'by the exploration, in at least 9 of 10 seeds' : ''].filter(Boolean);
    return `| \`${name}\` | ${cell(what)} | ${k?.requirements.join(', ') ?? '—'}${notes.length ? ` (${notes.join('; ')})` : ''} |`;
  });
  return ['| mutant | the fault | fails exactly (no other requirement) |', '| --- | --- | --- |', ...rows].join('\n');
}

function replaceBlock(file: string, text: string, name: string, body: string): string {
  const re = new RegExp(`(<!-- ${name}:start -->)[\\s\\S]*?(<!-- ${name}:end -->)`);
  if (!re.test(text)) throw new Error(`${file} has no ${name} block`);
  return text.replace(re, `$1\n${body}\n$2`);
}

const stale: string[] = [];
for (const { file, name, body } of BLOCKS) {
  const current = readFileSync(file, 'utf8');
  const next = replaceBlock(file, current, name, body());
  if (next === current) continue;
  if (process.argv.includes('--check')) stale.push(`${file} (${name})`);
  else writeFileSync(file, next);
}
if (stale.length) {
  process.stderr.write(`generated tables are out of date in ${stale.join(', ')}: run npm run readme:tables\n`);
  process.exit(1);
}
if (process.argv.includes('--check')) process.stdout.write('generated tables match the spec and the mutants\n');
