// DT-14: no response to any request of the run has a 5xx status.
import { exchangeLine, type RunDecision, type RunFacts } from './facts.js';

export function decideDt14({ exchanges }: RunFacts): RunDecision {
  const bad = exchanges.filter((e) => e.status !== undefined && e.status >= 500);
  if (!bad.length) return { outcome: 'pass', reason: `${exchanges.length} responses, none 5xx`, evidence: [] };
  return { outcome: 'fail', reason: `${bad.length} responses were 5xx`, evidence: bad.slice(0, 10).map(exchangeLine), exchanges: bad.slice(0, 10) };
}
