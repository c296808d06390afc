/**
 * "Why did framework F not get agent A in the last cycle?" Every rule that can exclude a
 * (framework, agent) pair is checked against the engine's state and the last cycle's record,
 * and each one that applies gives a machine-readable code and a sentence.
 */
import type { AllocatorEngine } from './engine.ts';
import { isAllocatable } from './min-allocatable.ts';
import { filtersOffer, isFilterExpired } from './refuse-filter.ts';
import { stripIncapableResources } from './cycle.ts';

export type ReasonCode =
  | 'offered'
  | 'unknown-framework'
  | 'unknown-agent'
  | 'no-cycle-yet'
  | 'not-a-candidate'
  | 'agent-deactivated'
  | 'not-whitelisted'
  | 'framework-inactive'
  | 'suppressed'
  | 'offer-constraints'
  | 'gpu-agent'
  | 'remote-region'
  | 'implicit-filter'
  | 'filtered'
  | 'reserved-for-other-roles'
  | 'nothing-left'
  | 'below-min-allocatable'
  | 'over-quota-limit'
  | 'policy'
  | 'lost-on-order';

export interface Reason {
  readonly code: ReasonCode;
  readonly role?: string;
  readonly message: string;
}

export interface Explanation {
  readonly frameworkId: string;
  readonly agentId: string;
  readonly cycleAt: number | undefined;
  readonly reasons: readonly Reason[];
}

export function explain(engine: AllocatorEngine, frameworkId: string, agentId: string): Explanation {
  const state = engine.state;
  const record = engine.lastCycleRecord;
  const reasons: Reason[] = [];
  const done = (): Explanation => ({ frameworkId, agentId, cycleAt: record?.at, reasons });
  const framework = state.frameworks.get(frameworkId);
  const agent = state.agents.get(agentId);
  if (framework === undefined) reasons.push({ code: 'unknown-framework', message: `framework ${frameworkId} is not known to the allocator` });
  if (agent === undefined) reasons.push({ code: 'unknown-agent', message: `agent ${agentId} is not known to the allocator` });
  if (framework === undefined || agent === undefined) return done();
  if (record === undefined) {
    reasons.push({ code: 'no-cycle-yet', message: 'no allocation cycle has run yet' });
    return done();
  }
  const offersHere = record.offersOn.get(agentId) ?? [];
  const mine = offersHere.filter((o) => o.frameworkId === frameworkId);
  for (const o of mine) reasons.push({ code: 'offered', role: o.role, message: `offered in role '${o.role}' (${o.stage})` });
  if (mine.length > 0) return done();

  if (!record.candidates.has(agentId)) reasons.push({ code: 'not-a-candidate', message: 'the last cycle was triggered for other agents only' });
  if (!agent.activated) reasons.push({ code: 'agent-deactivated', message: 'the agent is deactivated' });
  if (!state.isWhitelisted(agent)) reasons.push({ code: 'not-whitelisted', message: `host ${agent.info.hostname} is not in the whitelist` });
  if (!framework.active) reasons.push({ code: 'framework-inactive', message: 'the framework is inactive' });
  if (state.options.filterGpuResources && !framework.has('GPU_RESOURCES') && agent.hasGpu) {
    reasons.push({ code: 'gpu-agent', message: 'the agent has GPUs and the framework lacks GPU_RESOURCES' });
  }
  if (!framework.has('REGION_AWARE') && state.isRemote(agent)) reasons.push({ code: 'remote-region', message: 'the agent is in another region and the framework is not REGION_AWARE' });
  if (framework.has('MULTI_ROLE') && !agent.capabilities.has('MULTI_ROLE')) reasons.push({ code: 'implicit-filter', message: 'MULTI_ROLE framework, agent without MULTI_ROLE' });

  for (const role of framework.roles) {
    if (framework.suppressedRoles.has(role)) reasons.push({ code: 'suppressed', role, message: `offers suppressed for role '${role}'` });
    const because = framework.offerConstraints?.excludedBecause?.(role, agent.info);
    if (because !== undefined) reasons.push({ code: 'offer-constraints', role, message: `offer constraints: ${because}` });
    if (role.includes('/') && !agent.capabilities.has('HIERARCHICAL_ROLE')) reasons.push({ code: 'implicit-filter', role, message: 'hierarchical role, agent without HIERARCHICAL_ROLE' });
    const rejection = record.policyRejections.get(`${frameworkId}\0${agentId}`);
    if (rejection !== undefined && rejection.role === role) reasons.push({ code: 'policy', role, message: `rejected by policy stage filter: ${rejection.reason}` });

    const allocatable = stripIncapableResources(agent.total.allocatableTo(role), framework);
    if (allocatable.isEmpty()) {
      const owners = [...agent.total.reservations().keys()].join(', ');
      reasons.push({ code: 'reserved-for-other-roles', role, message: `nothing on the agent may go to '${role}'${owners === '' ? '' : ` (reserved for ${owners})`}` });
      continue;
    }
    const filters = framework.offerFilters.get(role)?.get(agentId) ?? [];
    for (const f of filters) {
      if (f.createdAt <= record.at && !isFilterExpired(f, record.at) && filtersOffer(f, agent.available.allocatableTo(role).unallocate())) {
        reasons.push({ code: 'filtered', role, message: `declined earlier with a refuse filter until ${f.expiresAt} ms` });
      }
    }
    const node = state.roleTree.get(role);
    if (node !== undefined && node.limits.size > 0) {
      const consumed = node.quotaOfferedOrConsumed();
      const full = [...node.limits].filter(([name, limit]) => (consumed.get(name) ?? 0) >= limit).map(([name]) => name);
      if (full.length > 0) reasons.push({ code: 'over-quota-limit', role, message: `quota limit reached for ${full.join(', ')}` });
    }
    const available = agent.available.allocatableTo(role);
    if (available.isEmpty()) reasons.push({ code: 'nothing-left', role, message: 'nothing allocatable to the role is left on the agent' });
    else if (!isAllocatable(available, state.options.minAllocatableResources, framework.minAllocatable.get(role))) {
      reasons.push({ code: 'below-min-allocatable', role, message: `what is left (${available}) is below the minimum allocatable resources` });
    }
  }
  for (const o of offersHere) {
    reasons.push({ code: 'lost-on-order', role: o.role, message: `the agent went to framework ${o.frameworkId} in role '${o.role}' before this framework's turn (${o.stage})` });
  }
  return done();
}
