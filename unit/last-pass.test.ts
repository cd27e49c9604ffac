// The teardown's last pass picks only the run's own tags still listed whose cleanup never got the service's answer;
// a tag the target refused to delete, another run's tag, a tag seen gone and someone else's dot-segment are left.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lastPassTags } from '../harness/books/last-pass.js';
import type { LedgerEntry } from '../harness/books/ledger.js';
import { newRunId, runPrefix } from '../harness/run/run-id.js';

const now = Date.now();
const run = newRunId(now - 60_000);
const other = newRunId(now - 120_000);
const key = (s: string, r = run) => `${runPrefix(r)}0x1-${s}`;
const at = new Date(now).toISOString();
const add = (k: string, extra: Partial<LedgerEntry> = {}): LedgerEntry => ({ runId: run, image: 'img', key: k, op: 'add', value: 'v', at, ...extra });
const ledger: LedgerEntry[] = [
  add(key('busy')),
  { runId: run, image: 'img', key: key('busy'), op: 'stuck', status: 503, at },
  add(key('unanswered')),
  { runId: run, image: 'img', key: key('unanswered'), op: 'stuck', at },
  add(key('never-cleaned')),
  add(key('refused')),
  { runId: run, image: 'img', key: key('refused'), op: 'stuck', status: 500, at },
  add(key('seen-gone')),
  { runId: run, image: 'img', key: key('seen-gone'), op: 'gone', at },
  add(key('not-listed')),
  add('.', { raw: true }),
  add('..', { raw: true }),
  { ...add(key('theirs', other)), runId: other },
];
const listed = (...keys: string[]) => new Map(keys.map((k) => [k, k === '..' ? 'someone else' : 'v']));

test('the run\'s own tags whose cleanup the service never answered are tried again, and only those', () => {
  const listings = new Map([['img', listed(key('busy'), key('unanswered'), key('never-cleaned'), key('refused'), key('seen-gone'), '.', '..', key('theirs', other))]]);
  const picked = lastPassTags(ledger, run, listings, { img: {} });
  assert.deepEqual(picked.map((t) => t.key), [key('busy'), key('unanswered'), key('never-cleaned'), '.']);
  assert.equal(picked.find((t) => t.key === '.')?.raw, true, 'a dot-segment travels verbatim');
  assert.equal(picked.find((t) => t.key === key('busy'))?.raw, false);
});

test('a dot-segment that was there at the start is never the run\'s to delete', () => {
  const listings = new Map([['img', listed('.')]]);
  assert.deepEqual(lastPassTags(ledger, run, listings, { img: { '.': 'v' } }), []);
});
