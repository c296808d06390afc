/**
 * Mesos `generateInverseOffers`, run after the offers of a cycle: frameworks holding resources on
 * a candidate agent under maintenance are asked (once, until they answer) to give the agent back.
 */
import type { AgentState } from './agent.ts';
import type { AllocatorState } from './state.ts';
import type { InverseOffers } from './types.ts';

/** Inverse offers to active frameworks holding resources on `agents` (the candidates under maintenance, in candidate order). */
export function generateInverseOffers(state: AllocatorState, agents: readonly AgentState[], now: number, inverseOffers: InverseOffers): void {
  for (const agent of agents) {
    const maintenance = agent.maintenance;
    if (maintenance === undefined) continue;
    for (const frameworkId of agent.offeredOrAllocated().keys()) {
      const framework = state.frameworks.get(frameworkId);
      if (framework === undefined || !framework.active) continue;
      if (maintenance.offersOutstanding.has(frameworkId)) continue;
      const filter = framework.inverseOfferFilters.get(agent.id);
      if (filter !== undefined) {
        if (now < filter.expiresAt) continue;
        framework.inverseOfferFilters.delete(agent.id);
      }
      let byAgent = inverseOffers.get(frameworkId);
      if (byAgent === undefined) inverseOffers.set(frameworkId, (byAgent = new Map()));
      byAgent.set(agent.id, maintenance.unavailability);
      maintenance.offersOutstanding.add(frameworkId);
    }
  }
}
