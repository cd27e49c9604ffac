// `npm run catalogue:check`: every test carries a unique stable id and names a requirement of the spec, and every
// test-scope requirement has at least one test. Reads the catalogue as Playwright itself loads it
// (`playwright test --list --reporter=json`), so what is checked is exactly what would run.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { requirements } from '../harness/spec.js';

export interface ListedTest {
  title: string;
  location: string;
  requirement?: string;
  id?: string;
}

interface JsonSpec {
  title: string;
  file: string;
  line: number;
  tests: { annotations: { type: string; description?: string }[] }[];
}
interface JsonSuite {
  specs?: JsonSpec[];
  suites?: JsonSuite[];
}
interface JsonList {
  suites: JsonSuite[];
  errors: { message?: string }[];
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** The problems of a catalogue; empty when it is sound. Pure, so it can be checked on made-up data too. */
export function catalogueProblems(tests: ListedTest[], loadErrors: string[] = []): string[] {
  const problems = loadErrors.map((e) => `a test file could not be loaded: ${e.split('\n')[0]}`);
  const known = new Set(requirements.map((r) => r.id));
  const byId = new Map<string, ListedTest[]>();
  for (const t of tests) {
    if (!t.id) problems.push(`${t.location} "${t.title}" has no test-id annotation (use covers())`);
    else if (!UUID.test(t.id)) problems.push(`${t.location} "${t.title}" has a test id that is not a UUID: ${t.id}`);
    else byId.set(t.id.toLowerCase(), [...(byId.get(t.id.toLowerCase()) ?? []), t]);
    if (!t.requirement) problems.push(`${t.location} "${t.title}" names no requirement (use covers())`);
    else if (!known.has(t.requirement)) problems.push(`${t.location} "${t.title}" names unknown requirement ${t.requirement}`);
  }
  for (const [id, same] of byId) {
    if (same.length > 1) problems.push(`test id ${id} is shared by ${same.map((t) => `${t.location} "${t.title}"`).join(' and ')}`);
  }
  // Run-scope requirements are decided by the reporter over every exchange, not by tests of their own.
  for (const r of requirements.filter((r) => r.scope === 'test')) {
    if (!tests.some((t) => t.requirement === r.id)) problems.push(`requirement ${r.id} (${r.title}) has no test`);
  }
  return problems;
}

function flatten(suite: JsonSuite): ListedTest[] {
  const own = (suite.specs ?? []).flatMap((spec) =>
    spec.tests.map((t) => ({
      title: spec.title,
      location: `${spec.file}:${spec.line}`,
      requirement: t.annotations.find((a) => a.type === 'requirement')?.description,
      id: t.annotations.find((a) => a.type === 'test-id')?.description,
    })),
  );
  return [...own, ...(suite.suites ?? []).flatMap(flatten)];
}

/** Lists the catalogue of a Playwright config without running it. Throws when Playwright cannot list it. */
export function listCatalogue(configFile?: string): { tests: ListedTest[]; errors: string[] } {
  const args = [fileURLToPath(new URL('../node_modules/@playwright/test/cli.js', import.meta.url)), 'test', '--list', '--reporter=json'];
  if (configFile) args.push('--config', configFile);
  const child = spawnSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  let list: JsonList;
  try {
    list = JSON.parse(child.stdout) as JsonList;
  } catch {
    throw new Error(`playwright test --list gave no JSON (exit ${child.status}): ${child.stderr.trim().split('\n')[0] ?? ''}`);
  }
  return { tests: list.suites.flatMap(flatten), errors: list.errors.map((e) => e.message ?? 'unknown error') };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  let config: string | undefined;
  try {
    config = parseArgs({ options: { config: { type: 'string' } } }).values.config;
  } catch (err) {
    process.stderr.write(`check-catalogue: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(2);
  }
  let listed;
  try {
    listed = listCatalogue(config);
  } catch (err) {
    process.stderr.write(`check-catalogue: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(2);
  }
  const problems = catalogueProblems(listed.tests, listed.errors);
  for (const p of problems) process.stderr.write(`catalogue: ${p}\n`);
  process.stdout.write(`catalogue: ${listed.tests.length} tests, ${problems.length} problem(s)\n`);
  process.exit(problems.length ? 1 : 0);
}
