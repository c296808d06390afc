/**
 * Plans speak the operator API's form (unallocated resources, as `applyOperation` takes for an
 * agent's available resources). A framework instead accepts an offer, whose resources carry
 * `allocation_info.role`; this turns a placement's operations into that form, and groups a plan
 * per agent (dcos-commons sends RESERVE…, CREATE, LAUNCH in one ACCEPT per offer).
 */
import type { OfferOperation, Resource, ResourceInput } from '../../resources/index.ts';
import type { Plan } from './types.ts';

type Like = Iterable<ResourceInput | Resource>;

function allocated(resources: Like, role: string): ResourceInput[] {
  const out: ResourceInput[] = [];
  for (const r of resources) {
    const plain: ResourceInput = typeof (r as { toPlain?: unknown }).toPlain === 'function' ? (r as unknown as { toPlain(): Resource }).toPlain() : r;
    out.push({ ...plain, allocationRole: role });
  }
  return out;
}

/** The operations with every resource allocated to `role`: what a framework puts in ACCEPT. */
export function toOfferOperations(operations: readonly OfferOperation[], role: string): OfferOperation[] {
  return operations.map((op): OfferOperation => {
    switch (op.type) {
      case 'RESERVE':
        return op.source === undefined ? { type: 'RESERVE', resources: allocated(op.resources, role) } : { type: 'RESERVE', resources: allocated(op.resources, role), source: allocated(op.source, role) };
      case 'UNRESERVE':
        return { type: 'UNRESERVE', resources: allocated(op.resources, role) };
      case 'CREATE':
        return { type: 'CREATE', volumes: allocated(op.volumes, role) };
      case 'DESTROY':
        return { type: 'DESTROY', volumes: allocated(op.volumes, role) };
      default:
        return op;
    }
  });
}

/** The plan's operations per agent, placements in order: one ACCEPT's worth per agent. */
export function operationsByAgent(plan: Plan): Map<string, OfferOperation[]> {
  const byAgent = new Map<string, OfferOperation[]>();
  for (const p of plan.placements) {
    let list = byAgent.get(p.agent.id);
    if (list === undefined) byAgent.set(p.agent.id, (list = []));
    list.push(...p.operations);
  }
  return byAgent;
}
