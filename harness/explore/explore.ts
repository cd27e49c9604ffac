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
import { laneHost, sequenceRoles, type SequenceRoles } from './hosts.js';
import { shrink } from './shrink.js';
import { inUnit } from '../run/work-unit.js';
import type { Exchange } from '../http/exchanges.js';
import type { ForeignChange } from '../books/judge.js';

export interface ExploreOptions {
  /** Requests the exploration may send (IMS_EXPLORE). */
  requests: number;
  /** fast-check's seed: the same seed against the same target replays the same sequences (IMS_SEED). */
  seed?: number;
  /** Commands per sequence at most. */
  maxCommands?: number;
  /** Free tag slots per image at preflight: what each sequence holds follows from them (hosts.ts: sequenceRoles). */
  free: Record<string, number>;
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
  /** The image that sequence worked on (odd-numbered ones work on the other image). */
  failingImage?: string;
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

/** Sequence i's own seed: a mix of the exploration's seed and i (never the order lanes finish in). */
export function sequenceSeed(seed: number, i: number): number {
  let h = Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(i + 1, 0xc2b2ae35);
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b);
  return (h ^ (h >>> 16)) >>> 1;
}

/** The exploration's reserved slots, handed to each sequence as it starts and back when it ends, in sequence order. */
class SlotPool {
  private readonly free: Map<string, number>;
  private readonly waiting: { need: Record<string, number>; go: (granted: boolean) => void }[] = [];
  constructor(host: ExploreHost, images: string[]) {
    this.free = new Map(images.map((image) => [image, host.slots(image)]));
  }
  fits(need: Record<string, number>): boolean {
    return Object.entries(need).every(([image, n]) => (this.free.get(image) ?? 0) >= n);
  }
  /** Resolves true once `need` is handed over, false if the pool was closed first. */
  take(need: Record<string, number>): Promise<boolean> {
    return new Promise((go) => {
      this.waiting.push({ need, go });
      this.pump();
    });
  }
  give(need: Record<string, number>): void {
    for (const [image, n] of Object.entries(need)) this.free.set(image, (this.free.get(image) ?? 0) + n);
    this.pump();
  }
  private pump(): void {
    while (this.waiting[0] && this.fits(this.waiting[0].need)) {
      const w = this.waiting.shift()!;
      for (const [image, n] of Object.entries(w.need)) this.free.set(image, this.free.get(image)! - n);
      w.go(true);
    }
  }
  /** No more hand-outs: whoever waits is told so. */
  close(): void {
    for (const w of this.waiting.splice(0)) w.go(false);
  }
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
  const images = [host.mainImage, ...(host.otherImage ? [host.otherImage] : [])];
  const roles = parts.map((_, i) => sequenceRoles(i, host.mainImage, host.otherImage, opts.free));
  const pool = new SlotPool(host, images);
  const runnable = roles.every((r) => pool.fits(r.slots));
  const lanes = Math.max(1, Math.min(opts.lanes ?? Infinity, parts.length));
  const stem = host.stem(); // one stem of the host's: every sequence's stems are derived from it by number
  const width = pad(parts.length - 1, 1).length;
  const result: ExploreResult = {
    seed, sequences: 0, planned: parts.length, lanes, notRun: 0, stem,
    requests: { explore: 0, shrink: 0, limit: opts.requests }, shrinkSteps: 0, shrinkBudgetSpent: false, leftovers: [], foreign: [], unavailable: 0,
  };
  opts.log?.(`exploration: seed ${seed} (replay with IMS_SEED=${seed}), at most ${opts.requests} requests; ${parts.length} sequence(s) in ${lanes} lane(s)`);
  if (!runnable) throw new Error(`the exploration was granted fewer tag slots than one sequence holds (${images.map((i) => `${host.slots(i)} on ${i}`).join(', ')})`);

  const commands = fc.commands(COMMANDS, { maxCommands: opts.maxCommands ?? 40, size: 'max' });
  const done: (Execution | undefined)[] = [];
  const running = new Map<number, Budget>();
  const stuckTags = new Stuck();
  let next = 0;
  let decided = Infinity; // the lowest-numbered sequence that failed or could not go on
  let retired = false; // a tag the target would not delete holds slots for good: no sequence would get all of its own

  const lane = async () => {
    while (next < parts.length && next < decided && !retired) {
      const i = next++;
      if (!(await pool.take(roles[i]!.slots))) break;
      if (i > decided || retired) {
        pool.give(roles[i]!.slots);
        break;
      }
      const part = budget.part(parts[i]!);
      running.set(i, part);
      const stuck = new Stuck();
      const x = new Execution(laneHost(host, roles[i]!, `${stem}q${pad(i, width)}s`), part, stuck);
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
      result.foreign.push(...x.foreign);
      result.unavailable += x.unavailable;
      done[i] = x;
      if ((x.harnessError || x.findings.length) && i < decided) {
        decided = i;
        for (const [j, later] of running) if (j > i) later.close(); // their results can no longer matter
      }
      const kept = Object.fromEntries(images.map((image) => [image, stuck.of(image)]));
      for (const image of images) for (let k = 0; k < kept[image]!; k++) stuckTags.add(image);
      if (images.some((image) => kept[image]! > 0)) {
        retired = true;
        pool.close();
      }
      pool.give(Object.fromEntries(Object.entries(roles[i]!.slots).map(([image, n]) => [image, n - (kept[image] ?? 0)])));
    }
  };
  await Promise.all(Array.from({ length: lanes }, () => lane()));
  result.notRun = decided === Infinity ? parts.length - done.filter(Boolean).length : 0;
  if (result.notRun) opts.log?.(`exploration: ${result.notRun} sequence(s) not run: a tag the target would not delete holds their slots`);

  const first = decided === Infinity ? undefined : done[decided]!;
  if (first?.harnessError) result.harnessError = first.harnessError;
  else if (first) {
    const requirement = first.findings[0]!.requirement;
    result.failingSequence = decided + 1;
    result.failingImage = roles[decided]!.main;
    result.original = { findings: first.findings, steps: first.steps, exchanges: first.exchanges };
    opts.log?.(`exploration: ${requirement} broken by sequence ${decided + 1} after ${first.steps.length} commands (${first.exchanges.length} requests); shrinking`);
    budget.phase = 'shrink';
    // Alone, in that sequence's images and slots, less any that stuck tags take beyond the rest of the reservation.
    const r: SequenceRoles = roles[decided]!;
    const stuck = new Stuck();
    for (const image of images) {
      for (let k = stuckTags.of(image) - (host.slots(image) - (r.slots[image] ?? 0)); k > 0; k--) stuck.add(image);
    }
    // Replay stems as long as the sequences' (`q<i>s<n>`), so every key keeps its length.
    const s = await shrink(laneHost(host, r, `${stem}r`, width + 2), budget, first, requirement, stuck);
    result.leftovers.push(...s.leftovers);
    result.shrinkSteps = s.steps;
    result.shrinkBudgetSpent = s.budgetSpent;
    result.shrunk = s.best ? { findings: s.best.findings, steps: s.best.steps, exchanges: s.best.exchanges } : result.original;
    if (s.budgetSpent) opts.log?.('exploration: the shrinking budget is spent: the shortest failing sequence found so far is the evidence');
  }
  result.requests = { explore: budget.used.explore, shrink: budget.used.shrink, limit: opts.requests };
  return result;
}
