/**
 * A framework as the allocator sees it (hierarchical.hpp `Framework`): roles, capabilities,
 * suppressed roles, refuse filters per role and agent, inverse-offer filters, per-role
 * min-allocatable overrides and offer constraints.
 */
import type { ResourceQuantities } from '../resources/index.ts';
import { isFilterExpired, type RefusedOfferFilter } from './refuse-filter.ts';
import type { FrameworkView } from '../policy/index.ts';
import type { FrameworkCapability, FrameworkInfo } from './types.ts';

export interface InverseOfferFilter {
  readonly expiresAt: number;
}

/** Roles of a framework: `roles` with MULTI_ROLE, else the single (deprecated) `role`, default `*`. */
export function frameworkRoles(info: FrameworkInfo): string[] {
  const multiRole = info.capabilities?.includes('MULTI_ROLE') ?? false;
  if (multiRole) return [...new Set(info.roles ?? [])];
  return [info.role ?? '*'];
}

export class FrameworkState {
  info: FrameworkInfo;
  roles: Set<string>;
  capabilities: Set<FrameworkCapability>;
  active: boolean;
  readonly suppressedRoles = new Set<string>();
  /** role → agent → filters. */
  readonly offerFilters = new Map<string, Map<string, RefusedOfferFilter[]>>();
  readonly inverseOfferFilters = new Map<string, InverseOfferFilter>();
  minAllocatable: ReadonlyMap<string, readonly ResourceQuantities[]>;
  /** Set by the engine from FrameworkOptions.offerConstraints; undefined means none. */
  offerConstraints: { isAgentExcluded(role: string, agent: unknown): boolean; excludedBecause?(role: string, agent: unknown): string | undefined } | undefined;

  /**
   * Bumped whenever what a policy may have based a remembered rejection on changes: info (roles,
   * capabilities), revive, deactivation (see remembered-rejections.ts).
   */
  policyEpoch = 0;
  /**
   * Bumped with every framework's `policyEpoch`, in any engine of the process: while it is unchanged
   * no framework changed, so a skip plan need not check its frameworks one by one.
   */
  static anyPolicyEpoch = 0;
  /** Bumped when the framework's info changes (`update`): what `reservationOwners.owns` answers may depend on. */
  infoEpoch = 0;
  /** Bumped with every framework's `infoEpoch`, in any engine of the process (as `anyPolicyEpoch`). */
  static anyInfoEpoch = 0;
  /** The policy's `reservationOwners.owns` answers for this framework (reservation-owners.ts), while `epoch` is its info epoch. */
  ownerAnswers: { readonly by: object; readonly epoch: number; readonly answers: Map<string, boolean> } | undefined;
  /** The policy's view of this framework, built when first asked after a change (offer-rules.ts). */
  policyView: FrameworkView | undefined;

  /** `capabilities` as the bits the cycle asks about, and the set they were computed from. */
  private bitsOf: ReadonlySet<FrameworkCapability> | undefined;
  private bits = 0;

  constructor(readonly id: string, info: FrameworkInfo, active: boolean) {
    this.info = info;
    this.roles = new Set(frameworkRoles(info));
    this.capabilities = new Set(info.capabilities ?? []);
    this.active = active;
    this.minAllocatable = new Map(Object.entries(info.minAllocatableResources ?? {}));
  }

  update(info: FrameworkInfo): void {
    this.info = info;
    this.roles = new Set(frameworkRoles(info));
    this.capabilities = new Set(info.capabilities ?? []);
    this.minAllocatable = new Map(Object.entries(info.minAllocatableResources ?? {}));
    this.bumpPolicyEpoch();
    this.infoEpoch++;
    FrameworkState.anyInfoEpoch++;
    this.policyView = undefined;
  }

  has(capability: FrameworkCapability): boolean {
    return this.capabilities.has(capability);
  }

  addOfferFilter(role: string, agentId: string, filter: RefusedOfferFilter): void {
    let byAgent = this.offerFilters.get(role);
    if (byAgent === undefined) this.offerFilters.set(role, (byAgent = new Map()));
    const list = byAgent.get(agentId);
    if (list === undefined) byAgent.set(agentId, [filter]);
    else list.push(filter);
  }

  /** Active refuse filters for (role, agent) at `now`, dropping expired ones (no allocation when none expired). */
  activeOfferFilters(role: string, agentId: string, now: number): readonly RefusedOfferFilter[] | undefined {
    const byAgent = this.offerFilters.get(role);
    if (byAgent === undefined) return undefined;
    const list = byAgent.get(agentId);
    if (list === undefined) return undefined;
    let expired = 0;
    for (let i = 0; i < list.length; i++) if (isFilterExpired(list[i]!, now)) expired++;
    if (expired === 0) return list;
    const live = list.filter((f) => !isFilterExpired(f, now));
    if (live.length === 0) {
      byAgent.delete(agentId);
      if (byAgent.size === 0) this.offerFilters.delete(role);
      return undefined;
    }
    byAgent.set(agentId, live);
    return live;
  }

  /** Bit mask of the capabilities that decide which resources a framework may receive. */
  get resourceCapabilityMask(): number {
    return this.capabilityBits() & 7;
  }

  /** `has('MULTI_ROLE')`, without a set lookup (the cycle asks for every framework it considers). */
  get multiRole(): boolean {
    return (this.capabilityBits() & 8) !== 0;
  }

  /** The capabilities the cycle asks about as bits, recomputed only when the set is replaced. */
  private capabilityBits(): number {
    if (this.bitsOf !== this.capabilities) {
      this.bitsOf = this.capabilities;
      this.bits = (this.capabilities.has('SHARED_RESOURCES') ? 1 : 0) | (this.capabilities.has('REVOCABLE_RESOURCES') ? 2 : 0) |
        (this.capabilities.has('RESERVATION_REFINEMENT') ? 4 : 0) | (this.capabilities.has('MULTI_ROLE') ? 8 : 0);
    }
    return this.bits;
  }

  /** Revive, deactivation and leaving a role: refuse filters and remembered policy rejections go. */
  clearOfferFilters(role?: string): void {
    this.bumpPolicyEpoch();
    if (role === undefined) this.offerFilters.clear();
    else this.offerFilters.delete(role);
  }

  private bumpPolicyEpoch(): void {
    this.policyEpoch++;
    FrameworkState.anyPolicyEpoch++;
  }

  clearAgentFilters(agentId: string): void {
    for (const byAgent of this.offerFilters.values()) byAgent.delete(agentId);
    this.inverseOfferFilters.delete(agentId);
  }
}

