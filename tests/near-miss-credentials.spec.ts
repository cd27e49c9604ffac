// DT-08 near misses: the owner's OWN credential, changed the least a check could miss (data/near-miss-credentials.ts),
// must answer 401 and delete nothing. A credential that shares nothing with a real one (authentication.spec) cannot
// tell a prefix compare or a date never checked from a correct check; these can.
import { test, expect, covers, notExercised, skipAs } from '../fixtures/index.js';
import { NEAR_MISS_SIGNATURES, NEAR_MISS_TOKENS, STALE_SDK_DATE_MS, type NearMissSignature, type NearMissToken } from '../data/near-miss-credentials.js';
import { AK_FAILURE_BUDGET } from '../harness/auth/ak-failure-budget.js';
import { signRequest } from '../harness/auth/sdk-signer.js';
import type { SignableRequest } from '../harness/auth/credentials.js';
import { registerSecret } from '../harness/http/redact.js';
import type { Exchange } from '../harness/http/exchanges.js';
import type { BrokerClient } from '../harness/run/broker.js';
import type { TagBook } from '../fixtures/tag-book.js';

test("near misses of the owner's own credential get 401 and the tag stays", covers({ requirement: 'DT-08', id: 'c3f1a0e2-5b7d-4e69-9a84-2d6b0c080802' }), async ({ tags, config, broker }) => {
  const owner = config.owner;
  if (!owner) skipAs('not-configured', 'not configured: the owner persona has no credentials');
  if (owner.form === 'aksk') return signedNearMisses(tags, broker, owner);
  const token = owner.form === 'token' ? owner.token : await broker.iamToken('owner');
  const tag = await tags.existing();
  const sent: { miss: NearMissToken; del: Exchange }[] = [];
  for (const miss of NEAR_MISS_TOKENS) {
    const tampered = miss.tamper(token);
    if (tampered === undefined || tampered === token) {
      notExercised(`${miss.id}: impossible for the owner's token (${miss.findsBug})`);
      continue;
    }
    registerSecret(tampered); // one character away from the real token: as secret as it is
    sent.push({ miss, del: await tags.delete(tag.key, { authOverride: () => ({ 'X-Auth-Token': tampered }), verify: false }) });
  }
  await tags.list(); // judged once: none of them may have changed anything
  for (const { miss, del } of sent) expect.soft(del).toAnswer(401, `the owner's token with its ${miss.id} must answer 401 (a check that accepts it: ${miss.findsBug})`);
});

/** Under the real AK: correctly signed, for another date, URI or method than the request sent. */
async function signedNearMisses(tags: TagBook, broker: BrokerClient, owner: { accessKey: string; secretKey: string }): Promise<void> {
  const sign = (miss: NearMissSignature) => (req: SignableRequest) => {
    const base = { headers: {}, body: req.body ?? '', accessKey: owner.accessKey, secretKey: owner.secretKey };
    if (miss.id === 'stale-date') return signRequest({ ...base, method: req.method, url: req.url, now: new Date(Date.now() - STALE_SDK_DATE_MS) });
    if (miss.id === 'other-uri') return signRequest({ ...base, method: req.method, url: `${req.url}-other` });
    return signRequest({ ...base, method: 'GET', url: req.url });
  };
  const tag = await tags.existing();
  const sent: { miss: NearMissSignature; del: Exchange }[] = [];
  // The vendor locks the AK after 5 consecutive signature failures: at most AK_FAILURE_BUDGET.inARow of them, then a
  // request under the AK that succeeds (the judging listing). The run's broker refuses what the budget does not allow.
  for (let i = 0; i < NEAR_MISS_SIGNATURES.length; i += AK_FAILURE_BUDGET.inARow) {
    for (const miss of NEAR_MISS_SIGNATURES.slice(i, i + AK_FAILURE_BUDGET.inARow)) {
      if (!(await broker.spendAkFailure())) {
        notExercised(`${miss.id}: not sent, the run's budget of failing requests under the real AK is spent (${AK_FAILURE_BUDGET.perRun} per run, ${AK_FAILURE_BUDGET.inARow} in a row)`);
        continue;
      }
      sent.push({ miss, del: await tags.delete(tag.key, { authOverride: sign(miss), verify: false }) });
    }
    const listing = await tags.list(); // judges the group, and is the success under the AK that ends the row
    if (listing.exchange.status === 200) await broker.akSucceeded();
  }
  if (!sent.length) skipAs('not-exercised', "not exercised: the run's budget of failing requests under the real AK was spent before this test");
  for (const { miss, del } of sent) expect.soft(del).toAnswer(401, `a request ${miss.describe} must answer 401 (a check that accepts it: ${miss.findsBug})`);
}
