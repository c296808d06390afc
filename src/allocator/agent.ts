/**
 * An agent as the allocator sees it (hierarchical.hpp `Slave`): its total, what each framework
 * has been offered or allocated there, and what is available — total minus offered-or-allocated,
 * with shared resources always available (they may be offered while in use).
 */
import { Resources } from '../resources/index.ts';
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
  private readonly offeredOrAllocatedByFramework = new Map<string, Resources>();
  /** Sum of `offeredOrAllocatedByFramework`, computed when asked (offers and declines do not need it). */
  private totalOfferedOrAllocatedValue: Resources | undefined = Resources.EMPTY;
  private availableValue = Resources.EMPTY;
  /** Per-cycle cache of `available.allocatableTo(role)`; cleared whenever `available` changes. */
  private allocatableCache = new Map<string, Resources>();
  /** Indexed by the framework's capability mask (0–7), then by role. */
  private strippedCache: Array<Map<string, Resources> | undefined> = [];
  private minimumCache = new Map<string, boolean>();
  private splitCache: Array<Map<string, { quota: Resources; other: Resources }> | undefined> = [];
  maintenance: Maintenance | undefined;

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
  get hasGpu(): boolean {
    return this.hasGpuValue;
  }
  offeredOrAllocated(): ReadonlyMap<string, Resources> {
    return this.offeredOrAllocatedByFramework;
  }

  updateTotal(total: Resources): void {
    this.totalValue = total;
    this.sharedValue = total.shared();
    this.hasGpuValue = (total.gpus() ?? 0) > 0;
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
    if (fromAvailable && this.sharedValue.isEmpty()) this.setAvailable(this.availableValue.minus(resources.unallocate()));
    else this.updateAvailable();
  }

  /** `available.allocatableTo(role)`, cached until `available` changes (the cycle asks per framework). */
  allocatableTo(role: string): Resources {
    let cached = this.allocatableCache.get(role);
    if (cached === undefined) {
      cached = this.availableValue.allocatableTo(role);
      this.allocatableCache.set(role, cached);
    }
    return cached;
  }

  /**
   * `allocatableTo(role)` without what a framework lacking capabilities cannot take (shared,
   * revocable, refined reservations; `mask` bits 1, 2, 4 say which it has), cached likewise:
   * frameworks of one role mostly share a mask, so the cycle computes this once per agent.
   */
  allocatableFor(role: string, mask: number, strip: (r: Resources) => Resources): Resources {
    let byRole = this.strippedCache[mask];
    if (byRole === undefined) this.strippedCache[mask] = byRole = new Map();
    let cached = byRole.get(role);
    if (cached === undefined) {
      cached = strip(this.allocatableTo(role));
      byRole.set(role, cached);
    }
    return cached;
  }

  /** The quota-counted part (unreserved non-revocable scalars) of a stripped allocatable set, and the rest; cached like it. */
  quotaSplit(role: string, mask: number, available: Resources, isQuotaScalar: (r: { type: string; reservations: readonly unknown[]; revocable?: boolean }) => boolean): { quota: Resources; other: Resources } {
    let byRole = this.splitCache[mask];
    if (byRole === undefined) this.splitCache[mask] = byRole = new Map();
    let cached = byRole.get(role);
    if (cached === undefined) {
      cached = { quota: available.filter(isQuotaScalar), other: available.filter((r) => !isQuotaScalar(r)) };
      byRole.set(role, cached);
    }
    return cached;
  }

  /** Whether `allocatableTo(role)` passes the global min-allocatable rule, cached like it. */
  allocatableMeetsGlobalMinimum(role: string, check: (r: Resources) => boolean): boolean {
    let cached = this.minimumCache.get(role);
    if (cached === undefined) {
      cached = check(this.allocatableTo(role));
      this.minimumCache.set(role, cached);
    }
    return cached;
  }

  private setAvailable(available: Resources): void {
    this.availableValue = available;
    this.clearCaches();
  }

  /** Fresh caches (replacing is cheaper than clearing, and most are empty anyway). */
  private clearCaches(): void {
    if (this.allocatableCache.size > 0) this.allocatableCache = new Map();
    if (this.strippedCache.length > 0) this.strippedCache = [];
    if (this.splitCache.length > 0) this.splitCache = [];
    if (this.minimumCache.size > 0) this.minimumCache = new Map();
  }

  private updateAvailable(): void {
    const used = this.totalOfferedOrAllocated.unallocate();
    this.availableValue = this.sharedValue.isEmpty()
      ? this.totalValue.minus(used)
      : this.totalValue.nonShared().minus(used.nonShared()).plus(this.sharedValue);
    this.clearCaches();
  }
}
