/**
 * Ledger against cluster, by resource_id: an id only the cluster has leaked (reserved for
 * nobody the ledger knows), an id only the ledger has is missing, and an id on another agent,
 * on two agents (double-booked) or with other resources is mismatched. "The ledger always
 * equals the reservations in the cluster" is `consistent`.
 */
import { clusterReservations, type ClusterResources } from './cluster.ts';
import type { ClusterReservation, LedgerEntry, Mismatch, ReconcileReport } from './types.ts';

export interface ReconcileOptions {
  /** Only these services' reservations (by the `service` label); default: every labelled reservation. */
  readonly services?: readonly string[];
}

function mismatchOf(entry: LedgerEntry, found: readonly ClusterReservation[]): string | undefined {
  if (found.length > 1) return `resource_id ${entry.resourceId} is reserved on ${found.length} agents (${found.map((f) => f.agentId).join(', ')}): double-booked`;
  const f = found[0]!;
  if (f.agentId !== entry.agentId) return `resource_id ${entry.resourceId} is on agent ${f.agentId}, the ledger says ${entry.agentId}`;
  if (f.service !== entry.service || f.podInstance !== entry.podInstance) {
    return `resource_id ${entry.resourceId} is labelled for ${f.service}/${f.podInstance}, the ledger says ${entry.service}/${entry.podInstance}`;
  }
  if (!f.resources.equals(entry.resources)) return `resource_id ${entry.resourceId} holds ${f.resources} in the cluster, the ledger says ${entry.resources}`;
  return undefined;
}

export function reconcileEntries(entries: Iterable<LedgerEntry>, cluster: ClusterResources, options: ReconcileOptions = {}): ReconcileReport {
  const services = options.services === undefined ? undefined : new Set(options.services);
  const byId = new Map<string, ClusterReservation[]>();
  for (const r of clusterReservations(cluster, services)) {
    const list = byId.get(r.resourceId);
    if (list === undefined) byId.set(r.resourceId, [r]);
    else list.push(r);
  }
  const known = new Set<string>();
  const missing: LedgerEntry[] = [];
  const mismatched: Mismatch[] = [];
  for (const entry of entries) {
    if (services !== undefined && !services.has(entry.service)) continue;
    known.add(entry.resourceId);
    const found = byId.get(entry.resourceId);
    if (found === undefined) {
      missing.push(entry);
      continue;
    }
    const problem = mismatchOf(entry, found);
    if (problem !== undefined) mismatched.push({ entry, found, problem });
  }
  const leaked: ClusterReservation[] = [];
  for (const [id, list] of byId) if (!known.has(id)) leaked.push(...list);
  return { leaked, missing, mismatched, consistent: leaked.length === 0 && missing.length === 0 && mismatched.length === 0 };
}
