// What a run-scope requirement is decided on: every exchange of the run and the preflight's records.
import type { Exchange } from '../../harness/http/exchanges.js';
import type { WriteProbeRecord } from '../../harness/run/write-probe.js';
import type { RequirementOutcome, SkipKind } from '../outcomes.js';

export interface RunFacts {
  exchanges: Exchange[];
  writeProbes: WriteProbeRecord[];
}

export interface RunDecision {
  outcome: RequirementOutcome;
  skipKind?: SkipKind;
  reason?: string;
  evidence: string[];
  /** The exchanges the evidence shows, by identity: the reproduction repeats these (never found again by text). */
  exchanges?: Exchange[];
}

export { describeExchange as exchangeLine } from '../../harness/http/exchanges.js';
