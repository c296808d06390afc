/** The reservation ledger: what is reserved for whom, and whether the cluster agrees. */
export type { ClusterReservation, IncompletePlacement, InstanceRecord, LedgerEntry, Mismatch, ReconcileReport, ReleasePlan } from './types.ts';
export { LedgerError } from './errors.ts';
export { ReservationLedger, type LedgerFilter, type LedgerOptions } from './ledger.ts';
export { clusterReservations, type ClusterResources } from './cluster.ts';
export { reconcileEntries, type ReconcileOptions } from './reconcile.ts';
