// DT-09, DT-15: valid credentials without permission get 403 and delete nothing.
import { test, expect, covers, observe } from '../fixtures/index.js';

test('a persona without permission on the image gets 403 and the tag stays', covers({ requirement: 'DT-09', id: '8e2f4b17-6c3a-4e9d-a1f0-5b7d2c090901' }), async ({ tags, forbidden }) => {
  const tag = await tags.existing();
  await expect(await tags.delete(tag.key, { persona: forbidden })).toAnswer(403, 'valid credentials without permission on the image must answer 403');
});

test("the owner's credentials in another project's path never succeed and delete nothing", covers({ requirement: 'DT-09', id: '8e2f4b17-6c3a-4e9d-a1f0-5b7d2c090902', dialects: ['ims'] }), async ({ tags, otherProject }) => {
  const tag = await tags.existing();
  const del = await tags.delete(tag.key, { project: otherProject });
  observe(`the owner in another project's path answered ${del.status ?? del.error}`);
  await expect(del).toAnswer('4xx', "the owner's credentials in another project's path must be refused with a 4xx");
});

test("the owner's credentials in another project's path answer 403", covers({ requirement: 'DT-15', id: '8e2f4b17-6c3a-4e9d-a1f0-5b7d2c091501' }), async ({ tags, otherProject }) => {
  await expect(await tags.delete(tags.absentKey(), { project: otherProject })).toAnswer(403, "a delete through a project the credentials are not scoped to should answer 403");
});
