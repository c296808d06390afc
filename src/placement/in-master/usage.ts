/**
 * What the allocator can see of one placed instance: its reservations (by `resource_id`) are
 * unallocated on its agent (no task), allocated to a framework, or not on the agent at all.
 *
 * "Allocated" means offered or used: the allocator's books (FrameworkView.allocation) do not
 * separate an outstanding offer from a task's resources. The direction that matters for data is
 * exact: resources a task uses are never unallocated, so an instance seen `unallocated` has no
 * task, and releasing it (DESTROY, UNRESERVE) cannot hit a running task.
 */
import type { AgentView, FrameworkView } from '../../policy/index.ts';
import { Resources } from '../../resources/index.ts';
import type { LedgerEntry } from '../ledger/index.ts';
import { ownerOf } from '../plan/index.ts';

export type InstanceUsage =
  | { readonly state: 'unallocated' }
  | { readonly state: 'allocated'; readonly frameworkId: string }
  | { readonly state: 'absent' };

const UNALLOCATED: InstanceUsage = Object.freeze({ state: 'unallocated' });
const ABSENT: InstanceUsage = Object.freeze({ state: 'absent' });

/** The usage of the instance whose current ledger entries are `entries`, on `agent` (its own agent, active). */
export function instanceUsage(entries: readonly LedgerEntry[], agent: AgentView, frameworks: readonly FrameworkView[]): InstanceUsage {
  if (entries.length === 0) return ABSENT;
  const ids = new Set(entries.map((e) => e.resourceId));
  for (const framework of frameworks) {
    const held = framework.allocation.get(agent.id);
    if (held === undefined) continue;
    for (const r of held) {
      if (r.reservations.length === 0) continue;
      const owner = ownerOf(r);
      if (owner !== undefined && ids.has(owner.resourceId)) return { state: 'allocated', frameworkId: framework.id };
    }
  }
  const reserved = Resources.of(entries.flatMap((e) => e.resources.toArray()));
  return agent.available.contains(reserved) ? UNALLOCATED : ABSENT;
}
