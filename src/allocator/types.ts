/**
 * Plain-data inputs and outputs of the allocation engine, mirroring the Mesos allocator
 * interface (include/mesos/allocator/allocator.hpp) with `Resources` for resources.
 */
import type { OperatorCall } from '../policy/index.ts';
import type { Attribute, ResourceLimits, ResourceQuantities, Resources } from '../resources/index.ts';

/** FrameworkInfo.Capability types that change what the allocator offers. */
export type FrameworkCapability =
  | 'MULTI_ROLE'
  | 'RESERVATION_REFINEMENT'
  | 'SHARED_RESOURCES'
  | 'REVOCABLE_RESOURCES'
  | 'GPU_RESOURCES'
  | 'REGION_AWARE'
  | 'PARTITION_AWARE'
  | 'TASK_KILLING_STATE';

/** SlaveInfo.Capability types the allocator looks at. */
export type AgentCapability = 'MULTI_ROLE' | 'HIERARCHICAL_ROLE' | 'RESERVATION_REFINEMENT' | 'RESOURCE_PROVIDER' | 'RESIZE_VOLUME' | 'AGENT_OPERATION_FEEDBACK' | 'AGENT_DRAINING' | 'TASK_RESOURCE_LIMITS';

export interface DomainInfo {
  readonly region: string;
  readonly zone: string;
}

export interface FrameworkInfo {
  readonly name?: string;
  /** Roles (MULTI_ROLE frameworks); a framework without MULTI_ROLE uses `role`. */
  readonly roles?: readonly string[];
  /** Deprecated single role, default `*`. */
  readonly role?: string;
  readonly principal?: string;
  readonly capabilities?: readonly FrameworkCapability[];
  /** FrameworkInfo.offer_filters[role].min_allocatable_resources: alternatives, as parsed quantities. */
  readonly minAllocatableResources?: Readonly<Record<string, readonly ResourceQuantities[]>>;
}

/** Mesos FrameworkOptions (1.11): suppressed roles and offer constraints. */
export interface FrameworkOptions {
  readonly suppressedRoles?: readonly string[];
  /** Per-role offer constraints; see offer-constraints.ts. */
  readonly offerConstraints?: unknown;
}

export interface AgentInfo {
  readonly hostname: string;
  readonly attributes?: readonly Attribute[];
  readonly domain?: DomainInfo;
}

/** A maintenance window (Mesos Unavailability), times in ms of the injected clock. */
export interface Unavailability {
  readonly start: number;
  readonly durationMs?: number;
}

export interface Quota {
  readonly guarantees?: ResourceQuantities;
  readonly limits?: ResourceLimits;
}

export type InverseOfferStatusKind = 'UNKNOWN' | 'ACCEPT' | 'DECLINE';

export interface InverseOfferStatus {
  readonly status: InverseOfferStatusKind;
  readonly frameworkId: string;
  readonly timestamp: number;
}

/** Mesos Filters: refuse_seconds (undefined means the 5 s default). */
export interface OfferFilters {
  readonly refuseSeconds?: number;
}

export interface WeightInfo {
  readonly role: string;
  readonly weight: number;
}

/** Offers of one cycle: framework → role → agent → resources (each tagged with its allocation role). */
export type Offers = Map<string, Map<string, Map<string, Resources>>>;

/** Inverse offers of one cycle: framework → agent → the unavailability (resources are empty, as in Mesos). */
export type InverseOffers = Map<string, Map<string, Unavailability>>;

export interface CycleResult {
  readonly offers: Offers;
  readonly inverseOffers: InverseOffers;
  /** The agents the cycle looked at. */
  readonly candidates: number;
  /** Whether this was the periodic cycle (all agents) or triggered by events. */
  readonly periodic: boolean;
  /**
   * The policy's operator calls after this cycle's offers (`AllocatorPolicy.operatorCalls`), checked
   * and in order; empty when it has none. Whoever drives the engine makes them (the master's
   * operator API; offline `applyOperatorCalls`) and reports each through `operatorCallResult`.
   */
  readonly operatorCalls: readonly OperatorCall[];
}
