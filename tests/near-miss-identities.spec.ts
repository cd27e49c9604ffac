// DT-09 and DT-10 near misses of the object's identity. A service that checks the token's project against the path's
// and then looks the image up in every project (OWASP API1, broken object level authorization) lets the owner reach
// another project's image through the owner's OWN path; a router or database that conflates identifiers may address
// an image the request did not name (data/near-miss-identities.ts).
import { test, expect, covers, evidence, observe } from '../fixtures/index.js';
import { NEAR_MISS_IDENTITIES } from '../data/near-miss-identities.js';
import { DIALECT_OPERATIONS, operation } from '../harness/spec.js';

test("the owner cannot reach another project's image through the owner's own project path, and its tag stays", covers({ requirement: 'DT-09', id: '0d6c2b4e-8f1a-4a37-b5e9-3c7a1d090903', dialects: ['ims'] }), async ({ api, outsider, otherProject, tags }) => {
  const tag = await outsider.plant();
  // The outsider's image, the owner's own project: the project check passes, only the image lookup can refuse.
  // A 503 that left the outsider's tag as it was is a busy gateway: the delete is sent again before it is judged.
  const del = await tags.outsideBook("the owner's delete of another project's image through its own path", () => api.deleteTag(tag.key, { image: outsider.home.image }), async () => (await outsider.current(tag)) === tag.listed);
  const after = await outsider.current(tag);
  observe(`the owner's delete of another project's image (in project ${otherProject}) through the owner's own project path answered ${del.status ?? del.error}`);
  expect.soft(after, evidence('DT-09', `the outsider's tag ${JSON.stringify(tag.key)} must survive the owner's delete through the owner's own project path`, del)).toBe(tag.listed);
  // No such image in the owner's project: DT-10's 404 (or the vendor's documented 400); 403 is DT-09's refusal.
  await expect(del).toAnswer([400, 403, 404], "another project's image through the owner's own path must be refused (404 or the documented 400: no such image in this project; 403 accepted)");
});

test("the owner's image under conflatable identifiers changes no tag it did not name and answers a documented status", covers({ requirement: 'DT-10', id: '0d6c2b4e-8f1a-4a37-b5e9-3c7a1d101002' }), async ({ api, tags, config }) => {
  const documented = operation(DIALECT_OPERATIONS[config.dialect].delete).documentedStatuses;
  const forms = NEAR_MISS_IDENTITIES.filter((f) => !f.ims || config.dialect === 'ims');
  // The addressed key lives on the other image only (when configured); the main image holds a bystander. No form can
  // name an image that carries the key, so whatever the form addresses, nothing may change: 2xx is never right.
  const key = tags.stem();
  if (config.otherImageId) await tags.existing({ image: config.otherImageId, key });
  await tags.existing();
  // What the canonical address answers to another method on a tag's URI: the yardstick for "this form addresses it".
  const absent = tags.absentKey();
  const yardstick = await api.otherMethod('GET', absent);
  for (const form of forms) {
    await test.step(form.id, async () => {
      const at = form.address(config.imageId, config.projectId);
      const seen = await api.otherMethod('GET', absent, at);
      // A 404 for the real id too (no GET route on a tag's URI at all) cannot tell an image from no image.
      const verdict = yardstick.status === undefined || yardstick.status === 404 ? 'cannot tell whether it addresses the image' : seen.status === yardstick.status ? 'addresses the image' : 'does not address the image';
      observe(`identifier form "${form.id}": ${verdict} (GET on a tag's URI answered ${seen.status ?? seen.error}, through the real ids ${yardstick.status ?? yardstick.error})`);
      const del = await tags.delete(key, { ...at, refused: true }); // any change on any image this test holds is a finding
      const ok = del.status !== undefined && documented.includes(del.status) && del.status >= 400;
      expect.soft(ok, evidence('DT-10', `a delete through the ${form.id} (${form.conflatedBy}) must answer a documented 4xx (${documented.filter((s) => s >= 400).join(', ')}): no image it may name carries the key; it answered ${del.status ?? del.error}`, del)).toBe(true);
    });
  }
});
