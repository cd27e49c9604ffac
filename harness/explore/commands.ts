// The commands of the stateful exploration (fast-check's model-based testing): each one's check() decides from the
// execution's state whether it applies now and fits the budget; run() sends its request and the whole model check.
// Keys are chosen by recipe (fresh keys) or by pick (a key the sequence used before), so deletes of deleted keys,
// re-adds and near-miss neighbours come up often.
import fc from 'fast-check';
import type { Execution } from './execution.js';
import { keyRecipe, type KeyRecipe } from './keys.js';
import { NEAR_MISS_TOKENS } from '../../data/near-miss-credentials.js';

type Cmd = fc.AsyncCommand<Execution, Execution>;

const pickFrom = (list: string[], pick: number) => list[pick % list.length]!;
const keyOf = (x: Execution, r: KeyRecipe) => r.make(x.stem(r.stemSlot));
const show = (k: string) => (k.length > 40 ? `${JSON.stringify(k.slice(0, 40)).slice(0, -1)}…"` : JSON.stringify(k));

abstract class Base implements Cmd {
  abstract readonly cost: number;
  abstract applies(x: Execution): boolean;
  abstract describe(): string;
  abstract act(x: Execution): Promise<string>;
  check(x: Readonly<Execution>): boolean {
    const ex = x as Execution;
    return ex.affords(this.cost) && this.applies(ex);
  }
  async run(x: Execution): Promise<void> {
    await x.step(this.describe(), async () => {
      const detail = await this.act(x);
      x.steps[x.steps.length - 1] = `${this.describe()}: ${detail}`;
    });
  }
  toString(): string {
    return this.describe();
  }
}

/**
 * What a step on one key does: the image it acts on (undefined: not on this target), where its key comes from (a
 * fresh recipe, or a pick among the keys of a pool) and whether it adds or deletes as the owner.
 */
interface KeyStepKind {
  describe(choice: string): string;
  image(x: Execution): string | undefined;
  /** The keys a pick chooses from; a step with a recipe makes a fresh key instead. */
  pool?(x: Execution, image: string): string[];
  action: 'add' | 'delete';
}

type Choice = { recipe: KeyRecipe } | { pick: number };

class KeyStep extends Base {
  readonly cost = 1;
  constructor(
    private readonly kind: KeyStepKind,
    private readonly choice: Choice,
  ) {
    super();
  }
  applies(x: Execution) {
    const image = this.kind.image(x);
    if (!image || (this.kind.action === 'add' && !x.hasSlot(image))) return false;
    return !this.kind.pool || this.kind.pool(x, image).length > 0;
  }
  describe() {
    return this.kind.describe('recipe' in this.choice ? this.choice.recipe.label : `#${this.choice.pick}`);
  }
  async act(x: Execution) {
    const image = this.kind.image(x)!;
    const key = 'recipe' in this.choice ? keyOf(x, this.choice.recipe) : pickFrom(this.kind.pool!(x, image), this.choice.pick);
    if (this.kind.action === 'add') await x.add(key, image);
    else await x.deleteAsOwner(key, image);
    return show(key);
  }
}

const main = (x: Execution) => x.host.mainImage;
const other = (x: Execution) => x.host.otherImage;

const KIND = {
  /** The owner adds a fresh key on the main image. */
  add: { action: 'add', image: main, describe: (c) => `add ${c}` },
  /** The owner adds again a key the main image no longer carries (deleted, or only ever probed). */
  reAdd: { action: 'add', image: main, pool: (x, i) => x.absent(i), describe: (c) => `re-add used key ${c}` },
  /** The owner adds a key the main image carries again, with a new value (an update). */
  update: { action: 'add', image: main, pool: (x, i) => x.present(i), describe: (c) => `add present tag ${c} again (new value)` },
  /** The same key as one on the main image, added on the other image. */
  addOnOther: { action: 'add', image: other, pool: (x) => x.known, describe: (c) => `add used key ${c} on the other image` },
  /** The owner deletes a tag the image carries (DT-01, DT-03, DT-04). */
  deleteExisting: { action: 'delete', image: main, pool: (x, i) => x.present(i), describe: (c) => `delete existing tag ${c}` },
  /** The same, on the other image when there is one. */
  deleteExistingOnOther: {
    action: 'delete', image: (x) => x.host.otherImage ?? x.host.mainImage, pool: (x, i) => x.present(i),
    describe: (c) => `delete existing tag ${c} on the other image`,
  },
  /** The owner deletes a fresh key (usually one the image never carried: DT-05). */
  deleteNever: { action: 'delete', image: main, describe: (c) => `delete ${c}` },
  /** The owner deletes a key deleted before (DT-05: not idempotent). */
  deleteDeleted: { action: 'delete', image: main, pool: (x, i) => x.deleted(i), describe: (c) => `delete deleted key ${c} again` },
  /** A key of the main image deleted on the other image: 404 unless it was added there too; the main copy stays. */
  deleteOnOther: { action: 'delete', image: other, pool: (x) => x.known, describe: (c) => `delete used key ${c} on the other image` },
} satisfies Record<string, KeyStepKind>;

/** A delete that must be refused and change nothing (DT-09). */
class DeleteRefused extends Base {
  readonly cost = 1;
  constructor(private readonly pick: number, private readonly how: 'forbidden' | 'other-project') {
    super();
  }
  applies(x: Execution) {
    return (this.how === 'forbidden' ? !!x.host.forbidden : !!x.host.otherProject) && x.known.length > 0;
  }
  describe() {
    return `delete used key #${this.pick} ${this.how === 'forbidden' ? 'as the persona without permission' : "through another project's path"}`;
  }
  async act(x: Execution) {
    const prefer = x.present(x.host.mainImage);
    const key = pickFrom(prefer.length ? prefer : x.known, this.pick);
    await x.deleteRefused(key, this.how);
    return show(key);
  }
}

/** A delete with the owner's own token tampered (data/near-miss-credentials.ts): 401, and nothing may change (DT-08). */
class DeleteTampered extends Base {
  readonly cost = 1;
  constructor(private readonly pick: number, private readonly tamper: string) {
    super();
  }
  applies(x: Execution) {
    return x.known.length > 0;
  }
  describe() {
    return `delete used key #${this.pick} with the owner's token tampered (${this.tamper})`;
  }
  async act(x: Execution) {
    const prefer = x.present(x.host.mainImage);
    const key = pickFrom(prefer.length ? prefer : x.known, this.pick);
    return (await x.deleteRefused(key, `token: ${this.tamper}`)) ? show(key) : 'not sent (the owner sends no token, or this change is impossible for it)';
  }
}

/** Lists the images: the whole model check on its own (a target whose listing lags shows here). */
class List extends Base {
  readonly cost = 0;
  applies() {
    return true;
  }
  describe() {
    return 'list';
  }
  async act(x: Execution) {
    await x.list();
    return 'checked';
  }
}

// Picks index the keys most recently used first: small picks (add-then-delete, delete-then-re-add) come up often.
const pick = fc.oneof({ weight: 2, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.nat({ max: 15 }) });

export const COMMANDS: fc.Arbitrary<Cmd>[] = [
  keyRecipe.map((recipe) => new KeyStep(KIND.add, { recipe })),
  keyRecipe.map((recipe) => new KeyStep(KIND.add, { recipe })),
  pick.map((p) => new KeyStep(KIND.reAdd, { pick: p })),
  pick.map((p) => new KeyStep(KIND.reAdd, { pick: p })),
  pick.map((p) => new KeyStep(KIND.update, { pick: p })),
  pick.map((p) => new KeyStep(KIND.addOnOther, { pick: p })),
  fc.tuple(pick, fc.boolean()).map(([p, onOther]) => new KeyStep(onOther ? KIND.deleteExistingOnOther : KIND.deleteExisting, { pick: p })),
  pick.map((p) => new KeyStep(KIND.deleteExisting, { pick: p })),
  pick.map((p) => new KeyStep(KIND.deleteExisting, { pick: p })),
  pick.map((p) => new KeyStep(KIND.deleteExisting, { pick: p })),
  keyRecipe.map((recipe) => new KeyStep(KIND.deleteNever, { recipe })),
  pick.map((p) => new KeyStep(KIND.deleteDeleted, { pick: p })),
  pick.map((p) => new KeyStep(KIND.deleteOnOther, { pick: p })),
  pick.map((p) => new DeleteRefused(p, 'forbidden')),
  pick.map((p) => new DeleteRefused(p, 'other-project')),
  fc.tuple(pick, fc.constantFrom(...NEAR_MISS_TOKENS.map((m) => m.id))).map(([p, t]) => new DeleteTampered(p, t)),
  fc.constant(new List()),
];
