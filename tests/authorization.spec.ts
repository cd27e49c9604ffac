// DT-09, DT-15: valid credentials without permission get 403 and delete nothing.
import { test, expect, covers, evidence } from '../fixtures/index.js';

test('a persona without permission on the image gets 403 and the tag stays', covers({ requirement: 'DT-09', id: '8e2f4b17-6c3a-4e9d-a1f0-5b7d2c090901' }), async ({ api, forbiddenApi, tags }) => {
  test.skip(!forbiddenApi, 'persona not configured: set IMS_FORBIDDEN_AUTH_TOKEN (or the IMS_FORBIDDEN_ AK/SK or IAM variables)');
  await tags.reserve(1);
  const { key, listed } = await tags.mustCreate(tags.stem());
  const del = await forbiddenApi!.deleteTag(key);
  const after = await api.listTags();
  expect(del.status, evidence('DT-09', 'valid credentials without permission on the image must answer 403', del)).toBe(403);
  expect(after.get(key), evidence('DT-09', `the tag ${JSON.stringify(key)} must survive a forbidden delete`, del)).toBe(listed);
});

test("the owner's credentials in another project's path never succeed and delete nothing", covers({ requirement: 'DT-09', id: '8e2f4b17-6c3a-4e9d-a1f0-5b7d2c090902', dialects: ['ims'] }), async ({ api, tags, config }) => {
  test.skip(!config.otherProjectId, 'not configured: set IMS_OTHER_PROJECT_ID to a project the owner is not scoped to');
  await tags.reserve(1);
  const { key, listed } = await tags.mustCreate(tags.stem());
  const del = await api.deleteTag(key, { project: config.otherProjectId });
  const after = await api.listTags();
  test.info().annotations.push({ type: 'observation', description: `the owner in another project's path answered ${del.status ?? del.error}` });
  expect(del.status !== undefined && del.status >= 400 && del.status < 500, evidence('DT-09', "the owner's credentials in another project's path must be refused with a 4xx", del)).toBe(true);
  expect(after.get(key), evidence('DT-09', `the tag ${JSON.stringify(key)} must survive a delete through another project's path`, del)).toBe(listed);
});

test("the owner's credentials in another project's path answer 403", covers({ requirement: 'DT-15', id: '8e2f4b17-6c3a-4e9d-a1f0-5b7d2c091501' }), async ({ api, tags, config }) => {
  test.skip(!config.otherProjectId, 'not configured: set IMS_OTHER_PROJECT_ID to a project the owner is not scoped to');
  const del = await api.deleteTag(tags.stem(), { project: config.otherProjectId });
  expect(del.status, evidence('DT-15', "a delete through a project the credentials are not scoped to should answer 403", del)).toBe(403);
});
