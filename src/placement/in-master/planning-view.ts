/**
 * What the in-master planner sees: each active agent's unallocated resources, plus what is
 * outstanding in offers to the service's own framework, minus what the calls of services planned
 * earlier in the same cycle will take.
 */
import type { AgentView, FrameworkView, OperatorCall } from '../../policy/index.ts';
import type { Resources } from '../../resources/index.ts';
import { executeOperations, ownerOf, PlanExecutionError, type ClusterAgent } from '../plan/index.ts';
import { placementAgent } from './adopt.ts';

/** The planner's view of an active agent: its unallocated resources, read when planned. */
export function clusterAgentOf(view: AgentView): ClusterAgent {
  const agent = placementAgent(view);
  return Object.defineProperty({ ...agent }, 'resources', { enumerable: true, get: () => view.available }) as ClusterAgent;
}

/**
 * Resources outstanding in offers to the service's own frameworks, per agent: what they hold
 * that no task uses (FrameworkView.used) and is not a labelled (owned) reservation. The master's
 * operator API rescinds offers to make a RESERVE (Master::Http::_operation), so the service's own
 * offers do not hide resources from its planner. (Other frameworks' offers are not counted: a
 * rescind would take their offer back from under them; see the placement hold.)
 */
export function ownOffers(frameworks: readonly FrameworkView[], owned: (f: FrameworkView) => boolean): Map<string, Resources> {
  const out = new Map<string, Resources>();
  for (const f of frameworks) {
    if (!owned(f)) continue;
    for (const [agentId, allocated] of f.allocation) {
      // Without `used` (a view made by hand) the framework's own plain resources count as offers, as before.
      const used = f.used?.get(agentId);
      const held = used === undefined ? allocated : allocated.minus(used);
      const free = held.filter((r) => r.reservations.length === 0 || ownerOf(r) === undefined);
      if (free.isEmpty()) continue;
      const plain = free.unallocate();
      const before = out.get(agentId);
      out.set(agentId, before === undefined ? plain : before.plus(plain));
    }
  }
  return out;
}

export function withOwnOffers(view: readonly ClusterAgent[], extra: ReadonlyMap<string, Resources>): readonly ClusterAgent[] {
  if (extra.size === 0) return view;
  return view.map((a) => {
    const more = extra.get(a.id);
    return more === undefined ? a : { ...placementAgentOf(a), resources: a.resources.plus(more) };
  });
}

/** The view with the calls' operations applied to their agents (a call that does not apply leaves its agent as it was). */
export function afterCalls(view: readonly ClusterAgent[], calls: readonly OperatorCall[]): readonly ClusterAgent[] {
  if (calls.length === 0) return view;
  const changed = new Map<string, Resources>();
  const byId = new Map(view.map((a) => [a.id, a]));
  for (const call of calls) {
    const agent = byId.get(call.agentId);
    if (agent === undefined) continue;
    const current = changed.get(call.agentId) ?? agent.resources;
    try {
      changed.set(call.agentId, executeOperations(new Map([[call.agentId, current]]), [call]).get(call.agentId)!);
    } catch (e) {
      if (!(e instanceof PlanExecutionError)) throw e;
    }
  }
  return view.map((a) => {
    const next = changed.get(a.id);
    return next === undefined ? a : { ...placementAgentOf(a), resources: next };
  });
}

function placementAgentOf(a: ClusterAgent) {
  return { id: a.id, hostname: a.hostname, attributes: a.attributes, ...(a.domain === undefined ? {} : { domain: a.domain }) };
}
