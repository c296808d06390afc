/**
 * Mesos's role tree (hierarchical.hpp `Role` / `RoleTree`): per role, its weight and quota, and
 * quantities summed over its subtree — reservations (allocated or not), offered-or-allocated
 * unreserved non-revocable scalars, and offered-or-allocated reserved scalars. Quota is
 * enforced on top-level roles only, from these sums.
 */
import { Resources, roleAncestors } from '../resources/index.ts';
import { addInto, fromResourceLimits, fromResourceQuantities, subtractInto, type Quantities } from './quantities.ts';
import type { Quota } from './types.ts';

export const DEFAULT_WEIGHT = 1;

export class RoleNode {
  weight = DEFAULT_WEIGHT;
  /** Guarantees (absent = 0) and limits (absent = unlimited), in thousandths. */
  guarantees: Quantities = new Map();
  limits: Quantities = new Map();
  quota: Quota = {};
  readonly reservations: Quantities = new Map();
  readonly offeredOrAllocatedUnreservedNonRevocable: Quantities = new Map();
  readonly offeredOrAllocatedReserved: Quantities = new Map();
  /** Frameworks tracked under exactly this role (subscribed, or still holding resources in it). */
  readonly frameworks = new Set<string>();
  /** Shared resources counted per agent, so a shared volume counts once per agent. */
  readonly sharedByAgent = new Map<string, Resources>();

  constructor(readonly role: string) {}

  hasQuota(): boolean {
    return this.guarantees.size > 0 || this.limits.size > 0;
  }

  /** Mesos `quotaOfferedOrConsumed`: what counts against quota (subtree sums). */
  quotaOfferedOrConsumed(): Quantities {
    const q = new Map(this.offeredOrAllocatedUnreservedNonRevocable);
    addInto(q, this.reservations);
    return q;
  }
}

function scalarMilli(resources: Resources, predicate: (r: { reservations: readonly unknown[]; revocable?: boolean }) => boolean): Quantities {
  const q: Quantities = new Map();
  for (const r of resources) {
    if (r.type !== 'SCALAR' || !predicate(r)) continue;
    q.set(r.name, (q.get(r.name) ?? 0) + Math.round(r.scalar! * 1000));
  }
  return q;
}

/** Scalars in thousandths: unreserved non-revocable ones, and reserved ones, in one pass. */
function splitScalars(resources: Resources): [Quantities, Quantities] {
  const unreserved: Quantities = new Map();
  const reserved: Quantities = new Map();
  for (const r of resources) {
    if (r.type !== 'SCALAR') continue;
    const milli = Math.round(r.scalar! * 1000);
    if (r.reservations.length > 0) reserved.set(r.name, (reserved.get(r.name) ?? 0) + milli);
    else if (r.revocable !== true) unreserved.set(r.name, (unreserved.get(r.name) ?? 0) + milli);
  }
  return [unreserved, reserved];
}

export class RoleTree {
  private readonly nodes = new Map<string, RoleNode>();
  private readonly paths = new Map<string, readonly RoleNode[]>();

  get(role: string): RoleNode | undefined {
    return this.nodes.get(role);
  }

  /** The node for `role`, created with its ancestors when absent. */
  node(role: string): RoleNode {
    let node = this.nodes.get(role);
    if (node === undefined) {
      node = new RoleNode(role);
      this.nodes.set(role, node);
    }
    return node;
  }

  roles(): IterableIterator<RoleNode> {
    return this.nodes.values();
  }

  /** Top-level roles (the only ones quota applies to). */
  *topLevel(): IterableIterator<RoleNode> {
    for (const node of this.nodes.values()) if (!node.role.includes('/')) yield node;
  }

  private *pathOf(role: string): IterableIterator<RoleNode> {
    yield this.node(role);
    for (const ancestor of roleAncestors(role)) yield this.node(ancestor);
  }

  setQuota(role: string, quota: Quota): void {
    const node = this.node(role);
    node.quota = quota;
    node.guarantees = fromResourceQuantities(quota.guarantees);
    node.limits = fromResourceLimits(quota.limits);
  }

  setWeight(role: string, weight: number): void {
    this.node(role).weight = weight;
  }

  /** Reservations on an agent's total, counted on the reservation role and every ancestor. */
  trackReservations(resources: Resources): void {
    for (const [role, reserved] of resources.reservations()) {
      const q = scalarMilli(reserved, () => true);
      for (const node of this.pathOf(role)) addInto(node.reservations, q);
    }
  }

  untrackReservations(resources: Resources): void {
    for (const [role, reserved] of resources.reservations()) {
      const q = scalarMilli(reserved, () => true);
      for (const node of this.pathOf(role)) subtractInto(node.reservations, q);
    }
  }

  /** Resources newly offered or allocated on `agentId`, all with the same allocation role. */
  trackOfferedOrAllocated(agentId: string, role: string, allocation: Resources): void {
    this.adjust(agentId, role, allocation, addInto);
  }

  untrackOfferedOrAllocated(agentId: string, role: string, allocation: Resources): void {
    this.adjust(agentId, role, allocation, subtractInto);
  }

  private adjust(agentId: string, role: string, allocation: Resources, apply: (t: Quantities, q: Quantities) => void): void {
    const adding = apply === addInto;
    const path = this.path(role);
    if (!allocation.hasShared()) {
      // The hot path (every offer): scalars straight into the sums, without intermediate maps.
      const items = allocation.itemsView();
      for (let k = 0; k < path.length; k++) {
        const node = path[k]!;
        for (let i = 0; i < items.length; i++) {
          const item = items[i]!;
          const meta = item.meta;
          if (meta.type !== 'SCALAR') continue;
          const target = meta.reservations.length > 0 ? node.offeredOrAllocatedReserved : meta.revocable ? undefined : node.offeredOrAllocatedUnreservedNonRevocable;
          if (target === undefined) continue;
          // Item by item is the same as name by name: amounts are positive, so a sum only reaches zero at its end.
          const left = (target.get(meta.name) ?? 0) + (adding ? item.milli : -item.milli);
          if (adding || left > 0) target.set(meta.name, left);
          else target.delete(meta.name);
        }
      }
      return;
    }
    for (const node of path) {
      // A shared resource counts once per agent: only its first copy in, its last copy out.
      let counted = allocation.nonShared();
      const shared = allocation.shared();
      const held = node.sharedByAgent.get(agentId) ?? Resources.EMPTY;
      const after = adding ? held.plus(shared) : held.minus(shared);
      const changed = adding ? shared.filter((r) => !held.contains([r])) : shared.filter((r) => !after.contains([r]));
      counted = counted.plus(changed);
      if (after.isEmpty()) node.sharedByAgent.delete(agentId);
      else node.sharedByAgent.set(agentId, after);
      const [unreserved, reserved] = splitScalars(counted);
      apply(node.offeredOrAllocatedUnreservedNonRevocable, unreserved);
      apply(node.offeredOrAllocatedReserved, reserved);
    }
  }

  /** The nodes of `role` and its ancestors, created when absent (nodes are never removed, so the list is kept). */
  private path(role: string): readonly RoleNode[] {
    let path = this.paths.get(role);
    if (path === undefined) {
      path = [...this.pathOf(role)];
      this.paths.set(role, path);
    }
    return path;
  }
}
