// DT-08: missing, malformed or invalid credentials get 401 and delete nothing.
import { test, expect, covers } from '../fixtures/index.js';
import { BAD_CREDENTIALS } from '../harness/auth/bad-credentials.js';

test('missing, malformed and invalid credentials get 401 and the tag stays', covers({ requirement: 'DT-08', id: '2a9b7c61-8e4f-4d2a-b3c5-9f1e0d080801' }), async ({ tags }) => {
  const tag = await tags.existing();
  const answers = await Promise.all(BAD_CREDENTIALS.map((c) => tags.delete(tag.key, { authOverride: c.headers, verify: false })));
  await tags.list(); // none of them may have changed anything
  BAD_CREDENTIALS.forEach((c, i) => expect.soft(answers[i]!).toAnswer(401, `a request with ${c.name} must answer 401`));
});
