import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planSweep, stuckExplanation, summarizeLeftovers } from '../harness/books/leftovers.js';
import { stuckEntries, type LedgerEntry } from '../harness/books/ledger.js';
import { newRunId, runPrefix } from '../harness/run/run-id.js';

const now = Date.now();
const run = newRunId(now - 60_000);
const key = (s: string) => `${runPrefix(run)}0x1-${s}`;
const at = new Date(now).toISOString();
const ledger: LedgerEntry[] = [
  { runId: run, image: 'img', key: key('key'), op: 'add', value: 'v', at },
  { runId: run, image: 'img', key: key('Key'), op: 'add', value: 'v', at },
  { runId: run, image: 'img', key: key('Key'), op: 'stuck', status: 500, case: { id: 'ascii-case', kind: 'case' }, at },
  { runId: run, image: 'img', key: key('key'), op: 'stuck', status: 500, case: { id: 'ascii-case', kind: 'case' }, at },
  { runId: run, image: 'img', key: key('other'), op: 'add', value: 'v', at },
  { runId: run, image: 'img', key: key('gone'), op: 'stuck', status: 500, at },
  { runId: run, image: 'img', key: key('gone'), op: 'gone', at },
];

test('the ledger knows which tags the target would not delete, until one is seen gone', () => {
  assert.deepEqual(stuckEntries(ledger).map((e) => e.key).sort(), [key('Key'), key('key')].sort());
});

test('the sweep tries a stuck tag once more and says why; the preflight names the stuck tags with the way out', () => {
  const listings = { img: new Map<string, string | null>([[key('key'), 'v'], [key('Key'), 'v'], [key('other'), 'v'], ['env', 'prod']]) };
  const plan = planSweep({ listings, ledger, isAlive: () => false, ttlMs: 3_600_000, now });
  const byKey = new Map(plan.map((l) => [l.key, l]));
  assert.equal(byKey.get(key('Key'))?.action, 'delete');
  assert.deepEqual(byKey.get(key('Key'))?.stuck, { status: 500, pair: 'ascii-case' });
  assert.match(byKey.get(key('Key'))!.reason, /would not delete it before \(near-miss pair ascii-case, case\): it answered 500/);
  assert.equal(byKey.get(key('other'))?.stuck, undefined);
  assert.ok(!byKey.has('env'), 'never a tag the suite did not create');
  const summary = summarizeLeftovers(plan)!;
  assert.match(summary, /2 the target will not delete/);
  assert.match(summary, /no API call can remove them, `ims-conformance sweep --apply` included\. Only the target's own tools can/);
});

test('the explanation claims a folding twin only where a near-miss pair made the tags', () => {
  assert.match(stuckExplanation([{ status: 500, pair: 'ascii-case' }]), /near-miss twin/);
  assert.doesNotMatch(stuckExplanation([{ status: 500, pair: null }, { status: 500, pair: 'accent' }]), /near-miss twin/);
  assert.match(stuckExplanation([{ status: null }]), /the target answers nothing to every delete/);
});
