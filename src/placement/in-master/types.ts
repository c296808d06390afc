/**
 * Plain data of the in-master data-service policy: its options, and what it asks of the
 * frameworks — the things an allocator cannot do (kill a task, answer an inverse offer).
 */
import type { FrameworkView, Policy } from '../../policy/index.ts';
import type { Intent, LaunchRequest, LifecycleOptions } from '../lifecycle/index.ts';
import type { PlacementHoldOptions } from './placement-hold.ts';

/** A controller's tuning (the ledger, clock and mode belong to the policy: operator mode). */
export type ControllerTuning = Omit<LifecycleOptions, 'ledger' | 'clock' | 'mode'>;

export interface DataServicePolicyOptions {
  /** Tuning for every service's controller. */
  readonly controller?: ControllerTuning;
  /** Per service name, over `controller`. */
  readonly services?: Readonly<Record<string, ControllerTuning>>;
  /**
   * Whether `framework` runs `service` (its reservations are offered to it only). Default: the
   * framework's name or id is the service name, as the steering's default.
   */
  readonly owns?: (framework: FrameworkView, service: string) => boolean;
  /**
   * Where lifecycle events, framework requests and problems are written, one line each. Inside
   * the master `console.info` goes to the master's log (the module's `log_level`).
   */
  readonly log?: (line: string) => void;
  /** How many agents are kept from other frameworks' offers while instances wait for a place (`placement-hold.ts`). */
  readonly hold?: PlacementHoldOptions;
  /** The policy's other stages; the steering goes in front of its filter and size. */
  readonly policy?: Policy;
}

/** The framework should kill the task it runs out of the instance's reservations. */
export interface KillInstanceRequest {
  readonly service: string;
  readonly podInstance: string;
  readonly agentId: string;
  /** The framework the instance's reservations were last seen allocated to. */
  readonly frameworkId?: string;
  readonly reason: Intent;
  /** When the controller asked (the cycle's `now`). */
  readonly since: number;
}

/** The framework should answer its inverse offer for the agent ACCEPT: nothing of the service is left there. */
export interface AcceptInverseOfferRequest {
  readonly service: string;
  readonly agentId: string;
  readonly since: number;
}

/** What only a framework can do, as the policy currently asks it. */
export interface FrameworkRequests {
  readonly kills: readonly KillInstanceRequest[];
  readonly acceptInverseOffers: readonly AcceptInverseOfferRequest[];
  /** Instances that may start, out of their own reservations on their agent (sticky relaunch). */
  readonly launchable: readonly LaunchRequest[];
}
