// End to end: OpenStack's credential conventions in the openstack dialect, against the reference target. The owner
// from OS_* variables (an openrc), the forbidden persona from a clouds.yaml entry (IMS_FORBIDDEN_OS_CLOUD), the
// outsider from a token; no IMS_ENDPOINT, so the endpoint comes from the owner's token's catalogue. The suite passes,
// and no canary (passwords, tokens, tokens issued mid-run) appears in anything printed or written.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startReference, type ReferenceProcess } from '../scripts/lib/reference-process.js';
import { canarySeed, findSecrets, readJsonFile, runSuite, tempDir, type Finished } from './lib/e2e.js';

const IAM_TOKEN = /iam-[0-9a-f]{48}/;
let ref: ReferenceProcess;
let run: Finished;
let canaries: string[];
const results = tempDir('os-auth');
const cloudDir = tempDir('os-clouds'); // outside the results: it holds a password by design, like any clouds.yaml

before(async () => {
  const made = canarySeed();
  canaries = made.canaries;
  const { seed } = made;
  ref = await startReference([], seed);
  const f = seed.iamUsers.forbidden;
  const clouds = { clouds: { forbidden: { auth: { auth_url: ref.url, username: f.username, password: f.password, project_id: seed.projectId, user_domain_name: f.domain } } } };
  writeFileSync(join(cloudDir, 'clouds.yaml'), JSON.stringify(clouds));
  const o = seed.iamUsers.owner;
  run = await runSuite({
    IMS_API_DIALECT: 'openstack',
    IMS_IMAGE_ID: seed.imageId,
    IMS_OTHER_IMAGE_ID: seed.otherImageId,
    IMS_RESULTS_DIR: results,
    OS_AUTH_URL: ref.url,
    OS_USERNAME: o.username,
    OS_PASSWORD: o.password,
    OS_PROJECT_ID: seed.projectId,
    OS_USER_DOMAIN_NAME: o.domain,
    OS_CLIENT_CONFIG_FILE: join(cloudDir, 'clouds.yaml'),
    IMS_FORBIDDEN_OS_CLOUD: 'forbidden',
    IMS_OUTSIDER_AUTH_TOKEN: seed.tokens.otherProject,
    IMS_OUTSIDER_IMAGE_ID: seed.otherProjectImageId,
  });
});

after(async () => {
  await ref?.stop();
  rmSync(results, { recursive: true, force: true });
  rmSync(cloudDir, { recursive: true, force: true });
});

test('OS_* owner, clouds.yaml forbidden persona, endpoint from the catalogue: the suite runs every openstack test and passes', () => {
  const report = readJsonFile<{
    verdict: string;
    target: { endpoint: string; ownerAuth: string; forbiddenPersona: string; outsiderPersona: string };
    counts: Record<string, number>;
    tests: { title: string; requirement: string; outcome: string }[];
  }>(`${results}/report.json`);
  assert.equal(report.verdict, 'CONFORMANT', `${run.stdout.slice(-3000)}\n${run.stderr.slice(-2000)}`);
  assert.equal(report.target.endpoint, ref.url);
  assert.deepEqual([report.target.ownerAuth, report.target.forbiddenPersona, report.target.outsiderPersona], ['keystone', 'keystone', 'token']);
  assert.equal(report.counts.fail, 0);
  // The personas' tests ran (not skipped): the forbidden persona's 403 and the outsider's cross-tenant case.
  const dt09 = report.tests.filter((t) => t.requirement === 'DT-09' && t.outcome === 'pass').map((t) => t.title);
  assert.ok(dt09.some((t) => t.includes('without permission')), dt09.join('; '));
  assert.ok(dt09.some((t) => t.includes("another project's image")), dt09.join('; '));
  assert.equal(run.code, 0);
});

test('no password or token of the OpenStack forms in the console or any file written', () => {
  const hits = findSecrets(results, [...canaries, IAM_TOKEN], run.stdout + run.stderr);
  assert.deepEqual(hits, []);
});
