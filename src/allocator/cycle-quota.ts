/**
 * The quota books of one cycle (hierarchical.cpp `__generateOffers`): what each top-level role
 * with quota consumes, the headroom unmet guarantees require and the headroom available, computed
 * once before the stages and then kept up to date offer by offer, as Mesos does.
 */
import type { Resources } from '../resources/index.ts';
import type { AllocationStage } from '../policy/index.ts';
import { addInto, limitsMinus, minus, scalarQuantities, subtractInto, type Quantities } from './quantities.ts';
import type { AllocatorState } from './state.ts';
import { ancestorsOf, EMPTY_QUANTITIES, scalarMilli } from './offer-rules.ts';

export class CycleQuota {
  private readonly consumed = new Map<string, Quantities>();
  readonly requiredHeadroom: Quantities = new Map();
  private readonly availableHeadroom: Quantities;
  /** Per-cycle memos of quota arithmetic; an offer to a role invalidates its entries. */
  private readonly unmetCache = new Map<string, Quantities | null>();
  private readonly roomCache = new Map<string, Quantities>();
  private headroomRoom: Quantities | undefined;
  /** Top-level roles whose guarantees are not met yet (stage 1 stops when none is left). */
  readonly unmetRoles = new Set<string>();
  /** Whether any role has limits: if none does, no role can be found at its limits. */
  readonly anyLimits: boolean;

  constructor(private readonly state: AllocatorState) {
    let anyLimits = false;
    for (const node of state.roleTree.roles()) if (node.limits.size > 0) anyLimits = true;
    this.anyLimits = anyLimits;
    for (const node of state.roleTree.topLevel()) {
      if (!node.hasQuota()) continue;
      const c = node.quotaOfferedOrConsumed();
      this.consumed.set(node.role, c);
      addInto(this.requiredHeadroom, minus(node.guarantees, c));
    }
    const availableHeadroom = new Map(state.totalScalarQuantities);
    subtractInto(availableHeadroom, scalarMilli(state.roleSorter.allocationScalarQuantities()));
    // Unallocated reservations: the root's reservations minus the offered or allocated ones.
    const reserved: Quantities = new Map();
    const reservedOffered: Quantities = new Map();
    for (const node of state.roleTree.topLevel()) {
      addInto(reserved, node.reservations);
      addInto(reservedOffered, node.offeredOrAllocatedReserved);
    }
    subtractInto(availableHeadroom, minus(reserved, reservedOffered));
    state.agents.forEach((agent) => {
      if (!agent.hasRevocableTotal) return; // the usual case: nothing revocable can be available
      const revocable = agent.available.revocable();
      if (!revocable.isEmpty()) subtractInto(availableHeadroom, scalarQuantities(revocable.scalars()));
    });
    this.availableHeadroom = availableHeadroom;
    for (const node of state.roleTree.topLevel()) if (this.unmetGuarantees(node.role) !== undefined) this.unmetRoles.add(node.role);
  }

  /** What is left of the role's guarantees, or undefined when they are met (or it has no frameworks). */
  unmetGuarantees(role: string): Quantities | undefined {
    const cached = this.unmetCache.get(role);
    if (cached !== undefined) return cached ?? undefined;
    const node = this.state.roleTree.get(role);
    let unmet: Quantities | null = null;
    if (node !== undefined && node.guarantees.size > 0 && node.frameworks.size > 0) {
      const left = minus(node.guarantees, this.consumed.get(role) ?? EMPTY_QUANTITIES);
      if (left.size > 0) unmet = left;
    }
    this.unmetCache.set(role, unmet);
    return unmet ?? undefined;
  }

  /** Room left under the role's limits (every limited name kept, possibly at zero). */
  limitRoom(role: string, limits: ReadonlyMap<string, number>): Quantities {
    let room = this.roomCache.get(role);
    if (room === undefined) {
      room = limitsMinus(limits, this.consumed.get(role) ?? EMPTY_QUANTITIES);
      this.roomCache.set(role, room);
    }
    return room;
  }

  /** Whether the role is at its limits for every name in `names` (and limits them all). */
  saturatedFor(role: string, names: readonly string[]): boolean {
    const node = this.state.roleTree.get(role);
    if (node === undefined || node.limits.size === 0) return false;
    const room = this.limitRoom(role, node.limits);
    for (const name of names) {
      const left = room.get(name);
      if (left === undefined || left > 0) return false;
    }
    return true;
  }

  /** Available headroom beyond what unmet guarantees need. */
  spareHeadroom(): Quantities {
    this.headroomRoom ??= minus(this.availableHeadroom, this.requiredHeadroom);
    return this.headroomRoom;
  }

  /** An offer to `role` in `stage`: `guaranteesOffering` serves unmet guarantees, `additional` is the rest quota counts. */
  offered(role: string, stage: AllocationStage, guaranteesOffering: Resources, additional: Resources): void {
    const noQuotaChange = guaranteesOffering.isEmpty() && additional.isEmpty();
    const increase = noQuotaChange ? EMPTY_QUANTITIES : scalarQuantities(guaranteesOffering.plus(additional));
    const node = this.state.roleTree.get(role);
    if (stage === 'quota-guarantees' || (node !== undefined && node.hasQuota())) {
      for (const r of [role, ...ancestorsOf(role)]) {
        const consumed = this.consumed.get(r);
        if (consumed !== undefined) addInto(consumed, increase);
        else if (r === role) this.consumed.set(r, new Map(increase));
      }
    }
    if (stage === 'quota-guarantees') subtractInto(this.requiredHeadroom, scalarQuantities(guaranteesOffering));
    if (increase.size === 0 && stage !== 'quota-guarantees') return; // nothing the books hold changed
    subtractInto(this.availableHeadroom, increase);
    this.headroomRoom = undefined;
    for (const r of [role, ...ancestorsOf(role)]) {
      this.unmetCache.delete(r);
      this.roomCache.delete(r);
      if (this.unmetRoles.has(r) && this.unmetGuarantees(r) === undefined) this.unmetRoles.delete(r);
    }
  }
}
