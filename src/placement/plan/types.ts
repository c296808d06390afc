/**
 * Plain data of the placement plan: the cluster view the planner reads, what it knows of the
 * service's existing reservations (a LedgerView, implemented by the reservation ledger), and the
 * Plan it returns: per new pod instance, the agent and the offer operations that hold it.
 */
import type { PlacementAgent } from '../constraints/index.ts';
import type { OfferOperation, ResourceInput, Resources } from '../../resources/index.ts';
import type { VolumeDiskType } from '../service/index.ts';

/**
 * An agent as the planner sees it. `resources` are the agent's unallocated resources (no
 * allocation role): the planner uses those that are unreserved, reserved to an ancestor of the
 * service's role (refined, as dcos-commons' pre-reserved-role), or dynamically reserved to the role
 * itself without a `resource_id` label (relabelled with RESERVE's `source`). Everything else —
 * other roles, labelled (owned) reservations, volumes, revocable, shared, resource-provider
 * resources, PATH disks — is left alone.
 */
export interface ClusterAgent extends PlacementAgent {
  readonly resources: Resources;
}

/** An instance the ledger holds: where it lives, and the agent as it was when reserved. */
export interface PlacedPodInstance {
  readonly podInstance: string;
  readonly podType: string;
  readonly index: number;
  readonly agent: PlacementAgent;
}

/** What the planner needs from the ledger (ReservationLedger implements it). */
export interface LedgerView {
  /** The service's placed instances (retired reservations excluded). */
  placed(service: string): Iterable<PlacedPodInstance>;
  /** Whether a resource id or persistence id is already in use; generated ids skip these. */
  hasId(id: string): boolean;
}

/** Generates resource ids and persistence ids; must never repeat within a plan. */
export type IdSource = () => string;

export interface PlanOptions {
  /** The service's existing instances; without it every instance is placed anew. */
  readonly ledger?: LedgerView;
  /** Seeds the agent order that breaks ties and the generated ids (default 0). */
  readonly seed?: number;
  /** Overrides the seeded id generator (it must then avoid the ledger's ids itself). */
  readonly ids?: IdSource;
  /**
   * Instances to place afresh although the ledger holds them (a permanent replace): they leave
   * the tally, are placed like new ones, and their Placement names the agent they leave.
   */
  readonly replace?: readonly string[];
  /** Keeps agents out, with a reason for the report (maintenance, draining, blacklists). */
  readonly excludeAgent?: (agent: ClusterAgent) => string | undefined;
  /** The scheduler's region (Marathon's rule: other regions only when a constraint names @region/@zone). */
  readonly localRegion?: string;
  /**
   * Per pod type, the instance indices the service wants (default `0..count-1`): after a
   * scale-down that killed instances chosen for spread (`selectInstancesToKill`) the indices
   * have holes, which must neither be refilled nor make the survivors surplus.
   */
  readonly indices?: Readonly<Record<string, readonly number[]>>;
}

/** One reservation a placement makes: a resource_id label and what it holds once executed. */
export interface PlannedReservation {
  readonly resourceId: string;
  /** The pod resource it holds (`cpus`, `mem`, `ports`, …), or `volume` for a persistent volume. */
  readonly kind: string;
  /** The resources as they stand in the cluster after the operations (volumes in their created form). */
  readonly resources: readonly ResourceInput[];
  readonly volume?: {
    readonly persistenceId: string;
    readonly containerPath: string;
    readonly disk: VolumeDiskType;
    /** The volume's size; for MOUNT, the whole disk's. */
    readonly sizeMb: number;
    /** The MOUNT disk's root. */
    readonly root?: string;
  };
}

export interface Placement {
  readonly podInstance: string;
  readonly podType: string;
  readonly index: number;
  /** The agent (without its resources) as the ledger will remember it. */
  readonly agent: PlacementAgent;
  /** Sum of the weights of the pod's soft constraints that hold there. */
  readonly score: number;
  /** Set for a replaced instance: the agent it leaves. */
  readonly replaces?: string;
  readonly reservations: readonly PlannedReservation[];
  /** RESERVE…, then CREATE for the volumes, to apply in order on the agent's resources. */
  readonly operations: readonly OfferOperation[];
}

/** One reason agents were refused, with how many and one agent's detailed sentence. */
export interface UnplacedReason {
  /** `fail hostname UNIQUE`, `lack mem 8192`, `lack a MOUNT disk of 100000 MB for volume data`, `excluded: …`. */
  readonly reason: string;
  readonly agents: number;
  readonly example: string;
}

export interface Unplaced {
  readonly podInstance: string;
  readonly podType: string;
  readonly index: number;
  /** `no agent: 3 agents fail hostname UNIQUE, 12 lack mem 8192` */
  readonly summary: string;
  /** Most agents first; each agent counted once, under the first check it fails. */
  readonly reasons: readonly UnplacedReason[];
}

export interface Plan {
  readonly service: string;
  readonly role: string;
  readonly principal: string;
  /** New placements, pods in spec order, instances by index. */
  readonly placements: readonly Placement[];
  /** Instances the ledger holds that stay where they are. */
  readonly kept: readonly PlacedPodInstance[];
  /** Kept instances whose agent is not in the cluster view (lost or unreachable): candidates for a replace. */
  readonly lost: readonly PlacedPodInstance[];
  /** Instances the ledger holds beyond their pod's count, or of a pod type no longer in the spec: to decommission. */
  readonly surplus: readonly PlacedPodInstance[];
  readonly unplaced: readonly Unplaced[];
  /** No instance left unplaced. */
  readonly complete: boolean;
}

/** Operations to apply on one agent, in order (a placement's or a release's). */
export interface AgentOperations {
  readonly agentId: string;
  readonly podInstance?: string;
  readonly operations: readonly OfferOperation[];
}
