/**
 * One allocation cycle (hierarchical.cpp `__generateOffers` + `generateInverseOffers`):
 * agents in random order; on each agent, roles in sorter order, frameworks in sorter order;
 * the first eligible framework takes everything it may of what is left. Stage 1 serves unmet
 * quota guarantees, stage 2 shares the rest fairly up to quota limits, holding back headroom
 * for unmet guarantees. A policy may reorder, filter, score and size; what it leaves out is Mesos.
 */
import { Resources, shrinkResources } from '../resources/index.ts';
import type { AllocationStage, OfferContext } from '../policy/index.ts';
import type { AgentState } from './agent.ts';
import type { FrameworkState } from './framework.ts';
import { isAllocatable } from './min-allocatable.ts';
import type { PolicyRunner } from './policy-runner.ts';
import type { RememberedRejections } from './remembered-rejections.ts';
import { RoleVisit } from './role-visit.ts';
import type { ReservationOwnership } from './reservation-owners.ts';
import { DRFSorter } from './sorter/index.ts';
import { limitsMinus, scalarQuantities, type Quantities } from './quantities.ts';
import { filtersOffer } from './refuse-filter.ts';
import type { AllocatorState } from './state.ts';
import { CycleLog, type SkipCode } from './cycle-record.ts';
import { CycleQuota } from './cycle-quota.ts';
import { generateInverseOffers } from './inverse-offers.ts';
import { agentView, frameworkView, isOwnReservation, isQuotaScalar, plainScalarNames, shuffle } from './offer-rules.ts';
import type { InverseOffers, Offers } from './types.ts';

export class Cycle {
  readonly offers: Offers = new Map();
  readonly inverseOffers: InverseOffers = new Map();
  readonly record: CycleLog;
  private readonly offeredShared = new Map<string, Resources>();
  private readonly quota: CycleQuota;
  /** Name set of plain agents → roles found at their limits for all of those names. */
  private readonly saturatedByNames = new Map<string, Set<string>>();
  /** Whether some framework has offer constraints (which are checked before anything else). */
  private readonly anyOfferConstraints: boolean;
  /** Neither offer constraints nor a sortFrameworks stage: a role's visit that ends at once has no effect. */
  private readonly visitsWithoutEffects: boolean;

  /** The policy's rejections that hold until the agent or the framework changes. */
  private readonly remembered: RememberedRejections;
  /** The visit of a role on an agent under way (one at a time). */
  private readonly visit: RoleVisit;
  /** The policy's `reservationOwners` stage, if it has one. */
  private readonly owners: ReservationOwnership | undefined;

  constructor(
    private readonly state: AllocatorState,
    private readonly policy: PolicyRunner,
    private readonly candidates: ReadonlySet<string>,
    private readonly now: number,
  ) {
    this.remembered = policy.remembered;
    this.owners = policy.ownership(state);
    this.record = new CycleLog(now, candidates);
    this.visit = new RoleVisit(this.record);
    // Mesos computes consumption and headroom once, before the stages.
    this.quota = new CycleQuota(state);
    let anyOfferConstraints = false;
    state.frameworks.forEach((framework) => {
      if (framework.offerConstraints !== undefined) anyOfferConstraints = true;
    });
    this.anyOfferConstraints = anyOfferConstraints;
    this.visitsWithoutEffects = !anyOfferConstraints && policy.policy.sortFrameworks === undefined;
  }

  run(): void {
    const agents: AgentState[] = [];
    const underMaintenance: AgentState[] = [];
    // forEach and indexed loops rather than for…of: this runs once per cycle, unoptimised, and an
    // iterator then allocates a result per agent.
    this.candidates.forEach((id) => {
      const agent = this.state.agents.get(id);
      if (agent === undefined) return;
      if (agent.maintenance !== undefined) underMaintenance.push(agent);
      if (agent.activated && this.state.isWhitelisted(agent)) agents.push(agent);
    });
    shuffle(agents, this.state.random);
    for (let i = 0; i < agents.length; i++) {
      if (this.quota.unmetRoles.size === 0) break; // every guarantee met: the rest of stage 1 would offer nothing
      this.allocateAgent(agents[i]!, 'quota-guarantees');
    }
    shuffle(agents, this.state.random);
    for (let i = 0; i < agents.length; i++) this.allocateAgent(agents[i]!, 'fair-share');
    generateInverseOffers(this.state, underMaintenance, this.now, this.inverseOffers);
  }

  private allocateAgent(agent: AgentState, stage: AllocationStage): void {
    const roleOrder = this.state.roleSorter.sort();
    const roles = this.policy.policy.sortRoles === undefined
      ? roleOrder
      : this.policy.sortRoles({ now: this.now, agent: agentView(agent), roles: roleOrder, share: (r) => this.state.roleSorter.share(r) });
    if (this.policy.hasScore) {
      this.allocateAgentByScore(agent, roles, stage);
      return;
    }
    // On an agent offering only scalars that a role's limits all cover, a role at its limits gets nothing.
    const plainNames = stage === 'fair-share' && this.quota.anyLimits ? plainScalarNames(agent.available) : undefined;
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
    let unmetAhead = roles === roleOrder ? this.quota.unmetRoles.size : -1;
    for (const role of roles) {
      if (agent.available.isEmpty()) return;
      let unmet: Quantities | undefined;
      if (stage === 'quota-guarantees') {
        if (unmetAhead === 0) return;
        // The roles with unmet guarantees are exactly `unmetRoles` (quota is on top-level roles only);
        // a lookup in that shrinking set is cheaper than in the memo of every role.
        if (!this.quota.unmetRoles.has(role)) continue;
        unmet = this.quota.unmetGuarantees(role);
        if (unmet === undefined) continue;
        unmetAhead--;
      } else if (saturated !== undefined) {
        if (saturated.has(role)) continue;
        if (this.quota.saturatedFor(role, plainNames!)) {
          this.record.saturatedRoles.add(role);
          saturated.add(role);
          continue;
        }
      }
      // Nothing on the agent for the role: its first framework would end the visit ('stop') before
      // anything is noted, unless offer constraints skip (and note) frameworks first. Not skipped
      // when reading the order has effects: a policy's sortFrameworks, or the random sorter's draws.
      if (this.visitsWithoutEffects && !agent.anyAllocatableTo(role) && this.state.frameworkSorters.get(role) instanceof DRFSorter) continue;
      const visit = this.beginVisit(agent, role, stage);
      for (let frameworkId = visit.next(); frameworkId !== undefined; frameworkId = visit.next()) {
        if (stage === 'quota-guarantees') {
          unmet = this.quota.unmetGuarantees(role);
          if (unmet === undefined) break;
        }
        const outcome = this.candidate(agent, role, frameworkId, stage, unmet);
        if (outcome === 'stop') break;
        if (outcome === undefined) continue;
        visit.changing();
        this.offer(agent, role, frameworkId, stage, outcome);
        // Nothing left on the agent: the next framework would end the visit ('stop'), after being
        // recorded as skipped only if offer constraints exclude it. Without any, end it now.
        if (!this.anyOfferConstraints && agent.available.isEmpty()) {
          visit.end();
          return;
        }
      }
      visit.end();
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
          unmet = this.quota.unmetGuarantees(role);
          if (unmet === undefined) continue;
        }
        // The offer comes after every role's visit: the agent does not change during one.
        const visit = this.beginVisit(agent, role, stage);
        for (let frameworkId = visit.next(); frameworkId !== undefined; frameworkId = visit.next()) {
          const outcome = this.candidate(agent, role, frameworkId, stage, unmet);
          if (outcome === 'stop') break;
          if (outcome === undefined) continue;
          const score = this.policy.score(outcome.context ?? this.offerContext(agent, role, outcome.framework, stage, outcome.toOffer));
          if (best === undefined || score > best.score) best = { role, frameworkId, candidate: outcome, score };
        }
        visit.end();
      }
      if (best === undefined) return;
      this.offer(agent, best.role, best.frameworkId, stage, best.candidate);
    }
  }

  /**
   * Begins the role's visit on the agent (role-visit.ts): the role's frameworks in the order of
   * its sorter when the visit begins, or the policy's order, without those whose remembered
   * rejection holds. Call `end()` on every way out.
   */
  private beginVisit(agent: AgentState, role: string, stage: AllocationStage): RoleVisit {
    const sorter = this.state.frameworkSorters.get(role);
    const remembered = this.remembered.size === 0 ? undefined : this.remembered.forRole(agent, role);
    const policyOrder = sorter === undefined || this.policy.policy.sortFrameworks === undefined
      ? undefined
      : this.policy.sortFrameworks({ now: this.now, agent: agentView(agent), role, frameworks: sorter.sort(), share: (f) => sorter.share(f) });
    // The owners' plan can only spare asking when the role has several frameworks.
    const owners = this.owners !== undefined && sorter !== undefined && sorter.count() > 1 && this.owners.anyOwned(agent) ? this.owners : undefined;
    this.visit.begin(agent, role, stage, sorter, remembered, owners, policyOrder);
    return this.visit;
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
    const allocatable = agent.allocatableFor(role, framework);
    let available = allocatable;
    // Another owner's reservations (policy stage reservationOwners) are left out before anything else looks.
    if (this.owners !== undefined && this.owners.anyOwned(agent)) {
      const foreign = this.owners.foreignPart(available, framework);
      if (foreign !== undefined) {
        if (foreign.rest.isEmpty()) return this.reservedForAnotherOwner(agent, framework, role, stage, foreign.owner);
        available = foreign.rest;
      }
    }
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
      // The cached split is of the agent's allocatable resources (a foreign reservation is never quota-counted).
      const quotaResources = shared === undefined ? agent.quotaSplit(role, framework, allocatable).quota : available.filter(isQuotaScalar);
      guaranteesOffering = shrinkResources(quotaResources, { kind: 'quantities', milli: unmet! }, this.state.random);
      if (guaranteesOffering.isEmpty()) return this.skip(agent, frameworkId, role, 'no-guarantee-progress');
      toOffer = guaranteesOffering.plus(available.filter((r) => isOwnReservation(r, role) || r.type !== 'SCALAR' || r.revocable === true));
      additional = quotaResources.minus(guaranteesOffering);
      if (limits !== undefined && limits.size > 0) {
        const room = limitsMinus(this.quota.limitRoom(role, limits), scalarQuantities(guaranteesOffering));
        additional = shrinkResources(additional, { kind: 'limits', milli: room }, this.state.random);
      }
      if (this.quota.requiredHeadroom.size > 0 && !additional.isEmpty()) {
        additional = shrinkResources(additional, { kind: 'quantities', milli: this.quota.spareHeadroom() }, this.state.random);
      }
      toOffer = toOffer.plus(additional);
    } else if ((limits === undefined || limits.size === 0) && this.quota.requiredHeadroom.size === 0) {
      // No quota anywhere that concerns this role: everything allocatable is offered.
      toOffer = available;
      additional = Resources.EMPTY;
    } else {
      // The cached split holds only for the agent's allocatable set itself (no shared offered, nothing foreign left out).
      const split = available === allocatable ? agent.quotaSplit(role, framework, allocatable) : { quota: available.filter(isQuotaScalar), other: available.filter((r) => !isQuotaScalar(r)) };
      toOffer = split.other;
      additional = split.quota;
      if (limits !== undefined && limits.size > 0) {
        additional = shrinkResources(additional, { kind: 'limits', milli: this.quota.limitRoom(role, limits) }, this.state.random);
      }
      if (this.quota.requiredHeadroom.size > 0 && !additional.isEmpty()) {
        additional = shrinkResources(additional, { kind: 'quantities', milli: this.quota.spareHeadroom() }, this.state.random);
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
        this.record.rejected(agent.id, frameworkId, { role, stage, reason: rejection.reason });
        if (rejection.until !== undefined) this.remembered.remember(agent, framework, role, rejection, this.now, stage);
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

  /**
   * A fresh context per visit, on purpose: one reused object would save a small allocation, but a
   * policy may keep a context (the steering pairs filter and size by its identity, a user policy may
   * log it), and a reused one would change under it. What cost was the views in it, now built once
   * per framework / agent change (offer-rules.ts).
   */
  private offerContext(agent: AgentState, role: string, framework: FrameworkState, stage: AllocationStage, offer: Resources): OfferContext {
    return { now: this.now, stage, role, framework: frameworkView(this.state, framework), agent: agentView(agent), offer };
  }

  /** Everything the role may get on the agent is another owner's: a rejection remembered until the agent changes, as a policy's with `until`. */
  private reservedForAnotherOwner(agent: AgentState, framework: FrameworkState, role: string, stage: AllocationStage, owner: string): undefined {
    const rejection = this.owners!.rejection(owner);
    this.record.rejected(agent.id, framework.id, { role, stage, reason: rejection.reason, by: 'reservationOwners' });
    this.remembered.remember(agent, framework, role, rejection, this.now, stage, 'reservationOwners');
    return this.skip(agent, framework.id, role, 'policy');
  }

  private skip(agent: AgentState, frameworkId: string, role: string, code: SkipCode): undefined {
    this.record.skipped(agent.id, frameworkId, role, code);
    return undefined;
  }

  /** Mesos `isCapableOfReceivingAgent`: GPU agents only to GPU_RESOURCES frameworks (with filter_gpu_resources), remote regions only to REGION_AWARE ones. */
  private incapability(framework: FrameworkState, agent: AgentState): SkipCode | undefined {
    // The cheap agent-side tests first: most agents have no GPUs and are local.
    if (this.state.options.filterGpuResources && agent.hasGpu && !framework.has('GPU_RESOURCES')) return 'gpu-agent';
    if (this.state.isRemote(agent) && !framework.has('REGION_AWARE')) return 'remote-region';
    return undefined;
  }

  /** Mesos `isFiltered`: implicit capability filters, then refuse filters that contain the offer. */
  private filteredBy(framework: FrameworkState, role: string, agent: AgentState, offer: Resources): SkipCode | undefined {
    if (framework.multiRole && !agent.multiRole) return 'implicit-filter';
    if (role.includes('/') && !agent.capabilities.has('HIERARCHICAL_ROLE')) return 'implicit-filter';
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
    const before = byAgent.get(agent.id);
    byAgent.set(agent.id, before === undefined ? toOffer : before.plus(toOffer));
    // Asked of the unallocated candidate (same objects, and just read): the allocated copy is likely cold.
    if (candidate.toOffer.hasShared()) this.offeredShared.set(agent.id, (this.offeredShared.get(agent.id) ?? Resources.EMPTY).plus(toOffer.shared().unallocate()));
    this.quota.offered(role, stage, candidate.guaranteesOffering, candidate.additional);
    this.record.offered(agent.id, frameworkId, role, stage);
    agent.decreaseAvailable(frameworkId, toOffer, true);
    this.state.trackAllocatedInRole(agent.id, frameworkId, role, toOffer);
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
