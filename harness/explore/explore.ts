// The exploration: fast-check generates sequences of commands from a seed, runs each against the live target with
// the whole model check after every command, and on the first failure shrinks it (replaying against the target,
// on shrinking's share of the budget) to the shortest sequence that still breaks the same requirement.
// The sequences are independent, so they run side by side in lanes (each lane holding one sequence's tag slots).
// A seed replays whatever the lane count: sequence i draws its commands from the seed and i alone, its part of the
// budget and its slots are fixed in advance, and the failure reported is the one of the lowest-numbered failing
// sequence (every sequence before it always runs to its end). Shrinking runs alone, after the lanes.
import fc from 'fast-check';
import { Budget } from './budget.js';
import { COMMANDS } from './commands.js';
import { Execution, Stuck, type ExploreFinding, type ExploreHost } from './execution.js';
import { laneHost } from './hosts.js';
import { shrink } from './shrink.js';
import { inUnit } from '../work-unit.js';
import type { Exchange } from '../exchanges.js';

export interface ExploreOptions {
  /** Requests the exploration may send (IMS_EXPLORE). */
  requests: number;
  /** fast-check's seed: the same seed against the same target replays the same sequences (IMS_SEED). */
  seed?: number;
  /** Commands per sequence at most. */
  maxCommands?: number;
  /** Tag slots one sequence may hold at once, per image (hosts.ts: sequenceSlots); the host's slots hold the lanes'. */
  sequenceSlots: Record<string, number>;
  /** Sequences side by side at most (1: one after another, on a target that loses overlapping writes). */
  lanes?: number;
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
  /** Sequences that sent requests. */
  sequences: number;
  /** Sequences the search's share was cut into. */
  planned: number;
  /** Sequences run side by side. */
  lanes: number;
  /** Sequences never started: every lane was held by a tag the target would not delete. */
  notRun: number;
  /** The stem every key of this exploration starts with (a replay's keys differ only there). */
  stem: string;
  requests: { explore: number; shrink: number; limit: number };
  /** Which sequence failed first (from 1), by its number: the same whatever the lanes. */
  failingSequence?: number;
  /** The first failing sequence as found. */
  original?: Failure;
  /** The shortest failing sequence shrinking reached (the original when nothing shorter still failed). */
  shrunk?: Failure;
  shrinkSteps: number;
  /** Shrinking stopped because its share of the budget was spent. */
  shrinkBudgetSpent: boolean;
  /** Tags the cleanup could not remove. */
  leftovers: string[];
  harnessError?: Error;
}

export const newSeed = (): number => (Date.now() ^ Math.floor(Math.random() * 0x7fffffff)) & 0x7fffffff;

/** Sequence i's own seed: a mix of the exploration's seed and i (never the order lanes finish in). */
export function sequenceSeed(seed: number, i: number): number {
  let h = Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(i + 1, 0xc2b2ae35);
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b);
  return (h ^ (h >>> 16)) >>> 1;
}

/** How many sequences fit side by side in the host's slots, each with its own `slots`. */
export function laneCount(host: ExploreHost, slots: Record<string, number>, wanted: number): number {
  const fits = Object.entries(slots).filter(([, n]) => n > 0).map(([image, n]) => Math.floor(host.slots(image) / n));
  return Math.max(1, Math.min(wanted, ...fits));
}

/** Batches of commands one sequence draws at most (each of up to maxCommands); CPU only, when few commands apply. */
const MAX_BATCHES = 8;
/** A batch is worth drawing while the part affords a command, its listing and the cleanup of one tag. */
const MIN_BATCH_REQUESTS = 4;

const pad = (i: number, width: number) => i.toString(36).padStart(width, '0');

export async function explore(host: ExploreHost, opts: ExploreOptions): Promise<ExploreResult> {
  const seed = opts.seed ?? newSeed();
  const budget = new Budget(opts.requests);
  const parts = budget.sequenceParts();
  const lanes = laneCount(host, opts.sequenceSlots, Math.min(opts.lanes ?? Infinity, parts.length));
  const stem = host.stem(); // one stem of the host's: every sequence's stems are derived from it by number
  const width = pad(parts.length - 1, 1).length;
  const result: ExploreResult = {
    seed, sequences: 0, planned: parts.length, lanes, notRun: 0, stem,
    requests: { explore: 0, shrink: 0, limit: opts.requests }, shrinkSteps: 0, shrinkBudgetSpent: false, leftovers: [],
  };
  opts.log?.(`exploration: seed ${seed} (replay with IMS_SEED=${seed}), at most ${opts.requests} requests; ${parts.length} sequence(s) in ${lanes} lane(s)`);

  const commands = fc.commands(COMMANDS, { maxCommands: opts.maxCommands ?? 40, size: 'max' });
  const done: (Execution | undefined)[] = [];
  const running = new Map<number, Budget>();
  let next = 0;
  let decided = Infinity; // the lowest-numbered sequence that failed or could not go on
  const stuckByLane: Stuck[] = [];

  const lane = async (l: number) => {
    const stuck = (stuckByLane[l] = new Stuck());
    while (next < parts.length && next < decided) {
      const i = next++;
      const part = budget.part(parts[i]!);
      running.set(i, part);
      const x = new Execution(laneHost(host, opts.sequenceSlots, `${stem}q${pad(i, width)}s`), part, stuck);
      await inUnit(`sequence ${i + 1}`, async () => {
        try {
          // Batches of commands, each drawn like the first run of fc.check with its own seed (from the sequence's),
          // one after another until the sequence's part is spent: a short batch leaves no part of the budget unsent.
          // fast-check's own shrinking is not used: ours replays concrete steps against the target (shrink.ts).
          for (let b = 0; b < MAX_BATCHES && x.active && part.affords(MIN_BATCH_REQUESTS); b++) {
            const cmds = fc.sample(commands, { seed: sequenceSeed(sequenceSeed(seed, i), b), numRuns: 1 })[0]!;
            await fc.asyncModelRun(() => ({ model: x, real: x }), cmds);
          }
        } finally {
          result.leftovers.push(...(await x.cleanup()));
        }
      });
      running.delete(i);
      if (part.spent > 0) result.sequences++;
      done[i] = x;
      if ((x.harnessError || x.findings.length) && i < decided) {
        decided = i;
        for (const [j, later] of running) if (j > i) later.close(); // their results can no longer matter
      }
      // A tag the target would not delete holds this lane's slots: the next sequence would have fewer than its own.
      if (Object.keys(opts.sequenceSlots).some((image) => stuck.of(image) > 0)) return;
    }
  };
  await Promise.all(Array.from({ length: lanes }, (_, l) => lane(l)));
  if (decided === Infinity) result.notRun = parts.length - next;
  if (result.notRun) opts.log?.(`exploration: ${result.notRun} sequence(s) not run: every lane holds a tag the target would not delete`);

  const first = decided === Infinity ? undefined : done[decided]!;
  if (first?.harnessError) result.harnessError = first.harnessError;
  else if (first) {
    const requirement = first.findings[0]!.requirement;
    result.failingSequence = decided + 1;
    result.original = { findings: first.findings, steps: first.steps, exchanges: first.exchanges };
    opts.log?.(`exploration: ${requirement} broken by sequence ${decided + 1} after ${first.steps.length} commands (${first.exchanges.length} requests); shrinking`);
    budget.phase = 'shrink';
    // Alone, in one sequence's slots, less any the lanes' stuck tags take beyond the other lanes' share.
    const stuck = new Stuck();
    for (const image of Object.keys(opts.sequenceSlots)) {
      const held = stuckByLane.reduce((n, s) => n + s.of(image), 0);
      for (let k = held - (host.slots(image) - (opts.sequenceSlots[image] ?? 0)); k > 0; k--) stuck.add(image);
    }
    // Replay stems as long as the sequences' (`q<i>s<n>`), so every key keeps its length.
    const s = await shrink(laneHost(host, opts.sequenceSlots, `${stem}r`, width + 2), budget, first, requirement, stuck);
    result.leftovers.push(...s.leftovers);
    result.shrinkSteps = s.steps;
    result.shrinkBudgetSpent = s.budgetSpent;
    result.shrunk = s.best ? { findings: s.best.findings, steps: s.best.steps, exchanges: s.best.exchanges } : result.original;
    if (s.budgetSpent) opts.log?.('exploration: the shrinking budget is spent: the shortest failing sequence found so far is the evidence');
  }
  result.requests = { explore: budget.used.explore, shrink: budget.used.shrink, limit: opts.requests };
  return result;
}
