// A failure as people read it: the requirement and claim, then the sequence of HTTP exchanges that shows it, each
// with the answer and a `curl` line to replay it by hand (credentials as shell variables), and how to replay the
// whole exploration with the seed.
import { describeExchange } from '../http/exchanges.js';
import { curlCommand } from '../http/curl.js';
import type { ExploreResult, Failure } from './explore.js';

export function reproductionText(r: ExploreResult, failure: Failure): string {
  const f = failure.findings[0]!;
  const shrunk = failure !== r.original;
  const lines = [
    `${f.requirement}: ${f.claim}`,
    '',
    `Found by the stateful exploration, seed ${r.seed}, sequence ${r.failingSequence ?? '?'} of ${r.planned}${r.failingImage ? ` ("the image" in its commands is ${r.failingImage})` : ''}. Replay: IMS_SEED=${r.seed} npm run conformance (same target, same IMS_EXPLORE=${r.requests.limit}; any number of lanes).`,
    shrunk
      ? `Shrunk from ${r.original!.steps.length} commands (${r.original!.exchanges.length} requests) to ${failure.steps.length} commands (${failure.exchanges.length} requests) in ${r.shrinkSteps} steps${r.shrinkBudgetSpent ? '; the shrinking budget ran out, so a shorter sequence may exist' : ''}.`
      : `Not shrunk${r.shrinkBudgetSpent ? ' (the shrinking budget ran out)' : ' (no shorter sequence still showed it)'}: the sequence as found.`,
    '',
    'Commands:',
    ...failure.steps.map((s, i) => `  ${i + 1}. ${s}`),
    '',
    `HTTP exchanges (${failure.exchanges.length}), each with a curl line (set IMS_AUTH_TOKEN / IMS_FORBIDDEN_AUTH_TOKEN first):`,
    ...failure.exchanges.flatMap((e, i) => [`  ${i + 1}. ${describeExchange(e)}`, `     ${curlCommand(e)}`]),
  ];
  for (const other of failure.findings.slice(1)) lines.push('', `Also: ${other.requirement}: ${other.claim}`);
  return `${lines.join('\n')}\n`;
}
