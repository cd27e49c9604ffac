import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, describeConfig, loadConfig, unknownVariables } from '../harness/run/config.js';

const problems = (env: Record<string, string>): string[] => {
  try {
    loadConfig(env);
    return [];
  } catch (err) {
    assert.ok(err instanceof ConfigError);
    return err.problems;
  }
};

const remote = { IMS_ENDPOINT: 'https://ims.example.test', IMS_PROJECT_ID: 'p', IMS_IMAGE_ID: 'i', IMS_AUTH_TOKEN: 'tok-secret' };

test('no endpoint: the embedded target with its own seed and both personas', () => {
  const c = loadConfig({ IMS_REFERENCE_PORT: '1234' });
  assert.equal(c.embedded, true);
  assert.equal(c.endpoint, 'http://127.0.0.1:1234');
  assert.equal(c.owner?.form, 'token');
  assert.equal(c.forbidden?.form, 'token');
  assert.equal(c.tagQuota, 10);
});

test('a remote endpoint needs its image and project', () => {
  assert.deepEqual(problems({ IMS_ENDPOINT: 'https://x.test' }), [
    'IMS_IMAGE_ID is required with IMS_ENDPOINT: the image the suite tags and untags',
    'IMS_PROJECT_ID is required with IMS_ENDPOINT in the ims dialect',
  ]);
  assert.deepEqual(problems({ IMS_ENDPOINT: 'https://x.test', IMS_IMAGE_ID: 'i', IMS_API_DIALECT: 'openstack' }), []);
});

test('each bad value gets its own message naming the variable', () => {
  const p = problems({ ...remote, IMS_ENDPOINT: 'ftp://x', IMS_TAG_QUOTA: 'ten', IMS_API_DIALECT: 'grpc', IMS_INSECURE_TLS: 'yes' });
  assert.equal(p.length, 4);
  assert.ok(p.some((m) => m.startsWith('IMS_ENDPOINT must use http')));
  assert.ok(p.some((m) => m.startsWith('IMS_TAG_QUOTA')));
  assert.ok(p.some((m) => m.startsWith('IMS_API_DIALECT')));
  assert.ok(p.some((m) => m.startsWith('IMS_INSECURE_TLS')));
});

test('an unknown IMS_* variable is a warning, an error under IMS_STRICT=1', () => {
  assert.deepEqual(problems({ ...remote, IMS_AUTH_TOKN: 'x', IMS_REGION: 'eu-1' }), []);
  assert.deepEqual(unknownVariables({ ...remote, IMS_AUTH_TOKN: 'x' }), ['IMS_AUTH_TOKN is not a variable this suite reads (see .env.example)']);
  assert.deepEqual(problems({ ...remote, IMS_AUTH_TOKN: 'x', IMS_STRICT: '1' }), ['IMS_AUTH_TOKN is not a variable this suite reads (see .env.example)']);
  assert.deepEqual(problems({ ...remote, IMS_STRICT: 'yes' }), ['IMS_STRICT must be 1 or 0']);
});

test('authentication forms: one at a time, complete', () => {
  assert.equal(loadConfig({ ...remote, IMS_AUTH_TOKEN: '', IMS_ACCESS_KEY: 'AK', IMS_SECRET_KEY: 'SK' }).owner?.form, 'aksk');
  assert.match(problems({ ...remote, IMS_ACCESS_KEY: 'AK', IMS_SECRET_KEY: 'SK' })[0]!, /one authentication form/);
  assert.match(problems({ ...remote, IMS_AUTH_TOKEN: '', IMS_ACCESS_KEY: 'AK' })[0]!, /must be set together/);
  assert.match(problems({ ...remote, IMS_AUTH_TOKEN: '', IMS_IAM_ENDPOINT: 'https://iam.test', IMS_IAM_USERNAME: 'u' })[0]!, /IMS_IAM_PASSWORD, IMS_IAM_DOMAIN/);
  const iam = loadConfig({ ...remote, IMS_AUTH_TOKEN: '', IMS_IAM_ENDPOINT: 'https://iam.test', IMS_IAM_USERNAME: 'u', IMS_IAM_PASSWORD: 'pw', IMS_IAM_DOMAIN: 'd' });
  assert.equal(iam.owner?.form, 'iam');
  assert.equal(loadConfig(remote).forbidden, undefined, 'no forbidden persona unless configured');
});

test('describeConfig never carries a secret', () => {
  const c = loadConfig({ ...remote, IMS_FORBIDDEN_AUTH_TOKEN: 'forbidden-secret' });
  const text = JSON.stringify(describeConfig(c));
  assert.ok(!text.includes('tok-secret') && !text.includes('forbidden-secret'));
  assert.match(text, /"ownerAuth":"token"/);
});
