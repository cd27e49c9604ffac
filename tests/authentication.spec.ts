// DT-08: missing, malformed or invalid credentials get 401 and delete nothing.
import { test, expect, covers, evidence } from '../fixtures/index.js';
import { BAD_CREDENTIALS } from '../harness/auth/bad-credentials.js';

test('missing, malformed and invalid credentials get 401 and the tag stays', covers({ requirement: 'DT-08', id: '2a9b7c61-8e4f-4d2a-b3c5-9f1e0d080801' }), async ({ api, tags }) => {
  await tags.reserve(1);
  const { key, listed } = await tags.mustCreate(tags.stem());
  const cases = BAD_CREDENTIALS;
  const answers = await Promise.all(cases.map((c) => api.deleteTag(key, { authOverride: c.headers })));
  const after = await api.listTags();
  const wrong = answers.flatMap((e, i) => (e.status === 401 ? [] : [`${cases[i]!.name}: got ${e.status ?? e.error}`]));
  expect(wrong, evidence('DT-08', `every request with missing, malformed or invalid credentials must answer 401 (${wrong.join('; ')})`, ...answers)).toEqual([]);
  expect(after.has(key) && after.get(key) === listed, evidence('DT-08', `the tag ${JSON.stringify(key)} must survive requests that failed authentication`, ...answers)).toBe(true);
});
