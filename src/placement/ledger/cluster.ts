/**
 * The service reservations actually present in a cluster: every resource whose own (last)
 * reservation carries a `resource_id` label, grouped by agent and resource_id. Mesos has no
 * "list my reservations" call (dcos-commons' uninstall waits for offers for that reason); a
 * simulation, the operator API's /slaves, or the master's state can give the agents' resources.
 */
import { Resources, type Resource } from '../../resources/index.ts';
import { ownerOf } from '../plan/index.ts';
import type { ClusterReservation } from './types.ts';

/** Agent id → the agent's resources (reservations and volumes, used or not), or agents with `id` and `resources`. */
export type ClusterResources = ReadonlyMap<string, Resources> | Iterable<{ readonly id: string; readonly resources: Resources }>;

export function agentResources(cluster: ClusterResources): Array<[string, Resources]> {
  if (cluster instanceof Map) return [...(cluster as ReadonlyMap<string, Resources>)];
  return [...(cluster as Iterable<{ id: string; resources: Resources }>)].map((a) => [a.id, a.resources]);
}

/** Labelled reservations, optionally only those of `services`. */
export function clusterReservations(cluster: ClusterResources, services?: ReadonlySet<string>): ClusterReservation[] {
  const out: ClusterReservation[] = [];
  for (const [agentId, resources] of agentResources(cluster)) {
    const groups = new Map<string, { service: string | undefined; podInstance: string | undefined; items: Resource[] }>();
    for (const r of resources.unallocate()) {
      const owner = ownerOf(r);
      if (owner === undefined) continue;
      if (services !== undefined && (owner.service === undefined || !services.has(owner.service))) continue;
      let group = groups.get(owner.resourceId);
      if (group === undefined) groups.set(owner.resourceId, (group = { service: owner.service, podInstance: owner.podInstance, items: [] }));
      group.items.push(r);
    }
    for (const [resourceId, g] of groups) {
      out.push({ agentId, service: g.service, podInstance: g.podInstance, resourceId, resources: Resources.of(g.items) });
    }
  }
  return out;
}
