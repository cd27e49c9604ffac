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
/** What every sequence draws its batches of commands from. */
const commandsOf = (maxCommands: number) => fc.commands(COMMANDS, { maxCommands, size: 'max' });

export async function explore(host: ExploreHost, opts: ExploreOptions): Promise<ExploreResult> {
  const run = new Exploration(host, opts);
  const { budget, result, images } = run;
  opts.log?.(`exploration: seed ${run.seed} (replay with IMS_SEED=${run.seed}), at most ${opts.requests} requests; ${run.parts.length} sequence(s) in ${run.lanes} lane(s)`);
  if (!run.runnable) throw new Error(`the exploration was granted fewer tag slots than one sequence holds (${images.map((i) => `${host.slots(i)} on ${i}`).join(', ')})`);

  await run.runLanes();
  if (result.notRun) opts.log?.(`exploration: ${result.notRun} sequence(s) not run: a tag the target would not delete holds their slots`);
  await run.shrinkFirstFailure();
  result.requests = { explore: budget.used.explore, shrink: budget.used.shrink, limit: opts.requests };
  return result;
}

/** One exploration in progress: its sequences, the lanes that run them, and the lowest-numbered one that decided. */
class Exploration {
  readonly seed: number;
  readonly budget: Budget;
  /** Each sequence's part of the search's share, in requests. */
  readonly parts: number[];
  readonly images: string[];
  readonly roles: SequenceRoles[];
  readonly lanes: number;
  /** Whether every sequence's slots fit in what the exploration was granted. */
  readonly runnable: boolean;
  readonly result: ExploreResult;
  private readonly pool: SlotPool;
  /** One stem of the host's: every sequence's stems are derived from it by number. */
  private readonly stem: string;
  /** Digits of a sequence's number in its stem. */
  private readonly width: number;
  private readonly commands: ReturnType<typeof commandsOf>;
  private readonly done: (Execution | undefined)[] = [];
  private readonly running = new Map<number, Budget>();
  /** Tags the target would not delete, per image, over every sequence. */
  private readonly stuckTags = new Stuck();
  private next = 0;
  /** The lowest-numbered sequence that failed or could not go on. */
  private decided = Infinity;
  /** A tag the target would not delete holds slots for good: no sequence would get all of its own. */
  private retired = false;

  constructor(
    private readonly host: ExploreHost,
    private readonly opts: ExploreOptions,
  ) {
    this.seed = opts.seed ?? newSeed();
    this.budget = new Budget(opts.requests);
    this.parts = this.budget.sequenceParts();
    this.images = [host.mainImage, ...(host.otherImage ? [host.otherImage] : [])];
    this.roles = this.parts.map((_, i) => sequenceRoles(i, host.mainImage, host.otherImage, opts.free));
    this.pool = new SlotPool(host, this.images);
    this.runnable = this.roles.every((r) => this.pool.fits(r.slots));
    this.lanes = Math.max(1, Math.min(opts.lanes ?? Infinity, this.parts.length));
    this.stem = host.stem();
    this.width = pad(this.parts.length - 1, 1).length;
    this.result = {
      seed: this.seed, sequences: 0, planned: this.parts.length, lanes: this.lanes, notRun: 0, stem: this.stem,
      requests: { explore: 0, shrink: 0, limit: opts.requests }, shrinkSteps: 0, shrinkBudgetSpent: false, leftovers: [], foreign: [], unavailable: 0,
    };
    this.commands = commandsOf(opts.maxCommands ?? 40);
  }

  /** Every lane until the sequences run out or one decided; then how many were never started. */
  async runLanes(): Promise<void> {
    await Promise.all(Array.from({ length: this.lanes }, () => this.lane()));
    this.result.notRun = this.decided === Infinity ? this.parts.length - this.done.filter(Boolean).length : 0;
  }

  /** One lane: the next sequence, once its slots are free, until none is left that could matter. */
  private async lane(): Promise<void> {
    while (this.next < this.parts.length && this.next < this.decided && !this.retired) {
      const i = this.next++;
      const slots = this.roles[i]!.slots;
      if (!(await this.pool.take(slots))) break;
      if (i > this.decided || this.retired) {
        this.pool.give(slots);
        break;
      }
      await this.runSequence(i);
    }
  }

  /** Sequence i on its part of the budget, its result recorded, its slots handed back less those stuck tags hold. */
  private async runSequence(i: number): Promise<void> {
    const { result, images, pool } = this;
    const part = this.budget.part(this.parts[i]!);
    this.running.set(i, part);
    const stuck = new Stuck();
    const x = new Execution(laneHost(this.host, this.roles[i]!, `${this.stem}q${pad(i, this.width)}s`), part, stuck);
    await inUnit(`sequence ${i + 1}`, async () => {
      try {
        // Batches of commands, each drawn like the first run of fc.check with its own seed (from the sequence's),
        // one after another until the sequence's part is spent: a short batch leaves no part of the budget unsent.
        // fast-check's own shrinking is not used: ours replays concrete steps against the target (shrink.ts).
        for (let b = 0; b < MAX_BATCHES && x.active && part.affords(MIN_BATCH_REQUESTS); b++) {
          const cmds = fc.sample(this.commands, { seed: sequenceSeed(sequenceSeed(this.seed, i), b), numRuns: 1 })[0]!;
          await fc.asyncModelRun(() => ({ model: x, real: x }), cmds);
        }
      } finally {
        result.leftovers.push(...(await x.cleanup()));
      }
    });
    this.running.delete(i);
    if (part.spent > 0) result.sequences++;
    result.foreign.push(...x.foreign);
    result.unavailable += x.unavailable;
    this.done[i] = x;
    if ((x.harnessError || x.findings.length) && i < this.decided) {
      this.decided = i;
      for (const [j, later] of this.running) if (j > i) later.close(); // their results can no longer matter
    }
    const kept = Object.fromEntries(images.map((image) => [image, stuck.of(image)]));
    for (const image of images) for (let k = 0; k < kept[image]!; k++) this.stuckTags.add(image);
    if (images.some((image) => kept[image]! > 0)) {
      this.retired = true;
      pool.close();
    }
    pool.give(Object.fromEntries(Object.entries(this.roles[i]!.slots).map(([image, n]) => [image, n - (kept[image] ?? 0)])));
  }

  /** The deciding sequence's failure, recorded as found and shrunk (or its harness error); nothing when none failed. */
  async shrinkFirstFailure(): Promise<void> {
    const { result, decided, host, images, opts } = this;
    const first = decided === Infinity ? undefined : this.done[decided]!;
    if (first?.harnessError) result.harnessError = first.harnessError;
    if (!first || first.harnessError) return;
    const requirement = first.findings[0]!.requirement;
    result.failingSequence = decided + 1;
    result.failingImage = this.roles[decided]!.main;
    result.original = { findings: first.findings, steps: first.steps, exchanges: first.exchanges };
    opts.log?.(`exploration: ${requirement} broken by sequence ${decided + 1} after ${first.steps.length} commands (${first.exchanges.length} requests); shrinking`);
    this.budget.phase = 'shrink';
    // Alone, in that sequence's images and slots, less any that stuck tags take beyond the rest of the reservation.
    const r: SequenceRoles = this.roles[decided]!;
    const stuck = new Stuck();
    for (const image of images) {
      for (let k = this.stuckTags.of(image) - (host.slots(image) - (r.slots[image] ?? 0)); k > 0; k--) stuck.add(image);
    }
    // Replay stems as long as the sequences' (`q<i>s<n>`), so every key keeps its length.
    const s = await shrink(laneHost(host, r, `${this.stem}r`, this.width + 2), this.budget, first, requirement, stuck);
    result.leftovers.push(...s.leftovers);
    result.shrinkSteps = s.steps;
    result.shrinkBudgetSpent = s.budgetSpent;
    result.shrunk = s.best ? { findings: s.best.findings, steps: s.best.steps, exchanges: s.best.exchanges } : result.original;
    if (s.budgetSpent) opts.log?.('exploration: the shrinking budget is spent: the shortest failing sequence found so far is the evidence');
  }
}
