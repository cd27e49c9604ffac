// The example workflow and the composite action: valid against SchemaStore's schemas of GitHub workflow and action
// files (vendored in .github/schemas), and true to what they promise users: Node versions the engines admit, the
// permissions their actions need, advisory findings shown without failing the job, shards run through the CLI and
// merged to one verdict; the release publishes with provenance only after the checks passed on every Node it admits.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { Ajv, type ValidateFunction } from 'ajv';

const schema = (name: string): ValidateFunction => {
  // SchemaStore schemas are draft-07 with a few keywords of their own (e.g. markdownDescription): not strict.
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
  return ajv.compile(JSON.parse(readFileSync(join('.github', 'schemas', name), 'utf8')) as object);
};
const problems = (validate: ValidateFunction, value: unknown) =>
  validate(value) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`);

const WORKFLOWS = readdirSync(join('.github', 'workflows')).filter((f) => /\.ya?ml$/.test(f)).map((f) => join('.github', 'workflows', f));
type Step = { uses?: string; run?: string; with?: Record<string, unknown>; if?: string };
type Job = { steps?: Step[]; permissions?: Record<string, string>; 'continue-on-error'?: unknown; strategy?: { matrix?: Record<string, unknown> } };

/** The Node major versions a setup-node step sets up: a number, or `${{ matrix.X }}` resolved through the job's matrix. */
function nodeVersions(job: Job, step: Step): number[] {
  const raw = String(step.with?.['node-version'] ?? '');
  const m = /^\$\{\{\s*matrix\.(\w+)\s*\}\}$/.exec(raw);
  const values = m ? job.strategy?.matrix?.[m[1]!] : [raw];
  assert.ok(Array.isArray(values) && values.length, `node-version ${raw}: no matrix values`);
  return values.map((v) => {
    assert.match(String(v), /^\d+$/, `node-version ${String(v)} is a major version`);
    return Number(v);
  });
}
const ENGINES = (JSON.parse(readFileSync('package.json', 'utf8')) as { engines: { node: string } }).engines.node;
const ENGINES_FLOOR = Number(/^>=(\d+)$/.exec(ENGINES)?.[1]);
type Workflow = { permissions?: Record<string, string>; jobs: Record<string, Job> };

test('the workflows and action.yml are valid against SchemaStore\'s schemas', () => {
  const workflow = schema('github-workflow.schema.json');
  for (const file of WORKFLOWS) assert.deepEqual(problems(workflow, parse(readFileSync(file, 'utf8'))), [], file);
  assert.deepEqual(problems(schema('github-action.schema.json'), parse(readFileSync('action.yml', 'utf8'))), [], 'action.yml');
  // The schema catches misspelt keys: a check that cannot fail would prove nothing.
  assert.notDeepEqual(problems(workflow, { on: 'push', jobs: { a: { 'runs-on': 'x', stepz: [] } } }), []);
});

test('the workflows: Node versions package.json admits, checks: write for the test report, advisory findings do not fail the job', () => {
  for (const file of WORKFLOWS) {
    const wf = parse(readFileSync(file, 'utf8')) as Workflow;
    for (const [name, job] of Object.entries(wf.jobs)) {
      const steps = job.steps ?? [];
      for (const s of steps.filter((s) => s.uses?.startsWith('actions/setup-node'))) {
        for (const v of nodeVersions(job, s)) assert.ok(v >= ENGINES_FLOOR, `${file} ${name}: Node ${v} is below package.json's engines (>=${ENGINES_FLOOR})`);
      }
      const reporter = steps.find((s) => s.uses?.startsWith('dorny/test-reporter'));
      if (reporter) {
        assert.equal((job.permissions ?? wf.permissions)?.checks, 'write', `${file} ${name}: the test report needs checks: write`);
        // Advisory requirements are JUnit failures: the report shows them, the suite's exit code decides.
        assert.equal(reporter.with?.['fail-on-error'], false, `${file} ${name}: the test report must not fail a CONFORMANT job`);
      }
      for (const s of steps) {
        assert.doesNotMatch(s.run ?? '', /playwright (test|merge-reports)/, `${file} ${name}: Playwright called directly bypasses the verdict`);
        assert.doesNotMatch(s.run ?? '', /\$\{\{\s*(secrets|inputs)\./, `${file} ${name}: secrets and inputs go through env, not the script text`);
      }
    }
    const text = readFileSync(file, 'utf8');
    if (/--shard=/.test(text)) assert.match(text, /(ims-conformance\S*|"\$SUITE") merge/, `${file}: shards are merged into one verdict by the CLI`);
  }
});

test('the composite action installs the package, passes inputs through the environment and uploads the results', () => {
  const action = parse(readFileSync('action.yml', 'utf8')) as { runs: { using: string; steps: (Step & { env?: Record<string, string> })[] }; inputs: Record<string, unknown> };
  assert.equal(action.runs.using, 'composite');
  const run = action.runs.steps.find((s) => s.run?.includes('npx --yes "ims-conformance@'));
  assert.ok(run, 'a step installs and runs the package');
  assert.doesNotMatch(run.run!, /\$\{\{/, 'no expression is spliced into the script');
  for (const input of ['endpoint', 'image-id', 'auth-token', 'forbidden-auth-token', 'only', 'strict', 'baseline']) assert.ok(input in action.inputs, `input ${input}`);
  const upload = action.runs.steps.find((s) => s.uses?.startsWith('actions/upload-artifact'));
  assert.match(upload?.if ?? '', /always\(\)/, 'results are uploaded whatever the verdict');
});

test('the release: on a version tag, the checks on the engines floor and every Node the README names, then npm provenance and the tarball', () => {
  const wf = parse(readFileSync(join('.github', 'workflows', 'release.yml'), 'utf8')) as Workflow & { on: { push?: { tags?: string[] } } };
  assert.deepEqual(wf.on.push?.tags, ['v*']);
  const checks = wf.jobs.checks!;
  const tested = nodeVersions(checks, checks.steps!.find((s) => s.uses?.startsWith('actions/setup-node'))!);
  assert.ok(tested.includes(ENGINES_FLOOR), `the engines floor (Node ${ENGINES_FLOOR}) is tested`);
  const named = /Node\.js (\d+) or newer \(checked on ([\d, and]+)\)/.exec(readFileSync('README.md', 'utf8'));
  assert.ok(named, "the README's prerequisites name the Node versions checked");
  assert.equal(`>=${named[1]}`, ENGINES, 'the README names the engines floor');
  assert.deepEqual(named[2]!.split(/,\s*|\s+and\s+/).map(Number), tested, 'the README names the versions the release checks on');
  assert.ok(checks.steps!.some((s) => s.run?.trim() === 'npm test'), 'the checks are npm test');
  const publish = wf.jobs.publish! as Job & { needs?: string | string[] };
  assert.deepEqual([publish.needs].flat(), ['checks'], 'nothing is published before the checks passed');
  assert.equal(publish.permissions?.['id-token'], 'write', 'provenance needs the OIDC token');
  assert.equal(publish.permissions?.contents, 'write', 'the GitHub release needs contents: write');
  const runs = (publish.steps ?? []).map((s) => s.run ?? '').join('\n');
  const tarball = /npm publish "(\.\/ims-conformance-\$\{GITHUB_REF_NAME#v\}\.tgz)" --provenance/.exec(runs)?.[1];
  assert.ok(tarball, 'npm publish --provenance of the packed tarball');
  assert.match(runs, /gh release create "\$GITHUB_REF_NAME" "\.\/ims-conformance-\$\{GITHUB_REF_NAME#v\}\.tgz"/, 'the same tarball is attached to the release');
  assert.match(runs, /test "\$GITHUB_REF_NAME" = "v\$version"/, 'the tag must name the package version');
});
