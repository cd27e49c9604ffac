// report.json's committed schema: it compiles under Ajv's strict draft 2020-12 mode, documents every field, and
// refuses what a reader could not trust (unknown fields, a missing or foreign schemaVersion, a bad verdict).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { reportSchema, reportSchemaProblems } from '../reporter/report-schema.js';
import { REPORT_SCHEMA_VERSION } from '../reporter/report-types.js';

test('the schema is draft 2020-12 and every property at every depth has a description', () => {
  assert.equal(reportSchema.$schema, 'https://json-schema.org/draft/2020-12/schema');
  const undocumented: string[] = [];
  const walk = (node: unknown, path: string) => {
    if (!node || typeof node !== 'object') return;
    const n = node as Record<string, unknown>;
    if (n.properties) {
      for (const [name, sub] of Object.entries(n.properties as Record<string, Record<string, unknown>>)) {
        if (typeof sub.description !== 'string' || !sub.description.trim()) undocumented.push(`${path}.${name}`);
        walk(sub, `${path}.${name}`);
      }
    }
    for (const k of ['items', 'additionalProperties']) if (n[k] && typeof n[k] === 'object') walk(n[k], `${path}[]`);
    for (const k of ['oneOf', 'anyOf']) for (const alt of (n[k] as unknown[] | undefined) ?? []) walk(alt, path);
  };
  walk(reportSchema, '$');
  assert.deepEqual(undocumented, []);
});

test('the schema version in the code is the one the schema accepts, and the policy document names it', () => {
  assert.match(REPORT_SCHEMA_VERSION, /^1\.\d+\.\d+$/);
  const policy = readFileSync(fileURLToPath(new URL('../docs/REPORT-SCHEMA.md', import.meta.url)), 'utf8');
  assert.ok(policy.includes(REPORT_SCHEMA_VERSION), 'docs/REPORT-SCHEMA.md names the current version');
});

const minimal = () => ({
  schemaVersion: REPORT_SCHEMA_VERSION,
  suite: { name: 's', version: '0.1.0', commit: null },
  product: { vendor: 'Acme', product: 'Images', version: '2.3', reference: false },
  runtime: { node: 'v20.0.0', playwright: '1.65.1' },
  spec: { path: 'spec/x.yaml', sha256: 'a'.repeat(64) },
  target: null,
  run: { id: null, shards: null, startedAt: '2026-01-01T00:00:00.000Z', endedAt: '2026-01-01T00:00:01.000Z', durationMs: 1000, workers: 2, playwrightStatus: 'passed' },
  verdict: 'CONFORMANT', exitCode: 0, counts: { pass: 0, fail: 0, skipped: 0, error: 0 }, fatal: [], warnings: [],
  requests: { total: 0, retries: 0 }, preflight: null, integrity: null, cleanup: null, observations: [], requirements: [], tests: [],
});

test('a well-formed report passes; unknown fields, missing or foreign versions and bad values are named', () => {
  assert.deepEqual(reportSchemaProblems(minimal()), []);
  assert.match(reportSchemaProblems({ ...minimal(), surprise: 1 }).join(), /additional properties \(surprise\)/);
  const { schemaVersion: _dropped, ...unversioned } = minimal();
  assert.deepEqual(reportSchemaProblems(unversioned), ['report.json has no schemaVersion']);
  assert.match(reportSchemaProblems({ ...minimal(), schemaVersion: '2.0.0' }).join(), /this suite reads 1\.x/);
  assert.match(reportSchemaProblems({ ...minimal(), verdict: 'PASSED' }).join(), /\/verdict/);
  assert.match(reportSchemaProblems({ ...minimal(), product: { vendor: '', product: 'p', version: '1', reference: false } }).join(), /\/product/);
});
