/**
 * Offered vs. used (Mesos's `transitionOfferedToAllocated` and `recoverResources(..., isAllocated)`):
 * of what a framework holds on an agent, the part its tasks and executors use. Mesos keeps only
 * the agent's sum (`Slave::totalAllocated`) and the role tree's allocated figures, which feed the
 * quota "consumed" metric and nothing that decides; the engine keeps the same per framework so
 * policies can tell a launched task from an outstanding offer (FrameworkView.used).
 *
 * Mesos's `transitionOfferedToAllocated(agent, resources)` does not name the framework, so the
 * engine attributes the resources to a framework whose offers contain them. When two frameworks
 * hold identical offered resources of one role on one agent the guess may be wrong; the agent's
 * sum is right either way, and the next `recoverResources` of either framework moves the used
 * part to where the master's answer shows it is.
 */
import { Resources, roleAncestors } from '../resources/index.ts';
import type { AgentState } from './agent.ts';
import { addInto, scalarQuantities, type Quantities } from './quantities.ts';
import type { AllocatorState } from './state.ts';

/** The first framework whose outstanding offers on the agent contain `resources`. */
export function offerHolder(agent: AgentState, resources: Resources): string | undefined {
  for (const frameworkId of agent.offeredOrAllocated().keys()) {
    if (agent.offeredTo(frameworkId).contains(resources)) return frameworkId;
  }
  return undefined;
}

/**
 * Used resources come back (task or executor ended). When the books had them as another
 * framework's use (a transition attributed to the wrong framework), that framework's part goes
 * back to being offered. What no framework's use holds is ignored (Mesos would CHECK-fail).
 */
export function recoverAllocated(agent: AgentState, frameworkId: string, resources: Resources): void {
  let missing = agent.unmarkAllocated(frameworkId, resources);
  for (const [other, used] of agent.allocated()) {
    if (missing.isEmpty()) return;
    if (other === frameworkId || !used.contains(missing)) continue;
    agent.unmarkAllocated(other, missing);
    missing = Resources.EMPTY;
  }
}

/**
 * Offered resources come back (decline, rescind, unused part of an accept). When the framework's
 * offers do not contain them, the books had some of them as its use: that use was another
 * framework's launch, whose offers still hold the same resources.
 */
export function recoverOffered(agent: AgentState, frameworkId: string, resources: Resources): void {
  const used = agent.allocated().get(frameworkId);
  if (used === undefined) return; // nothing can be misattributed (declines: one map lookup)
  const offered = agent.offeredTo(frameworkId);
  if (offered.contains(resources)) return;
  const shortfall = resources.minus(offered);
  agent.unmarkAllocated(frameworkId, shortfall);
  for (const other of agent.offeredOrAllocated().keys()) {
    if (other !== frameworkId && agent.offeredTo(other).contains(shortfall)) {
      agent.markAllocated(other, shortfall);
      return;
    }
  }
}

/** What every known framework's tasks use, per agent (FrameworkView.used). */
export function usedBy(state: AllocatorState, frameworkId: string): Map<string, Resources> {
  const out = new Map<string, Resources>();
  state.agents.forEach((agent) => {
    const used = agent.allocated().get(frameworkId);
    if (used !== undefined) out.set(agent.id, used);
  });
  return out;
}

/**
 * Mesos `Role::quotaConsumed` for every role with something consumed: allocated (used)
 * unreserved non-revocable scalars of the role's subtree plus the subtree's reservations, as
 * plain numbers per resource name. Used resources of frameworks the allocator does not know yet
 * are not counted (Mesos tracks them when the framework is added).
 */
export function quotaConsumed(state: AllocatorState): Map<string, Map<string, number>> {
  const allocated = new Map<string, Quantities>();
  state.agents.forEach((agent) => {
    agent.allocated().forEach((used, frameworkId) => {
      if (!state.frameworks.has(frameworkId)) return;
      const counted = used.scalars().unreserved().nonRevocable();
      if (counted.isEmpty()) return;
      for (const [role, resources] of counted.allocations()) {
        const q = scalarQuantities(resources);
        for (const r of [role, ...roleAncestors(role)]) {
          let sum = allocated.get(r);
          if (sum === undefined) allocated.set(r, (sum = new Map()));
          addInto(sum, q);
        }
      }
    });
  });
  const out = new Map<string, Map<string, number>>();
  const roles = new Set<string>(allocated.keys());
  for (const node of state.roleTree.roles()) roles.add(node.role);
  for (const role of roles) {
    const sum: Quantities = new Map(allocated.get(role));
    const reservations = state.roleTree.get(role)?.reservations;
    if (reservations !== undefined) addInto(sum, reservations);
    const figures = new Map<string, number>();
    for (const [name, milli] of sum) if (milli > 0) figures.set(name, milli / 1000);
    if (figures.size > 0) out.set(role, figures);
  }
  return out;
}
