/**
 * "Why did framework F not get agent A in the last cycle?" Every rule that can exclude a
 * (framework, agent) pair is checked against the engine's state and the last cycle's record,
 * and each one that applies gives a machine-readable code and a sentence.
 */
import type { AllocatorEngine } from './engine.ts';
import { stripIncapableResources } from './offer-rules.ts';
import type { PolicyRejectionNote, SkipCode } from './cycle-record.ts';

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

  const visited = new Set<string>();
  for (const { role, code, note } of record.skipsOf(agentId, frameworkId)) {
    visited.add(role);
    reasons.push(skipReason(engine, frameworkId, agentId, role, code, record.at, note));
  }
  for (const role of framework.roles) {
    if (framework.suppressedRoles.has(role)) reasons.push({ code: 'suppressed', role, message: `offers suppressed for role '${role}'` });
    if (visited.has(role)) continue;
    const allocatable = stripIncapableResources(agent.total.allocatableTo(role), framework);
    if (allocatable.isEmpty()) {
      const owners = [...agent.total.reservations().keys()].join(', ');
      reasons.push({ code: 'reserved-for-other-roles', role, message: `nothing on the agent may go to '${role}'${owners === '' ? '' : ` (reserved for ${owners})`}` });
    }
  }
  for (const role of framework.roles) {
    if (!visited.has(role) && record.saturatedRoles.has(role)) {
      visited.add(role);
      reasons.push({ code: 'over-quota-limit', role, message: `role '${role}' was at its quota limits for everything the agent had` });
    }
  }
  if (visited.size === 0 && reasons.length === 0) {
    // Never visited with something left: the agent was taken before this framework's turn.
    for (const o of offersHere) {
      reasons.push({ code: 'lost-on-order', role: o.role, message: `the agent went to framework ${o.frameworkId} in role '${o.role}' before this framework's turn (${o.stage})` });
    }
    if (offersHere.length === 0) reasons.push({ code: 'nothing-left', message: 'nothing allocatable was left on the agent for this framework' });
  }
  return done();
}

function skipReason(engine: AllocatorEngine, frameworkId: string, agentId: string, role: string, code: SkipCode, at: number, note: PolicyRejectionNote | undefined): Reason {
  const state = engine.state;
  const framework = state.frameworks.get(frameworkId)!;
  const agent = state.agents.get(agentId)!;
  switch (code) {
    case 'offer-constraints':
      return { code, role, message: `offer constraints: ${framework.offerConstraints?.excludedBecause?.(role, agent.info) ?? 'not met'}` };
    case 'gpu-agent':
      return { code, role, message: 'the agent has GPUs and the framework lacks GPU_RESOURCES' };
    case 'remote-region':
      return { code, role, message: 'the agent is in another region and the framework is not REGION_AWARE' };
    case 'below-min-allocatable':
      return { code, role, message: 'what was left for the role was below the minimum allocatable resources' };
    case 'no-guarantee-progress':
      return { code: 'over-quota-limit', role, message: 'quota stage: nothing on the agent served the unmet guarantee' };
    case 'over-quota-limit':
      return { code, role, message: 'quota limit or the headroom held back for other roles left too little to offer' };
    case 'implicit-filter':
      return { code, role, message: 'implicit filter: the agent lacks MULTI_ROLE or HIERARCHICAL_ROLE' };
    case 'filtered': {
      const filters = framework.offerFilters.get(role)?.get(agentId) ?? [];
      const until = filters.filter((f) => f.createdAt <= at).map((f) => f.expiresAt);
      return { code, role, message: `declined earlier with a refuse filter${until.length === 0 ? '' : ` until ${Math.max(...until)} ms`}` };
    }
    case 'policy':
    case 'policy-sized-to-nothing': {
      // A remembered rejection is not noted in the cycle's record: it is in the policy's remembered store.
      const rejection = note ?? engine.lastCycleRecord?.policyRejections.get(`${frameworkId}\0${agentId}`) ?? engine.policy.remembered.peek(agentId, frameworkId, role)?.note;
      if (code !== 'policy') return { code: 'policy', role, message: 'policy stage size offered nothing' };
      // A remembered rejection: the policy was not asked in this cycle; say since when it holds.
      const since = rejection?.remembered === undefined ? '' : ` (remembered since ${rejection.remembered.at} ms, until the agent or the framework changes)`;
      return { code: 'policy', role, message: `rejected by policy stage ${rejection?.by ?? 'filter'}: ${rejection?.reason ?? '(no reason)'}${since}` };
    }
  }
}
