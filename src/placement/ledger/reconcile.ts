/**
 * Ledger against cluster, by (agent, resource_id): a reservation only the cluster has leaked
 * (reserved for nobody the ledger knows), an entry the cluster does not have is missing, and an
 * entry found on another agent, on two (double-booked: the other copy unknown to the ledger) or
 * with other resources is mismatched. A retired copy on one agent beside a live entry with the
 * same id on another is known twice, not double-booked. "The ledger always equals the
 * reservations in the cluster" is `consistent`.
 */
import { clusterReservations, type ClusterResources } from './cluster.ts';
import type { ClusterReservation, LedgerEntry, Mismatch, ReconcileReport } from './types.ts';

export interface ReconcileOptions {
  /** Only these services' reservations (by the `service` label); default: every labelled reservation. */
  readonly services?: readonly string[];
}

const at = (agentId: string, resourceId: string) => `${agentId}\u0000${resourceId}`;

function mismatchOf(entry: LedgerEntry, f: ClusterReservation): string | undefined {
  if (f.service !== entry.service || f.podInstance !== entry.podInstance) {
    return `resource_id ${entry.resourceId} is labelled for ${f.service}/${f.podInstance}, the ledger says ${entry.service}/${entry.podInstance}`;
  }
  if (!f.resources.equals(entry.resources)) return `resource_id ${entry.resourceId} holds ${f.resources} in the cluster, the ledger says ${entry.resources}`;
  return undefined;
}

export function reconcileEntries(entries: Iterable<LedgerEntry>, cluster: ClusterResources, options: ReconcileOptions = {}): ReconcileReport {
  const services = options.services === undefined ? undefined : new Set(options.services);
  const byId = new Map<string, ClusterReservation[]>();
  const byPlace = new Map<string, ClusterReservation>();
  for (const r of clusterReservations(cluster, services)) {
    byPlace.set(at(r.agentId, r.resourceId), r);
    const list = byId.get(r.resourceId);
    if (list === undefined) byId.set(r.resourceId, [r]);
    else list.push(r);
  }
  const chosen: LedgerEntry[] = [];
  const known = new Set<string>();
  for (const entry of entries) {
    if (services !== undefined && !services.has(entry.service)) continue;
    chosen.push(entry);
    known.add(at(entry.agentId, entry.resourceId));
  }
  const explained = new Set<ClusterReservation>();
  const missing: LedgerEntry[] = [];
  const mismatched: Mismatch[] = [];
  for (const entry of chosen) {
    const here = byPlace.get(at(entry.agentId, entry.resourceId));
    // Copies of the id on agents the ledger does not place it on.
    const elsewhere = (byId.get(entry.resourceId) ?? []).filter((r) => r !== here && !known.has(at(r.agentId, r.resourceId)));
    if (here === undefined) {
      if (elsewhere.length === 0) {
        missing.push(entry);
        continue;
      }
      for (const r of elsewhere) explained.add(r);
      const problem = elsewhere.length > 1
        ? `resource_id ${entry.resourceId} is reserved on ${elsewhere.length} agents (${elsewhere.map((f) => f.agentId).join(', ')}): double-booked`
        : `resource_id ${entry.resourceId} is on agent ${elsewhere[0]!.agentId}, the ledger says ${entry.agentId}`;
      mismatched.push({ entry, found: elsewhere, problem });
      continue;
    }
    if (elsewhere.length > 0) {
      for (const r of elsewhere) explained.add(r);
      const found = [here, ...elsewhere];
      mismatched.push({ entry, found, problem: `resource_id ${entry.resourceId} is reserved on ${found.length} agents (${found.map((f) => f.agentId).join(', ')}): double-booked` });
      continue;
    }
    const problem = mismatchOf(entry, here);
    if (problem !== undefined) mismatched.push({ entry, found: [here], problem });
  }
  const leaked: ClusterReservation[] = [];
  for (const [place, r] of byPlace) if (!known.has(place) && !explained.has(r)) leaked.push(r);
  return { leaked, missing, mismatched, consistent: leaked.length === 0 && missing.length === 0 && mismatched.length === 0 };
}
