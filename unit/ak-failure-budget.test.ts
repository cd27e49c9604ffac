// The budget of failing signed requests under the real AK, against a stand-in of the vendor's lockout counter (the
// AK is locked after 5 consecutive signature failures): no plan of requests, from any number of workers, locks it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AK_FAILURE_BUDGET, AkFailureBudget } from '../harness/auth/ak-failure-budget.js';
import { BrokerClient, startBroker } from '../harness/run/broker.js';
import { NEAR_MISS_SIGNATURES } from '../data/near-miss-credentials.js';

/** The vendor's side: consecutive signature failures per AK, locked at 5 (a locked AK refuses everything). */
class LockoutCounter {
  consecutive = 0;
  failures = 0;
  locked = false;
  fail(): void {
    this.failures++;
    if (++this.consecutive >= 5) this.locked = true;
  }
  succeed(): boolean {
    if (this.locked) return false;
    this.consecutive = 0;
    return true;
  }
}

/** A deterministic pseudo-random sequence (no flakes). */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

test('the limits stay below the lockout threshold', () => {
  assert.ok(AK_FAILURE_BUDGET.inARow < 5);
  assert.ok(AK_FAILURE_BUDGET.perRun >= NEAR_MISS_SIGNATURES.length, 'every signed near miss fits the budget of one run');
});

test("the signed near misses, sent as the test sends them, spend the budget and never lock the AK", () => {
  const budget = new AkFailureBudget();
  const vendor = new LockoutCounter();
  for (let i = 0; i < NEAR_MISS_SIGNATURES.length; i += AK_FAILURE_BUDGET.inARow) {
    for (const _ of NEAR_MISS_SIGNATURES.slice(i, i + AK_FAILURE_BUDGET.inARow)) if (budget.spend()) vendor.fail();
    if (vendor.succeed()) budget.succeeded(); // the judging listing
  }
  assert.equal(vendor.failures, NEAR_MISS_SIGNATURES.length);
  assert.equal(vendor.locked, false);
  // A second run of the test in the same run (a repeat) gets nothing more.
  assert.equal(budget.spend(), false);
});

test('without a success in between, no more than two failures in a row are granted', () => {
  const budget = new AkFailureBudget();
  const granted = Array.from({ length: 10 }, () => budget.spend()).filter(Boolean).length;
  assert.equal(granted, AK_FAILURE_BUDGET.inARow);
});

/** Three workers sending failing and succeeding requests in a random order, each failure only if the budget grants it. */
async function interleave(seed: number, spend: () => Promise<boolean>, succeeded: () => Promise<void>): Promise<LockoutCounter> {
  const vendor = new LockoutCounter();
  const random = lcg(seed);
  await Promise.all([0, 1, 2].map(async () => {
    for (let i = 0; i < 30; i++) {
      if (random() < 0.8) {
        if (await spend()) vendor.fail();
      } else if (vendor.succeed()) await succeeded();
    }
  }));
  return vendor;
}

test('a looser budget would lock the AK: the counter this is checked against can fail', async () => {
  const locked = [];
  for (let seed = 1; seed <= 5; seed++) {
    const loose = new AkFailureBudget({ perRun: 100, inARow: 5 });
    locked.push((await interleave(seed, async () => loose.spend(), async () => loose.succeeded())).locked);
  }
  assert.ok(locked.some(Boolean));
});

test('any interleaving of failures and successes from several workers, through the run broker, never locks the AK', async () => {
  for (let seed = 1; seed <= 5; seed++) {
    const broker = await startBroker({ slots: {} });
    try {
      const workers = [new BrokerClient(broker.url), new BrokerClient(broker.url), new BrokerClient(broker.url)];
      let turn = 0;
      const next = () => workers[turn++ % workers.length]!;
      const vendor = await interleave(seed, () => next().spendAkFailure(), () => next().akSucceeded());
      assert.equal(vendor.locked, false, `seed ${seed}: the AK was locked (${vendor.consecutive} consecutive failures)`);
      assert.ok(vendor.failures <= AK_FAILURE_BUDGET.perRun, `seed ${seed}: ${vendor.failures} failures in one run`);
      // One budget for the whole run, whichever worker asks.
      if (vendor.failures === AK_FAILURE_BUDGET.perRun) assert.equal(await new BrokerClient(broker.url).spendAkFailure(), false);
    } finally {
      await broker.close();
    }
  }
});
