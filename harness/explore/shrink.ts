// Shrinking against the live target: the failing sequence's concrete steps are replayed with fresh stems (so no
// state a target remembers about earlier keys helps), first only the steps on the keys the failure names, then
// with chunks and single steps removed, then without the model checks between steps, keeping every candidate that
// still breaks the same requirement. Each replay cleans up after itself; a spent budget ends shrinking cleanly.
import type { Budget } from './budget.js';
import { Execution, type Action, type ExploreHost, type Stuck } from './execution.js';

export interface ShrinkResult {
  best?: Execution;
  steps: number;
  budgetSpent: boolean;
  leftovers: string[];
}

const describe = (a: Action, key: string | undefined, host: ExploreHost) => {
  const where = a.image === host.mainImage ? 'the image' : 'the other image';
  const k = key === undefined ? '' : ` ${JSON.stringify(key.length > 40 ? `${key.slice(0, 40)}…` : key)}`;
  const then = a.check ? ', then list' : '';
  switch (a.kind) {
    case 'add': return `add${k} on ${where}${then}`;
    case 'delete': return `delete${k} on ${where}${then}`;
    case 'forbidden': return `delete${k} as the persona without permission${then}`;
    case 'other-project': return `delete${k} through another project's path${then}`;
    case 'list': return 'list';
    default: return `delete${k} with the owner's token tampered (${a.kind.slice(7)})${then}`;
  }
};

/** A replay's cost at most: each step, its listings (one per image it may hold tags on), the adds' cleanup, a witness and its cleanup per image. */
const cost = (actions: Action[]) => {
  const images = new Set(actions.filter((a) => a.kind === 'add').map((a) => a.image)).size || 1;
  return actions.reduce((n, a) => n + 1 + (a.check ? images : 0) + (a.kind === 'add' ? 1 : 0), 0) + 4 * images;
};

/** What every replay of one shrinking shares: the target, the budget, the requirement it must still break. */
interface Shrinking {
  host: ExploreHost;
  budget: Budget;
  stuck: Stuck;
  requirement: string;
  /** The original's stems by slot, longest first (so a stem that contains another is replaced first). */
  stems: { s: string; slot: number }[];
  out: ShrinkResult;
}

/** Replays `actions` with fresh stems; the execution when it still breaks the requirement, else undefined. */
async function replay(sh: Shrinking, actions: Action[]): Promise<Execution | undefined> {
  const { out } = sh;
  if (out.budgetSpent || !sh.budget.affords(cost(actions))) {
    out.budgetSpent = true;
    return undefined;
  }
  const x = new Execution(sh.host, sh.budget, sh.stuck);
  // Fresh stems for the same slots: a key keeps its shape, and a target that remembers old keys cannot help.
  const fresh = (key: string) => sh.stems.reduce((k, { s, slot }) => k.split(s).join(x.stem(slot)), key);
  try {
    for (const a of actions) {
      if (!x.active) break;
      const key = a.key === undefined ? undefined : fresh(a.key);
      if (a.kind === 'add' && !x.hasSlot(a.image)) return undefined; // more tags at once than the slots allow
      await x.step(describe(a, key, sh.host), () => perform(x, a, key));
    }
  } finally {
    out.leftovers.push(...(await x.cleanup()));
  }
  if (x.harnessError || !x.findings.some((f) => f.requirement === sh.requirement)) return undefined;
  out.steps++;
  return x;
}

/** One step of a replay, on the execution's fresh key. */
async function perform(x: Execution, a: Action, key: string | undefined): Promise<void> {
  if (a.kind === 'add') await x.add(key!, a.image, a.check);
  else if (a.kind === 'delete') await x.deleteAsOwner(key!, a.image, a.check);
  else if (a.kind === 'list') await x.list();
  else await x.deleteRefused(key!, a.kind, a.check);
}

export async function shrink(host: ExploreHost, budget: Budget, original: Execution, requirement: string, stuck: Stuck): Promise<ShrinkResult> {
  const out: ShrinkResult = { steps: 0, budgetSpent: false, leftovers: [] };
  const stems = [...original.stemsUsed].map((s, slot) => ({ s, slot })).sort((a, b) => b.s.length - a.s.length);
  const sh: Shrinking = { host, budget, stuck, requirement, stems, out };

  let best: Action[] = original.actions;
  const keep = async (candidate: Action[]) => {
    if (!candidate.length || candidate.length > best.length) return false;
    const x = await replay(sh, candidate);
    if (!x) return false;
    best = x.actions.length < candidate.length ? x.actions : candidate; // it may break earlier than the last step
    out.best = x;
    return true;
  };

  // 1. Only the steps on the keys the failure names (most faults are about one key and its neighbours).
  const keys = new Set(original.findings.filter((f) => f.requirement === requirement).flatMap((f) => f.keys));
  await keep(best.filter((a) => a.key !== undefined && keys.has(a.key)));
  // 2. Whole kinds of steps at once: the refused deletes, the other image, the listings of their own.
  const main = host.mainImage;
  for (const drop of [(a: Action) => a.kind === 'forbidden' || a.kind === 'other-project' || a.kind.startsWith('token: '), (a: Action) => a.image !== main, (a: Action) => a.kind === 'list']) {
    if (best.some(drop) && !out.budgetSpent) await keep(best.filter((a) => !drop(a)));
  }
  // 3. Chunks (long sequences only), then single steps, removed while the failure still shows: one-minimal.
  for (let size = best.length > 8 ? Math.floor(best.length / 2) : 1; size >= 1 && !out.budgetSpent; size = size === 1 ? 0 : Math.floor(size / 2)) {
    for (let i = 0; i < best.length && !out.budgetSpent; ) {
      if (!(await keep([...best.slice(0, i), ...best.slice(i + size)]))) i += size;
    }
  }
  // 4. The model checks between steps, where the failure shows without them.
  for (let i = 0; i < best.length && !out.budgetSpent; i++) {
    if (best[i]!.check && best[i]!.kind !== 'list') await keep(best.map((a, j) => (j === i ? { ...a, check: false } : a)));
  }
  return out;
}
