/**
 * One frozen copy of each equal list and size in a report.
 *
 * A report keeps every estimate until it is printed, and most of what an estimate holds repeats: platforms bill a
 * handful of sizes, and workloads of one size on one platform have the same cost lines and the same warnings. A
 * report of 8,000 workloads has about 55,000 estimates but, typically, a few hundred distinct line lists and a few
 * dozen sizes. Keeping one copy of each (the estimators' own copies die young) roughly halves what the garbage
 * collector has to copy and mark for the report's life; the JSON is the same.
 *
 * Shared values are frozen: an estimate that changed one would change every estimate holding it, so a write
 * throws instead. Both tables are bounded, so a report of all-different values costs only the lookups.
 */

/** The billed size of one replica. */
export interface Size {
  vcpu: number;
  memoryMiB: number;
}

/** A node of the list trie: the list that ends here, and the lists that go on. */
interface ListNode {
  list: readonly string[] | undefined;
  next: Map<string, ListNode> | undefined;
}

const EMPTY: readonly string[] = Object.freeze([]);

/** Distinct values one report may keep before the tables start over (each table on its own). */
export const SHARED_LIMIT = 16_384;

export class SharedValues {
  private lists: ListNode = { list: EMPTY, next: undefined };
  private listNodes = 0;
  private sizes = new Map<number, Map<number, Size>>();
  private sizeCount = 0;

  /**
   * A frozen list equal to `items` (same strings, same order). The first list seen with these items is the one
   * returned for every later equal list, so its strings are also the only copies the report keeps.
   */
  list(items: readonly string[]): readonly string[] {
    let node = this.lists;
    for (const item of items) {
      let next = node.next?.get(item);
      if (next === undefined) {
        if (this.listNodes >= SHARED_LIMIT) {
          this.lists = { list: EMPTY, next: undefined };
          this.listNodes = 0;
          return Object.freeze(items.slice());
        }
        next = { list: undefined, next: undefined };
        (node.next ??= new Map()).set(item, next);
        this.listNodes++;
      }
      node = next;
    }
    // slice(): an exact-size copy that no estimator holds on to.
    return (node.list ??= Object.freeze(items.slice()));
  }

  /** A frozen size equal to `size`. */
  size(size: Size): Size {
    let byMemory = this.sizes.get(size.vcpu);
    let known = byMemory?.get(size.memoryMiB);
    if (known !== undefined) return known;
    known = Object.freeze({ vcpu: size.vcpu, memoryMiB: size.memoryMiB });
    if (this.sizeCount >= SHARED_LIMIT) {
      this.sizes.clear();
      this.sizeCount = 0;
      byMemory = undefined;
    }
    if (byMemory === undefined) this.sizes.set(size.vcpu, (byMemory = new Map()));
    byMemory.set(size.memoryMiB, known);
    this.sizeCount++;
    return known;
  }
}
