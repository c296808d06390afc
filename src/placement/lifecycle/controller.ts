/**
 * The data-service controller: what happens to each pod instance of one service as tasks end,
 * agents come and go, operators replace, scale and drain. Pure apart from its own state: the
 * clock is injected, the cluster is read from the view the driver passes to `tick`, and every
 * change to the cluster is a Proposal the driver applies and reports (`confirm` / `fail`).
 *
 * The rules (dcos-commons' TRANSIENT vs PERMANENT recovery, Marathon's resident tasks):
 * - a task that ends, or an agent that is removed and comes back, relaunches the instance on the
 *   same agent out of the same reservations and volume (`launchable`): never a new placement;
 * - only after `permanentFailureTimeoutMs` without the agent (or an operator `replace`) is the
 *   instance planned afresh (planner `replace`), at most `replaceRateLimit` per failure domain;
 *   its old reservations are retired and destroyed only `destroyGraceMs` later, once the agent
 *   can be reached again;
 * - a scale-down kills the instances `selectInstancesToKill` picks and releases their
 *   reservations once the task has stopped;
 * - a maintenance window moves instances off the draining agents one failure domain at a time,
 *   and an inverse offer is accepted once nothing of the service is left on the agent.
 */
import type { Unavailability } from '../../allocator/index.ts';
import { fieldValue } from '../constraints/index.ts';
import { podInstanceName, type ServiceSpec } from '../service/index.ts';
import type { ReservationLedger } from '../ledger/index.ts';
import { chooseScaleDown } from './scale.ts';
import { launchRequests } from './launch.ts';
import { runTick, type TickContext } from './tick.ts';
import { ReplacementBudget } from './rate-limit.ts';
import { ServiceState, type Instance } from './state.ts';
import type {
  DeployStrategy, ExecutionMode, InstanceStatus, LaunchRequest, LifecycleDecision, LifecycleOptions,
} from './types.ts';
import type { ClusterAgent } from '../plan/index.ts';

export class LifecycleError extends Error {
  override readonly name: string = 'LifecycleError';
}

const MINUTE = 60_000;

export class DataServiceController {
  readonly mode: ExecutionMode;
  readonly ledger: ReservationLedger;
  readonly #clock: () => number;
  readonly #state: ServiceState;
  readonly #ctx: TickContext;
  #spec: ServiceSpec;
  readonly #deploy: DeployStrategy;
  readonly #failureField: string;

  constructor(spec: ServiceSpec, options: LifecycleOptions) {
    if (typeof options?.clock !== 'function') throw new LifecycleError('a controller needs a clock: { clock: () => ms }');
    this.#spec = spec;
    this.ledger = options.ledger;
    this.#clock = options.clock;
    this.mode = options.mode ?? 'operator';
    this.#deploy = options.deploy ?? 'parallel';
    this.#failureField = options.failureDomain ?? '@zone';
    this.#state = new ServiceState(spec.name, options.clock);
    const now = this.#clock();
    for (const pod of spec.pods) {
      const wanted = new Set<number>();
      for (let i = 0; i < pod.count; i++) wanted.add(i);
      this.#state.wanted.set(pod.type, wanted);
    }
    // Instances the ledger already holds (a restarted scheduler) start idle on their agents.
    for (const r of this.ledger.instances(spec.name)) {
      const inst = this.#state.add(r.podInstance, r.podType, r.index, now);
      inst.agentId = r.agent.id;
      inst.phase = 'idle';
      this.#state.agents.set(r.agent.id, r.agent);
      if (!this.#state.wanted.get(r.podType)?.has(r.index)) inst.intent = 'decommission';
    }
    // Retired reservations it already holds (a replace the restart interrupted) wait out the grace period from now.
    const graves = new Set<string>();
    for (const e of this.ledger.entries({ service: spec.name, retired: true })) {
      const key = `${e.podInstance}\u0000${e.agentId}`;
      if (graves.has(key)) continue;
      graves.add(key);
      this.#state.graves.push({ podInstance: e.podInstance, agentId: e.agentId, retiredAt: now });
    }
    for (const [podType, indices] of this.#state.wanted) {
      for (const i of indices) {
        const name = podInstanceName(podType, i);
        if (!this.#state.instances.has(name)) this.#state.add(name, podType, i, now);
      }
    }
    this.#ctx = {
      state: this.#state,
      ledger: this.ledger,
      mode: this.mode,
      spec: () => this.#spec,
      timeoutMs: options.permanentFailureTimeoutMs ?? 10 * MINUTE,
      graceMs: options.destroyGraceMs ?? 10 * MINUTE,
      budget: new ReplacementBudget(options.replaceRateLimit ?? { perDomain: 1, windowMs: 10 * MINUTE }),
      domainOf: (agentId) => this.#domainOf(agentId),
      seed: options.seed ?? 0,
      nextId: (() => {
        let n = 0;
        return () => `${spec.name}/op-${++n}`;
      })(),
    };
  }

  get spec(): ServiceSpec {
    return this.#spec;
  }

  get service(): string {
    return this.#spec.name;
  }

  /** The agent's failure domain; an agent without the field is a domain of its own. */
  #domainOf(agentId: string): string {
    const agent = this.#state.agents.get(agentId);
    return (agent === undefined ? undefined : fieldValue(agent, this.#failureField)) ?? `agent:${agentId}`;
  }

  #require(podInstance: string): Instance {
    const inst = this.#state.instances.get(podInstance);
    if (inst === undefined) throw new LifecycleError(`${this.service}/${podInstance} is not an instance of the service`);
    return inst;
  }

  // ---- what the framework reports ------------------------------------------------------------

  /** The instance's task runs (it was launched out of `launchable`). */
  taskRunning(podInstance: string, taskId: string): void {
    const inst = this.#require(podInstance);
    if (inst.phase !== 'idle' || inst.agentId === undefined) throw new LifecycleError(`${this.service}/${podInstance} is ${inst.phase}, not launchable`);
    this.ledger.markInUse(this.service, podInstance, taskId);
    const now = this.#clock();
    this.#state.setPhase(inst, 'running', now);
    inst.taskId = taskId;
    this.#state.log(inst.launches === 0 ? 'launched' : 'relaunched', podInstance, inst.agentId, taskId);
    inst.launches++;
    inst.attempts++;
  }

  /** The instance's task ended (FINISHED, FAILED, KILLED, …): it relaunches in place unless it is leaving. */
  taskEnded(podInstance: string, state = 'TASK_FAILED'): void {
    const inst = this.#require(podInstance);
    if (inst.phase !== 'running' && inst.phase !== 'killing') return; // duplicate or late status update
    this.ledger.markIdle(this.service, podInstance);
    this.#state.setPhase(inst, 'idle', this.#clock());
    inst.taskId = undefined;
    inst.killSent = false;
    this.#state.log('task-ended', podInstance, inst.agentId, state);
  }

  /** The master removed the agent (lost, unreachable): its instances wait, nothing is planned yet. */
  agentRemoved(agentId: string): void {
    this.#state.down.add(agentId);
    const now = this.#clock();
    for (const inst of this.#state.instances.values()) {
      if (inst.agentId !== agentId || inst.phase === 'lost' || inst.phase === 'pending') continue;
      if (inst.phase === 'running' || inst.phase === 'killing') this.ledger.markIdle(this.service, inst.name);
      inst.taskId = undefined;
      inst.killSent = false;
      this.#state.setPhase(inst, 'lost', now);
      inst.lostSince = now;
      this.#state.log('lost', inst.name, agentId);
    }
    for (const [id, p] of this.#state.pending) {
      if (p.proposal.agentId !== agentId) continue;
      this.#state.pending.delete(id);
      this.#state.log('operation-failed', p.proposal.podInstance, agentId, `${p.proposal.id}: agent removed`);
    }
  }

  /** The agent is back (same agent id, its checkpointed reservations and volumes intact). */
  agentAdded(agentId: string): void {
    this.#state.down.delete(agentId);
    const now = this.#clock();
    for (const inst of this.#state.instances.values()) {
      if (inst.agentId !== agentId || inst.phase !== 'lost') continue;
      this.#state.setPhase(inst, 'idle', now);
      inst.lostSince = undefined;
      // Back before its automatic replacement was placed: sticky wins. Only that replace is
      // called off: a scale-down or an operator's replace since still holds.
      if (inst.automatic && inst.intent === 'replace' && !this.#state.hasPending(inst.name, 'reserve')) {
        inst.intent = undefined;
        inst.automatic = false;
      }
      this.#state.log('back', inst.name, agentId);
    }
  }

  // ---- what the operator asks -----------------------------------------------------------------

  /** `pod replace`: kill the task and place the instance afresh now (no timeout, no rate limit). */
  replace(podInstance: string): void {
    const inst = this.#require(podInstance);
    if (inst.intent === 'decommission') throw new LifecycleError(`${this.service}/${podInstance} is being decommissioned`);
    inst.intent = 'replace';
    inst.automatic = false;
    this.#state.log('replace-due', podInstance, inst.agentId, 'operator');
  }

  /** Elastic scaling: new instances are planned on the next tick; removed ones are killed, then released. */
  scale(podType: string, count: number): void {
    const pod = this.#spec.pods.find((p) => p.type === podType);
    const wanted = this.#state.wanted.get(podType);
    if (pod === undefined || wanted === undefined) throw new LifecycleError(`${this.service} has no pod type '${podType}'`);
    if (!Number.isInteger(count) || count < 0) throw new LifecycleError(`scale ${podType}: count must be a non-negative integer, got ${count}`);
    const now = this.#clock();
    const before = wanted.size;
    if (count > before) {
      for (let i = 0; wanted.size < count; i++) {
        const name = podInstanceName(podType, i);
        if (wanted.has(i) || this.#state.instances.has(name)) continue; // an index still being decommissioned is not reused
        wanted.add(i);
        this.#state.add(name, podType, i, now);
        this.#state.scaledUp.add(name);
      }
    } else if (count < before) {
      const candidates = [...wanted].map((i) => {
        const name = podInstanceName(podType, i);
        const inst = this.#state.instances.get(name);
        const agent = inst?.agentId === undefined ? undefined : (this.ledger.agentOf(this.service, name) ?? this.#state.agents.get(inst.agentId));
        return { name, index: i, agent };
      });
      for (const name of chooseScaleDown(pod, candidates, before - count)) {
        const inst = this.#state.instances.get(name)!;
        wanted.delete(inst.index);
        if (inst.phase === 'pending' && !this.#state.hasPending(name)) this.#state.instances.delete(name);
        else inst.intent = 'decommission';
      }
    }
    this.#spec = { ...this.#spec, pods: this.#spec.pods.map((p) => (p.type === podType ? { ...p, count } : p)) };
    this.#state.log('scaled', undefined, undefined, `${podType} ${before} → ${count}`);
  }

  /** A maintenance schedule for the agent (or its end): instances move off it, one failure domain at a time. */
  maintenance(agentId: string, unavailability: Unavailability | undefined): void {
    if (unavailability === undefined) {
      this.#state.draining.delete(agentId);
      this.#state.inverseOffers.delete(agentId);
      this.#state.accepted.delete(agentId);
      return;
    }
    this.#state.draining.set(agentId, unavailability);
    this.#state.log('maintenance', undefined, agentId, `unavailable from t=${unavailability.start}`);
  }

  /** The allocator sent an inverse offer for the agent; `tick` says when to ACCEPT it. */
  inverseOffer(agentId: string, unavailability?: Unavailability): void {
    if (unavailability !== undefined && !this.#state.draining.has(agentId)) this.maintenance(agentId, unavailability);
    this.#state.inverseOffers.add(agentId);
  }

  // ---- decisions --------------------------------------------------------------------------

  /** One step: `view` is the agents that are up, with their unallocated resources (what the planner may use). */
  tick(view: readonly ClusterAgent[]): LifecycleDecision {
    return runTick(this.#ctx, view, this.#clock());
  }

  /** The driver applied the proposal's operations. */
  confirm(proposalId: string): void {
    const pending = this.#state.pending.get(proposalId);
    if (pending === undefined) throw new LifecycleError(`no pending proposal ${proposalId}`);
    this.#state.pending.delete(proposalId);
    const now = this.#clock();
    const { proposal } = pending;
    if (pending.plan !== undefined && pending.placement !== undefined) {
      const placement = pending.placement;
      this.ledger.apply({ ...pending.plan, placements: [placement] });
      const inst = this.#require(placement.podInstance);
      inst.agentId = placement.agent.id;
      inst.launches = 0;
      inst.intent = undefined;
      inst.automatic = false;
      inst.lostSince = undefined;
      this.#state.setPhase(inst, 'idle', now);
      this.#state.agents.set(placement.agent.id, placement.agent);
      if (placement.replaces !== undefined) {
        this.#state.graves.push({ podInstance: placement.podInstance, agentId: placement.replaces, retiredAt: now });
        this.#state.log(proposal.reason === 'maintenance' ? 'moved' : 'replaced', placement.podInstance, placement.agent.id, `from ${placement.replaces}`);
      } else this.#state.log('placed', placement.podInstance, placement.agent.id, proposal.reason);
      for (const v of proposal.volumes) this.#state.log('volume-created', placement.podInstance, placement.agent.id, v);
      return;
    }
    if (pending.release !== undefined) {
      this.ledger.release(pending.release);
      for (const v of proposal.volumes) this.#state.log('volume-destroyed', proposal.podInstance, proposal.agentId, `${v} (${proposal.reason})`);
      this.#state.log('released', proposal.podInstance, proposal.agentId, proposal.reason);
      if (proposal.reason === 'gc') {
        this.#state.graves = this.#state.graves.filter((g) => !(g.podInstance === proposal.podInstance && g.agentId === proposal.agentId));
      } else if (this.ledger.entries({ service: this.service, podInstance: proposal.podInstance }).length === 0) {
        this.#state.instances.delete(proposal.podInstance);
        this.#state.graves = this.#state.graves.filter((g) => g.podInstance !== proposal.podInstance);
      }
    }
  }

  /** The operations did not apply (the master answered 409, the offer never came): nothing changed, the next tick retries. */
  fail(proposalId: string, reason: string): void {
    const pending = this.#state.pending.get(proposalId);
    if (pending === undefined) return;
    this.#state.pending.delete(proposalId);
    this.#state.log('operation-failed', pending.proposal.podInstance, pending.proposal.agentId, `${proposalId}: ${reason}`);
  }

  // ---- queries ----------------------------------------------------------------------------

  /** Tasks the framework may start now (on `agentId` only, if given): the instances' own reservations, same agent. */
  launchable(agentId?: string): LaunchRequest[] {
    return launchRequests(this.#state, this.ledger, this.#spec, this.#deploy, agentId);
  }

  status(): InstanceStatus[] {
    return [...this.#state.instances.values()].map((i) => this.#state.status(i)).sort((a, b) => a.podInstance.localeCompare(b.podInstance, 'en', { numeric: true }));
  }

  instance(podInstance: string): InstanceStatus | undefined {
    const inst = this.#state.instances.get(podInstance);
    return inst === undefined ? undefined : this.#state.status(inst);
  }

  /** Proposals sent but not yet confirmed or failed. */
  pendingProposals(): string[] {
    return [...this.#state.pending.keys()];
  }

  /** The agents the controller knows to be down. */
  downAgents(): string[] {
    return [...this.#state.down];
  }
}
