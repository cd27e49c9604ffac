// DT-09, cross-tenant (OWASP API Security's "broken object level authorization"): a tag on an image that ANOTHER
// project owns, created by that project's own persona (the outsider), must not be deletable with the owner's
// credentials through that project's path. Aiming the owner at its own image under a foreign path (authorization.spec)
// cannot tell a service without project scoping from a correct one; this can.
import { test, expect, covers, evidence, blockedUnless, observe, skipAs, succeeded } from '../fixtures/index.js';
import { authHeadersFor } from '../harness/auth/credentials.js';
import { appendLedger } from '../harness/books/ledger.js';
import { describeExchange } from '../harness/http/exchanges.js';
import { isCleanedUp } from '../harness/books/tag-factory.js';

const NOT_CONFIGURED =
  'persona not configured: set the outsider persona (IMS_OUTSIDER_AUTH_TOKEN, the IMS_OUTSIDER_ AK/SK, IAM or OS variables) and IMS_OUTSIDER_IMAGE_ID, an image it owns in another project (IMS_OTHER_PROJECT_ID in the ims dialect)';

test("the owner cannot delete a tag on another project's image, and the tag stays", covers({ requirement: 'DT-09', id: '75b930f0-ce6b-49c0-b03d-90dcde261b4c' }), async ({ api, config, broker, tags, preflightRecord }) => {
  if (!config.outsider || !config.outsiderImageId) skipAs('not-configured', NOT_CONFIGURED);
  const outsider = api.as('outsider', authHeadersFor(config.outsider, () => broker.iamToken('outsider')));
  // In the ims dialect the path names the outsider's project; the openstack routes carry no project.
  const at = { image: config.outsiderImageId!, project: config.otherProjectId };
  const key = tags.stem();
  const value = `v-${key}`;
  const ledger = (op: 'add' | 'gone') => appendLedger(config.resultsDir, { runId: preflightRecord.runId, image: at.image, key, op, value, at: new Date().toISOString() });
  ledger('add');
  const add = await outsider.addTag(key, value, at);
  try {
    // Without the outsider's own tag there is nothing to protect: the case cannot be judged (not a pass, not a failure).
    blockedUnless(succeeded(add), `the outsider persona could not tag its own image IMS_OUTSIDER_IMAGE_ID=${at.image}`, add);
    const listed = api.listsValues ? value : null;
    // A 503 that left the outsider's tag as it was is a busy gateway: the delete is sent again before it is judged.
    const del = await tags.outsideBook("the owner's delete on another project's image", () => api.deleteTag(key, at), async () => (await outsider.listTags(at)).get(key) === listed);
    const after = await outsider.listTags(at);
    observe(`the owner's delete of a tag on another project's image answered ${del.status ?? del.error}`);
    // As DT-15 records it: 404 hides that the image exists; 403 is what the document lists for "no permission".
    if (del.status === 404) observe("404, not 403: the service hides another project's image from the owner (conformant for DT-09, recorded as DT-15 records it)");
    expect.soft(after.get(key), evidence('DT-09', `the outsider's tag ${JSON.stringify(key)} must survive the owner's delete through the other project's path`, del)).toBe(listed);
    await expect(del).toAnswer([403, 404], "the owner's credentials must be refused (403; 404 recorded) on another project's image");
  } finally {
    // The outsider removes its own tag (also after an add that failed on the way: it may exist); nothing else is
    // touched, and nothing at all after a definite refusal (4xx): then there is no tag.
    const refused = add.status !== undefined && add.status >= 400 && add.status < 500;
    const gone = refused ? undefined : await outsider.cleanupDelete(key, at).catch(() => undefined);
    if (refused) ledger('gone');
    else if (gone && isCleanedUp(gone)) ledger('gone');
    else await test.info().attach('cleanup-problems.txt', { body: `cleanup of ${JSON.stringify(key)} on the outsider's image: ${gone ? describeExchange(gone) : 'no answer'}`, contentType: 'text/plain' });
  }
});
