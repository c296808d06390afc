/**
 * DRFSorter: weighted, hierarchical Dominant Resource Fairness, with Mesos's exact rules
 * (src/master/allocator/mesos/sorter/drf/sorter.cpp):
 *
 * - share(node) = max over the pool's scalar names (excluded names and zero totals skipped) of
 *   what the node's subtree holds / pool total, divided by the weight of the node's path;
 * - siblings are ordered by (share, allocation count, name), ascending; names compare as plain
 *   strings, so `framework10` comes before `framework2`;
 * - `sort()` walks the tree in that order and returns the active leaves.
 *
 * Performance (the engine reads the order for every agent and calls `allocated()` after every
 * offer): each internal node keeps its active leaves and internal children sorted (a chunked list,
 * sibling-order.ts), positioned by the key they were last given. An allocation changes the keys of
 * the nodes on one path only, so each of those moves to its new place by binary search and a short
 * shift; no other share is recomputed. Only a change of the pool (agents added or removed), which
 * changes every share, marks the tree dirty: the next `sort()` or `order()` recomputes and sorts
 * everything once, as Mesos does.
 *
 * Reading the order:
 * - `sort()` returns an array. The flattened order is kept while `sort()` is what is used: a node
 *   that moves takes its contiguous block of clients with it, so `sort()` after an allocation costs
 *   a copy of the array (one that was handed out is never changed), not a walk of the tree.
 *   Structural changes (add, remove, activate, deactivate) re-flatten on the next `sort()`. Once
 *   `order()` is used instead, the flattened order is dropped rather than kept up to date.
 * - `order()` (what the engine uses) builds nothing: see order-reader.ts for the reader and why
 *   it yields exactly what `sort()` would have returned when `order()` was called.
 */
import type { Resources } from '../../resources/index.ts';
import type { SorterNode } from './client-tree.ts';
import { before, compare, SiblingOrder } from './sibling-order.ts';
import type { SorterOptions, SorterOrder } from './sorter.ts';
import { checkWeight, TreeSorter } from './tree-sorter.ts';
import { fullyRead, OrderReader, size, sumSizes, type Following } from './order-reader.ts';

// Short moves with plain loops (V8 runs copyWithin generically on object arrays, far slower);
// long ones with splice, whose block copy beats element-by-element stores.

/** Moves `items[from]` to index `to`, shifting the ones in between by one. */
function moveTo<T>(items: T[], from: number, to: number): void {
  if (from === to) return;
  const distance = to > from ? to - from : from - to;
  if (distance < 32) {
    const item = items[from]!;
    if (to < from) for (let j = from; j > to; j--) items[j] = items[j - 1]!;
    else for (let j = from; j < to; j++) items[j] = items[j + 1]!;
    items[to] = item;
    return;
  }
  // Long moves: splice shifts with a block copy inside V8, far cheaper than element stores.
  const [item] = items.splice(from, 1);
  items.splice(to, 0, item!);
}

export class DRFSorter extends TreeSorter {
  /** Every share must be recomputed before the next sort (the pool changed). */
  private dirty = false;
  /**
   * The flattened order while it is known: rebuilt by `sort()` after a structural change, and
   * otherwise kept up to date by moving the block of a node that moved (see `moveBlock`).
   */
  private flat: string[] | undefined;
  /** `flat` was handed out by `sort()`: copy it before changing it. */
  private flatHandedOut = false;
  /** `sort()` was called after the last `order()`: keep `flat` up to date rather than drop it. */
  private keepFlat = true;
  /** The pool version the keys were computed for (a shared pool changes behind our back). */
  private poolVersion: number;
  private readonly following: Following = { reader: undefined };
  private lastToken = 0;

  constructor(options: SorterOptions = {}) {
    super(options);
    this.poolVersion = this.pool.version;
  }

  /** A shared pool changed since the keys were computed: every share must be recomputed. */
  private syncPool(): void {
    if (this.poolVersion !== this.pool.version) {
      this.poolVersion = this.pool.version;
      this.freezeReader();
      this.dirty = true;
      this.flat = undefined;
    }
  }

  /** Gives the reader being followed, if any, its own copy of the rest of the order. */
  private freezeReader(): void {
    const reader = this.following.reader;
    if (reader === undefined) return;
    this.following.reader = undefined;
    reader.freeze(this.tree.root);
  }

  add(client: string): void {
    this.freezeReader();
    this.tree.add(client);
  }

  remove(client: string): void {
    this.freezeReader();
    const survivor = this.tree.remove(client);
    this.repositionPath(survivor);
  }

  activate(client: string): void {
    if (this.tree.find(client).kind === 'active') return;
    this.freezeReader();
    this.tree.setActive(client, true);
  }

  deactivate(client: string): void {
    if (this.tree.find(client).kind === 'inactive') return;
    this.freezeReader();
    this.tree.setActive(client, false);
  }

  updateWeight(path: string, weight: number): void {
    checkWeight(path, weight);
    // Unlike Mesos, an existing internal node with no client of its own takes the new weight
    // too (Mesos updates only client nodes and keeps a stale cached weight on the others).
    const node = this.tree.setWeight(path, weight);
    if (node !== undefined) this.reposition(node);
  }

  allocated(client: string, agentId: string, resources: Resources): void {
    const leaf = this.tree.find(client);
    this.tree.allocate(leaf, agentId, resources);
    this.repositionPath(leaf);
  }

  update(client: string, agentId: string, oldAllocation: Resources, newAllocation: Resources): void {
    const leaf = this.tree.find(client);
    this.tree.update(leaf, agentId, oldAllocation, newAllocation);
    this.repositionPath(leaf);
  }

  unallocated(client: string, agentId: string, resources: Resources): void {
    const leaf = this.tree.find(client);
    this.tree.unallocate(leaf, agentId, resources);
    this.repositionPath(leaf);
  }

  addAgent(agentId: string, scalarQuantities: ReadonlyMap<string, number>): void {
    if (this.ownsPool) this.pool.addAgent(agentId, scalarQuantities);
    this.syncPool();
  }

  removeAgent(agentId: string): void {
    if (this.ownsPool) this.pool.removeAgent(agentId);
    this.syncPool();
  }

  sort(): readonly string[] {
    this.prepare();
    if (this.flat === undefined) {
      const out: string[] = [];
      this.collectActive(this.tree.root, out);
      this.flat = out;
    }
    this.flatHandedOut = true;
    this.keepFlat = true;
    return this.flat;
  }

  order(): SorterOrder {
    this.prepare();
    this.freezeReader();
    // Whoever reads the order this way does not need `flat` kept up to date on every allocation.
    this.keepFlat = false;
    return new OrderReader(this.following, ++this.lastToken, this.tree.root, this.findLeaf);
  }

  private readonly findLeaf = (client: string): SorterNode => this.tree.find(client);

  /** Recomputes and re-sorts everything once after the pool changed. */
  private prepare(): void {
    this.syncPool();
    if (this.dirty) {
      this.resortSubtree(this.tree.root);
      this.dirty = false;
    }
  }

  protected placed(node: SorterNode): void {
    this.countActive(node);
    this.flat = undefined;
    if (this.dirty) return;
    const wanted = node.kind !== 'inactive';
    if (wanted && !node.inOrder) {
      this.setKey(node);
      (node.parent!.ordered ??= new SiblingOrder()).insert(node);
      node.inOrder = true;
    } else if (!wanted && node.inOrder) {
      node.parent!.ordered!.remove(node);
      node.inOrder = false;
    }
  }

  protected leaving(node: SorterNode): void {
    if (node.countedActive) {
      node.countedActive = false;
      for (let p = node.parent; p !== undefined; p = p.parent) p.activeLeaves--;
    }
    this.flat = undefined;
    if (!this.dirty && node.inOrder) node.parent!.ordered!.remove(node);
    node.inOrder = false;
  }

  /** Keeps every ancestor's count of active leaves as `node` becomes or stops being one. */
  private countActive(node: SorterNode): void {
    const counts = node.kind === 'active';
    if (counts === node.countedActive) return;
    node.countedActive = counts;
    const delta = counts ? 1 : -1;
    for (let p = node.parent; p !== undefined; p = p.parent) p.activeLeaves += delta;
  }

  private setKey(node: SorterNode): void {
    node.keyShare = this.shareOf(node);
    node.keyCount = node.count;
  }

  /** Re-positions `node` and its ancestors after their allocations changed. */
  private repositionPath(node: SorterNode): void {
    this.syncPool();
    const root = this.tree.root;
    for (let n: SorterNode | undefined = node; n !== undefined && n !== root; n = n.parent) this.reposition(n);
  }

  /**
   * Gives `node` its current key and moves it to its place among its siblings (which are sorted
   * and unchanged), and its block of clients in the flattened order with it.
   */
  private reposition(node: SorterNode): void {
    if (this.dirty || !node.inOrder) return;
    const order = node.parent!.ordered!;
    order.locate(node);
    const c = order.c;
    const i = order.i;
    this.setKey(node);
    const chunks = order.chunks;
    const chunk = chunks[c]!;
    const previous = i > 0 ? chunk[i - 1] : c > 0 ? chunks[c - 1]![chunks[c - 1]!.length - 1] : undefined;
    const following = i + 1 < chunk.length ? chunk[i + 1] : c + 1 < chunks.length ? chunks[c + 1]![0] : undefined;
    if ((previous === undefined || !before(node, previous)) && (following === undefined || !before(following, node))) return;
    const reader = this.following.reader;
    if (reader !== undefined && !fullyRead(node, reader.token)) reader.keepOrderOf(node.parent!);
    if (this.flat !== undefined && !this.keepFlat) this.flat = undefined;
    if (this.flat === undefined) {
      order.removeAt(c, i);
      order.insert(node);
      return;
    }
    const from = order.indexOf(c, i);
    const start = this.blockStart(node, from);
    order.removeAt(c, i);
    order.insert(node);
    this.moveBlock(node, start, from, order.indexOf(order.c, order.i));
  }

  /**
   * Where the clients of `node` (at position `from` among its siblings) start in `flat`: the
   * clients of the siblings before it, at every level up to the root. Under a parent whose children
   * are all active leaves that is just the position.
   */
  private blockStart(node: SorterNode, from: number): number {
    const root = this.tree.root;
    let start = 0;
    for (let n = node, index = from; ; ) {
      const parent = n.parent!;
      start += parent.onlyActiveLeaves ? index : sumSizes(parent.ordered!, 0, index);
      if (parent === root) return start;
      const up = parent.parent!.ordered!;
      up.locate(parent);
      index = up.indexOf(up.c, up.i);
      n = parent;
    }
  }

  /**
   * Moves the clients of `node` in `flat` (starting at `start`) as `node` moved from position
   * `from` to `to` among its siblings (called after the siblings changed). A node's clients are
   * one contiguous block in pre-order, so this costs the siblings passed and the block, not the
   * whole order.
   */
  private moveBlock(node: SorterNode, start: number, from: number, to: number): void {
    const length = size(node);
    if (length === 0 || from === to) return;
    let flat = this.flat!;
    const parent = node.parent!;
    // The siblings passed sit, in the new order, between the old and the new position.
    const passed = parent.onlyActiveLeaves ? Math.abs(to - from) : to > from ? sumSizes(parent.ordered!, from, to) : sumSizes(parent.ordered!, to + 1, from + 1);
    if (passed === 0) return;
    if (this.flatHandedOut) {
      this.flat = flat = flat.slice();
      this.flatHandedOut = false;
    }
    if (length === 1) {
      moveTo(flat, start, to > from ? start + passed : start - passed);
      return;
    }
    const block = flat.slice(start, start + length);
    if (to > from) {
      for (let k = start; k < start + passed; k++) flat[k] = flat[k + length]!;
      for (let k = 0; k < length; k++) flat[start + passed + k] = block[k]!;
    } else {
      for (let k = start + length - 1; k >= start - passed + length; k--) flat[k] = flat[k - length]!;
      for (let k = 0; k < length; k++) flat[start - passed + k] = block[k]!;
    }
  }

  /** Recomputes every key below `node` and sorts every level (after the pool changed). */
  private resortSubtree(node: SorterNode): void {
    const ordered: SorterNode[] = [];
    for (const child of node.children.values()) {
      if (child.kind === 'internal') this.resortSubtree(child);
      // A leaf that was internal while the tree was dirty may still list its old children.
      else if (child.ordered !== undefined) child.ordered = undefined;
      child.inOrder = child.kind !== 'inactive';
      if (!child.inOrder) continue;
      this.setKey(child);
      ordered.push(child);
    }
    ordered.sort(compare);
    if (node.ordered === undefined) node.ordered = SiblingOrder.of(ordered);
    else node.ordered.reset(ordered);
  }

  /** Pre-order walk: active leaves in DRF order; records which nodes have only active leaves. */
  private collectActive(node: SorterNode, out: string[]): void {
    let onlyLeaves = true;
    const order = node.ordered;
    if (order !== undefined) {
      const chunks = order.chunks;
      for (let c = 0; c < chunks.length; c++) {
        const chunk = chunks[c]!;
        for (let i = 0; i < chunk.length; i++) {
          const child = chunk[i]!;
          if (child.kind === 'active') {
            out.push(child.client);
          } else {
            onlyLeaves = false;
            this.collectActive(child, out);
          }
        }
      }
    }
    node.onlyActiveLeaves = onlyLeaves;
  }
}
