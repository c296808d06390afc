/**
 * The data-service simulation: the engine with the scenario's policy (by default Mesos's, with
 * the reservation steering in front), one lifecycle controller and simulated framework per
 * service, the scenario's plain frameworks, and its events at their cycles. A cycle: events,
 * controller ticks (their operations applied), one allocation run (the policy's operator calls
 * made right after it) whose offers the frameworks answer, then a last tick so what the offers
 * started is reported in the same cycle.
 */
import { AllocatorEngine, type AgentCapability } from '../allocator/index.ts';
import { DEFAULT_POLICY, type Policy } from '../policy/index.ts';
import { parseAttributes, type Resources } from '../resources/index.ts';
import { DataServiceController, ReservationLedger, withReservationSteering, type LifecycleEvent } from '../placement/index.ts';
import { AgentBook } from './agent-book.ts';
import { makeOperatorCalls, type SimOperatorCall } from './operator-calls.ts';
import type { FrameworkScenario, Scenario } from './scenario.ts';
import type { ScenarioEvent } from './service-scenario.ts';
import { SimServiceFramework, type SimLaunch, type SimOperation } from './service-framework.ts';
import { takeQuantities } from './take.ts';

const AGENT_CAPABILITIES: readonly AgentCapability[] = ['MULTI_ROLE', 'HIERARCHICAL_ROLE', 'RESERVATION_REFINEMENT'];

export interface ServiceSimCycle {
  readonly cycle: number;
  readonly at: number;
  readonly offers: number;
  readonly events: readonly LifecycleEvent[];
  readonly operations: readonly SimOperation[];
  readonly launches: readonly SimLaunch[];
  /** The policy's operator calls after the allocation run, made right after it, in order. */
  readonly operatorCalls: readonly SimOperatorCall[];
  /** Running tasks per service (and per plain framework) after the cycle. */
  readonly running: Readonly<Record<string, number>>;
}

export class ServiceSimulation {
  now = 0;
  cycle = 0;
  readonly engine = new AllocatorEngine();
  readonly book = new AgentBook();
  readonly ledger = new ReservationLedger({ clock: () => this.now });
  readonly services = new Map<string, SimServiceFramework>();
  readonly #plain = new Map<string, { fw: FrameworkScenario; running: number }>();
  readonly #byFramework = new Map<string, SimServiceFramework>();

  constructor(readonly scenario: Scenario, policy?: Policy) {
    this.engine.initialize({
      clock: () => this.now,
      seed: scenario.options.seed,
      allocationIntervalMs: scenario.options.allocationIntervalMs,
      ...(scenario.options.minAllocatableResources === undefined ? {} : { minAllocatableResources: scenario.options.minAllocatableResources }),
      ...(scenario.options.fairnessExcludeResourceNames === undefined ? {} : { fairnessExcludeResourceNames: scenario.options.fairnessExcludeResourceNames }),
      policy: policy ?? withReservationSteering(DEFAULT_POLICY),
    });
    for (const [role, quota] of scenario.quotas) this.engine.updateQuota(role, quota);
    if (scenario.weights.size > 0) this.engine.updateWeights([...scenario.weights].map(([role, weight]) => ({ role, weight })));
    for (const a of scenario.agents) {
      const info = { hostname: a.hostname, attributes: a.attributesText === undefined ? [] : parseAttributes(a.attributesText) };
      this.book.add(a.id, info, a.resources);
      this.engine.addAgent(a.id, info, a.capabilities ?? AGENT_CAPABILITIES, undefined, a.resources, new Map());
    }
    for (const s of scenario.services) {
      const controller = new DataServiceController(s.spec, { ...s.controller, ledger: this.ledger, clock: () => this.now });
      const fw = new SimServiceFramework(s.frameworkId, controller, this.engine, this.book);
      this.services.set(s.spec.name, fw);
      this.#byFramework.set(s.frameworkId, fw);
      this.engine.addFramework(s.frameworkId, { name: s.spec.name, roles: [s.spec.role], principal: s.spec.principal, capabilities: ['MULTI_ROLE', 'RESERVATION_REFINEMENT'] }, new Map(), true);
    }
    for (const fw of scenario.frameworks) {
      this.#plain.set(fw.id, { fw, running: 0 });
      this.engine.addFramework(fw.id, {
        ...(fw.name === undefined ? {} : { name: fw.name }),
        roles: fw.roles,
        capabilities: fw.capabilities ?? ['MULTI_ROLE'],
        ...(fw.principal === undefined ? {} : { principal: fw.principal }),
      }, new Map(), true);
    }
  }

  controller(service: string): DataServiceController {
    const fw = this.services.get(service);
    if (fw === undefined) throw new Error(`no service '${service}'`);
    return fw.controller;
  }

  /** Applies one scenario event now. */
  apply(event: ScenarioEvent): void {
    switch (event.kind) {
      case 'advance':
        this.now += event.ms;
        return;
      case 'removeAgent':
        if (!this.book.up.has(event.agentId)) return;
        this.engine.removeAgent(event.agentId);
        this.book.down(event.agentId);
        for (const fw of this.services.values()) fw.agentRemoved(event.agentId);
        return;
      case 'addAgent': {
        if (this.book.up.has(event.agentId)) return;
        this.book.up.add(event.agentId);
        this.engine.addAgent(event.agentId, this.book.info.get(event.agentId)!, AGENT_CAPABILITIES, undefined, this.book.total(event.agentId), new Map());
        for (const fw of this.services.values()) fw.controller.agentAdded(event.agentId);
        return;
      }
      case 'taskFailure':
        this.services.get(event.service)!.end(event.podInstance, 'TASK_FAILED');
        return;
      case 'maintenance': {
        const unavailability = { start: this.now + event.startInMs, ...(event.durationMs === undefined ? {} : { durationMs: event.durationMs }) };
        this.engine.updateUnavailability(event.agentId, unavailability);
        for (const fw of this.services.values()) fw.controller.maintenance(event.agentId, unavailability);
        return;
      }
      case 'scale':
        this.controller(event.service).scale(event.pod, event.count);
        return;
      case 'replace':
        this.controller(event.service).replace(event.podInstance);
        return;
    }
  }

  /** One cycle: events, ticks, allocation, answers, a last tick. */
  step(): ServiceSimCycle {
    const events: LifecycleEvent[] = [];
    const operations: SimOperation[] = [];
    const launches: SimLaunch[] = [];
    for (const e of this.scenario.events) if (e.cycle === this.cycle) this.apply(e);
    this.#tick(events, operations);
    const result = this.engine.allocate(this.now);
    const operatorCalls = makeOperatorCalls(this.engine, result.operatorCalls);
    let offers = 0;
    for (const [frameworkId, byRole] of result.offers) {
      for (const byAgent of byRole.values()) {
        for (const [agentId, offered] of byAgent) {
          offers++;
          const service = this.#byFramework.get(frameworkId);
          if (service !== undefined) {
            const answer = service.offer(agentId, offered);
            launches.push(...answer.launches);
            operations.push(...answer.operations);
          } else this.#plainOffer(frameworkId, agentId, offered);
        }
      }
    }
    for (const [frameworkId, byAgent] of result.inverseOffers) {
      const service = this.#byFramework.get(frameworkId);
      if (service === undefined) continue;
      for (const [agentId, unavailability] of byAgent) service.inverseOffer(agentId, unavailability);
    }
    this.#tick(events, operations);
    const running: Record<string, number> = {};
    for (const [name, fw] of this.services) running[name] = fw.tasks.size;
    for (const [id, p] of this.#plain) running[id] = p.running;
    const record: ServiceSimCycle = { cycle: this.cycle, at: this.now, offers, events, operations, launches, operatorCalls, running };
    this.cycle++;
    this.now += this.scenario.options.allocationIntervalMs;
    return record;
  }

  /** Controller ticks until quiet (a kill frees an instance that the next tick replaces). */
  #tick(events: LifecycleEvent[], operations: SimOperation[]): void {
    for (const fw of this.services.values()) {
      for (let round = 0; round < 4; round++) {
        const decision = fw.controller.tick(this.book.view());
        events.push(...decision.events);
        operations.push(...fw.carryOut(decision, this.now));
        if (decision.proposals.length === 0 && decision.kills.length === 0) break;
      }
    }
  }

  /** A plain framework launches its simple tasks as in `simulate` and declines the rest. */
  #plainOffer(frameworkId: string, agentId: string, offered: Resources): void {
    const p = this.#plain.get(frameworkId);
    if (p === undefined) return;
    const need = p.fw.taskResources.quantities();
    let left = offered;
    while (p.running < p.fw.tasks) {
      const task = takeQuantities(left, need);
      if (task === undefined) break;
      left = left.minus(task);
      this.book.startTask(agentId, `${frameworkId}-${p.running}`, task);
      this.engine.transitionOfferedToAllocated(agentId, task);
      p.running++;
    }
    if (!left.isEmpty()) this.engine.recoverResources(frameworkId, agentId, left, { refuseSeconds: p.fw.refuseSeconds });
  }
}
