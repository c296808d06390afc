/**
 * Plain data of the reservation ledger: what is reserved for whom, where, since when, and
 * whether a task uses it; what the cluster actually holds; and how the two compare.
 */
import type { PlacementAgent } from '../constraints/index.ts';
import type { AgentOperations } from '../plan/index.ts';
import type { Resources } from '../../resources/index.ts';

/** One reservation (one `resource_id`), as it stands in the cluster. */
export interface LedgerEntry {
  readonly service: string;
  readonly podInstance: string;
  readonly podType: string;
  readonly resourceId: string;
  readonly agentId: string;
  /** `cpus`, `mem`, … or `volume`. */
  readonly kind: string;
  /** The reserved resources (volumes in their created form), unallocated. */
  readonly resources: Resources;
  readonly persistenceId?: string;
  readonly containerPath?: string;
  /** When it was recorded, in ms of the injected clock. */
  readonly since: number;
  /** The task running on it, while one does. */
  readonly taskId?: string;
  /** The instance was replaced elsewhere; this waits to be released (unreserved / destroyed). */
  readonly retired: boolean;
}

/** Where a pod instance currently lives. */
export interface InstanceRecord {
  readonly service: string;
  readonly podInstance: string;
  readonly podType: string;
  readonly index: number;
  /** The agent as it was when the instance was placed (what the constraints counted). */
  readonly agent: PlacementAgent;
  readonly since: number;
  readonly taskId?: string;
  /** Set while the placement lacks part of what the spec asks: the instance must not launch. */
  readonly incomplete?: IncompletePlacement;
}

/**
 * What a placement still lacks, as found after a restart between a RESERVE and its CREATE (a
 * volume's reservation without its volume, some of the instance's reservations not made).
 */
export interface IncompletePlacement {
  /** In words: `volume data: reserved, not created (CREATE)`, `mem: not reserved (RESERVE)`. */
  readonly missing: readonly string[];
  /**
   * Volume resource_id → the persistence id its CREATE is to use. Held by the ledger (`hasId`),
   * so no plan draws it meanwhile; recorded with the volume by `amend`.
   */
  readonly persistenceIds: ReadonlyMap<string, string>;
}

/** A labelled reservation found on an agent: the resources with one `resource_id`. */
export interface ClusterReservation {
  readonly agentId: string;
  readonly service: string | undefined;
  readonly podInstance: string | undefined;
  readonly resourceId: string;
  readonly resources: Resources;
}

/** An entry the cluster holds differently: other agent(s) or other resources. */
export interface Mismatch {
  readonly entry: LedgerEntry;
  /** Every cluster reservation with the entry's resource_id (more than one: double-booked). */
  readonly found: readonly ClusterReservation[];
  readonly problem: string;
}

export interface ReconcileReport {
  /** In the cluster, not in the ledger: reserved for nobody the ledger knows. */
  readonly leaked: readonly ClusterReservation[];
  /** In the ledger, not in the cluster: lost with an agent, or unreserved behind the ledger's back. */
  readonly missing: readonly LedgerEntry[];
  readonly mismatched: readonly Mismatch[];
  /** Nothing leaked, missing or mismatched. */
  readonly consistent: boolean;
}

/** The operations that give an instance's reservations back, and which entries they cover. */
export interface ReleasePlan {
  readonly service: string;
  readonly resourceIds: readonly string[];
  /** Per agent and instance: DESTROY the volumes, then UNRESERVE everything. */
  readonly steps: readonly AgentOperations[];
}
