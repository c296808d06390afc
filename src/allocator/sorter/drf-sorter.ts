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
 * Performance (the engine calls `sort()` for every agent and `allocated()` after every offer):
 * each internal node keeps its active leaves and internal children sorted, positioned by the key
 * they were last given. An allocation changes the keys of the nodes on one path only, so each of
 * those moves to its new place by binary search; no other share is recomputed. The flattened
 * order is kept too: a node that moves takes its contiguous block of clients with it, so `sort()`
 * after an allocation costs a copy of the array, not a walk of the tree. Structural changes (add,
 * remove, activate, deactivate) re-position one node and re-flatten on the next `sort()`. Only a
 * change of the pool (agents added or removed), which changes every share, marks the tree dirty:
 * the next `sort()` recomputes and sorts everything once, as Mesos does.
 */
import type { Resources } from '../../resources/index.ts';
import type { SorterNode } from './client-tree.ts';
import { SorterError, type SorterOptions } from './sorter.ts';
import { checkWeight, TreeSorter } from './tree-sorter.ts';

/** Mesos's DRF order between siblings, on the keys the nodes were positioned with. */
function before(a: SorterNode, b: SorterNode): boolean {
  if (a.keyShare !== b.keyShare) return a.keyShare < b.keyShare;
  if (a.keyCount !== b.keyCount) return a.keyCount < b.keyCount;
  return a.name < b.name;
}

function compare(a: SorterNode, b: SorterNode): number {
  return before(a, b) ? -1 : before(b, a) ? 1 : 0;
}

/** The first index in [lo, hi) whose node does not come before `node`. */
function lowerBound(nodes: readonly SorterNode[], node: SorterNode, lo: number, hi: number): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (before(nodes[mid]!, node)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Where `node` sits, found by its (unchanged) key. */
function locate(nodes: readonly SorterNode[], node: SorterNode): number {
  const i = lowerBound(nodes, node, 0, nodes.length);
  if (nodes[i] !== node) throw new SorterError(`DRF sorter order is corrupt: '${node.path}' is not where its key says`);
  return i;
}

// Plain loops rather than splice/copyWithin: V8 runs copyWithin generically on object arrays,
// which made an allocation among a thousand siblings about fifteen times slower.

/** Moves `nodes[from]` to index `to`, shifting the ones in between by one. */
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

function insertSorted(nodes: SorterNode[], node: SorterNode): void {
  const i = lowerBound(nodes, node, 0, nodes.length);
  nodes.push(node);
  moveTo(nodes, nodes.length - 1, i);
}

function removeAt(nodes: SorterNode[], i: number): void {
  moveTo(nodes, i, nodes.length - 1);
  nodes.pop();
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
  /** The pool version the keys were computed for (a shared pool changes behind our back). */
  private poolVersion: number;

  constructor(options: SorterOptions = {}) {
    super(options);
    this.poolVersion = this.pool.version;
  }

  /** A shared pool changed since the keys were computed: every share must be recomputed. */
  private syncPool(): void {
    if (this.poolVersion !== this.pool.version) {
      this.poolVersion = this.pool.version;
      this.dirty = true;
      this.flat = undefined;
    }
  }

  add(client: string): void {
    this.tree.add(client);
  }

  remove(client: string): void {
    const survivor = this.tree.remove(client);
    this.repositionPath(survivor);
  }

  activate(client: string): void {
    this.tree.setActive(client, true);
  }

  deactivate(client: string): void {
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
    this.syncPool();
    if (this.dirty) {
      this.resortSubtree(this.tree.root);
      this.dirty = false;
    }
    if (this.flat === undefined) {
      const out: string[] = [];
      this.collectActive(this.tree.root, out);
      this.flat = out;
    }
    this.flatHandedOut = true;
    return this.flat;
  }

  protected placed(node: SorterNode): void {
    this.flat = undefined;
    if (this.dirty) return;
    const wanted = node.kind !== 'inactive';
    const siblings = node.parent!.ordered;
    if (wanted && !node.inOrder) {
      this.setKey(node);
      insertSorted(siblings, node);
      node.inOrder = true;
    } else if (!wanted && node.inOrder) {
      removeAt(siblings, locate(siblings, node));
      node.inOrder = false;
    }
  }

  protected leaving(node: SorterNode): void {
    this.flat = undefined;
    if (!this.dirty && node.inOrder) {
      const siblings = node.parent!.ordered;
      removeAt(siblings, locate(siblings, node));
    }
    node.inOrder = false;
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
    const siblings = node.parent!.ordered;
    const from = locate(siblings, node);
    this.setKey(node);
    let to = from;
    if (from > 0 && before(node, siblings[from - 1]!)) to = lowerBound(siblings, node, 0, from);
    else if (from < siblings.length - 1 && before(siblings[from + 1]!, node)) to = lowerBound(siblings, node, from + 1, siblings.length) - 1;
    if (to === from) return;
    if (this.flat !== undefined) this.moveBlock(node, from, to);
    moveTo(siblings, from, to);
  }

  /** How many clients a node contributes to the flattened order (valid while `flat` is). */
  private static size(node: SorterNode): number {
    return node.kind === 'active' ? 1 : node.activeLeaves;
  }

  /**
   * Moves the clients of `node` in `flat` as `node` moves from index `from` to `to` among its
   * siblings (called before the siblings array changes). A node's clients are one contiguous block
   * in pre-order, so this costs the siblings passed and the block, not the whole order.
   */
  private moveBlock(node: SorterNode, from: number, to: number): void {
    const length = DRFSorter.size(node);
    if (length === 0) return;
    if (this.flatHandedOut) {
      this.flat = this.flat!.slice();
      this.flatHandedOut = false;
    }
    const flat = this.flat!;
    const siblings = node.parent!.ordered;
    // Where the block starts: clients of the siblings before it, at every level up to the root.
    // Under a parent whose children are all active leaves that is just the index.
    let start = 0;
    for (let n = node, index = from; ; ) {
      const parent = n.parent!;
      if (parent.onlyActiveLeaves) start += index;
      else for (let k = 0; k < index; k++) start += DRFSorter.size(parent.ordered[k]!);
      if (parent === this.tree.root) break;
      index = locate(parent.parent!.ordered, parent);
      n = parent;
    }
    let passed = 0;
    if (node.parent!.onlyActiveLeaves) passed = Math.abs(to - from);
    else if (to > from) for (let k = from + 1; k <= to; k++) passed += DRFSorter.size(siblings[k]!);
    else for (let k = to; k < from; k++) passed += DRFSorter.size(siblings[k]!);
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
      else if (child.ordered.length > 0) child.ordered = [];
      child.inOrder = child.kind !== 'inactive';
      if (!child.inOrder) continue;
      this.setKey(child);
      ordered.push(child);
    }
    ordered.sort(compare);
    node.ordered = ordered;
  }

  /** Pre-order walk: active leaves in DRF order; records each internal node's block size. */
  private collectActive(node: SorterNode, out: string[]): void {
    const begin = out.length;
    const ordered = node.ordered;
    let onlyLeaves = true;
    for (let i = 0; i < ordered.length; i++) {
      const child = ordered[i]!;
      if (child.kind === 'active') {
        out.push(child.client);
      } else {
        onlyLeaves = false;
        this.collectActive(child, out);
      }
    }
    node.activeLeaves = out.length - begin;
    node.onlyActiveLeaves = onlyLeaves;
  }
}
