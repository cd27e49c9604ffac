// `node targets/glance/judge-cleanup.mjs <results dir>`: after a Glance run, did the suite leave anything it could
// have avoided? Reads the run's report.json (cleanup.left: the run's own tags still on an image) and db-facts.json
// (what Glance's database holds, read directly by db-facts.py), and sorts what is left:
//   - the target cannot delete: a left tag whose row shares its value, under the column's collation, with another
//     live tag of the image (MariaDB's folding utf8mb3_general_ci): Glance's delete matches both rows and answers 500,
//     so no API call removes either. The database shows it, not the wording of a message.
//   - avoidable: every other left tag, and every tag stored twice (only overlapping writes create those).
// Exit 0: nothing avoidable; 1: something avoidable (named); 2: a file is missing or unreadable.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.argv[2];
const read = (name) => {
  try {
    return JSON.parse(readFileSync(join(dir, name), 'utf8'));
  } catch {
    console.error(`glance: no readable ${name} in ${dir}`);
    process.exit(2);
  }
};
const report = read('report.json');
const facts = read('db-facts.json');
if (!report.cleanup) {
  console.error('glance: the report has no cleanup section (the end-of-run check did not run)');
  process.exit(2);
}
const folded = new Set(facts.folded.map((f) => `${f.image}\n${f.value}`));
const left = report.cleanup.left;
const stuck = left.filter((l) => folded.has(`${l.image}\n${l.key}`));
const avoidable = left.filter((l) => !folded.has(`${l.image}\n${l.key}`));
const name = (l) => `${l.image}/${JSON.stringify(l.key ?? l.value)}`;
const out = [
  `glance (${facts.database}): ${left.length} tag(s) of the run left; ${stuck.length} the target cannot delete (a twin under ${facts.collation ?? 'the collation'}), ${avoidable.length} avoidable; ${facts.duplicates.length} tag(s) stored twice`,
];
if (stuck.length) out.push(`  cannot be deleted through the API: ${stuck.map(name).join(', ')}`);
if (avoidable.length) out.push(`  AVOIDABLE, left by the run: ${avoidable.map(name).join(', ')}`);
if (facts.duplicates.length) out.push(`  AVOIDABLE, stored twice (overlapping writes): ${facts.duplicates.map((d) => `${name(d)} x${d.rows}`).join(', ')}`);
console.error(out.join('\n'));
process.exit(avoidable.length || facts.duplicates.length ? 1 : 0);
