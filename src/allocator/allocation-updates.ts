/**
 * Offer operations reaching the allocator: a framework's accepted operations on its offered
 * resources (`updateAllocation`) and an operator's on unallocated ones (`updateAvailable`).
 * Both change the agent's total; a failing operator operation changes nothing.
 */
import { applyOperation, OperationError, type OfferOperation, type ResourceConversion, type Resources } from '../resources/index.ts';
import { AllocatorError } from './errors.ts';
import type { AllocatorState } from './state.ts';

/** Mesos `updateAllocation`. */
export function updateAllocation(state: AllocatorState, frameworkId: string, agentId: string, offeredResources: Resources, conversions: readonly ResourceConversion[]): void {
  const agent = state.agents.get(agentId);
  const framework = state.frameworks.get(frameworkId);
  if (agent === undefined || framework === undefined) return;
  const roles = [...offeredResources.allocations().keys()];
  if (roles.length !== 1) throw new AllocatorError(`updateAllocation needs resources of exactly one allocation role, got ${roles.length}`);
  const role = roles[0]!;
  let updated = offeredResources;
  for (const conversion of conversions) {
    if (!updated.contains(conversion.consumed)) throw new AllocatorError(`updateAllocation: ${updated} does not contain ${conversion.consumed}`);
    updated = updated.minus(conversion.consumed).plus(conversion.converted);
  }
  const stripped = conversions
    .filter((c) => !c.consumed.isEmpty())
    .map((c) => ({ consumed: c.consumed.unallocate(), converted: c.converted.unallocate() }));
  let newTotal = agent.total;
  for (const c of stripped) {
    if (!newTotal.contains(c.consumed)) throw new AllocatorError(`updateAllocation: agent total ${newTotal} does not contain ${c.consumed}`);
    newTotal = newTotal.minus(c.consumed).plus(c.converted);
  }
  agent.increaseAvailable(frameworkId, offeredResources);
  agent.decreaseAvailable(frameworkId, updated);
  state.roleTree.untrackOfferedOrAllocated(agentId, role, offeredResources);
  state.roleTree.trackOfferedOrAllocated(agentId, role, updated);
  state.frameworkSorter(role).update(frameworkId, agentId, offeredResources, updated);
  state.roleSorter.update(role, agentId, offeredResources, updated);
  state.updateAgentTotal(agent, newTotal);
}

/** Mesos `updateAvailable`, synchronous: throws OperationError when the operations do not apply. */
export function applyAvailable(state: AllocatorState, agentId: string, operations: readonly OfferOperation[]): void {
  const agent = state.agents.get(agentId);
  if (agent === undefined) throw new OperationError('updateAvailable', `unknown agent ${agentId}`);
  let available = agent.available;
  let total = agent.total;
  for (const op of operations) {
    available = applyOperation(available, op, { checkpointed: total });
    total = applyOperation(total, op, { checkpointed: total });
  }
  state.updateAgentTotal(agent, total);
}
