/**
 * The operations that give reservations back, per agent and instance: DESTROY the persistent
 * volumes (Mesos refuses to unreserve a volume), then UNRESERVE every resource, volumes in their
 * destroyed form. UNRESERVE pops one level: a reservation that refined a pre-reserved role goes
 * back to that role, one that relabelled an unlabelled reservation of the role goes back a level
 * too (Mesos has no "restore the old labels").
 */
import type { AgentOperations } from '../plan/index.ts';
import type { OfferOperation, Resource, ResourceInput } from '../../resources/index.ts';
import type { LedgerEntry } from './types.ts';

function destroyed(r: Resource): ResourceInput {
  const source = r.disk?.source;
  const { disk: _disk, ...rest } = r;
  return source === undefined ? rest : { ...rest, disk: { source } };
}

export function releaseSteps(entries: readonly LedgerEntry[]): AgentOperations[] {
  const groups = new Map<string, LedgerEntry[]>();
  for (const e of entries) {
    const key = `${e.agentId}\u0000${e.podInstance}`;
    const list = groups.get(key);
    if (list === undefined) groups.set(key, [e]);
    else list.push(e);
  }
  const steps: AgentOperations[] = [];
  for (const list of groups.values()) {
    const volumes: Resource[] = [];
    const reserved: ResourceInput[] = [];
    for (const e of list) {
      for (const r of e.resources.toArray()) {
        if (r.disk?.persistence !== undefined) {
          volumes.push(r);
          reserved.push(destroyed(r));
        } else reserved.push(r);
      }
    }
    const operations: OfferOperation[] = [];
    if (volumes.length > 0) operations.push({ type: 'DESTROY', volumes });
    operations.push({ type: 'UNRESERVE', resources: reserved });
    steps.push({ agentId: list[0]!.agentId, podInstance: list[0]!.podInstance, operations });
  }
  return steps;
}
