// report.json's JSON Schema (reporter/report.schema.json, draft 2020-12) compiled once with Ajv: the tests check
// every report the suite writes against it, and verify refuses a bundle whose report does not match it.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { REPORT_SCHEMA_VERSION } from './report-types.js';

const REPORT_SCHEMA_PATH = fileURLToPath(new URL('./report.schema.json', import.meta.url));
export const reportSchema = JSON.parse(readFileSync(REPORT_SCHEMA_PATH, 'utf8')) as Record<string, unknown>;

const ajv = new Ajv2020({ allErrors: true, strict: true });
// ajv-formats' default export is typed for CommonJS consumers; under NodeNext it is the function itself.
(addFormatsModule as unknown as (a: Ajv2020) => void)(ajv);
const validate = ajv.compile(reportSchema);

/** Problems with a report.json value: a version this reader does not know, then schema violations. */
export function reportSchemaProblems(report: unknown): string[] {
  const version = (report as { schemaVersion?: unknown } | null)?.schemaVersion;
  const major = REPORT_SCHEMA_VERSION.split('.')[0];
  if (typeof version !== 'string') return ['report.json has no schemaVersion'];
  if (version.split('.')[0] !== major) return [`report.json has schemaVersion ${version}; this suite reads ${major}.x`];
  if (Number(version.split('.')[1]) > Number(REPORT_SCHEMA_VERSION.split('.')[1])) return [`report.json has schemaVersion ${version}, newer than this suite's ${REPORT_SCHEMA_VERSION}: check it with the suite version that wrote it`];
  if (validate(report)) return [];
  return (validate.errors ?? []).slice(0, 10).map((e) => `report.json${e.instancePath || ''} ${e.message ?? 'is invalid'}${e.params && 'additionalProperty' in e.params ? ` (${String(e.params.additionalProperty)})` : ''}`);
}
