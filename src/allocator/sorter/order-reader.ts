/**
 * The lazy reader behind `DRFSorter.order()`: walks the sorter's tree in pre-order, one client at
 * a time, and yields exactly what `sort()` would have returned when `order()` was called, whatever
 * happens to the sorter while it is read. Why that holds:
 *   - the pre-order of two leaves is decided, at their lowest common ancestor, by the order of the
 *     two children whose subtrees hold them. Moving a node X among its siblings therefore changes
 *     the relative order of two leaves only if one of them lies in X's subtree;
 *   - so when every active leaf of X's subtree has been read (a leaf: it was yielded; an internal
 *     node: the count of its leaves yielded equals its count of active leaves), the move cannot
 *     change the order of the leaves still to read, and the reader lets it happen: it reads on in
 *     the live tree and skips the leaves it has yielded when it meets them again further on;
 *   - otherwise, before X moves, the reader copies the order of X's parent's children (not the
 *     whole order) and from then on reads that parent's children in the copy;
 *   - by induction the leaves not read yet keep, for the reader, the order they had at the start,
 *     and the next leaf it yields is always the first of them;
 *   - an allocation during a role's visit goes to the framework just read, and moves only it and
 *     its ancestors. In a flat tree (the frameworks of a role) that is always a leaf already read,
 *     so the reader copies nothing; in a hierarchy an ancestor with leaves still to read makes the
 *     reader copy that ancestor's parent's list of children;
 *   - add, remove, activate, deactivate and a change of the pool make the reader copy the rest of
 *     the order first (it then reads the copy); so does a new `order()` (the sorter follows one
 *     unfinished reader). A reader that was finished, broken out of or returned is forgotten.
 * Hence `unreadInOrder`: while the reader reads the live tree only (no copy taken), the leaves it
 * has not read come in the live tree's pre-order, which comparing keys tells for a few leaves
 * without walking the rest.
 */
import type { SorterNode } from './client-tree.ts';
import { compare, type SiblingOrder } from './sibling-order.ts';
import { SorterError, type SorterOrder } from './sorter.ts';

/** How many clients a node contributes to the flattened order. */
export function size(node: SorterNode): number {
  return node.kind === 'active' ? 1 : node.activeLeaves;
}

/** The clients of the nodes at positions [from, to) of `order`. */
export function sumSizes(order: SiblingOrder, from: number, to: number): number {
  let total = 0;
  let offset = 0;
  for (const chunk of order.chunks) {
    if (offset >= to) break;
    const end = offset + chunk.length;
    if (end > from) {
      const last = Math.min(end, to) - offset;
      for (let i = Math.max(from - offset, 0); i < last; i++) total += size(chunk[i]!);
    }
    offset = end;
  }
  return total;
}

// The order() reader's walk. A leaf it has yielded carries its token; an internal node carries the
// token and how many of its active leaves were yielded (see markRead).

/** Whether every active leaf of `node`'s subtree was yielded by the reader with `token`. */
export function fullyRead(node: SorterNode, token: number): boolean {
  if (node.kind !== 'internal') return node.yieldToken === token;
  return node.activeLeaves === 0 || (node.yieldToken === token && node.yieldedLeaves === node.activeLeaves);
}

function markRead(leaf: SorterNode, token: number): void {
  leaf.yieldToken = token;
  for (let n = leaf.parent; n !== undefined && n.parent !== undefined; n = n.parent) {
    if (n.yieldToken !== token) {
      n.yieldToken = token;
      n.yieldedLeaves = 0;
    }
    n.yieldedLeaves++;
  }
}

function depth(node: SorterNode): number {
  let d = 0;
  for (let n = node.parent; n !== undefined; n = n.parent) d++;
  return d;
}

/** The order of two distinct leaves in a pre-order walk of the live tree: as the two children of their lowest common ancestor that hold them. */
function preOrder(a: SorterNode, b: SorterNode): number {
  if (a.parent !== b.parent) {
    let da = depth(a);
    let db = depth(b);
    for (; da > db; da--) a = a.parent!;
    for (; db > da; db--) b = b.parent!;
    while (a.parent !== b.parent) {
      a = a.parent!;
      b = b.parent!;
    }
  }
  return compare(a, b);
}

/** Which `order()` reader the sorter follows; shared by the sorter and its readers. */
export interface Following {
  reader: OrderReader | undefined;
}

const DONE: IteratorReturnResult<undefined> = Object.freeze({ value: undefined, done: true });

/**
 * What `DRFSorter.order()` returns. It walks the sorter's tree in pre-order as the reader sees it:
 * the children of an internal node in the live order, or in a copy of the order they had when the
 * reader started, taken (by `keepOrderOf`) before the first change that would have reordered
 * children with leaves still to read. Either way the leaves not read yet come in the order they had
 * when the reader started (see the DRFSorter comment).
 */
export class OrderReader implements SorterOrder {
  /** While following the tree: the leaf to yield next. */
  private pending: SorterNode | undefined;
  /** Internal nodes whose children are read in a copy of their order (one chunk). */
  private kept: Map<SorterNode, SorterNode[][]> | undefined;
  /** Once frozen: the rest of the order, copied before a change of the tree's shape or of the pool. */
  private rest: string[] | undefined;
  private at = 0;

  constructor(
    private readonly following: Following,
    readonly token: number,
    root: SorterNode,
    private readonly find: (client: string) => SorterNode,
  ) {
    this.pending = this.firstUnread(root, 0, 0);
    if (this.pending !== undefined) following.reader = this;
  }

  [Symbol.iterator](): this {
    return this;
  }

  next(): IteratorResult<string> {
    const rest = this.rest;
    if (rest !== undefined) return this.at < rest.length ? { value: rest[this.at++]!, done: false } : DONE;
    const leaf = this.pending;
    if (leaf === undefined) return DONE;
    markRead(leaf, this.token);
    // Found now, while `leaf` is still where its key says: the caller may allocate to it next.
    const next = this.nextUnread(leaf);
    this.pending = next;
    if (next === undefined) this.release();
    return { value: leaf.client, done: false };
  }

  return(): IteratorResult<string> {
    this.release();
    this.pending = undefined;
    this.kept = undefined;
    this.rest = undefined;
    return DONE;
  }

  /**
   * See SorterOrder; undefined once the reader reads from a copy (of a parent's children, or of the
   * rest). While it reads the live tree it is the reader its sorter follows, so the read marks are its own.
   */
  unreadInOrder(clients: readonly string[]): readonly string[] | undefined {
    if (this.rest !== undefined || (this.kept !== undefined && this.kept.size > 0)) return undefined;
    // Finished or returned: it yields nothing more (and a later reader may have marked the leaves).
    if (this.pending === undefined) return [];
    const leaves: SorterNode[] = [];
    for (const client of clients) {
      const leaf = this.find(client);
      if (leaf.kind !== 'active') throw new SorterError(`sorter client '${client}' is not active`);
      if (leaf.yieldToken !== this.token) leaves.push(leaf);
    }
    if (leaves.length > 1) leaves.sort(preOrder);
    return leaves.map((leaf) => leaf.client);
  }

  /** A child of `parent` with leaves still to read is about to move: read `parent`'s children in a copy. */
  keepOrderOf(parent: SorterNode): void {
    this.kept ??= new Map();
    if (!this.kept.has(parent)) this.kept.set(parent, [([] as SorterNode[]).concat(...parent.ordered!.chunks)]);
  }

  /** The tree's shape or the pool is about to change: copy the rest of the order now. */
  freeze(root: SorterNode): void {
    const rest: string[] = [];
    if (this.pending !== undefined) this.collectUnread(root, rest);
    this.pending = undefined;
    this.kept = undefined;
    this.rest = rest;
    this.at = 0;
  }

  private release(): void {
    if (this.following.reader === this) this.following.reader = undefined;
  }

  /** The first leaf not read yet below `parent`, in pre-order, from chunk `c`, index `i` of its children on. */
  private firstUnread(parent: SorterNode, c: number, i: number): SorterNode | undefined {
    const kept = this.kept === undefined ? undefined : this.kept.get(parent);
    const chunks = kept ?? parent.ordered?.chunks;
    if (chunks === undefined) return undefined;
    const token = this.token;
    for (; c < chunks.length; c++, i = 0) {
      const chunk = chunks[c]!;
      for (; i < chunk.length; i++) {
        const child = chunk[i]!;
        if (child.kind !== 'internal') {
          if (child.yieldToken !== token) {
            if (kept === undefined) parent.ordered!.remember(child, c, i);
            return child;
          }
        } else if (!fullyRead(child, token)) {
          const leaf = this.firstUnread(child, 0, 0);
          if (leaf !== undefined) return leaf;
        }
      }
    }
    return undefined;
  }

  /** The first leaf not read yet after `leaf`, in pre-order. */
  private nextUnread(leaf: SorterNode): SorterNode | undefined {
    for (let n = leaf; n.parent !== undefined; n = n.parent) {
      const parent = n.parent;
      const kept = this.kept === undefined ? undefined : this.kept.get(parent);
      let found: SorterNode | undefined;
      if (kept !== undefined) {
        found = this.firstUnread(parent, 0, kept[0]!.indexOf(n) + 1);
      } else {
        const order = parent.ordered!;
        order.locate(n);
        found = this.firstUnread(parent, order.c, order.i + 1);
      }
      if (found !== undefined) return found;
    }
    return undefined;
  }

  /** The leaves below `node` not read yet, in pre-order. */
  private collectUnread(node: SorterNode, out: string[]): void {
    const chunks = (this.kept === undefined ? undefined : this.kept.get(node)) ?? node.ordered?.chunks;
    if (chunks === undefined) return;
    const token = this.token;
    for (const chunk of chunks) {
      for (const child of chunk) {
        if (child.kind !== 'internal') {
          if (child.yieldToken !== token) out.push(child.client);
        } else if (!fullyRead(child, token)) {
          this.collectUnread(child, out);
        }
      }
    }
  }
}
