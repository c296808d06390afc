/**
 * The allocation policy users write: a plain object of optional stages. Whatever a policy
 * leaves out falls back to Mesos's own behaviour (weighted hierarchical DRF, first eligible
 * framework takes the agent's remainder). Every stage is a small, pure-looking function of a
 * context; a stage that throws gets its default for that call and an error is counted.
 */
import type { Attribute, OfferOperation, Resource, Resources } from '../resources/index.ts';
import type { HookPolicy } from './hooks.ts';
import type { IsolatorPolicy } from './isolator.ts';

export interface AgentView {
  readonly id: string;
  readonly hostname: string;
  readonly attributes: readonly Attribute[];
  readonly domain?: { readonly region: string; readonly zone: string };
  readonly total: Resources;
  /** What is still available on the agent at this point of the cycle. */
  readonly available: Resources;
}

export interface FrameworkView {
  readonly id: string;
  readonly name?: string;
  readonly roles: ReadonlySet<string>;
  readonly capabilities: ReadonlySet<string>;
  readonly principal?: string;
  /** Everything offered or allocated to this framework, per agent. */
  readonly allocation: ReadonlyMap<string, Resources>;
  /**
   * The part of `allocation` its tasks and executors use (launched: Mesos
   * `transitionOfferedToAllocated`, or running when the agent or framework was added), per agent;
   * `allocation` minus `used` is what its outstanding offers hold. Computed when read. The
   * engine always sets it; optional only so that views made by hand (tests) stay valid — read
   * undefined as "cannot tell" (all of `allocation` may be in use).
   */
  readonly used?: ReadonlyMap<string, Resources>;
}

/** Which of Mesos's two passes is running: quota guarantees first, then fair share. */
export type AllocationStage = 'quota-guarantees' | 'fair-share';

export interface OfferContext {
  readonly now: number;
  readonly stage: AllocationStage;
  readonly role: string;
  readonly framework: FrameworkView;
  readonly agent: AgentView;
  /** What the engine would offer by Mesos's rules. */
  readonly offer: Resources;
}

export interface SortRolesContext {
  readonly now: number;
  readonly agent: AgentView;
  /** Roles in DRF order. */
  readonly roles: readonly string[];
  /** Weighted dominant share of a role. */
  share(role: string): number;
}

export interface SortFrameworksContext {
  readonly now: number;
  readonly agent: AgentView;
  readonly role: string;
  /** Framework ids in DRF order within the role. */
  readonly frameworks: readonly string[];
  share(frameworkId: string): number;
}

/** A maintenance window (Mesos `Unavailability`), in ms of the engine's clock. */
export interface MaintenanceWindow {
  readonly start: number;
  readonly durationMs?: number;
}

/** A framework's answer to an inverse offer (Mesos `InverseOfferStatus`). */
export interface InverseOfferAnswer {
  readonly status: 'UNKNOWN' | 'ACCEPT' | 'DECLINE';
  readonly frameworkId: string;
  readonly timestamp: number;
}

/** An agent scheduled for maintenance, as the allocator knows it (`updateUnavailability`, `updateInverseOffer`). */
export interface AgentMaintenance {
  readonly unavailability: MaintenanceWindow;
  /** Latest answer per framework to the agent's inverse offers (Mesos `getInverseOfferStatuses`). */
  readonly inverseOfferStatuses: ReadonlyMap<string, InverseOfferAnswer>;
  /** Frameworks that hold an inverse offer for the agent and have not answered it. */
  readonly inverseOffersOutstanding: ReadonlySet<string>;
}

export interface OperatorCallsContext {
  readonly now: number;
  /** Every active agent, with what is unallocated on it now (not offered, not used). */
  readonly agents: readonly AgentView[];
  readonly frameworks: readonly FrameworkView[];
  /**
   * Agents with a maintenance window, active or not, by agent id (what a controller needs to
   * drain one). Absent from older engines: read it as possibly undefined.
   */
  readonly maintenance?: ReadonlyMap<string, AgentMaintenance>;
}

/**
 * One group of operator-API operations on one agent, made in order; the first failure ends the
 * group. RESERVE → RESERVE_RESOURCES (resources in the post-reservation format), UNRESERVE →
 * UNRESERVE_RESOURCES, CREATE → CREATE_VOLUMES, DESTROY → DESTROY_VOLUMES; other types fail.
 */
export interface OperatorCall {
  /** The policy's own id; the result names it. */
  readonly id: string;
  readonly agentId: string;
  readonly operations: readonly OfferOperation[];
}

/** `applied` operations of the call succeeded, in order; when not ok the next one failed. */
export interface OperatorCallResult {
  readonly id: string;
  readonly ok: boolean;
  readonly applied: number;
  /** The master's HTTP status for the failed operation (0: no answer: no connection, time-out); offline 409 for an operation that does not apply. */
  readonly httpStatus?: number;
  readonly message?: string;
  /**
   * Offers the master rescinded to make the call's operations (Master::Http::_operation rescinds
   * outstanding offers on the agent until the operation's resources are free): each framework's
   * offer in one role on the agent, with what it held. Offline only; inside the master the
   * frameworks hear it as RescindResourceOfferMessage. Absent when none was rescinded.
   */
  readonly rescinded?: readonly RescindedOffer[];
}

/** An outstanding offer withdrawn for an operator call: its resources went back to the agent. */
export interface RescindedOffer {
  readonly frameworkId: string;
  readonly agentId: string;
  readonly role: string;
  readonly resources: Resources;
}

/**
 * A stage's "no": a short machine-readable reason, and optionally how long the engine may
 * remember it.
 *
 * Without `until` (the default) the engine asks again on every visit, as a rejection installs no
 * refuse filter. With `until: 'agent-changes'` the policy promises that its verdict for this
 * (framework, role, agent) depends only on the agent (info, capabilities, total and available
 * resources), the framework (roles, capabilities, info) and the role, not on `now`, `stage` or
 * quota: the engine then skips the framework on that agent in that role, without calling the
 * policy, until the agent's resources (by content: an offer declined back leaves them unchanged),
 * info or capabilities change, the framework is updated, revives, is deactivated, or the policy is
 * replaced. `explain` reports the remembered rejection with its reason.
 */
export interface Rejection {
  readonly reason: string;
  readonly until?: RejectionValidity;
}

/** How long a rejection may be remembered; see `Rejection.until`. */
export type RejectionValidity = 'agent-changes';

/**
 * Reservations that belong to one framework of their role (policy stage `reservationOwners`).
 * Mesos offers a role's reservations to every framework of the role (§4.6); with this stage the
 * engine offers a reserved resource that `owner` names an owner for only to the frameworks that
 * `owns` it, before any other stage sees the offer: on an agent where part of what the role may
 * get is another owner's, a framework is offered the rest; where all of it is, the framework is
 * passed over with the rejection `reserved-for-another-owner:<owner>`, remembered until the agent
 * changes (as `Rejection.until: 'agent-changes'`), so each of many frameworks sharing a role is
 * asked once per agent content, then skipped without a look.
 *
 * Both functions must be pure: `owner` depends only on the resource's own (last) reservation (its
 * labels, typically), `owns` only on the framework's info and the owner; the engine keeps their
 * answers (per reservation, and per framework until it is updated). One that throws or returns
 * something else than documented counts an error of stage `reservationOwners` and the resource is
 * the role's, as in Mesos.
 */
export interface ReservationOwners {
  /** The owner of a reserved resource; undefined: none (any framework of the role, as in Mesos). Asked only for resources with reservations. */
  owner(resource: Resource): string | undefined;
  /** Whether the framework is `owner`. */
  owns(framework: FrameworkView, owner: string): boolean;
}

export interface AllocatorPolicy {
  readonly name?: string;
  /** Which framework each reserved resource belongs to; see `ReservationOwners`. */
  readonly reservationOwners?: ReservationOwners;
  /** The order in which roles are visited on an agent; must return a permutation of `roles`. */
  sortRoles?(ctx: SortRolesContext): readonly string[];
  /** The order of frameworks within a role; must return a permutation of `frameworks`. */
  sortFrameworks?(ctx: SortFrameworksContext): readonly string[];
  /** May this framework, in this role, get anything from this agent now? */
  filter?(ctx: OfferContext): boolean | Rejection | undefined;
  /** Preference for this agent (higher is better); the best-scoring eligible framework gets it. */
  score?(ctx: OfferContext): number;
  /** How much of `ctx.offer` to offer; must be contained in it. Default: all of it. */
  size?(ctx: OfferContext): Resources | undefined;

  /**
   * Calls to make against the master's operator API, asked once per allocation cycle after its
   * offers (RESERVE_RESOURCES, UNRESERVE_RESOURCES, CREATE_VOLUMES, DESTROY_VOLUMES). Inside the
   * master the allocator module makes them over HTTP; offline the simulator applies them. Either
   * way their effect comes back as the operator's would, through `updateAvailable`, and each
   * call's outcome through `operatorCallResult`. The engine drops (and counts as errors of stage
   * `operatorCalls`) a call without a non-empty id unique in the cycle, on an unknown agent, or
   * with an operation of another type or whose resources do not parse; resources are unallocated
   * ones (no allocation role), as in `ctx.agents[i].available`.
   */
  operatorCalls?(ctx: OperatorCallsContext): readonly OperatorCall[];
  /** How an operator call of this policy ended. */
  operatorCallResult?(result: OperatorCallResult): void;

  onAgentAdded?(agent: AgentView): void;
  onAgentRemoved?(agentId: string): void;
  onResourcesRecovered?(event: { frameworkId: string; agentId: string; resources: Resources }): void;
  onQuotaChanged?(event: { role: string; guarantees?: ReadonlyMap<string, number>; limits?: ReadonlyMap<string, number> }): void;
  onWeightsChanged?(weights: ReadonlyMap<string, number>): void;
}

/**
 * What a policy file exports (`export default definePolicy({...})`): allocator stages at the top
 * level, plus optional mesos::Hook callbacks and an isolator. A bundle serves whichever it has.
 */
export interface Policy extends AllocatorPolicy {
  readonly hooks?: HookPolicy;
  readonly isolator?: IsolatorPolicy;
}

/** Identity helper that gives a policy object its full types. */
export function definePolicy<P extends Policy>(policy: P): P {
  return policy;
}

/** The default policy: no stages, so every decision is Mesos's. */
export const DEFAULT_POLICY: Policy = Object.freeze({ name: 'mesos-drf' });
