// OpenStack's credential conventions: the clouds.yaml search path, the OS_* variables per persona, the image endpoint
// from a Keystone catalogue, and token renewal before expiry.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cloudsYamlCandidates, findCloudsYaml, identityV3, imageEndpointFromCatalog, readOpenStackCredentials } from '../harness/auth/openstack.js';
import { TokenSource, needsRenewal } from '../harness/auth/token-source.js';
import { ConfigError, loadConfig } from '../harness/run/config.js';

const CLOUDS = `clouds:
  mine:
    auth:
      auth_url: https://keystone.example.test:5000
      username: alice
      password: s3cret-pw
      project_name: demo
      user_domain_name: Users
      project_domain_name: Projects
    region_name: RegionTwo
    interface: internal
  other:
    auth: { auth_url: "https://keystone.example.test/v3/", username: bob, password: pw2, project_id: abc123 }
`;

function folders() {
  const root = mkdtempSync(join(tmpdir(), 'ims-os-'));
  const cwd = join(root, 'work');
  const home = join(root, 'home');
  mkdirSync(cwd, { recursive: true });
  mkdirSync(join(home, '.config', 'openstack'), { recursive: true });
  return { root, cwd, home, done: () => rmSync(root, { recursive: true, force: true }) };
}

test('clouds.yaml search path: OS_CLIENT_CONFIG_FILE, the current folder, ~/.config/openstack, /etc/openstack, in that order', () => {
  const c = cloudsYamlCandidates({ OS_CLIENT_CONFIG_FILE: 'my.yaml' }, '/w', '/h');
  assert.deepEqual(c.filter((p) => p.endsWith('.yaml')), ['/w/my.yaml', '/w/clouds.yaml', '/h/.config/openstack/clouds.yaml', '/etc/openstack/clouds.yaml']);
  const present = new Set(['/h/.config/openstack/clouds.yaml', '/etc/openstack/clouds.yaml']);
  assert.equal(findCloudsYaml({}, '/w', '/h', (p) => present.has(p)), '/h/.config/openstack/clouds.yaml');
  present.add('/w/clouds.yaml');
  assert.equal(findCloudsYaml({}, '/w', '/h', (p) => present.has(p)), '/w/clouds.yaml', 'the current folder comes first');
  assert.equal(findCloudsYaml({}, '/w', '/h', () => false), undefined);
});

test('OS_CLOUD reads its entry from the first clouds.yaml found; the forbidden persona names another entry', () => {
  const f = folders();
  try {
    writeFileSync(join(f.home, '.config', 'openstack', 'clouds.yaml'), CLOUDS);
    const problems: string[] = [];
    const owner = readOpenStackCredentials({ OS_CLOUD: 'mine' }, 'IMS_', problems, f);
    assert.deepEqual(problems, []);
    assert.equal(owner?.authUrl, 'https://keystone.example.test:5000/v3');
    assert.equal(owner?.username, 'alice');
    assert.equal(owner?.projectName, 'demo');
    assert.equal(owner?.userDomain, 'Users');
    assert.equal(owner?.projectDomain, 'Projects');
    assert.equal(owner?.interface, 'internal');
    assert.equal(owner?.region, 'RegionTwo');
    const forbidden = readOpenStackCredentials({ IMS_FORBIDDEN_OS_CLOUD: 'other', IMS_OS_INTERFACE: 'public' }, 'IMS_FORBIDDEN_', problems, f);
    assert.equal(forbidden?.projectId, 'abc123');
    assert.equal(forbidden?.authUrl, 'https://keystone.example.test/v3');
    assert.equal(forbidden?.userDomain, 'Default', 'Default when clouds.yaml names no domain');
    assert.equal(forbidden?.interface, 'public', 'IMS_OS_INTERFACE overrides the cloud');
    // A clouds.yaml in the current folder wins over the user's.
    writeFileSync(join(f.cwd, 'clouds.yaml'), 'clouds: {}\n');
    readOpenStackCredentials({ OS_CLOUD: 'mine' }, 'IMS_', problems, f);
    assert.match(problems.at(-1)!, /^OS_CLOUD=mine: .*work\/clouds\.yaml has no cloud named "mine" \(it has: none\)$/);
  } finally {
    f.done();
  }
});

test('OS_CLOUD without any clouds.yaml, or an entry lacking fields, is one message each; the password never appears', () => {
  const f = folders();
  try {
    const problems: string[] = [];
    readOpenStackCredentials({ OS_CLOUD: 'x' }, 'IMS_', problems, f);
    assert.match(problems[0]!, /^OS_CLOUD=x: no clouds.yaml found \(looked in /);
    writeFileSync(join(f.cwd, 'clouds.yaml'), 'clouds:\n  x:\n    auth:\n      password: hunter22\n');
    const more: string[] = [];
    assert.equal(readOpenStackCredentials({ OS_CLOUD: 'x' }, 'IMS_', more, f), undefined);
    assert.equal(more.length, 3);
    assert.ok(more.every((m) => !m.includes('hunter22')));
  } finally {
    f.done();
  }
});

test('OS_* variables (an openrc) for the owner, IMS_OUTSIDER_OS_* for the outsider', () => {
  const problems: string[] = [];
  const env = { OS_AUTH_URL: 'http://k:5000/v3', OS_USERNAME: 'u', OS_PASSWORD: 'p', OS_PROJECT_NAME: 'proj', OS_USER_DOMAIN_NAME: 'D', OS_PROJECT_DOMAIN_NAME: 'D', OS_REGION_NAME: 'R1', OS_INTERFACE: 'internalURL' };
  const c = readOpenStackCredentials(env, 'IMS_', problems);
  assert.deepEqual(problems, []);
  assert.equal(c?.region, 'R1');
  assert.equal(c?.interface, 'internal', 'the old "internalURL" spelling means internal');
  readOpenStackCredentials({ IMS_OUTSIDER_OS_AUTH_URL: 'http://k' }, 'IMS_OUTSIDER_', problems);
  assert.deepEqual(problems, [
    'IMS_OUTSIDER_OS_USERNAME must be set with IMS_OUTSIDER_OS_AUTH_URL',
    'IMS_OUTSIDER_OS_PASSWORD must be set with IMS_OUTSIDER_OS_AUTH_URL',
    'IMS_OUTSIDER_OS_PROJECT_NAME (or PROJECT_ID) must be set with IMS_OUTSIDER_OS_AUTH_URL',
  ]);
  assert.equal(identityV3('http://k:5000/'), 'http://k:5000/v3');
});

test('the configuration: OpenStack credentials without IMS_ENDPOINT take the endpoint from the catalogue (openstack dialect only)', () => {
  const os = { IMS_API_DIALECT: 'openstack', IMS_IMAGE_ID: 'i', OS_AUTH_URL: 'http://k/v3', OS_USERNAME: 'u', OS_PASSWORD: 'p', OS_PROJECT_ID: 'x' };
  const c = loadConfig(os);
  assert.equal(c.embedded, false);
  assert.equal(c.endpointFromCatalogue, true);
  assert.equal(c.owner?.form, 'keystone');
  // An explicit IMS_AUTH_TOKEN wins over OS_* that happen to be in an OpenStack user's shell.
  assert.equal(loadConfig({ ...os, IMS_ENDPOINT: 'http://g', IMS_AUTH_TOKEN: 't' }).owner?.form, 'token');
  // The ims dialect ignores the owner's OS_*, and refuses the prefixed ones (they were meant for the openstack dialect).
  assert.equal(loadConfig({ IMS_REFERENCE_PORT: '1', OS_CLOUD: 'x' }).owner?.form, 'token');
  assert.throws(() => loadConfig({ IMS_REFERENCE_PORT: '1', IMS_FORBIDDEN_OS_CLOUD: 'x' }), (e: unknown) => e instanceof ConfigError && /openstack dialect only/.test(e.problems[0]!));
});

test('the outsider persona: credentials and its image together; in the ims dialect its project too', () => {
  const remote = { IMS_ENDPOINT: 'http://t', IMS_PROJECT_ID: 'p', IMS_IMAGE_ID: 'i', IMS_AUTH_TOKEN: 't' };
  const problemsOf = (env: Record<string, string>) => {
    try {
      loadConfig(env);
      return [];
    } catch (e) {
      return (e as ConfigError).problems;
    }
  };
  assert.match(problemsOf({ ...remote, IMS_OUTSIDER_AUTH_TOKEN: 'o' })[0]!, /needs IMS_OUTSIDER_IMAGE_ID/);
  assert.match(problemsOf({ ...remote, IMS_OUTSIDER_IMAGE_ID: 'x' })[0]!, /needs the outsider persona's credentials/);
  assert.match(problemsOf({ ...remote, IMS_OUTSIDER_AUTH_TOKEN: 'o', IMS_OUTSIDER_IMAGE_ID: 'x' })[0]!, /needs IMS_OTHER_PROJECT_ID/);
  const c = loadConfig({ ...remote, IMS_OUTSIDER_AUTH_TOKEN: 'o', IMS_OUTSIDER_IMAGE_ID: 'x', IMS_OTHER_PROJECT_ID: 'q' });
  assert.equal(c.outsider?.form, 'token');
  assert.equal(c.outsiderImageId, 'x');
  const embedded = loadConfig({ IMS_REFERENCE_PORT: '1' });
  assert.equal(embedded.outsider?.form, 'token', 'the embedded run exercises the outsider');
});

const catalog = [
  { type: 'identity', endpoints: [{ interface: 'public', region_id: 'R1', url: 'http://k/v3' }] },
  {
    type: 'image',
    name: 'glance',
    endpoints: [
      { interface: 'public', region_id: 'R1', url: 'https://image.r1.test:9292/' },
      { interface: 'internal', region_id: 'R1', url: 'http://10.0.0.1:9292/v2' },
      { interface: 'public', region_id: 'R2', url: 'https://image.r2.test:9292' },
    ],
  },
];

test('the image endpoint from the catalogue: by interface and region; ambiguity and absence are explained', () => {
  assert.deepEqual(imageEndpointFromCatalog(catalog, 'public', 'R1'), { url: 'https://image.r1.test:9292' });
  assert.deepEqual(imageEndpointFromCatalog(catalog, 'internal'), { url: 'http://10.0.0.1:9292' }, 'the version suffix is dropped');
  assert.match((imageEndpointFromCatalog(catalog, 'public') as { problem: string }).problem, /2 public endpoints \(R1, R2\): choose one with IMS_OS_REGION/);
  assert.match((imageEndpointFromCatalog(catalog, 'admin') as { problem: string }).problem, /no admin endpoint .*public@R1, internal@R1, public@R2/);
  assert.match((imageEndpointFromCatalog([catalog[0]], 'public') as { problem: string }).problem, /no service of type "image" \(it has: identity\)/);
  assert.match((imageEndpointFromCatalog(undefined, 'public') as { problem: string }).problem, /no service catalogue/);
});

test('tokens are fetched once and renewed shortly before they expire', async () => {
  let now = 1_000_000;
  let logins = 0;
  const life = 3_600_000;
  const source = new TokenSource(async () => ({ token: `t${++logins}`, expiresAt: now + life }), undefined, () => now);
  assert.deepEqual(await Promise.all([source.token(), source.token()]), ['t1', 't1'], 'concurrent callers share one login');
  now += life - 6 * 60_000;
  assert.equal(await source.token(), 't1');
  now += 2 * 60_000; // within the last 5 minutes
  assert.equal(await source.token(), 't2');
  assert.equal(logins, 2);
  assert.equal(needsRenewal({ token: 'x' }, 0, Number.MAX_SAFE_INTEGER), false, 'no expiry known: kept');
  // A token handed over by the gate is used as is, until its own end approaches.
  const handed = new TokenSource(async () => ({ token: 'fresh' }), { token: 'given', expiresAt: now + 60_000 }, () => now);
  assert.equal(await handed.token(), 'given');
  now += 55_000;
  assert.equal(await handed.token(), 'fresh');
});
