import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readRunRecords, writeRunRecord, type RunRecord } from '../reporter/run-record.js';

const record = (current: number, total: number, target: Record<string, unknown>): RunRecord => ({
  runId: `r${current}`, shard: { current, total }, target, preflight: { ok: true, runId: `r${current}`, warnings: [] }, integrity: null, preflightExchanges: [],
});

test('a merge needs the run record of every shard, all against one target', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ims-records-'));
  try {
    assert.match(readRunRecords(dir).problems.join(), /no run records/);
    writeRunRecord(dir, record(1, 2, { endpoint: 'https://a', embedded: false }));
    assert.match(readRunRecords(dir).problems.join(), /shard 2\/2 is missing/);
    writeRunRecord(dir, record(2, 2, { endpoint: 'https://b', embedded: false }));
    assert.match(readRunRecords(dir).problems.join(), /different targets/);
    writeRunRecord(dir, record(2, 2, { endpoint: 'https://a', embedded: false }));
    assert.deepEqual(readRunRecords(dir).problems, []);
    // Each shard of an embedded run has its own reference target on its own port.
    writeRunRecord(dir, record(1, 2, { endpoint: 'http://127.0.0.1:1', embedded: true }));
    writeRunRecord(dir, record(2, 2, { endpoint: 'http://127.0.0.1:2', embedded: true }));
    assert.deepEqual(readRunRecords(dir).problems, []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
