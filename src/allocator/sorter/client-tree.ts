/**
 * The tree both sorters keep their clients in, with Mesos's shape rules
 * (src/master/allocator/mesos/sorter/drf/sorter.cpp, add/remove):
 *
 * - a client `a/b/c` is a leaf under internal nodes `a` and `a/b` (created as needed);
 * - a client that also has descendants lives in a virtual leaf named `.` under its own node, so
 *   `a` competes with its children `a/x` as a sibling while the subtree `a` competes with `b`;
 * - adding `a/x` when `a` is a leaf turns `a` into an internal node and moves client `a` (with its
 *   allocation and count) into the new virtual leaf `a/.`; adding `a` when `a` is internal adds
 *   a fresh `a/.`;
 * - removing a client deletes internal nodes left without children, and an internal node left with
 *   only its `.` leaf collapses back into a leaf (keeping the internal node's own count).
 *
 * Every node tracks what its subtree holds: scalar quantities (milli), an allocation count that
 * only grows, and the shared resources held per agent (shared resources count once per agent).
 * Leaves also keep the full per-agent `Resources`, which only `allocation()` needs (unless the
 * sorter's owner keeps them: `heldBy`).
 *
 * Ordering is not the tree's business: it tells a listener whenever a node joins, leaves or
 * changes kind, and the sorter keeps whatever order it wants.
 */
import type { Resources } from '../../resources/index.ts';
import { addDelta, addScalars, addShared, deltaOf, hasShared, subtractShared, zeroQuantities } from './held-quantities.ts';
import type { HeldQuantities, ResourceNames } from './pool.ts';
import type { SiblingOrder } from './sibling-order.ts';
import { SorterError } from './sorter.ts';

/**
 * A client leaf that `sort()` returns, one it skips, or an internal node. String literals rather
 * than imported constants: hot loops compare kinds, and literals need no cross-module lookup.
 */
export type NodeKind = 'active' | 'inactive' | 'internal';

/** The edge label of a virtual leaf. */
export const VIRTUAL_LEAF = '.';

export class SorterNode {
  parent: SorterNode | undefined;
  kind: NodeKind;
  weight: number;
  readonly children = new Map<string, SorterNode>();
  /** Allocations to this node or a descendant; never goes down. */
  count = 0;
  /** Scalar quantities held by the subtree, in thousandths by resource-name id; zero means none. */
  quantities: HeldQuantities = [];
  /** Shared resources held by the subtree, per agent (to count each once per agent). */
  shared: Map<string, Resources> | undefined;
  /** Leaves only: everything the client holds, per agent. */
  resources: Map<string, Resources> | undefined;

  // Kept by the DRF sorter: the sort key the node is positioned with in its parent's `ordered`,
  // and the node's active leaves and internal children in order.
  inOrder = false;
  keyShare = 0;
  keyCount = 0;
  ordered: SiblingOrder | undefined;
  /** Active leaves below an internal node (kept up to date by the DRF sorter). */
  activeLeaves = 0;
  /** This leaf is counted in its ancestors' `activeLeaves`. */
  countedActive = false;
  /** Whether all of `ordered` are active leaves, as of the DRF sorter's last flattening. */
  onlyActiveLeaves = false;
  /**
   * The DRF sorter's `order()` reader that last passed this node (its token), and for an internal
   * node how many of its active leaves that reader has yielded.
   */
  yieldToken = 0;
  yieldedLeaves = 0;
  /** Where the node was last seen in its parent's `ordered`, valid while that order's version is `slotVersion`. */
  slotVersion = 0;
  slotChunk = 0;
  slotIndex = 0;

  constructor(
    /** The edge label from the parent; `.` for a virtual leaf. */
    readonly name: string,
    /** Full path from the root, including a trailing `/.` for virtual leaves. */
    readonly path: string,
    /** The client a leaf stands for (a virtual leaf's is its parent's path). */
    readonly client: string,
    kind: NodeKind,
    parent: SorterNode | undefined,
    weight: number,
  ) {
    this.kind = kind;
    this.parent = parent;
    this.weight = weight;
  }
}

export interface TreeListener {
  /** `node` was just attached under `node.parent`, or its kind changed. */
  placed(node: SorterNode): void;
  /** `node` is about to be detached from `node.parent` (still attached during the call). */
  leaving(node: SorterNode): void;
}

function checkClientPath(client: string): void {
  if (typeof client !== 'string' || client.length === 0) throw new SorterError('a sorter client must be a non-empty string');
  for (const part of client.split('/')) {
    if (part.length === 0) throw new SorterError(`sorter client '${client}' has an empty path component`);
    if (part === VIRTUAL_LEAF) throw new SorterError(`sorter client '${client}' may not have a '.' path component`);
  }
}

function setOrDelete(map: Map<string, Resources>, agentId: string, resources: Resources): void {
  if (resources.isEmpty()) map.delete(agentId);
  else map.set(agentId, resources);
}

export class ClientTree {
  readonly root = new SorterNode('', '', '', 'internal', undefined, 1);
  private readonly clients = new Map<string, SorterNode>();
  /** Weights by path, for nodes now and nodes created later. */
  private readonly weights = new Map<string, number>();

  constructor(
    private readonly listener: TreeListener,
    /** The ids `quantities` are indexed by (the pool's). */
    private readonly names: ResourceNames,
    /**
     * When given, leaves keep no per-agent resources: this answers what a client holds (see
     * SorterOptions.allocationsOf), and nothing checks that what is unallocated was held.
     */
    private readonly heldBy?: (client: string) => ReadonlyMap<string, Resources>,
  ) {}

  get size(): number {
    return this.clients.size;
  }

  has(client: string): boolean {
    return this.clients.has(client);
  }

  /** The client's leaf; throws for an unknown client (Mesos CHECK-fails). */
  find(client: string): SorterNode {
    const leaf = this.clients.get(client);
    if (leaf === undefined) throw new SorterError(`unknown sorter client '${client}'`);
    return leaf;
  }

  add(client: string): SorterNode {
    checkClientPath(client);
    if (this.clients.has(client)) throw new SorterError(`sorter client '${client}' was already added`);
    const tokens = client.split('/');
    let current = this.root;
    let i = 0;
    // Walk down the existing part of the path.
    for (;;) {
      if (i === tokens.length) {
        // The path is an internal node: the client becomes its virtual leaf.
        const leaf = this.createChild(current, VIRTUAL_LEAF, 'inactive');
        this.clients.set(client, leaf);
        return leaf;
      }
      if (current.kind !== 'internal') {
        // A leaf gets a descendant: its client moves down into a virtual leaf.
        this.splitLeaf(current);
        break;
      }
      const child = current.children.get(tokens[i]!);
      if (child === undefined) break;
      current = child;
      i++;
    }
    for (; i < tokens.length; i++) {
      current = this.createChild(current, tokens[i]!, i === tokens.length - 1 ? 'inactive' : 'internal');
    }
    this.clients.set(client, current);
    return current;
  }

  /**
   * Removes a client and takes what it held out of its ancestors. Returns the deepest node on
   * its path that is still in the tree (the root when none is), whose allocation changed along
   * with all its ancestors'.
   */
  remove(client: string): SorterNode {
    const leaf = this.find(client);
    const held = this.heldBy === undefined ? leaf.resources! : this.heldBy(client);
    this.clients.delete(client);
    let survivor: SorterNode | undefined;
    let current = leaf;
    while (current !== this.root) {
      const parent = current.parent!;
      for (const [agentId, resources] of held) {
        addScalars(parent.quantities, this.names, resources, -1);
        if (hasShared(resources)) subtractShared(parent, this.names, agentId, resources.shared());
      }
      if (current.children.size === 0) {
        this.detach(current);
      } else {
        survivor ??= current;
        const only = current.children.size === 1 ? current.children.get(VIRTUAL_LEAF) : undefined;
        if (only !== undefined) this.collapse(current, only);
      }
      current = parent;
    }
    return survivor ?? this.root;
  }

  /** Returns whether the client's state changed. */
  setActive(client: string, active: boolean): boolean {
    const leaf = this.find(client);
    const kind = active ? 'active' : 'inactive';
    if (leaf.kind === kind) return false;
    leaf.kind = kind;
    this.listener.placed(leaf);
    return true;
  }

  /** Records the weight of a path; returns the node it applies to now, if there is one. */
  setWeight(path: string, weight: number): SorterNode | undefined {
    this.weights.set(path, weight);
    let node: SorterNode | undefined = this.root;
    for (const token of path.split('/')) {
      node = node.children.get(token);
      if (node === undefined) return undefined;
    }
    node.weight = weight;
    return node;
  }

  allocate(leaf: SorterNode, agentId: string, resources: Resources): void {
    if (this.heldBy === undefined) {
      const held = leaf.resources!;
      const before = held.get(agentId);
      setOrDelete(held, agentId, before === undefined ? resources : before.plus(resources));
    }
    const delta = deltaOf(resources, this.names);
    const shared = delta.shared ? resources.shared() : undefined;
    for (let node: SorterNode | undefined = leaf; node !== undefined; node = node.parent) {
      node.count++;
      addDelta(node.quantities, delta, 1);
      if (shared !== undefined) addShared(node, this.names, agentId, shared);
    }
  }

  unallocate(leaf: SorterNode, agentId: string, resources: Resources): void {
    if (this.heldBy === undefined) {
      const before = this.heldOn(leaf, agentId, resources);
      setOrDelete(leaf.resources!, agentId, before.minus(resources));
    }
    const delta = deltaOf(resources, this.names);
    const shared = delta.shared ? resources.shared() : undefined;
    for (let node: SorterNode | undefined = leaf; node !== undefined; node = node.parent) {
      addDelta(node.quantities, delta, -1);
      if (shared !== undefined) subtractShared(node, this.names, agentId, shared);
    }
  }

  /**
   * Replaces `oldAllocation` by `newAllocation` (offer operations). The count stays. Shared
   * resources follow the same once-per-agent rule as allocation (Mesos subtracts and adds the
   * plain quantities here, which only differs when a shared resource is held more than once).
   */
  update(leaf: SorterNode, agentId: string, oldAllocation: Resources, newAllocation: Resources): void {
    if (this.heldBy === undefined) {
      const before = this.heldOn(leaf, agentId, oldAllocation);
      setOrDelete(leaf.resources!, agentId, before.minus(oldAllocation).plus(newAllocation));
    }
    const oldShared = hasShared(oldAllocation) ? oldAllocation.shared() : undefined;
    const newShared = hasShared(newAllocation) ? newAllocation.shared() : undefined;
    for (let node: SorterNode | undefined = leaf; node !== undefined; node = node.parent) {
      addScalars(node.quantities, this.names, oldAllocation, -1);
      if (oldShared !== undefined) subtractShared(node, this.names, agentId, oldShared);
      addScalars(node.quantities, this.names, newAllocation, 1);
      if (newShared !== undefined) addShared(node, this.names, agentId, newShared);
    }
  }

  private heldOn(leaf: SorterNode, agentId: string, resources: Resources): Resources {
    const held = leaf.resources!.get(agentId);
    if (held === undefined) {
      throw new SorterError(`sorter client '${leaf.client}' holds nothing on agent '${agentId}' (asked to give back ${resources.toString()})`);
    }
    if (!held.contains(resources)) {
      throw new SorterError(`sorter client '${leaf.client}' holds ${held.toString()} on agent '${agentId}', which does not contain ${resources.toString()}`);
    }
    return held;
  }

  private createChild(parent: SorterNode, name: string, kind: NodeKind): SorterNode {
    const path = parent === this.root ? name : `${parent.path}/${name}`;
    const client = name === VIRTUAL_LEAF ? parent.path : path;
    const node = new SorterNode(name, path, client, kind, parent, this.weights.get(path) ?? 1);
    node.quantities = zeroQuantities(this.names.size);
    if (kind !== 'internal') node.resources = new Map();
    parent.children.set(name, node);
    this.listener.placed(node);
    return node;
  }

  private splitLeaf(node: SorterNode): void {
    const kind = node.kind;
    node.kind = 'internal';
    const path = `${node.path}/${VIRTUAL_LEAF}`;
    const leaf = new SorterNode(VIRTUAL_LEAF, path, node.path, kind, node, this.weights.get(path) ?? 1);
    // The virtual leaf starts as a copy of the client's node, count included.
    leaf.count = node.count;
    leaf.quantities = node.quantities.slice();
    if (node.shared !== undefined) leaf.shared = new Map(node.shared);
    leaf.resources = node.resources;
    node.resources = undefined;
    node.children.set(VIRTUAL_LEAF, leaf);
    this.clients.set(node.path, leaf);
    this.listener.placed(node);
    this.listener.placed(leaf);
  }

  private collapse(node: SorterNode, leaf: SorterNode): void {
    this.detach(leaf);
    node.kind = leaf.kind;
    node.resources = leaf.resources;
    this.clients.set(node.path, node);
    this.listener.placed(node);
  }

  private detach(node: SorterNode): void {
    this.listener.leaving(node);
    node.parent!.children.delete(node.name);
    node.parent = undefined;
  }
}
