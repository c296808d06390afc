/**
 * The allocation engine: Mesos's allocator interface (include/mesos/allocator/allocator.hpp),
 * one method per Mesos call, with plain data and `Resources`. The same object is driven by a
 * real mesos-master through the native shim, by tests and by the simulator. Time and randomness
 * are injected, so every run replays exactly.
 */
import { Resources, type OfferOperation, type ResourceConversion } from '../resources/index.ts';
import { DEFAULT_POLICY, type OperatorCallResult } from '../policy/index.ts';
import { AgentState } from './agent.ts';
import { applyAvailable, updateAllocation } from './allocation-updates.ts';
import { Cycle } from './cycle.ts';
import type { CycleRecord } from './cycle-record.ts';
import { resolveOptions, sameAttributeSet, type AllocatorOptions } from './engine-options.ts';
import { AllocatorError } from './errors.ts';
import { explain, type Explanation } from './explain.ts';
import { FrameworkState } from './framework.ts';
import { applyFrameworkOptions } from './framework-options.ts';
import { askOperatorCalls, deliverOperatorCallResult, NO_OPERATOR_CALLS } from './operator-calls.ts';
import { PolicyRunner } from './policy-runner.ts';
import { addInto, scalarQuantities, subtractInto } from './quantities.ts';
import { offerHolder, quotaConsumed, recoverAllocated, recoverOffered } from './used.ts';
import { seededRandom } from './random.ts';
import { createRefusedOfferFilter, refuseFilterDurationMs } from './refuse-filter.ts';
import { DRFSorter } from './sorter/drf-sorter.ts';
import { ScalarPool } from './sorter/pool.ts';
import { RandomSorter } from './sorter/random-sorter.ts';
import { AllocatorState, byAllocationRole, type SorterFactory } from './state.ts';
import type {
  AgentCapability, AgentInfo, CycleResult, FrameworkInfo, FrameworkOptions, InverseOfferStatus,
  OfferFilters, Offers, Quota, Unavailability, WeightInfo,
} from './types.ts';

export type { AllocatorOptions } from './engine-options.ts';

export class AllocatorEngine {
  private stateValue: AllocatorState | undefined;
  private policyRunner = new PolicyRunner(DEFAULT_POLICY);
  private clock: () => number = () => 0;
  private paused = false;
  private expectedAgentCount: number | undefined;
  private recoveryResumeAt: number | undefined;
  /** Agents whose events asked for a cycle, and when the first of them did. */
  private candidates = new Set<string>();
  private triggeredAt: number | undefined;
  private periodicDueAt = 0;
  private lastCycle: CycleRecord | undefined;
  /** The last cycle's offers as handed out: a rescind takes its offer out of them. */
  private lastOffers: Offers | undefined;
  /**
   * Counters, as Mesos's `allocator/mesos/allocation_runs` and friends; `allocationRunMs` is the
   * wall time of the last run, as Mesos's `allocator/mesos/allocation_run_ms` timer records each
   * (what the master's actor spends in the engine itself, apart from whatever carries its calls).
   */
  readonly metrics = { allocationRuns: 0, offersMade: 0, inverseOffersMade: 0, allocationRunMs: 0 };

  /** Mesos `initialize`: options, then the periodic cycle starts one interval from now. */
  initialize(options: AllocatorOptions = {}): void {
    const resolved = resolveOptions(options);
    const random = options.random ?? seededRandom(options.seed ?? 0);
    const pool = new ScalarPool(resolved.fairnessExcludeResourceNames);
    const factory: SorterFactory = options.sorter === 'random'
      ? (allocationsOf) => new RandomSorter(random, { pool, ...(allocationsOf === undefined ? {} : { allocationsOf }) })
      : (allocationsOf) => new DRFSorter({ pool, ...(allocationsOf === undefined ? {} : { allocationsOf }) });
    this.stateValue = new AllocatorState(resolved, random, factory, factory, pool);
    this.policyRunner = new PolicyRunner(options.policy ?? DEFAULT_POLICY, options.onPolicyError);
    this.clock = options.clock ?? (() => 0);
    this.paused = false;
    this.periodicDueAt = this.clock() + resolved.allocationIntervalMs;
  }

  /** @internal For explain, metrics and tests. */
  get state(): AllocatorState {
    if (this.stateValue === undefined) throw new AllocatorError('the allocator is not initialized');
    return this.stateValue;
  }

  get policy(): PolicyRunner {
    return this.policyRunner;
  }

  get lastCycleRecord(): CycleRecord | undefined {
    return this.lastCycle;
  }

  /** Why `frameworkId` did or did not get `agentId` in the last cycle. */
  explain(frameworkId: string, agentId: string): Explanation {
    return explain(this, frameworkId, agentId);
  }

  isPaused(): boolean {
    return this.paused;
  }

  // ---- scheduling -------------------------------------------------------------------------

  /** Mesos `generateOffers(agents)`: batch the agents into the next cycle (dropped while paused). */
  private requestCycle(agentIds?: Iterable<string>): void {
    this.maybeEndRecovery(this.clock()); // the recovery timer may have fired since the last cycle
    if (this.paused) return;
    for (const id of agentIds ?? this.state.agents.keys()) this.candidates.add(id);
    this.triggeredAt ??= this.clock();
  }

  /** When the next cycle is due: right away after a triggering event, else one interval after the last periodic cycle. */
  nextCycleAt(): number {
    return this.candidates.size > 0 && this.triggeredAt !== undefined ? Math.min(this.triggeredAt, this.periodicDueAt) : this.periodicDueAt;
  }

  /**
   * Runs one cycle at `now`: the periodic one over every agent when it is due (or when no event
   * asked for one), else the event-triggered one over the batched candidate agents.
   */
  allocate(now: number = this.clock()): CycleResult {
    const started = performance.now();
    this.maybeEndRecovery(now);
    const periodic = now >= this.periodicDueAt || this.candidates.size === 0;
    if (periodic) {
      this.periodicDueAt = now + this.state.options.allocationIntervalMs;
      // forEach: a for…of here (run once per cycle, unoptimised) allocates an iterator result per agent.
      if (!this.paused) this.state.agents.forEach((_, id) => this.candidates.add(id));
    }
    if (this.paused) {
      // Mesos: the run does nothing and keeps its candidates for the next one; the trigger is used up.
      this.triggeredAt = undefined;
      return { offers: new Map(), inverseOffers: new Map(), candidates: 0, periodic, operatorCalls: NO_OPERATOR_CALLS };
    }
    // The cycle (and its record) keeps the set; later events batch into a new one.
    const candidates = this.candidates;
    this.candidates = new Set();
    this.triggeredAt = undefined;
    const cycle = new Cycle(this.state, this.policyRunner, candidates, now);
    cycle.run();
    this.lastCycle = cycle.record;
    this.lastOffers = cycle.offers;
    this.metrics.allocationRuns++;
    for (const byRole of cycle.offers.values()) for (const byAgent of byRole.values()) this.metrics.offersMade += byAgent.size;
    for (const byAgent of cycle.inverseOffers.values()) this.metrics.inverseOffersMade += byAgent.size;
    // Asked after the offers, so the policy sees what is still unallocated.
    const operatorCalls = askOperatorCalls(this.state, this.policyRunner, now);
    this.metrics.allocationRunMs = performance.now() - started;
    return { offers: cycle.offers, inverseOffers: cycle.inverseOffers, candidates: candidates.size, periodic, operatorCalls };
  }

  /** How one of the policy's operator calls ended (the master's answer, or offline `applyOperatorCalls`'s). */
  operatorCallResult(result: OperatorCallResult): void {
    deliverOperatorCallResult(this.policyRunner, result);
  }

  /**
   * Mesos `Master::rescindOffer` offline: the framework's outstanding offer in `role` on the agent
   * (what it holds there in that role and no task uses) goes back to the agent, with `filters`
   * (`recoverResources`), and leaves the last cycle's `offers`, so a driver that answers offers
   * after making operator calls does not answer it. Returns what was rescinded (empty: nothing).
   */
  rescindOffer(frameworkId: string, agentId: string, role: string, filters: OfferFilters | undefined): Resources {
    const agent = this.state.agents.get(agentId);
    if (agent === undefined || !this.state.frameworks.has(frameworkId)) return Resources.EMPTY;
    const offered = agent.offeredTo(frameworkId).allocations().get(role);
    if (offered === undefined || offered.isEmpty()) return Resources.EMPTY;
    this.recoverResources(frameworkId, agentId, offered, filters, false);
    const byRole = this.lastOffers?.get(frameworkId);
    const byAgent = byRole?.get(role);
    if (byAgent?.delete(agentId) === true && byAgent.size === 0) {
      byRole!.delete(role);
      if (byRole!.size === 0) this.lastOffers!.delete(frameworkId);
    }
    return offered;
  }

  /** Runs every cycle due up to `now`, in order; what a driver with a real clock does. */
  advanceTo(now: number): CycleResult[] {
    const results: CycleResult[] = [];
    for (let due = this.nextCycleAt(); due <= now; due = this.nextCycleAt()) {
      results.push(this.allocate(due));
      if (results.length > 1_000_000) throw new AllocatorError('advanceTo: runaway cycle loop');
    }
    this.maybeEndRecovery(now);
    return results;
  }

  private maybeEndRecovery(now: number): void {
    if (this.recoveryResumeAt !== undefined && now >= this.recoveryResumeAt) {
      this.recoveryResumeAt = undefined;
      this.expectedAgentCount = undefined;
      this.resume();
    }
  }

  // ---- Mesos allocator interface ----------------------------------------------------------

  /** After a master failover: with quotas, pause until enough agents are back or the timeout ends. */
  recover(expectedAgentCount: number, quotas: ReadonlyMap<string, Quota>): void {
    if (!Number.isInteger(expectedAgentCount) || expectedAgentCount < 0) throw new AllocatorError(`expectedAgentCount must be a non-negative integer, got ${expectedAgentCount}`);
    if (quotas.size === 0) return;
    for (const [role, quota] of quotas) this.updateQuota(role, quota);
    const expected = Math.floor(expectedAgentCount * this.state.options.agentRecoveryFactor);
    if (expected === 0) return;
    this.expectedAgentCount = expected;
    this.pause();
    this.recoveryResumeAt = this.clock() + this.state.options.recoveryTimeoutMs;
  }

  addFramework(frameworkId: string, info: FrameworkInfo, used: ReadonlyMap<string, Resources>, active: boolean, options: FrameworkOptions = {}): void {
    const state = this.state;
    if (state.frameworks.has(frameworkId)) throw new AllocatorError(`framework ${frameworkId} is already added`);
    const framework = new FrameworkState(frameworkId, info, active);
    applyFrameworkOptions(framework, options);
    state.frameworks.set(frameworkId, framework);
    for (const role of framework.roles) {
      state.trackFrameworkUnderRole(framework, role);
      if (framework.suppressedRoles.has(role)) state.frameworkSorter(role).deactivate(frameworkId);
      else state.frameworkSorter(role).activate(frameworkId);
    }
    // The agents already hold these, as used, in their books (addAgent's `used`).
    for (const [agentId, resources] of used) {
      if (state.agents.has(agentId)) state.trackAllocated(agentId, frameworkId, resources);
    }
    if (active) this.requestCycle();
    else this.deactivateFramework(frameworkId);
  }

  removeFramework(frameworkId: string): void {
    const state = this.state;
    const framework = state.frameworks.get(frameworkId);
    if (framework === undefined) return;
    for (const agent of state.agents.values()) {
      const held = agent.offeredOrAllocated().get(frameworkId);
      if (held === undefined) continue;
      state.untrackAllocated(agent.id, frameworkId, held);
      // Mesos leaves `totalAllocated` alone here: the master has recovered every task first. A
      // driver that removes a framework with tasks still running loses their "used" figure too.
      const used = agent.allocated().get(frameworkId);
      if (used !== undefined) agent.unmarkAllocated(frameworkId, used);
      agent.increaseAvailable(frameworkId, held);
      agent.maintenance?.offersOutstanding.delete(frameworkId);
    }
    for (const role of framework.roles) state.tryUntrackFrameworkUnderRole(framework, role);
    // Roles it held resources in but no longer subscribes to were untracked with the resources.
    state.frameworks.delete(frameworkId);
    this.policyRunner.remembered.forgetFramework(framework);
  }

  activateFramework(frameworkId: string): void {
    const framework = this.state.frameworks.get(frameworkId);
    if (framework === undefined) return;
    framework.active = true;
    for (const role of framework.roles) {
      if (!framework.suppressedRoles.has(role)) this.state.frameworkSorter(role).activate(frameworkId);
    }
    this.requestCycle();
  }

  deactivateFramework(frameworkId: string): void {
    const framework = this.state.frameworks.get(frameworkId);
    if (framework === undefined) return;
    for (const role of framework.roles) this.state.frameworkSorter(role).deactivate(frameworkId);
    framework.active = false;
    framework.clearOfferFilters();
    framework.inverseOfferFilters.clear();
  }

  /** New roles, capabilities, suppressed roles, offer constraints; runs no cycle (as Mesos). */
  updateFramework(frameworkId: string, info: FrameworkInfo, options: FrameworkOptions = {}): void {
    const state = this.state;
    const framework = state.frameworks.get(frameworkId);
    if (framework === undefined) return;
    const oldRoles = new Set(framework.roles);
    const oldSuppressed = new Set(framework.suppressedRoles);
    const probe = new FrameworkState(frameworkId, info, framework.active);
    applyFrameworkOptions(probe, options); // validates before anything changes
    const newRoles = probe.roles;
    for (const role of newRoles) {
      if (oldRoles.has(role)) continue;
      if (!state.isFrameworkTrackedUnderRole(frameworkId, role)) state.trackFrameworkUnderRole(framework, role);
      state.frameworkSorter(role).activate(frameworkId);
    }
    for (const role of oldRoles) {
      if (newRoles.has(role)) continue;
      state.frameworkSorter(role).deactivate(frameworkId);
      framework.roles.delete(role);
      state.tryUntrackFrameworkUnderRole(framework, role);
      framework.clearOfferFilters(role);
      framework.suppressedRoles.delete(role);
    }
    framework.update(info);
    framework.offerConstraints = probe.offerConstraints;
    framework.inverseOfferFilters.clear();
    const wanted = new Set(options.suppressedRoles ?? []);
    for (const role of wanted) if (!oldSuppressed.has(role)) this.suppressRole(framework, role);
    for (const role of oldSuppressed) if (!wanted.has(role) && newRoles.has(role)) this.reviveRole(framework, role);
  }

  addAgent(agentId: string, info: AgentInfo, capabilities: readonly AgentCapability[], unavailability: Unavailability | undefined, total: Resources, used: ReadonlyMap<string, Resources>): void {
    const state = this.state;
    if (state.agents.has(agentId)) throw new AllocatorError(`agent ${agentId} is already added`);
    if (typeof info?.hostname !== 'string') throw new AllocatorError(`agent ${agentId}: AgentInfo.hostname is required`);
    const agent = new AgentState(agentId, info, new Set(capabilities), true, total);
    // `used` is what tasks and executors use (Mesos: `Slave::totalAllocated` starts as its sum).
    for (const [frameworkId, resources] of used) {
      agent.decreaseAvailable(frameworkId, resources);
      agent.markAllocated(frameworkId, resources);
    }
    if (unavailability !== undefined) agent.maintenance = { unavailability, statuses: new Map(), offersOutstanding: new Set() };
    state.agents.set(agentId, agent);
    state.roleTree.trackReservations(total.reserved());
    addInto(state.totalScalarQuantities, scalarQuantities(total.scalars()));
    state.pool.addAgent(agentId, total.scalars().quantities());
    for (const [frameworkId, resources] of used) {
      if (state.frameworks.has(frameworkId)) state.trackAllocated(agentId, frameworkId, resources);
    }
    this.policyRunner.callback((p) => p.onAgentAdded?.({ id: agentId, hostname: info.hostname, attributes: info.attributes ?? [], ...(info.domain === undefined ? {} : { domain: info.domain }), total, available: agent.available }));
    if (this.paused && this.expectedAgentCount !== undefined && state.agents.size >= this.expectedAgentCount) {
      this.expectedAgentCount = undefined;
      this.recoveryResumeAt = undefined;
      this.resume();
    }
    this.requestCycle([agentId]);
  }

  removeAgent(agentId: string): void {
    const state = this.state;
    const agent = state.agents.get(agentId);
    if (agent === undefined) return;
    for (const [frameworkId, resources] of agent.offeredOrAllocated()) {
      if (state.frameworks.has(frameworkId)) state.untrackAllocated(agentId, frameworkId, resources);
    }
    state.pool.removeAgent(agentId);
    state.roleTree.untrackReservations(agent.total.reserved());
    subtractInto(state.totalScalarQuantities, scalarQuantities(agent.total.scalars()));
    state.agents.delete(agentId);
    this.candidates.delete(agentId);
    state.removeFilters(agentId);
    this.policyRunner.remembered.forgetAgent(agentId);
    this.policyRunner.callback((p) => p.onAgentRemoved?.(agentId));
  }

  /** New info, total (e.g. oversubscribed revocable resources) or capabilities; a cycle for the agent only if something changed. */
  updateAgent(agentId: string, info: AgentInfo, total?: Resources, capabilities?: readonly AgentCapability[]): void {
    const state = this.state;
    const agent = state.agents.get(agentId);
    if (agent === undefined) return;
    let updated = false;
    // Mesos compares attributes as a multiset and SlaveInfo field by field.
    const sameAttributes = sameAttributeSet(info.attributes ?? [], agent.info.attributes ?? []);
    if (!sameAttributes) {
      updated = true;
      state.removeFilters(agentId);
    }
    if (!sameAttributes || info.hostname !== agent.info.hostname || info.domain?.region !== agent.info.domain?.region || info.domain?.zone !== agent.info.domain?.zone) {
      updated = true;
      agent.info = info;
    }
    if (capabilities !== undefined) {
      const next = new Set(capabilities);
      if (next.size !== agent.capabilities.size || [...next].some((c) => !agent.capabilities.has(c))) updated = true;
      agent.capabilities = next;
    }
    if (total !== undefined && state.updateAgentTotal(agent, total)) updated = true;
    if (updated) this.requestCycle([agentId]);
  }

  /** Adds a resource provider's resources to the agent's total and its frameworks' allocations; no cycle. */
  addResourceProvider(agentId: string, total: Resources, used: ReadonlyMap<string, Resources>): void {
    const state = this.state;
    const agent = state.agents.get(agentId);
    if (agent === undefined) return;
    state.updateAgentTotal(agent, agent.total.plus(total));
    for (const [frameworkId, resources] of used) {
      if (!state.frameworks.has(frameworkId)) continue;
      agent.decreaseAvailable(frameworkId, resources);
      // Mesos does not add these to `totalAllocated`, yet a task on them ends with
      // `recoverResources(..., isAllocated = true)`, which needs them there: counted as used.
      agent.markAllocated(frameworkId, resources);
      state.trackAllocated(agentId, frameworkId, resources);
    }
  }

  activateAgent(agentId: string): void {
    const agent = this.state.agents.get(agentId);
    if (agent !== undefined) agent.activated = true;
  }

  deactivateAgent(agentId: string): void {
    const agent = this.state.agents.get(agentId);
    if (agent !== undefined) agent.activated = false;
  }

  /** Hostnames that may be offered; undefined = all. */
  updateWhitelist(hostnames: Iterable<string> | undefined): void {
    this.state.whitelist = hostnames === undefined ? undefined : new Set(hostnames);
  }

  /** Advisory; Mesos's allocator ignores it, and so does the default policy. */
  requestResources(_frameworkId: string, _requests: readonly unknown[]): void {}

  /** Operations a framework accepted on its offered resources (one allocation role). */
  updateAllocation(frameworkId: string, agentId: string, offeredResources: Resources, conversions: readonly ResourceConversion[]): void {
    updateAllocation(this.state, frameworkId, agentId, offeredResources, conversions);
  }

  /**
   * Operator operations on the agent's unallocated resources (Mesos `updateAvailable`, a future):
   * resolves when applied; rejects with OperationError, changing nothing, when they do not apply
   * (the master answers 409 Conflict).
   */
  updateAvailable(agentId: string, operations: readonly OfferOperation[]): Promise<void> {
    try {
      this.applyAvailable(agentId, operations);
      return Promise.resolve();
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /** The synchronous core of `updateAvailable`. */
  applyAvailable(agentId: string, operations: readonly OfferOperation[]): void {
    applyAvailable(this.state, agentId, operations);
  }

  /** A new maintenance schedule for the agent: drops inverse-offer filters there and runs a cycle for it. */
  updateUnavailability(agentId: string, unavailability: Unavailability | undefined): void {
    const state = this.state;
    const agent = state.agents.get(agentId);
    if (agent === undefined) return;
    for (const framework of state.frameworks.values()) framework.inverseOfferFilters.delete(agentId);
    agent.maintenance = unavailability === undefined ? undefined : { unavailability, statuses: new Map(), offersOutstanding: new Set() };
    this.requestCycle([agentId]);
  }

  updateInverseOffer(agentId: string, frameworkId: string, status: InverseOfferStatus | undefined, filters?: OfferFilters): void {
    const state = this.state;
    const agent = state.agents.get(agentId);
    const framework = state.frameworks.get(frameworkId);
    if (agent === undefined || framework === undefined || agent.maintenance === undefined) return;
    if (status?.status === 'UNKNOWN') throw new AllocatorError('an inverse offer cannot be answered with status UNKNOWN');
    if (agent.maintenance.offersOutstanding.delete(frameworkId) && status !== undefined) agent.maintenance.statuses.set(frameworkId, status);
    if (filters === undefined) return;
    // Same clamping as offer filters, but no stretching to the allocation interval.
    const duration = refuseFilterDurationMs(filters.refuseSeconds, 0);
    if (duration !== undefined) framework.inverseOfferFilters.set(agentId, { expiresAt: this.clock() + duration });
  }

  /**
   * Mesos's `allocator/mesos/quota/roles/<role>/resources/<name>/consumed` gauges: per role, the
   * unreserved non-revocable scalars its tasks use (with its subroles') plus its reservations;
   * roles with nothing consumed are left out, as Mesos removes their gauges. Computed when asked.
   */
  quotaConsumed(): Map<string, Map<string, number>> {
    return quotaConsumed(this.state);
  }

  getInverseOfferStatuses(): Promise<Map<string, Map<string, InverseOfferStatus>>> {
    const result = new Map<string, Map<string, InverseOfferStatus>>();
    for (const agent of this.state.agents.values()) {
      if (agent.maintenance !== undefined) result.set(agent.id, new Map(agent.maintenance.statuses));
    }
    return Promise.resolve(result);
  }

  /**
   * Offered resources are now used by launched tasks and executors (Mesos adds them to the agent's
   * `totalAllocated` and the role tree's allocated figures: the quota "consumed" metric). Mesos
   * does not say whose: `frameworkId` names the framework when the caller knows it (offline
   * drivers); without it the framework is the one whose outstanding offers on the agent contain
   * them (the first such, when several do: `recoverResources` later corrects a wrong guess).
   */
  transitionOfferedToAllocated(agentId: string, resources: Resources, frameworkId?: string): void {
    if (resources.isEmpty()) return;
    const agent = this.state.agents.get(agentId);
    if (agent === undefined) throw new AllocatorError(`transitionOfferedToAllocated: unknown agent ${agentId}`);
    const owner = frameworkId ?? offerHolder(agent, resources);
    if (owner === undefined || !agent.offeredTo(owner).contains(resources)) {
      throw new AllocatorError(`transitionOfferedToAllocated: ${resources} are not offered to ${frameworkId === undefined ? 'any framework' : `framework ${frameworkId}`} on agent ${agentId}`);
    }
    agent.markAllocated(owner, resources);
  }

  /**
   * Resources come back (decline, rescind, task end); `filters` installs a refuse filter.
   * `isAllocated`: they were used by tasks (transitioned, or `used` when added), not merely offered.
   */
  recoverResources(frameworkId: string, agentId: string, resources: Resources, filters: OfferFilters | undefined, isAllocated = false): void {
    if (resources.isEmpty()) return;
    const state = this.state;
    const agent = state.agents.get(agentId);
    if (agent === undefined) return;
    const framework = state.frameworks.get(frameworkId);
    if (framework === undefined) {
      // An unknown framework's tasks ended: only the "used" books can still hold them.
      if (isAllocated) recoverAllocated(agent, frameworkId, resources);
      return;
    }
    const roles = [...byAllocationRole(resources)].map(([role]) => role);
    if (roles.length !== 1) throw new AllocatorError(`recoverResources needs resources of exactly one allocation role, got ${roles.length}`);
    // Mesos CHECKs that the framework holds them (Slave::increaseAvailable): here nothing changes.
    // It also CHECKs that `isAllocated` ones are in `totalAllocated`; that figure only informs
    // (metrics, FrameworkView.used), so here what is not there is not refused: a refusal would
    // keep the resources from coming back.
    if (!(agent.offeredOrAllocated().get(frameworkId)?.contains(resources) ?? false)) {
      throw new AllocatorError(`recoverResources: ${resources} are not offered or allocated to framework ${frameworkId} on agent ${agentId}`);
    }
    if (isAllocated) recoverAllocated(agent, frameworkId, resources);
    else recoverOffered(agent, frameworkId, resources);
    const role = roles[0]!;
    agent.increaseAvailable(frameworkId, resources);
    if (state.frameworkSorters.get(role)?.contains(frameworkId) === true) state.untrackAllocated(agentId, frameworkId, resources);
    this.policyRunner.callback((p) => p.onResourcesRecovered?.({ frameworkId, agentId, resources }));
    if (filters === undefined) return;
    const filter = createRefusedOfferFilter(resources, filters.refuseSeconds, state.options.allocationIntervalMs, this.clock());
    if (filter !== undefined) framework.addOfferFilter(role, agentId, filter);
  }

  suppressOffers(frameworkId: string, roles: Iterable<string> = []): void {
    const framework = this.state.frameworks.get(frameworkId);
    if (framework === undefined) return;
    const list = [...roles];
    for (const role of list.length === 0 ? [...framework.roles] : list) this.suppressRole(framework, role);
  }

  reviveOffers(frameworkId: string, roles: Iterable<string> = []): void {
    const framework = this.state.frameworks.get(frameworkId);
    if (framework === undefined) return;
    const list = [...roles];
    framework.inverseOfferFilters.clear();
    for (const role of list.length === 0 ? [...framework.roles] : list) this.reviveRole(framework, role);
    this.requestCycle();
  }

  private suppressRole(framework: FrameworkState, role: string): void {
    const sorter = this.state.frameworkSorters.get(role);
    if (sorter === undefined || !sorter.contains(framework.id)) return;
    sorter.deactivate(framework.id);
    framework.suppressedRoles.add(role);
  }

  private reviveRole(framework: FrameworkState, role: string): void {
    framework.clearOfferFilters(role);
    const sorter = this.state.frameworkSorters.get(role);
    if (sorter === undefined || !sorter.contains(framework.id)) return;
    if (framework.active) sorter.activate(framework.id);
    framework.suppressedRoles.delete(role);
  }

  /** Quota guarantees and limits for a top-level role; `{}` removes it. No cycle. */
  updateQuota(role: string, quota: Quota): void {
    if (role.includes('/')) throw new AllocatorError(`quota can only be set on top-level roles, not '${role}'`);
    for (const [kind, q] of [['guarantees', quota.guarantees], ['limits', quota.limits]] as const) {
      for (const [name, amount] of q ?? []) {
        if (!(amount >= 0) || !Number.isFinite(amount)) throw new AllocatorError(`quota ${kind} for ${name} must be a non-negative number, got ${amount}`);
      }
    }
    this.state.roleTree.setQuota(role, quota);
    this.policyRunner.callback((p) => p.onQuotaChanged?.({ role, ...(quota.guarantees === undefined ? {} : { guarantees: quota.guarantees }), ...(quota.limits === undefined ? {} : { limits: quota.limits }) }));
  }

  /** Role weights; roles left out keep theirs. No cycle. */
  updateWeights(weights: readonly WeightInfo[]): void {
    for (const { role, weight } of weights) {
      if (!(weight > 0) || !Number.isFinite(weight)) throw new AllocatorError(`weight of role '${role}' must be positive, got ${weight}`);
    }
    for (const { role, weight } of weights) {
      this.state.roleTree.setWeight(role, weight);
      this.state.roleSorter.updateWeight(role, weight);
    }
    this.policyRunner.callback((p) => p.onWeightsChanged?.(new Map(weights.map((w) => [w.role, w.weight]))));
  }

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
  }
}
