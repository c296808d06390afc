/**
 * What the allocator can see of one placed instance: its reservations (by `resource_id`) are
 * used by a framework's task on its agent, held in an outstanding offer to a framework,
 * unallocated (no task, no offer), or not on the agent at all.
 *
 * "Used" is the allocator's launched part (FrameworkView.used: the master's
 * `transitionOfferedToAllocated`), so "running" means a task was launched on them, not merely
 * that they were offered. A view without `used` (made by hand) cannot tell the two apart: there
 * everything allocated counts as used, the direction that is safe for data (resources a task
 * uses are never unallocated, so releasing an instance seen `unallocated` cannot hit a task).
 */
import type { AgentView, FrameworkView } from '../../policy/index.ts';
import { Resources } from '../../resources/index.ts';
import type { LedgerEntry } from '../ledger/index.ts';
import { ownerOf } from '../plan/index.ts';

export type InstanceUsage =
  | { readonly state: 'unallocated' }
  | { readonly state: 'allocated'; readonly frameworkId: string }
  | { readonly state: 'offered'; readonly frameworkId: string }
  | { readonly state: 'absent' };

const UNALLOCATED: InstanceUsage = Object.freeze({ state: 'unallocated' });
const ABSENT: InstanceUsage = Object.freeze({ state: 'absent' });

function holds(held: Resources | undefined, ids: ReadonlySet<string>): boolean {
  if (held === undefined) return false;
  for (const r of held) {
    if (r.reservations.length === 0) continue;
    const owner = ownerOf(r);
    if (owner !== undefined && ids.has(owner.resourceId)) return true;
  }
  return false;
}

/** The usage of the instance whose current ledger entries are `entries`, on `agent` (its own agent, active). */
export function instanceUsage(entries: readonly LedgerEntry[], agent: AgentView, frameworks: readonly FrameworkView[]): InstanceUsage {
  if (entries.length === 0) return ABSENT;
  const ids = new Set(entries.map((e) => e.resourceId));
  let offeredTo: string | undefined;
  for (const framework of frameworks) {
    const used = (framework.used ?? framework.allocation).get(agent.id);
    if (holds(used, ids)) return { state: 'allocated', frameworkId: framework.id };
    if (offeredTo === undefined && holds(framework.allocation.get(agent.id), ids)) offeredTo = framework.id;
  }
  if (offeredTo !== undefined) return { state: 'offered', frameworkId: offeredTo };
  const reserved = Resources.of(entries.flatMap((e) => e.resources.toArray()));
  return agent.available.contains(reserved) ? UNALLOCATED : ABSENT;
}
