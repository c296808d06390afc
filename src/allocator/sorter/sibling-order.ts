/**
 * The DRF order of one internal node's children: a sorted list kept in chunks (a list of short
 * sorted arrays whose concatenation is sorted), so that moving one child — what every allocation
 * does — costs a binary search and a shift of at most a chunk, not of every sibling. With a
 * thousand frameworks in one role, a plain sorted array spent microseconds per allocation shifting
 * the whole array; the chunks keep it at a few hundred nanoseconds.
 *
 * Nodes are compared by the key they were last positioned with (`keyShare`, `keyCount`, `name`),
 * which the DRF sorter changes only while the node is out of the list or right before it moves it.
 */
import type { SorterNode } from './client-tree.ts';
import { SorterError } from './sorter.ts';

/** Mesos's DRF order between siblings, on the keys the nodes were positioned with. */
export function before(a: SorterNode, b: SorterNode): boolean {
  if (a.keyShare !== b.keyShare) return a.keyShare < b.keyShare;
  if (a.keyCount !== b.keyCount) return a.keyCount < b.keyCount;
  return a.name < b.name;
}

export function compare(a: SorterNode, b: SorterNode): number {
  return before(a, b) ? -1 : before(b, a) ? 1 : 0;
}

/** A chunk is split in two above this length. */
const MAX_CHUNK = 64;
/** A chunk shorter than this is merged with a neighbour, so there are at most about n / 16 chunks. */
const MIN_CHUNK = 16;

/** The first index in [lo, hi) whose node does not come before `node`. */
function lowerBound(nodes: readonly SorterNode[], node: SorterNode, lo: number, hi: number): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (before(nodes[mid]!, node)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Versions are unique across all orders, so a node's remembered slot can never match another order. */
let lastVersion = 0;

export class SiblingOrder {
  /** Non-empty sorted chunks; their concatenation is the order. */
  chunks: SorterNode[][] = [];
  /** Changes whenever a node is inserted or removed (positions move). */
  version = ++lastVersion;
  /** Number of nodes. */
  size = 0;
  /** Where the last `locate` or `insert` found or put its node: chunk index and index in it. */
  c = 0;
  i = 0;

  /** An order holding `sorted` (already in order; the array is taken over). */
  static of(sorted: SorterNode[]): SiblingOrder {
    const order = new SiblingOrder();
    order.reset(sorted);
    return order;
  }

  /** Replaces the content by `sorted` (already in order; the array is taken over). */
  reset(sorted: SorterNode[]): void {
    this.version = ++lastVersion;
    this.size = sorted.length;
    if (sorted.length <= MAX_CHUNK) {
      if (sorted.length === 0) this.chunks = [];
      else if (this.chunks.length === 1) this.chunks[0] = sorted;
      else this.chunks = [sorted];
      return;
    }
    const chunks: SorterNode[][] = [];
    const step = MAX_CHUNK >>> 1;
    for (let k = 0; k < sorted.length; k += step) chunks.push(sorted.slice(k, k + step));
    this.chunks = chunks;
  }

  /** The chunk `node` belongs in: the first whose last node does not come before it (else the last). */
  private chunkFor(node: SorterNode): number {
    const chunks = this.chunks;
    let lo = 0;
    let hi = chunks.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const chunk = chunks[mid]!;
      if (before(chunk[chunk.length - 1]!, node)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /**
   * Notes that `node` sits at chunk `c`, index `i`, so that `locate` finds it without a search
   * while the order does not change (typically: the reader of the order found it, and the
   * allocation to it follows).
   */
  remember(node: SorterNode, c: number, i: number): void {
    node.slotVersion = this.version;
    node.slotChunk = c;
    node.slotIndex = i;
  }

  /** Finds `node` by its (unchanged) key: sets `c` and `i`. */
  locate(node: SorterNode): void {
    if (node.slotVersion === this.version && this.chunks[node.slotChunk]?.[node.slotIndex] === node) {
      this.c = node.slotChunk;
      this.i = node.slotIndex;
      return;
    }
    if (this.chunks.length > 0) {
      const c = this.chunkFor(node);
      const chunk = this.chunks[c]!;
      const i = lowerBound(chunk, node, 0, chunk.length);
      if (chunk[i] === node) {
        this.c = c;
        this.i = i;
        this.remember(node, c, i);
        return;
      }
    }
    throw new SorterError(`DRF sorter order is corrupt: '${node.path}' is not where its key says`);
  }

  /** Inserts `node` at its place by its key; sets `c` and `i` to where it went. */
  insert(node: SorterNode): void {
    this.size++;
    this.version = ++lastVersion;
    const chunks = this.chunks;
    if (chunks.length === 0) {
      chunks.push([node]);
      this.c = 0;
      this.i = 0;
      this.remember(node, 0, 0);
      return;
    }
    let c: number;
    let chunk: SorterNode[];
    let i: number;
    const lastChunk = chunks[chunks.length - 1]!;
    if (before(lastChunk[lastChunk.length - 1]!, node)) {
      // After every sibling: where a client that was just allocated to often goes.
      c = chunks.length - 1;
      chunk = lastChunk;
      i = chunk.length;
      chunk.push(node);
    } else {
      c = this.chunkFor(node);
      chunk = chunks[c]!;
      i = lowerBound(chunk, node, 0, chunk.length);
      chunk.push(node);
      for (let j = chunk.length - 1; j > i; j--) chunk[j] = chunk[j - 1]!;
      chunk[i] = node;
    }
    if (chunk.length > MAX_CHUNK) {
      const half = chunk.length >>> 1;
      const tail = chunk.slice(half);
      chunk.length = half;
      chunks.splice(c + 1, 0, tail);
      if (i >= half) {
        c++;
        i -= half;
      }
    }
    this.c = c;
    this.i = i;
    this.remember(node, c, i);
  }

  /** Removes the node at chunk `c`, index `i`. */
  removeAt(c: number, i: number): void {
    this.size--;
    this.version = ++lastVersion;
    const chunks = this.chunks;
    const chunk = chunks[c]!;
    if (i < chunk.length >>> 1) {
      // Shift the shorter side: V8 drops an array's first element without moving the rest.
      for (let j = i; j > 0; j--) chunk[j] = chunk[j - 1]!;
      chunk.shift();
    } else {
      for (let j = i; j < chunk.length - 1; j++) chunk[j] = chunk[j + 1]!;
      chunk.pop();
    }
    if (chunk.length >= MIN_CHUNK || chunks.length === 1) {
      if (chunk.length === 0) chunks.length = 0;
      return;
    }
    if (chunk.length === 0) {
      chunks.splice(c, 1);
      return;
    }
    // Merge a short chunk with a neighbour (splitting again if that makes it too long).
    const left = c + 1 < chunks.length ? c : c - 1;
    const merged = chunks[left]!.concat(chunks[left + 1]!);
    if (merged.length > MAX_CHUNK) {
      const half = merged.length >>> 1;
      chunks[left] = merged.slice(0, half);
      chunks[left + 1] = merged.slice(half);
    } else {
      chunks.splice(left, 2, merged);
    }
  }

  /** Removes `node`, found by its (unchanged) key. */
  remove(node: SorterNode): void {
    this.locate(node);
    this.removeAt(this.c, this.i);
  }

  /** The position of chunk `c`, index `i` in the whole order. */
  indexOf(c: number, i: number): number {
    let index = i;
    for (let k = 0; k < c; k++) index += this.chunks[k]!.length;
    return index;
  }
}
