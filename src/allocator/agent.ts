/**
 * An agent as the allocator sees it (hierarchical.hpp `Slave`): its total, what each framework
 * has been offered or allocated there, and what is available — total minus offered-or-allocated,
 * with shared resources always available (they may be offered while in use). Of what a framework
 * holds, the part its tasks and executors use (Mesos `Slave::totalAllocated`, here per framework)
 * is kept apart from what is merely offered.
 */
import { Resources, type ResourceQuantities } from '../resources/index.ts';
import type { AgentView } from '../policy/index.ts';
import type { FrameworkState } from './framework.ts';
import { isAllocatable } from './min-allocatable.ts';
import { hasRevocable, isQuotaScalar, stripIncapableResources } from './offer-rules.ts';
import { RoleViews, type QuotaSplit } from './role-views.ts';
import type { AgentRejections } from './remembered-rejections.ts';
import type { AgentCapability, AgentInfo, InverseOfferStatus, Unavailability } from './types.ts';

export interface Maintenance {
  unavailability: Unavailability;
  /** Latest inverse-offer answer per framework. */
  readonly statuses: Map<string, InverseOfferStatus>;
  /** Frameworks holding an unanswered inverse offer for this agent. */
  readonly offersOutstanding: Set<string>;
}

export class AgentState {
  private totalValue: Resources;
  private sharedValue: Resources;
  private hasGpuValue: boolean;
  private hasRevocableTotalValue: boolean;
  private readonly offeredOrAllocatedByFramework = new Map<string, Resources>();
  /** Sum of `offeredOrAllocatedByFramework`, computed when asked (offers and declines do not need it). */
  private totalOfferedOrAllocatedValue: Resources | undefined = Resources.EMPTY;
  private availableValue = Resources.EMPTY;
  /**
   * Per framework, the part of its holding here that tasks and executors use (`addAgent` /
   * `addFramework` used, `transitionOfferedToAllocated`); always contained in its holding.
   */
  private readonly allocatedByFramework = new Map<string, Resources>();
  /** Sum of `allocatedByFramework` (Mesos `Slave::totalAllocated`), computed when asked. */
  private totalAllocatedValue: Resources | undefined = Resources.EMPTY;
  /** What the cycle derives per role from `available`; invalidated whenever `available` changes. */
  private readonly views = new RoleViews();
  maintenance: Maintenance | undefined;
  /** The policy's view, with the info it was built from (offer-rules.ts `agentView`). */
  policyView: { readonly info: AgentInfo; readonly view: AgentView } | undefined;
  /** The policy's remembered rejections on this agent (remembered-rejections.ts), kept here: every role visit reads them. */
  remembered: AgentRejections | undefined;
  /** Whether `total` names a reservation owner, for the policy's reservationOwners stage `by` (reservation-owners.ts). */
  ownedMemo: { readonly by: object; readonly total: Resources; readonly any: boolean } | undefined;
  private multiRoleOf: ReadonlySet<AgentCapability> | undefined;
  private multiRoleValue = false;

  constructor(
    readonly id: string,
    public info: AgentInfo,
    public capabilities: ReadonlySet<AgentCapability>,
    public activated: boolean,
    total: Resources,
  ) {
    this.totalValue = total;
    this.sharedValue = total.shared();
    this.hasGpuValue = (total.gpus() ?? 0) > 0;
    this.hasRevocableTotalValue = hasRevocable(total);
    this.updateAvailable();
  }

  get total(): Resources {
    return this.totalValue;
  }
  get available(): Resources {
    return this.availableValue;
  }
  get totalOfferedOrAllocated(): Resources {
    if (this.totalOfferedOrAllocatedValue === undefined) {
      let total = Resources.EMPTY;
      for (const held of this.offeredOrAllocatedByFramework.values()) total = total.plus(held);
      this.totalOfferedOrAllocatedValue = total;
    }
    return this.totalOfferedOrAllocatedValue;
  }
  /** `capabilities.has('MULTI_ROLE')`, without a set lookup on every visit (recomputed when the set is replaced). */
  get multiRole(): boolean {
    if (this.multiRoleOf !== this.capabilities) {
      this.multiRoleOf = this.capabilities;
      this.multiRoleValue = this.capabilities.has('MULTI_ROLE');
    }
    return this.multiRoleValue;
  }
  get hasGpu(): boolean {
    return this.hasGpuValue;
  }
  /** Whether the total has revocable resources (without which nothing available is revocable). */
  get hasRevocableTotal(): boolean {
    return this.hasRevocableTotalValue;
  }
  offeredOrAllocated(): ReadonlyMap<string, Resources> {
    return this.offeredOrAllocatedByFramework;
  }
  /** Per framework, what its tasks and executors use here (a subset of `offeredOrAllocated()`). */
  allocated(): ReadonlyMap<string, Resources> {
    return this.allocatedByFramework;
  }
  /** Mesos `Slave::totalAllocated`: everything tasks and executors use here. */
  get totalAllocated(): Resources {
    if (this.totalAllocatedValue === undefined) {
      let total = Resources.EMPTY;
      for (const used of this.allocatedByFramework.values()) total = total.plus(used);
      this.totalAllocatedValue = total;
    }
    return this.totalAllocatedValue;
  }
  /** What the framework holds here that no task uses: its outstanding offers. */
  offeredTo(frameworkId: string): Resources {
    const held = this.offeredOrAllocatedByFramework.get(frameworkId);
    if (held === undefined) return Resources.EMPTY;
    const used = this.allocatedByFramework.get(frameworkId);
    return used === undefined ? held : held.minus(used);
  }

  /** Part of the framework's holding is now used by tasks (the caller checked it is held and not yet used). */
  markAllocated(frameworkId: string, resources: Resources): void {
    if (resources.isEmpty()) return;
    this.allocatedByFramework.set(frameworkId, (this.allocatedByFramework.get(frameworkId) ?? Resources.EMPTY).plus(resources));
    this.totalAllocatedValue = undefined;
  }

  /** Tasks no longer use `resources` (returned, or still held but offered again); returns what was not marked used. */
  unmarkAllocated(frameworkId: string, resources: Resources): Resources {
    const used = this.allocatedByFramework.get(frameworkId);
    if (used === undefined || resources.isEmpty()) return resources;
    const rest = used.minus(resources);
    const notUsed = resources.minus(used);
    if (rest.isEmpty()) this.allocatedByFramework.delete(frameworkId);
    else this.allocatedByFramework.set(frameworkId, rest);
    this.totalAllocatedValue = undefined;
    return notUsed;
  }

  updateTotal(total: Resources): void {
    this.totalValue = total;
    this.sharedValue = total.shared();
    this.hasGpuValue = (total.gpus() ?? 0) > 0;
    this.hasRevocableTotalValue = hasRevocable(total);
    this.updateAvailable();
  }

  /** Resources come back from a framework (declined, rescinded, task ended). */
  increaseAvailable(frameworkId: string, resources: Resources): void {
    if (resources.isEmpty()) return;
    const held = this.offeredOrAllocatedByFramework.get(frameworkId) ?? Resources.EMPTY;
    const rest = held.minus(resources);
    if (rest.isEmpty()) this.offeredOrAllocatedByFramework.delete(frameworkId);
    else this.offeredOrAllocatedByFramework.set(frameworkId, rest);
    this.totalOfferedOrAllocatedValue = undefined;
    // Used resources are always held: a framework that gives back more than it had offered loses
    // the excess from its used part too (one map lookup when it has none here: declines).
    const used = this.allocatedByFramework.get(frameworkId);
    if (used !== undefined && !rest.contains(used)) this.unmarkAllocated(frameworkId, used.minus(rest));
    // total − (used − r) = available + r when r was in use; shared resources need the full formula.
    if (this.sharedValue.isEmpty()) this.setAvailable(this.availableValue.plus(resources.unallocate()));
    else this.updateAvailable();
  }

  /**
   * Resources go to a framework (offered, or allocated via `used`). `fromAvailable` says they
   * were taken out of `available` (the cycle's offers), which allows the cheap update.
   */
  decreaseAvailable(frameworkId: string, resources: Resources, fromAvailable = false): void {
    if (resources.isEmpty()) return;
    this.offeredOrAllocatedByFramework.set(frameworkId, (this.offeredOrAllocatedByFramework.get(frameworkId) ?? Resources.EMPTY).plus(resources));
    this.totalOfferedOrAllocatedValue = undefined;
    // total − (used + r) = available − r when r came out of available.
    if (fromAvailable && this.sharedValue.isEmpty()) this.setAvailable(this.availableValue.minusUnallocated(resources));
    else this.updateAvailable();
  }

  /** `available.allocatableTo(role)`, cached until `available` changes (the cycle asks per framework). */
  allocatableTo(role: string): Resources {
    const view = this.views.get(role);
    return (view.allocatable ??= this.availableValue.allocatableTo(role));
  }

  /** Whether anything on the agent is allocatable to `role`; asks the cached view when there is one, else scans without making it. */
  anyAllocatableTo(role: string): boolean {
    const view = this.views.peek(role);
    return view?.allocatable !== undefined ? !view.allocatable.isEmpty() : this.availableValue.anyAllocatableTo(role);
  }

  /**
   * `allocatableTo(role)` without what the framework cannot take for lack of capabilities (shared,
   * revocable, refined reservations), cached likewise: frameworks of one role mostly share a
   * capability mask, so the cycle computes this once per agent.
   */
  allocatableFor(role: string, framework: FrameworkState): Resources {
    const view = this.views.get(role);
    const mask = framework.resourceCapabilityMask;
    if ((view.strippedValid & (1 << mask)) !== 0) return view.stripped[mask]!;
    const stripped = stripIncapableResources((view.allocatable ??= this.availableValue.allocatableTo(role)), framework);
    view.stripped[mask] = stripped;
    view.strippedValid |= 1 << mask;
    return stripped;
  }

  /** The quota-counted part (unreserved non-revocable scalars) of a stripped allocatable set, and the rest; cached like it. */
  quotaSplit(role: string, framework: FrameworkState, available: Resources): QuotaSplit {
    const view = this.views.get(role);
    const mask = framework.resourceCapabilityMask;
    if ((view.splitValid & (1 << mask)) !== 0) return view.split[mask]!;
    const split = { quota: available.filter(isQuotaScalar), other: available.filter((r) => !isQuotaScalar(r)) };
    view.split[mask] = split;
    view.splitValid |= 1 << mask;
    return split;
  }

  /** Whether `allocatableTo(role)` passes the global min-allocatable rule, cached like it. */
  allocatableMeetsGlobalMinimum(role: string, globalMinimum: readonly ResourceQuantities[] | undefined): boolean {
    const view = this.views.get(role);
    return (view.meetsGlobalMinimum ??= isAllocatable((view.allocatable ??= this.availableValue.allocatableTo(role)), globalMinimum));
  }

  private setAvailable(available: Resources): void {
    this.availableValue = available;
    this.views.invalidate();
  }

  private updateAvailable(): void {
    const used = this.totalOfferedOrAllocated.unallocate();
    this.availableValue = this.sharedValue.isEmpty()
      ? this.totalValue.minus(used)
      : this.totalValue.nonShared().minus(used.nonShared()).plus(this.sharedValue);
    this.views.invalidate();
  }
}
