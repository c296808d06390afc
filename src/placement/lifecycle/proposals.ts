/**
 * Turning planner placements and ledger releases into Proposals: one agent's operations, in the
 * operator API's form, with the owner labels an adapter needs to send them (the reservations
 * themselves already carry `service`, `pod_instance` and `resource_id`).
 */
import type { Label, OfferOperation } from '../../resources/index.ts';
import type { AgentOperations, Placement, Plan } from '../plan/index.ts';
import { POD_INSTANCE_LABEL, SERVICE_LABEL } from '../plan/index.ts';
import type { ExecutionMode, Proposal, ProposalReason } from './types.ts';

export interface ServiceIdentity {
  readonly service: string;
  readonly role: string;
  readonly principal: string;
}

function ownerLabels(service: string, podInstance: string): Label[] {
  return [{ key: SERVICE_LABEL, value: service }, { key: POD_INSTANCE_LABEL, value: podInstance }];
}

/** Persistence ids a list of operations creates or destroys. */
export function volumeIds(operations: readonly OfferOperation[]): string[] {
  const ids: string[] = [];
  for (const op of operations) {
    const list = op.type === 'CREATE' || op.type === 'DESTROY' ? op.volumes : [];
    for (const v of list) {
      const id = v.disk?.persistence?.id;
      if (id !== undefined) ids.push(id);
    }
  }
  return ids;
}

export function reserveProposal(id: string, plan: Plan, placement: Placement, reason: ProposalReason, via: ExecutionMode): Proposal {
  return {
    id,
    kind: 'reserve',
    reason,
    service: plan.service,
    role: plan.role,
    principal: plan.principal,
    podInstance: placement.podInstance,
    agentId: placement.agent.id,
    operations: placement.operations,
    via,
    labels: ownerLabels(plan.service, placement.podInstance),
    volumes: volumeIds(placement.operations),
  };
}

export function releaseProposal(id: string, who: ServiceIdentity, step: AgentOperations, reason: ProposalReason, via: ExecutionMode): Proposal {
  const podInstance = step.podInstance ?? '';
  return {
    id,
    kind: 'release',
    reason,
    ...who,
    podInstance,
    agentId: step.agentId,
    operations: step.operations,
    via,
    labels: ownerLabels(who.service, podInstance),
    volumes: volumeIds(step.operations),
  };
}
