/**
 * RandomSorter: ignores shares and returns the active clients in a weighted random order, drawn
 * afresh on every `sort()` (src/master/allocator/mesos/sorter/random/sorter.cpp):
 *
 * - each active leaf gets a relative weight: the product, down its path, of
 *   weight(node) / (weight(node) + weights of its active siblings), where an internal node counts
 *   as active when some leaf below it is active. The relative weights of all active leaves sum to
 *   one and are each leaf's chance to come first;
 * - the leaves are then shuffled all at once with Efraimidis–Spirakis weighted sampling: with u
 *   uniform in [0, 1), the larger u^(1/w), the earlier. The result is therefore not grouped by
 *   subtree: `a/x`, `b/y`, `a/z` may interleave.
 *
 * Mesos computes the key as −u^(1/w). With many clients w is tiny (1/1000 for 1,000 equal
 * clients), and u^1000 underflows to 0 for every u below about 0.475: roughly half the clients
 * then tie at the end, in whatever order std::sort leaves them. We use the equivalent key
 * −ln(u)/w (ascending), the logarithm of the same quantity: the same order wherever Mesos's keys
 * are distinct, and a proper random order where Mesos's collapse.
 *
 * The random source is injected (`seededRandom` in ../random.ts for reproducible runs). Draws are
 * taken in the order of a pre-order walk of the tree, children in the order they were added.
 * Allocations are tracked exactly as in the DRF sorter (for `allocation()` and `share()`), but never
 * influence the order.
 */
import type { Resources } from '../../resources/index.ts';
import type { RandomSource } from '../random.ts';
import type { SorterNode } from './client-tree.ts';
import { SorterError, type SorterOptions } from './sorter.ts';
import { checkWeight, TreeSorter } from './tree-sorter.ts';

/** (key, index) order: keys ascending, ties (only with a degenerate source) by walk order. */
function precedes(keys: Float64Array, order: Int32Array, a: number, b: number): boolean {
  const ka = keys[order[a]!]!;
  const kb = keys[order[b]!]!;
  return ka < kb || (ka === kb && order[a]! < order[b]!);
}

function swap(order: Int32Array, a: number, b: number): void {
  const t = order[a]!;
  order[a] = order[b]!;
  order[b] = t;
}

/**
 * Sorts `order[lo..hi]` (indices into `keys`) by key: quicksort on typed arrays with a
 * median-of-three pivot and insertion sort for short runs. Array.prototype.sort with a comparator
 * costs several times more for a thousand clients, and this runs on every sort().
 */
function sortByKey(keys: Float64Array, order: Int32Array, lo: number, hi: number): void {
  while (hi - lo > 16) {
    const mid = (lo + hi) >>> 1;
    if (precedes(keys, order, mid, lo)) swap(order, mid, lo);
    if (precedes(keys, order, hi, lo)) swap(order, hi, lo);
    if (precedes(keys, order, hi, mid)) swap(order, hi, mid);
    swap(order, mid, hi - 1); // pivot parked at hi - 1
    let i = lo;
    let j = hi - 1;
    for (;;) {
      while (precedes(keys, order, ++i, hi - 1));
      while (precedes(keys, order, hi - 1, --j));
      if (i >= j) break;
      swap(order, i, j);
    }
    swap(order, i, hi - 1);
    // Recurse into the smaller side, loop on the larger (bounded stack depth).
    if (i - lo < hi - i) {
      sortByKey(keys, order, lo, i - 1);
      lo = i + 1;
    } else {
      sortByKey(keys, order, i + 1, hi);
      hi = i - 1;
    }
  }
  for (let i = lo + 1; i <= hi; i++) {
    for (let j = i; j > lo && precedes(keys, order, j, j - 1); j--) swap(order, j, j - 1);
  }
}

export class RandomSorter extends TreeSorter {
  /** The active leaves or their relative weights must be recomputed. */
  private dirty = true;
  private clients: string[] = [];
  private relativeWeights: number[] = [];
  // Scratch space reused by every sort().
  private keys = new Float64Array(0);
  private indices = new Int32Array(0);

  constructor(
    private readonly random: RandomSource,
    options: SorterOptions = {},
  ) {
    super(options);
    if (typeof random !== 'function') throw new SorterError('RandomSorter needs a random source: () => number in [0, 1)');
  }

  add(client: string): void {
    this.tree.add(client);
  }

  remove(client: string): void {
    this.tree.remove(client);
  }

  activate(client: string): void {
    this.tree.setActive(client, true);
  }

  deactivate(client: string): void {
    this.tree.setActive(client, false);
  }

  updateWeight(path: string, weight: number): void {
    checkWeight(path, weight);
    this.tree.setWeight(path, weight);
    this.dirty = true;
  }

  allocated(client: string, agentId: string, resources: Resources): void {
    this.tree.allocate(this.tree.find(client), agentId, resources);
  }

  update(client: string, agentId: string, oldAllocation: Resources, newAllocation: Resources): void {
    this.tree.update(this.tree.find(client), agentId, oldAllocation, newAllocation);
  }

  unallocated(client: string, agentId: string, resources: Resources): void {
    this.tree.unallocate(this.tree.find(client), agentId, resources);
  }

  /** Kept only for `share()`; the order does not depend on the pool. */
  addAgent(agentId: string, scalarQuantities: ReadonlyMap<string, number>): void {
    if (this.ownsPool) this.pool.addAgent(agentId, scalarQuantities);
  }

  removeAgent(agentId: string): void {
    if (this.ownsPool) this.pool.removeAgent(agentId);
  }

  sort(): readonly string[] {
    if (this.dirty) this.computeRelativeWeights();
    const n = this.clients.length;
    if (this.keys.length < n) {
      this.keys = new Float64Array(Math.max(n, this.keys.length * 2));
      this.indices = new Int32Array(this.keys.length);
    }
    const keys = this.keys;
    const order = this.indices;
    for (let i = 0; i < n; i++) {
      const u = this.random();
      if (!(u >= 0 && u < 1)) throw new SorterError(`the random source returned ${u}, not a number in [0, 1)`);
      keys[i] = -Math.log(u) / this.relativeWeights[i]!;
      order[i] = i;
    }
    sortByKey(keys, order, 0, n - 1);
    const out = new Array<string>(n);
    for (let i = 0; i < n; i++) out[i] = this.clients[order[i]!]!;
    return out;
  }

  /** A fresh random order, as `sort()` (the same draws from the random source). */
  order(): IterableIterator<string> {
    return this.sort()[Symbol.iterator]();
  }

  protected placed(): void {
    this.dirty = true;
  }

  protected leaving(): void {
    this.dirty = true;
  }

  private computeRelativeWeights(): void {
    this.clients = [];
    this.relativeWeights = [];
    const active = new Set<SorterNode>();
    this.markActive(this.tree.root, active);
    this.walk(this.tree.root, 1, active);
    this.dirty = false;
  }

  /** Collects the internal nodes with an active leaf below them; returns whether `node` is active. */
  private markActive(node: SorterNode, active: Set<SorterNode>): boolean {
    if (node.kind !== 'internal') return node.kind === 'active';
    let any = false;
    for (const child of node.children.values()) if (this.markActive(child, active)) any = true;
    if (any) active.add(node);
    return any;
  }

  private walk(node: SorterNode, relativeWeight: number, active: Set<SorterNode>): void {
    if (node.kind === 'active') {
      this.clients.push(node.client);
      this.relativeWeights.push(relativeWeight);
      return;
    }
    const isActive = (child: SorterNode) => child.kind === 'active' || active.has(child);
    let total = 0;
    for (const child of node.children.values()) if (isActive(child)) total += child.weight;
    for (const child of node.children.values()) {
      if (!isActive(child)) continue;
      // Written as Mesos writes it (own weight over own + the siblings' sum) so the doubles agree.
      const siblings = total - child.weight;
      this.walk(child, (relativeWeight * child.weight) / (child.weight + siblings), active);
    }
  }
}
