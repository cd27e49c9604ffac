// DT-09, cross-tenant (OWASP API Security's "broken object level authorization"): a tag on an image that ANOTHER
// project owns, created by that project's own persona (the outsider), must not be deletable with the owner's
// credentials through that project's path. Aiming the owner at its own image under a foreign path (authorization.spec)
// cannot tell a service without project scoping from a correct one; this can.
import { test, expect, covers, evidence, observe } from '../fixtures/index.js';

test("the owner cannot delete a tag on another project's image, and the tag stays", covers({ requirement: 'DT-09', id: '75b930f0-ce6b-49c0-b03d-90dcde261b4c' }), async ({ api, outsider, tags }) => {
  const tag = await outsider.plant();
  // A 503 that left the outsider's tag as it was is a busy gateway: the delete is sent again before it is judged.
  const del = await tags.outsideBook("the owner's delete on another project's image", () => api.deleteTag(tag.key, outsider.home), async () => (await outsider.current(tag)) === tag.listed);
  const after = await outsider.current(tag);
  observe(`the owner's delete of a tag on another project's image answered ${del.status ?? del.error}`);
  // As DT-15 records it: 404 hides that the image exists; 403 is what the document lists for "no permission".
  if (del.status === 404) observe("404, not 403: the service hides another project's image from the owner (conformant for DT-09, recorded as DT-15 records it)");
  expect.soft(after, evidence('DT-09', `the outsider's tag ${JSON.stringify(tag.key)} must survive the owner's delete through the other project's path`, del)).toBe(tag.listed);
  await expect(del).toAnswer([403, 404], "the owner's credentials must be refused (403; 404 recorded) on another project's image");
});
