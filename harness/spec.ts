// The spec is the single source of the path templates, status sets, error schemas and requirement catalogue.
// Everything the suite and its reporter know about the contract is read from here.
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import type { OpenAPIV3_1 } from 'openapi-types';

export const SPEC_PATH = fileURLToPath(new URL('../spec/delete-image-tag.openapi.yaml', import.meta.url));

export type Dialect = 'ims' | 'openstack';
export type Tier = 'required' | 'advisory';

export interface Requirement {
  id: string;
  level: 'MUST' | 'SHOULD' | 'MAY';
  tier: Tier;
  /** `test`: decided by the tests annotated with it; `run`: decided over every exchange of the run. */
  scope: 'test' | 'run';
  dialects: Dialect[];
  title: string;
  clause: string;
  description: string;
}

export interface Operation {
  operationId: string;
  method: string;
  pathTemplate: string;
  dialect: Dialect;
  underTest: boolean;
  documentedStatuses: number[];
}

type SpecDocument = OpenAPIV3_1.Document & { 'x-requirements': Requirement[] };

const specText = readFileSync(SPEC_PATH, 'utf8');
/** SHA-256 of the spec file as shipped: reports and bundles name the exact contract they were judged against. */
export const specSha256 = createHash('sha256').update(specText).digest('hex');

/**
 * The spec as data. Every process of a run (runner, Playwright, each worker) needs it, and parsing the YAML (and
 * loading the parser) is most of a second on a busy machine: the first process keeps the result as JSON under the
 * temporary folder, named by the text's SHA-256, so a changed spec is never read from an old copy.
 */
function loadSpecDocument(): SpecDocument {
  const cache = join(tmpdir(), `ims-conformance-spec-${specSha256}.json`);
  try {
    return JSON.parse(readFileSync(cache, 'utf8')) as SpecDocument;
  } catch {
    // no copy yet (or a torn one): parse the YAML
  }
  const { parse } = createRequire(import.meta.url)('yaml') as typeof import('yaml');
  const doc = parse(specText) as SpecDocument;
  try {
    const tmp = `${cache}.${process.pid}`;
    writeFileSync(tmp, JSON.stringify(doc));
    renameSync(tmp, cache); // whole or not at all: a process reading beside this one never sees half a file
  } catch {
    // a read-only temporary folder: every process parses
  }
  return doc;
}

export const specDocument = loadSpecDocument();

export const requirements: readonly Requirement[] = specDocument['x-requirements'];

export function requirement(id: string): Requirement {
  const found = requirements.find((r) => r.id === id);
  if (!found) throw new Error(`unknown requirement ${id}: not in the spec's x-requirements`);
  return found;
}

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'] as const;

function collectOperations(): Map<string, Operation> {
  const ops = new Map<string, Operation>();
  for (const [pathTemplate, item] of Object.entries(specDocument.paths ?? {})) {
    for (const method of HTTP_METHODS) {
      const op = item?.[method] as (OpenAPIV3_1.OperationObject & Record<string, unknown>) | undefined;
      if (!op?.operationId) continue;
      ops.set(op.operationId, {
        operationId: op.operationId,
        method: method.toUpperCase(),
        pathTemplate,
        dialect: op['x-dialect'] as Dialect,
        underTest: op['x-operation-role'] === 'under-test',
        documentedStatuses: Object.keys(op.responses ?? {}).map(Number).sort((a, b) => a - b),
      });
    }
  }
  return ops;
}

const operations = collectOperations();

export function operation(operationId: string): Operation {
  const op = operations.get(operationId);
  if (!op) throw new Error(`operation ${operationId} is not in the spec`);
  return op;
}

/** The operations a dialect uses, by role: the delete under test and the two fixture operations. */
export const DIALECT_OPERATIONS: Record<Dialect, { delete: string; add: string; list: string }> = {
  ims: { delete: 'deleteImageTag', add: 'addImageTag', list: 'listImageTags' },
  openstack: { delete: 'osDeleteImageTag', add: 'osAddImageTag', list: 'osShowImage' },
};

// Schemas are compiled once per process; refs inside the spec resolve against the spec document itself. The
// schemas are not checked against the JSON Schema meta-schema here (compiling it costs more than the three schemas
// together, in every process): `npm run spec:check` validates the whole document, schemas included, and strict mode
// still refuses any unknown keyword when a schema is compiled.
const ajv = new Ajv2020({ allErrors: true, strict: true, validateSchema: false });
(addFormatsModule as unknown as (a: Ajv2020) => void)(ajv);
const SPEC_ID = 'urn:ims:delete-image-tag:openapi';

// Component refs are written '#/components/schemas/X'; the registered copy keeps the schemas under $defs.
const refRewrite = (schema: unknown): unknown => {
  if (Array.isArray(schema)) return schema.map(refRewrite);
  if (schema && typeof schema === 'object') {
    return Object.fromEntries(
      Object.entries(schema).map(([k, v]) =>
        k === '$ref' && typeof v === 'string' ? [k, v.replace('#/components/schemas/', `${SPEC_ID}#/$defs/`)] : [k, refRewrite(v)],
      ),
    );
  }
  return schema;
};
ajv.addSchema({ $id: SPEC_ID, $defs: refRewrite(specDocument.components?.schemas ?? {}) as Record<string, unknown> });

const compileComponent = (name: string): ValidateFunction => ajv.compile({ $ref: `${SPEC_ID}#/$defs/${name}` });

const errorBodyValidator = compileComponent('ErrorBody');
const tagListValidator = compileComponent('TagList');
const osImageValidator = compileComponent('OsImage');

export interface SchemaCheck {
  valid: boolean;
  errors: string[];
}

function check(validate: ValidateFunction, value: unknown): SchemaCheck {
  const valid = validate(value) as boolean;
  return { valid, errors: valid ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`.trim()) };
}

const JSON_MEDIA_TYPE = /^application\/(?:[\w.-]+\+)?json\s*(?:;|$)/i;

/** Validates an error response (its Content-Type and raw body text) against the spec: a JSON media type, a body of the ErrorBody schema. */
export function checkErrorBody(text: string, contentType?: string): SchemaCheck {
  const body = checkErrorBodyText(text);
  if (contentType === undefined || JSON_MEDIA_TYPE.test(contentType)) return body;
  return { valid: false, errors: [`Content-Type is ${JSON.stringify(contentType)}, not a JSON media type`, ...body.errors] };
}

function checkErrorBodyText(text: string): SchemaCheck {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { valid: false, errors: [`body is not JSON: ${JSON.stringify(text.slice(0, 80))}`] };
  }
  return check(errorBodyValidator, value);
}

export const checkTagList = (value: unknown): SchemaCheck => check(tagListValidator, value);
export const checkOsImage = (value: unknown): SchemaCheck => check(osImageValidator, value);
