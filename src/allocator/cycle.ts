/**
 * One allocation cycle (hierarchical.cpp `__generateOffers` + `generateInverseOffers`):
 * agents in random order; on each agent, roles in sorter order, frameworks in sorter order;
 * the first eligible framework takes everything it may of what is left. Stage 1 serves unmet
 * quota guarantees, stage 2 shares the rest fairly up to quota limits, holding back headroom
 * for unmet guarantees. A policy may reorder, filter, score and size; what it leaves out is Mesos.
 */
import { Resources, shrinkResources } from '../resources/index.ts';
import type { AgentView, AllocationStage, OfferContext } from '../policy/index.ts';
import type { AgentState } from './agent.ts';
import type { FrameworkState } from './framework.ts';
import { isAllocatable } from './min-allocatable.ts';
import type { PolicyRunner } from './policy-runner.ts';
import { addInto, limitsMinus, minus, scalarQuantities, subtractInto, type Quantities } from './quantities.ts';
import { filtersOffer } from './refuse-filter.ts';
import type { AllocatorState } from './state.ts';
import type { CycleRecord, SkipCode } from './cycle-record.ts';
import { ancestorsOf, EMPTY_QUANTITIES, frameworkView, hasRevocable, isOwnReservation, isQuotaScalar, plainScalarNames, scalarMilli, shuffle } from './offer-rules.ts';
import type { InverseOffers, Offers } from './types.ts';

interface QuotaState {
  readonly consumed: Map<string, Quantities>;
  readonly requiredHeadroom: Quantities;
  readonly availableHeadroom: Quantities;
}

export class Cycle {
  readonly offers: Offers = new Map();
  readonly inverseOffers: InverseOffers = new Map();
  readonly record: CycleRecord;
  private readonly offeredShared = new Map<string, Resources>();
  private readonly quota: QuotaState;
  private readonly agentViews = new Map<string, AgentView>();
  /** Per-cycle memos of quota arithmetic; an offer to a role invalidates its entries. */
  private readonly unmetCache = new Map<string, Quantities | null>();
  private readonly roomCache = new Map<string, Quantities>();
  /** Name set of plain agents → roles found at their limits for all of those names. */
  private readonly saturatedByNames = new Map<string, Set<string>>();
  /** Top-level roles whose guarantees are not met yet (stage 1 stops when none is left). */
  private readonly unmetRoles = new Set<string>();
  private headroomRoom: Quantities | undefined;

  constructor(
    private readonly state: AllocatorState,
    private readonly policy: PolicyRunner,
    private readonly candidates: ReadonlySet<string>,
    private readonly now: number,
  ) {
    this.record = { at: now, candidates, offersOn: new Map(), policyRejections: new Map(), skips: new Map(), saturatedRoles: new Set() };
    this.quota = this.initialQuotaState();
  }

  /** Mesos computes consumption and headroom once, before the stages. */
  private initialQuotaState(): QuotaState {
    const consumed = new Map<string, Quantities>();
    const requiredHeadroom: Quantities = new Map();
    for (const node of this.state.roleTree.topLevel()) {
      if (!node.hasQuota()) continue;
      const c = node.quotaOfferedOrConsumed();
      consumed.set(node.role, c);
      addInto(requiredHeadroom, minus(node.guarantees, c));
    }
    const availableHeadroom = new Map(this.state.totalScalarQuantities);
    subtractInto(availableHeadroom, scalarMilli(this.state.roleSorter.allocationScalarQuantities()));
    // Unallocated reservations: the root's reservations minus the offered or allocated ones.
    const reserved: Quantities = new Map();
    const reservedOffered: Quantities = new Map();
    for (const node of this.state.roleTree.topLevel()) {
      addInto(reserved, node.reservations);
      addInto(reservedOffered, node.offeredOrAllocatedReserved);
    }
    subtractInto(availableHeadroom, minus(reserved, reservedOffered));
    for (const agent of this.state.agents.values()) {
      if (!hasRevocable(agent.available)) continue; // the usual case, checked without building anything
      const revocable = agent.available.revocable();
      if (!revocable.isEmpty()) subtractInto(availableHeadroom, scalarQuantities(revocable.scalars()));
    }
    return { consumed, requiredHeadroom, availableHeadroom };
  }

  run(): void {
    const agents: AgentState[] = [];
    for (const id of this.candidates) {
      const agent = this.state.agents.get(id);
      if (agent !== undefined && agent.activated && this.state.isWhitelisted(agent)) agents.push(agent);
    }
    shuffle(agents, this.state.random);
    for (const node of this.state.roleTree.topLevel()) if (this.unmetGuarantees(node.role) !== undefined) this.unmetRoles.add(node.role);
    for (const agent of agents) {
      if (this.unmetRoles.size === 0) break; // every guarantee met: the rest of stage 1 would offer nothing
      this.allocateAgent(agent, 'quota-guarantees');
    }
    shuffle(agents, this.state.random);
    for (const agent of agents) this.allocateAgent(agent, 'fair-share');
    this.generateInverseOffers();
  }


  private agentView(agent: AgentState): AgentView {
    let view = this.agentViews.get(agent.id);
    if (view === undefined) {
      view = {
        id: agent.id,
        hostname: agent.info.hostname,
        attributes: agent.info.attributes ?? [],
        ...(agent.info.domain === undefined ? {} : { domain: agent.info.domain }),
        total: agent.total,
        get available() {
          return agent.available;
        },
      };
      this.agentViews.set(agent.id, view);
    }
    return view;
  }

  private allocateAgent(agent: AgentState, stage: AllocationStage): void {
    const roleOrder = this.state.roleSorter.sort();
    const roles = this.policy.policy.sortRoles === undefined
      ? roleOrder
      : this.policy.sortRoles({ now: this.now, agent: this.agentView(agent), roles: roleOrder, share: (r) => this.state.roleSorter.share(r) });
    if (this.policy.hasScore) {
      this.allocateAgentByScore(agent, roles, stage);
      return;
    }
    // On an agent offering only scalars that a role's limits all cover, a role at its limits gets nothing.
    const plainNames = stage === 'fair-share' ? plainScalarNames(agent.available) : undefined;
    // Saturation only grows within a cycle: once every role is saturated for these names, skip the agent.
    let saturated: Set<string> | undefined;
    if (plainNames !== undefined) {
      const key = plainNames.join('\0');
      saturated = this.saturatedByNames.get(key);
      if (saturated === undefined) this.saturatedByNames.set(key, (saturated = new Set()));
      if (saturated.size === roles.length) return;
    }
    // Stage 1 skips every role without unmet guarantees, and no role gains some within a cycle: once
    // the roles that had some when this visit began have all been passed, the rest would be skipped.
    // (Only on the sorter's order, where each role comes once; a policy's order may repeat one.)
    let unmetAhead = roles === roleOrder ? this.unmetRoles.size : -1;
    for (const role of roles) {
      if (agent.available.isEmpty()) return;
      let unmet: Quantities | undefined;
      if (stage === 'quota-guarantees') {
        if (unmetAhead === 0) return;
        unmet = this.unmetGuarantees(role);
        if (unmet === undefined) continue;
        unmetAhead--;
      } else if (saturated !== undefined) {
        if (saturated.has(role)) continue;
        if (this.saturatedFor(role, plainNames!)) {
          saturated.add(role);
          continue;
        }
      }
      for (const frameworkId of this.frameworkOrder(role, agent)) {
        if (stage === 'quota-guarantees') {
          unmet = this.unmetGuarantees(role);
          if (unmet === undefined) break;
        }
        const outcome = this.candidate(agent, role, frameworkId, stage, unmet);
        if (outcome === 'stop') break;
        if (outcome === undefined) continue;
        this.offer(agent, role, frameworkId, stage, outcome);
      }
    }
  }

  /** With a `score` stage: repeatedly offer the agent's remainder to the best-scoring eligible framework. */
  private allocateAgentByScore(agent: AgentState, roles: readonly string[], stage: AllocationStage): void {
    for (;;) {
      if (agent.available.isEmpty()) return;
      let best: { role: string; frameworkId: string; candidate: Candidate; score: number } | undefined;
      for (const role of roles) {
        let unmet: Quantities | undefined;
        if (stage === 'quota-guarantees') {
          unmet = this.unmetGuarantees(role);
          if (unmet === undefined) continue;
        }
        for (const frameworkId of this.frameworkOrder(role, agent)) {
          const outcome = this.candidate(agent, role, frameworkId, stage, unmet);
          if (outcome === 'stop') break;
          if (outcome === undefined) continue;
          const score = this.policy.score(outcome.context ?? this.offerContext(agent, role, outcome.framework, stage, outcome.toOffer));
          if (best === undefined || score > best.score) best = { role, frameworkId, candidate: outcome, score };
        }
      }
      if (best === undefined) return;
      this.offer(agent, best.role, best.frameworkId, stage, best.candidate);
    }
  }

  private unmetGuarantees(role: string): Quantities | undefined {
    const cached = this.unmetCache.get(role);
    if (cached !== undefined) return cached ?? undefined;
    const node = this.state.roleTree.get(role);
    let unmet: Quantities | null = null;
    if (node !== undefined && node.guarantees.size > 0 && node.frameworks.size > 0) {
      const left = minus(node.guarantees, this.quota.consumed.get(role) ?? EMPTY_QUANTITIES);
      if (left.size > 0) unmet = left;
    }
    this.unmetCache.set(role, unmet);
    return unmet ?? undefined;
  }

  /** Room left under the role's limits (every limited name kept, possibly at zero). */
  private limitRoom(role: string, limits: ReadonlyMap<string, number>): Quantities {
    let room = this.roomCache.get(role);
    if (room === undefined) {
      room = limitsMinus(limits, this.quota.consumed.get(role) ?? EMPTY_QUANTITIES);
      this.roomCache.set(role, room);
    }
    return room;
  }

  /** Whether the role is at its limits for every name in `names` (and limits them all). */
  private saturatedFor(role: string, names: readonly string[]): boolean {
    const node = this.state.roleTree.get(role);
    if (node === undefined || node.limits.size === 0) return false;
    const room = this.limitRoom(role, node.limits);
    for (const name of names) {
      const left = room.get(name);
      if (left === undefined || left > 0) return false;
    }
    this.record.saturatedRoles.add(role);
    return true;
  }

  /** Available headroom beyond what unmet guarantees need. */
  private spareHeadroom(): Quantities {
    this.headroomRoom ??= minus(this.quota.availableHeadroom, this.quota.requiredHeadroom);
    return this.headroomRoom;
  }

  /**
   * The role's frameworks in the order of its sorter when the role's visit on this agent begins,
   * as Mesos walks the vector `sort()` returned then, whatever the visit's offers do to the order.
   * Without a policy's reordering it is read lazily (`order()`): the visit usually ends after one or
   * two frameworks, and building the whole array of a role with a thousand frameworks for every
   * agent cost more than the rest of the visit. Read it with `for … of`, so that leaving the loop
   * early ends the reader.
   */
  private frameworkOrder(role: string, agent: AgentState): Iterable<string> {
    const sorter = this.state.frameworkSorters.get(role);
    if (sorter === undefined) return [];
    if (this.policy.policy.sortFrameworks === undefined) return sorter.order();
    return this.policy.sortFrameworks({ now: this.now, agent: this.agentView(agent), role, frameworks: sorter.sort(), share: (f) => sorter.share(f) });
  }

  /**
   * What `frameworkId` would be offered on `agent` in `role` by Mesos's rules and the policy,
   * undefined when it gets nothing, 'stop' when nothing is left for the role on this agent.
   */
  private candidate(agent: AgentState, role: string, frameworkId: string, stage: AllocationStage, unmet: Quantities | undefined): Candidate | 'stop' | undefined {
    const framework = this.state.frameworks.get(frameworkId)!;
    if (framework.offerConstraints?.isAgentExcluded(role, agent.info) === true) return this.skip(agent, frameworkId, role, 'offer-constraints');
    const shared = this.offeredShared.get(agent.id);
    if (shared === undefined) {
      if (agent.allocatableTo(role).isEmpty()) return 'stop';
    } else if (agent.allocatableTo(role).minus(shared).isEmpty()) {
      return 'stop';
    }
    const minimum = framework.minAllocatable.get(role);
    const globalMinimum = this.state.options.minAllocatableResources;
    const incapable = this.incapability(framework, agent);
    if (incapable !== undefined) return this.skip(agent, frameworkId, role, incapable);
    // Mesos checks min-allocatable before stripping; both orders reject the same agents unless
    // the stripped part was what made the offer allocatable, which the second check catches.
    let available = agent.allocatableFor(role, framework);
    if (shared !== undefined) available = available.minus(shared);
    const meetsMinimum = shared === undefined && minimum === undefined
      ? agent.allocatableMeetsGlobalMinimum(role, globalMinimum)
      : isAllocatable(shared === undefined ? agent.allocatableTo(role) : agent.allocatableTo(role).minus(shared), globalMinimum, minimum);
    if (!meetsMinimum) {
      return this.skip(agent, frameworkId, role, 'below-min-allocatable');
    }

    let toOffer: Resources;
    let guaranteesOffering = Resources.EMPTY;
    let additional: Resources;
    const node = this.state.roleTree.get(role);
    const limits = node?.limits;
    if (stage === 'quota-guarantees') {
      const split = agent.quotaSplit(role, framework, available);
      const quotaResources = shared === undefined ? split.quota : available.filter(isQuotaScalar);
      guaranteesOffering = shrinkResources(quotaResources, { kind: 'quantities', milli: unmet! }, this.state.random);
      if (guaranteesOffering.isEmpty()) return this.skip(agent, frameworkId, role, 'no-guarantee-progress');
      toOffer = guaranteesOffering.plus(available.filter((r) => isOwnReservation(r, role) || r.type !== 'SCALAR' || r.revocable === true));
      additional = quotaResources.minus(guaranteesOffering);
      if (limits !== undefined && limits.size > 0) {
        const room = limitsMinus(this.limitRoom(role, limits), scalarQuantities(guaranteesOffering));
        additional = shrinkResources(additional, { kind: 'limits', milli: room }, this.state.random);
      }
      if (this.quota.requiredHeadroom.size > 0 && !additional.isEmpty()) {
        additional = shrinkResources(additional, { kind: 'quantities', milli: this.spareHeadroom() }, this.state.random);
      }
      toOffer = toOffer.plus(additional);
    } else if ((limits === undefined || limits.size === 0) && this.quota.requiredHeadroom.size === 0) {
      // No quota anywhere that concerns this role: everything allocatable is offered.
      toOffer = available;
      additional = Resources.EMPTY;
    } else {
      const split = shared === undefined ? agent.quotaSplit(role, framework, available) : { quota: available.filter(isQuotaScalar), other: available.filter((r) => !isQuotaScalar(r)) };
      toOffer = split.other;
      additional = split.quota;
      if (limits !== undefined && limits.size > 0) {
        additional = shrinkResources(additional, { kind: 'limits', milli: this.limitRoom(role, limits) }, this.state.random);
      }
      if (this.quota.requiredHeadroom.size > 0 && !additional.isEmpty()) {
        additional = shrinkResources(additional, { kind: 'quantities', milli: this.spareHeadroom() }, this.state.random);
      }
      toOffer = toOffer.plus(additional);
    }

    // The minimum was checked on what is allocatable before stripping (as Mesos); check what is offered.
    const unstripped = shared === undefined ? agent.allocatableTo(role) : undefined;
    if (toOffer !== unstripped && !isAllocatable(toOffer, globalMinimum, minimum)) {
      return this.skip(agent, frameworkId, role, isAllocatable(available, globalMinimum, minimum) ? 'over-quota-limit' : 'below-min-allocatable');
    }
    const filtered = this.filteredBy(framework, role, agent, toOffer);
    if (filtered !== undefined) return this.skip(agent, frameworkId, role, filtered);

    let context: OfferContext | undefined;
    if (this.policy.policy.filter !== undefined || this.policy.policy.size !== undefined) {
      context = this.offerContext(agent, role, framework, stage, toOffer);
      const rejection = this.policy.filter(context);
      if (rejection !== undefined) {
        this.record.policyRejections.set(`${frameworkId}\0${agent.id}`, { role, stage, reason: rejection.reason });
        return this.skip(agent, frameworkId, role, 'policy');
      }
      const sized = this.policy.size(context);
      if (sized !== toOffer) {
        if (sized.isEmpty()) return this.skip(agent, frameworkId, role, 'policy-sized-to-nothing');
        // Only the part of the sized offer that counts against quota changes the quota books.
        const sizedQuota = sized.filter(isQuotaScalar);
        guaranteesOffering = shrinkResources(sizedQuota, { kind: 'quantities', milli: scalarQuantities(guaranteesOffering) }, () => 0);
        additional = sizedQuota.minus(guaranteesOffering);
        toOffer = sized;
        context = this.offerContext(agent, role, framework, stage, toOffer);
      }
    }
    return { toOffer, guaranteesOffering, additional, framework, context };
  }

  private offerContext(agent: AgentState, role: string, framework: FrameworkState, stage: AllocationStage, offer: Resources): OfferContext {
    return { now: this.now, stage, role, framework: frameworkView(this.state, framework), agent: this.agentView(agent), offer };
  }

  private skip(agent: AgentState, frameworkId: string, role: string, code: SkipCode): undefined {
    let skips = this.record.skips.get(agent.id);
    if (skips === undefined) this.record.skips.set(agent.id, (skips = { frameworks: [], roles: [], codes: [] }));
    skips.frameworks.push(frameworkId);
    skips.roles.push(role);
    skips.codes.push(code);
    return undefined;
  }

  /** Mesos `isCapableOfReceivingAgent`: GPU agents only to GPU_RESOURCES frameworks (with filter_gpu_resources), remote regions only to REGION_AWARE ones. */
  private incapability(framework: FrameworkState, agent: AgentState): SkipCode | undefined {
    if (this.state.options.filterGpuResources && !framework.has('GPU_RESOURCES') && agent.hasGpu) return 'gpu-agent';
    if (!framework.has('REGION_AWARE') && this.state.isRemote(agent)) return 'remote-region';
    return undefined;
  }

  /** Mesos `isFiltered`: implicit capability filters, then refuse filters that contain the offer. */
  private filteredBy(framework: FrameworkState, role: string, agent: AgentState, offer: Resources): SkipCode | undefined {
    if (framework.has('MULTI_ROLE') && !agent.capabilities.has('MULTI_ROLE')) return 'implicit-filter';
    if (!agent.capabilities.has('HIERARCHICAL_ROLE') && role.includes('/')) return 'implicit-filter';
    const filters = framework.activeOfferFilters(role, agent.id, this.now);
    if (filters === undefined) return undefined;
    for (const filter of filters) if (filtersOffer(filter, offer)) return 'filtered';
    return undefined;
  }

  private offer(agent: AgentState, role: string, frameworkId: string, stage: AllocationStage, candidate: Candidate): void {
    const toOffer = candidate.toOffer.allocate(role);
    let byRole = this.offers.get(frameworkId);
    if (byRole === undefined) this.offers.set(frameworkId, (byRole = new Map()));
    let byAgent = byRole.get(role);
    if (byAgent === undefined) byRole.set(role, (byAgent = new Map()));
    byAgent.set(agent.id, (byAgent.get(agent.id) ?? Resources.EMPTY).plus(toOffer));
    if (toOffer.hasShared()) this.offeredShared.set(agent.id, (this.offeredShared.get(agent.id) ?? Resources.EMPTY).plus(toOffer.shared().unallocate()));

    const noQuotaChange = candidate.guaranteesOffering.isEmpty() && candidate.additional.isEmpty();
    const increase = noQuotaChange ? EMPTY_QUANTITIES : scalarQuantities(candidate.guaranteesOffering.plus(candidate.additional));
    const node = this.state.roleTree.get(role);
    if (stage === 'quota-guarantees' || (node !== undefined && node.hasQuota())) {
      for (const r of [role, ...ancestorsOf(role)]) {
        const consumed = this.quota.consumed.get(r);
        if (consumed !== undefined) addInto(consumed, increase);
        else if (r === role) this.quota.consumed.set(r, new Map(increase));
      }
    }
    if (stage === 'quota-guarantees') {
      subtractInto(this.quota.requiredHeadroom, scalarQuantities(candidate.guaranteesOffering));
    }
    subtractInto(this.quota.availableHeadroom, increase);
    if (increase.size > 0 || stage === 'quota-guarantees') {
      this.headroomRoom = undefined;
      for (const r of [role, ...ancestorsOf(role)]) {
        this.unmetCache.delete(r);
        this.roomCache.delete(r);
        if (this.unmetRoles.has(r) && this.unmetGuarantees(r) === undefined) this.unmetRoles.delete(r);
      }
    }

    let onAgent = this.record.offersOn.get(agent.id);
    if (onAgent === undefined) this.record.offersOn.set(agent.id, (onAgent = []));
    onAgent.push({ frameworkId, role, stage });

    agent.decreaseAvailable(frameworkId, toOffer, true);
    this.state.trackAllocatedInRole(agent.id, frameworkId, role, toOffer);
  }

  /** Inverse offers to active frameworks holding resources on candidate agents under maintenance. */
  private generateInverseOffers(): void {
    for (const agentId of this.candidates) {
      const agent = this.state.agents.get(agentId);
      const maintenance = agent?.maintenance;
      if (agent === undefined || maintenance === undefined) continue;
      for (const frameworkId of agent.offeredOrAllocated().keys()) {
        const framework = this.state.frameworks.get(frameworkId);
        if (framework === undefined || !framework.active) continue;
        if (maintenance.offersOutstanding.has(frameworkId)) continue;
        const filter = framework.inverseOfferFilters.get(agentId);
        if (filter !== undefined) {
          if (this.now < filter.expiresAt) continue;
          framework.inverseOfferFilters.delete(agentId);
        }
        let byAgent = this.inverseOffers.get(frameworkId);
        if (byAgent === undefined) this.inverseOffers.set(frameworkId, (byAgent = new Map()));
        byAgent.set(agentId, maintenance.unavailability);
        maintenance.offersOutstanding.add(frameworkId);
      }
    }
  }
}

interface Candidate {
  readonly toOffer: Resources;
  /** The part that serves unmet guarantees (stage 1) and the other quota-counted scalars. */
  readonly guaranteesOffering: Resources;
  readonly additional: Resources;
  readonly framework: FrameworkState;
  /** Built only when a policy stage needs it. */
  readonly context: OfferContext | undefined;
}
