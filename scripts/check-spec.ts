// Spec checks that no generic linter knows: the document is valid OpenAPI 3.1, and its requirement catalogue
// and operations are what the suite relies on.
import { Validator } from '@seriousme/openapi-schema-validator';
import { SPEC_PATH, specDocument, requirements, operation, DIALECT_OPERATIONS } from '../harness/spec.js';

const problems: string[] = [];
const validator = new Validator();
const result = await validator.validate(SPEC_PATH);
if (!result.valid) problems.push(`not valid OpenAPI ${validator.version}: ${JSON.stringify(result.errors).slice(0, 500)}`);

const ids = requirements.map((r) => r.id);
if (new Set(ids).size !== ids.length) problems.push('duplicate requirement ids');
for (const r of requirements) {
  if (!/^DT-\d{2}$/.test(r.id)) problems.push(`${r.id}: ids look like DT-NN`);
  if (!['MUST', 'SHOULD', 'MAY'].includes(r.level)) problems.push(`${r.id}: level must be MUST, SHOULD or MAY`);
  if ((r.level === 'MUST') !== (r.tier === 'required')) problems.push(`${r.id}: MUST requirements are required and only they`);
  if (!['test', 'run'].includes(r.scope)) problems.push(`${r.id}: scope must be test or run`);
  if (!r.clause?.trim() || !r.title?.trim()) problems.push(`${r.id}: needs a title and a clause`);
  if (!r.dialects?.length || r.dialects.some((d) => d !== 'ims' && d !== 'openstack')) problems.push(`${r.id}: dialects must list ims and/or openstack`);
}
for (const [dialect, ops] of Object.entries(DIALECT_OPERATIONS)) {
  for (const id of Object.values(ops)) {
    try {
      const op = operation(id);
      if (op.dialect !== dialect) problems.push(`${id}: x-dialect should be ${dialect}`);
    } catch (err) {
      problems.push(String(err));
    }
  }
}
const del = operation('deleteImageTag');
for (const s of [204, 400, 401, 403, 404, 500, 503]) if (!del.documentedStatuses.includes(s)) problems.push(`deleteImageTag must document ${s}`);
if (!specDocument.info.description?.includes('该接口用于为镜像删除指定的标签')) problems.push('the description must keep the document\'s own wording');

if (problems.length) {
  process.stderr.write(`spec check failed:\n  - ${problems.join('\n  - ')}\n`);
  process.exit(1);
}
process.stdout.write(`spec check: valid OpenAPI ${validator.version}, ${requirements.length} requirements, ${Object.keys(specDocument.paths ?? {}).length} paths\n`);
