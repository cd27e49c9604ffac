// The commands of the stateful exploration (fast-check's model-based testing): each one's check() decides from the
// execution's state whether it applies now and fits the budget; run() sends its request and the whole model check.
// Keys are chosen by recipe (fresh keys) or by pick (a key the sequence used before), so deletes of deleted keys,
// re-adds and near-miss neighbours come up often.
import fc from 'fast-check';
import type { Execution } from './execution.js';
import { keyRecipe, type KeyRecipe } from './keys.js';

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

/** The owner adds a fresh key on the main image. */
class Add extends Base {
  readonly cost = 1;
  constructor(private readonly recipe: KeyRecipe) {
    super();
  }
  applies(x: Execution) {
    return x.hasSlot(x.host.mainImage);
  }
  describe() {
    return `add ${this.recipe.label}`;
  }
  async act(x: Execution) {
    const key = keyOf(x, this.recipe);
    await x.add(key, x.host.mainImage);
    return show(key);
  }
}

/** The owner adds again a key the main image no longer carries (deleted, or only ever probed). */
class ReAdd extends Base {
  readonly cost = 1;
  constructor(private readonly pick: number) {
    super();
  }
  applies(x: Execution) {
    return x.hasSlot(x.host.mainImage) && x.absent(x.host.mainImage).length > 0;
  }
  describe() {
    return `re-add used key #${this.pick}`;
  }
  async act(x: Execution) {
    const key = pickFrom(x.absent(x.host.mainImage), this.pick);
    await x.add(key, x.host.mainImage);
    return show(key);
  }
}

/** The owner adds a key the main image carries again, with a new value (an update). */
class Update extends Base {
  readonly cost = 1;
  constructor(private readonly pick: number) {
    super();
  }
  applies(x: Execution) {
    return x.hasSlot(x.host.mainImage) && x.present(x.host.mainImage).length > 0;
  }
  describe() {
    return `add present tag #${this.pick} again (new value)`;
  }
  async act(x: Execution) {
    const key = pickFrom(x.present(x.host.mainImage), this.pick);
    await x.add(key, x.host.mainImage);
    return show(key);
  }
}

/** The same key as one on the main image, added on the other image. */
class AddOnOther extends Base {
  readonly cost = 1;
  constructor(private readonly pick: number) {
    super();
  }
  applies(x: Execution) {
    return !!x.host.otherImage && x.hasSlot(x.host.otherImage) && x.known.length > 0;
  }
  describe() {
    return `add used key #${this.pick} on the other image`;
  }
  async act(x: Execution) {
    const key = pickFrom(x.known, this.pick);
    await x.add(key, x.host.otherImage!);
    return show(key);
  }
}

/** The owner deletes a tag the image carries (DT-01, DT-03, DT-04). */
class DeleteExisting extends Base {
  readonly cost = 1;
  constructor(private readonly pick: number, private readonly onOther: boolean) {
    super();
  }
  private image(x: Execution) {
    return this.onOther && x.host.otherImage ? x.host.otherImage : x.host.mainImage;
  }
  applies(x: Execution) {
    return x.present(this.image(x)).length > 0;
  }
  describe() {
    return `delete existing tag #${this.pick}${this.onOther ? ' on the other image' : ''}`;
  }
  async act(x: Execution) {
    const key = pickFrom(x.present(this.image(x)), this.pick);
    await x.deleteAsOwner(key, this.image(x));
    return show(key);
  }
}

/** The owner deletes a fresh key (usually one the image never carried: DT-05). */
class DeleteNever extends Base {
  readonly cost = 1;
  constructor(private readonly recipe: KeyRecipe) {
    super();
  }
  applies() {
    return true;
  }
  describe() {
    return `delete ${this.recipe.label}`;
  }
  async act(x: Execution) {
    const key = keyOf(x, this.recipe);
    await x.deleteAsOwner(key, x.host.mainImage);
    return show(key);
  }
}

/** The owner deletes a key deleted before (DT-05: not idempotent). */
class DeleteDeleted extends Base {
  readonly cost = 1;
  constructor(private readonly pick: number) {
    super();
  }
  applies(x: Execution) {
    return x.deleted(x.host.mainImage).length > 0;
  }
  describe() {
    return `delete deleted key #${this.pick} again`;
  }
  async act(x: Execution) {
    const key = pickFrom(x.deleted(x.host.mainImage), this.pick);
    await x.deleteAsOwner(key, x.host.mainImage);
    return show(key);
  }
}

/** A key of the main image deleted on the other image: 404 unless it was added there too; the main copy stays. */
class DeleteOnOther extends Base {
  readonly cost = 1;
  constructor(private readonly pick: number) {
    super();
  }
  applies(x: Execution) {
    return !!x.host.otherImage && x.known.length > 0;
  }
  describe() {
    return `delete used key #${this.pick} on the other image`;
  }
  async act(x: Execution) {
    const key = pickFrom(x.known, this.pick);
    await x.deleteAsOwner(key, x.host.otherImage!);
    return show(key);
  }
}

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
  keyRecipe.map((r) => new Add(r)),
  keyRecipe.map((r) => new Add(r)),
  pick.map((p) => new ReAdd(p)),
  pick.map((p) => new ReAdd(p)),
  pick.map((p) => new Update(p)),
  pick.map((p) => new AddOnOther(p)),
  fc.tuple(pick, fc.boolean()).map(([p, o]) => new DeleteExisting(p, o)),
  pick.map((p) => new DeleteExisting(p, false)),
  pick.map((p) => new DeleteExisting(p, false)),
  pick.map((p) => new DeleteExisting(p, false)),
  keyRecipe.map((r) => new DeleteNever(r)),
  pick.map((p) => new DeleteDeleted(p)),
  pick.map((p) => new DeleteOnOther(p)),
  pick.map((p) => new DeleteRefused(p, 'forbidden')),
  pick.map((p) => new DeleteRefused(p, 'other-project')),
  fc.constant(new List()),
];
