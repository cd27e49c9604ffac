// Run-scope requirements (scope: run in the spec), each decided by its own module over the whole run.
import type { Requirement } from '../../harness/spec.js';
import { decideDt11 } from './dt-11-contract.js';
import { decideDt14 } from './dt-14-no-5xx.js';
import { decideDt17 } from './dt-17-lost-writes.js';
import type { RunDecision, RunFacts } from './facts.js';

export type { RunFacts, RunDecision } from './facts.js';

const RULES: Record<string, (facts: RunFacts) => RunDecision> = {
  'DT-11': decideDt11,
  'DT-14': decideDt14,
  'DT-17': decideDt17,
};

export function decideRunScope(req: Requirement, facts: RunFacts): RunDecision {
  const rule = RULES[req.id];
  return rule ? rule(facts) : { outcome: 'error', reason: `no run-scope rule is defined for ${req.id}`, evidence: [] };
}
