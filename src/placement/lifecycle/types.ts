/**
 * Plain data of the data-service lifecycle: the controller's options, the phases of a pod
 * instance, and what the controller hands its driver each tick — operations to apply (per
 * agent, with owner labels, in the operator API's form), tasks to kill, and a log of what
 * happened. Times are milliseconds of the injected clock.
 */
import type { Label, OfferOperation, Resources } from '../../resources/index.ts';
import type { ReservationLedger } from '../ledger/index.ts';

/**
 * operator: the controller's operations go through the master's operator API (offline: the
 * engine's `updateAvailable`). framework: the framework accepts offers with them itself, as
 * dcos-commons does; the allocator only steers the offers.
 */
export type ExecutionMode = 'operator' | 'framework';

/** parallel: every instance launches as soon as it is reserved. serial: pods in spec order, each waits for the previous pods to run (seeds first). */
export type DeployStrategy = 'parallel' | 'serial';

export interface ReplaceRateLimit {
  /** At most this many automatic replacements per failure domain… */
  readonly perDomain: number;
  /** …within this sliding window. */
  readonly windowMs: number;
}

export interface LifecycleOptions {
  readonly ledger: ReservationLedger;
  readonly clock: () => number;
  readonly mode?: ExecutionMode;
  /** How long an instance's agent may be gone before the instance is replaced elsewhere (dcos-commons' permanent-failure-timeout). Default 10 min. */
  readonly permanentFailureTimeoutMs?: number;
  /** How long a replaced instance's old reservations and volumes stay before DESTROY/UNRESERVE. Default 10 min. */
  readonly destroyGraceMs?: number;
  /** Default: 1 replacement per domain per 10 min. */
  readonly replaceRateLimit?: ReplaceRateLimit;
  /** The constraint field that names a failure domain (`rack`, `@zone`, `hostname`). Default `@zone`, agents without it count as their own domain. */
  readonly failureDomain?: string;
  readonly deploy?: DeployStrategy;
  /** Seeds the planner (tie breaks, ids). */
  readonly seed?: number;
}

export type InstancePhase =
  /** Wanted, not placed (or waiting for its reservation to be applied). */
  | 'pending'
  /** Reserved, no task: launchable on its agent. */
  | 'idle'
  /** A task runs. */
  | 'running'
  /** The controller asked for the task to be killed (replace, maintenance, scale-down). */
  | 'killing'
  /** Its agent is gone; it waits for the agent or for the permanent-failure timeout. */
  | 'lost';

/** Why an instance leaves its agent. */
export type Intent = 'replace' | 'move' | 'decommission';

export interface InstanceStatus {
  readonly podInstance: string;
  readonly podType: string;
  readonly index: number;
  readonly phase: InstancePhase;
  readonly agentId?: string;
  readonly taskId?: string;
  readonly intent?: Intent;
  /** When the phase began. */
  readonly since: number;
}

export type ProposalReason = 'deploy' | 'scale-up' | 'replace' | 'maintenance' | 'scale-down' | 'gc';

/** Operations for one agent that the driver applies, then reports with `confirm` or `fail`. */
export interface Proposal {
  readonly id: string;
  readonly kind: 'reserve' | 'release';
  readonly reason: ProposalReason;
  readonly service: string;
  readonly role: string;
  readonly principal: string;
  readonly podInstance: string;
  readonly agentId: string;
  /** Operator form (unallocated resources): RESERVE…CREATE, or DESTROY…UNRESERVE. */
  readonly operations: readonly OfferOperation[];
  /** How the driver applies them (the controller's mode). */
  readonly via: ExecutionMode;
  /** The owner labels every reservation carries. */
  readonly labels: readonly Label[];
  /** The volumes' persistence ids the operations create or destroy. */
  readonly volumes: readonly string[];
}

export interface KillRequest {
  readonly podInstance: string;
  readonly agentId: string;
  readonly taskId: string;
  readonly reason: Intent;
}

/** A task the framework may start on the agent out of the instance's own reservations. */
export interface LaunchRequest {
  readonly podInstance: string;
  readonly podType: string;
  readonly agentId: string;
  readonly taskId: string;
  /** The instance's reservations and volumes, unallocated. */
  readonly resources: Resources;
  /** Back on the same agent, same volumes (sticky relaunch). */
  readonly relaunch: boolean;
}

export type LifecycleEventKind =
  | 'placed' | 'launched' | 'relaunched' | 'task-ended' | 'lost' | 'back' | 'replace-due' | 'replace-deferred'
  | 'replaced' | 'moved' | 'volume-created' | 'volume-destroyed' | 'released' | 'scaled' | 'unplaced'
  | 'operation-failed' | 'inverse-offer-accepted' | 'maintenance';

export interface LifecycleEvent {
  readonly at: number;
  readonly kind: LifecycleEventKind;
  readonly service: string;
  readonly podInstance?: string;
  readonly agentId?: string;
  readonly detail?: string;
}

export interface LifecycleDecision {
  readonly proposals: readonly Proposal[];
  readonly kills: readonly KillRequest[];
  /** Agents whose inverse offers the framework should now answer ACCEPT (`updateInverseOffer`). */
  readonly acceptInverseOffers: readonly string[];
  readonly events: readonly LifecycleEvent[];
}
