// The exploration: fast-check generates sequences of commands from a seed, runs each against the live target with
// the whole model check after every command, and on the first failure shrinks it (replaying against the target,
// on shrinking's share of the budget) to the shortest sequence that still breaks the same requirement.
import fc from 'fast-check';
import { Budget } from './budget.js';
import { COMMANDS } from './commands.js';
import { Execution, Stuck, type ExploreFinding, type ExploreHost } from './execution.js';
import { shrink } from './shrink.js';
import type { Exchange } from '../exchanges.js';
import type { ForeignChange } from '../judge.js';

export interface ExploreOptions {
  /** Requests the exploration may send (IMS_EXPLORE). */
  requests: number;
  /** fast-check's seed: the same seed against the same target replays the same sequences (IMS_SEED). */
  seed?: number;
  /** Commands per sequence at most. */
  maxCommands?: number;
  /** Progress lines (seed, failures). */
  log?: (line: string) => void;
}

export interface Failure {
  findings: ExploreFinding[];
  steps: string[];
  exchanges: Exchange[];
}

export interface ExploreResult {
  seed: number;
  sequences: number;
  requests: { explore: number; shrink: number; limit: number };
  /** The first failing sequence as found. */
  original?: Failure;
  /** The shortest failing sequence shrinking reached (the original when nothing shorter still failed). */
  shrunk?: Failure;
  shrinkSteps: number;
  /** Shrinking stopped because its share of the budget was spent. */
  shrinkBudgetSpent: boolean;
  /** Tags the cleanup could not remove. */
  leftovers: string[];
  /** Changes of tags the exploration did not create (the judge's records: someone else's, or attributed). */
  foreign: ForeignChange[];
  /** Requests under test that answered 503: steps that did nothing. */
  unavailable: number;
  harnessError?: Error;
}

export const newSeed = (): number => (Date.now() ^ Math.floor(Math.random() * 0x7fffffff)) & 0x7fffffff;

export async function explore(host: ExploreHost, opts: ExploreOptions): Promise<ExploreResult> {
  const seed = opts.seed ?? newSeed();
  const budget = new Budget(opts.requests);
  const result: ExploreResult = { seed, sequences: 0, requests: { explore: 0, shrink: 0, limit: opts.requests }, shrinkSteps: 0, shrinkBudgetSpent: false, leftovers: [], foreign: [], unavailable: 0 };
  let failing: Execution | undefined;
  const stuck = new Stuck(); // tags the target would not delete keep their slots: the quota is never exceeded
  opts.log?.(`exploration: seed ${seed} (replay with IMS_SEED=${seed}), at most ${opts.requests} requests`);

  const property = fc.asyncProperty(fc.commands(COMMANDS, { maxCommands: opts.maxCommands ?? 40, size: 'max' }), async (cmds) => {
    if (result.harnessError || failing) return true;
    const x = new Execution(host, budget, stuck);
    const before = budget.spent;
    try {
      await fc.asyncModelRun(() => ({ model: x, real: x }), cmds);
    } finally {
      result.leftovers.push(...(await x.cleanup()));
    }
    if (budget.spent > before) result.sequences++;
    result.foreign.push(...x.foreign);
    result.unavailable += x.unavailable;
    if (x.harnessError) result.harnessError = x.harnessError;
    else if (x.findings.length) failing = x;
    return true;
  });

  // Sequences beyond the budget send nothing (every command's check() refuses), so numRuns only bounds the CPU
  // spent. fast-check's own shrinking is not used: ours replays concrete steps against the target (shrink.ts).
  await fc.check(property, { seed, numRuns: Math.max(10, Math.ceil(opts.requests / 4)) });
  if (failing) {
    const requirement = failing.findings[0]!.requirement;
    result.original = { findings: failing.findings, steps: failing.steps, exchanges: failing.exchanges };
    opts.log?.(`exploration: ${requirement} broken after ${failing.steps.length} commands (${failing.exchanges.length} requests); shrinking`);
    budget.phase = 'shrink';
    const s = await shrink(host, budget, failing, requirement, stuck);
    result.leftovers.push(...s.leftovers);
    result.shrinkSteps = s.steps;
    result.shrinkBudgetSpent = s.budgetSpent;
    result.shrunk = s.best ? { findings: s.best.findings, steps: s.best.steps, exchanges: s.best.exchanges } : result.original;
    if (s.budgetSpent) opts.log?.('exploration: the shrinking budget is spent: the shortest failing sequence found so far is the evidence');
  }
  result.requests = { explore: budget.used.explore, shrink: budget.used.shrink, limit: opts.requests };
  return result;
}
