// DT-11: every response of the operation under test, over the whole run, has a documented status, and every error
// response declares a JSON media type and carries a body valid against the spec's error schema.
import type { Exchange } from '../../harness/http/exchanges.js';
import { exchangeLine, type RunDecision, type RunFacts } from './facts.js';

export function decideDt11({ exchanges }: RunFacts): RunDecision {
  const checked = exchanges.filter((e) => e.contract);
  const bad = checked.filter((e) => !e.contract!.documentedStatus || (e.contract!.errorBody && !e.contract!.errorBody.valid));
  if (!checked.length) return { outcome: 'skipped', skipKind: 'not-exercised', reason: 'no response of the operation under test was received', evidence: [] };
  if (!bad.length) return { outcome: 'pass', reason: `${checked.length} responses checked`, evidence: [] };
  const why = (e: Exchange) =>
    !e.contract!.documentedStatus ? `status ${e.status} is not documented for the operation` : `error body does not match the spec: ${e.contract!.errorBody!.errors.join('; ')}`;
  return { outcome: 'fail', reason: `${bad.length} of ${checked.length} responses break the contract`, evidence: bad.slice(0, 10).map((e) => `${exchangeLine(e)}: ${why(e)}`), exchanges: bad.slice(0, 10) };
}
