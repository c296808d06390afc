// An offline master for the in-master data-service policy: the engine with the policy, agents
// in racks, frameworks that launch out of offers carrying their own reservations (the task's
// resources stay allocated to them) and decline the rest, and the policy's operator calls made
// after each cycle through the engine's `applyOperatorCalls` — or failed on purpose.
import { AllocatorEngine, type AgentCapability } from '../../../src/allocator/index.ts';
import { applyOperatorCalls } from '../../../src/allocator/operator-calls.ts';
import type { OperatorCall, OperatorCallResult, Policy } from '../../../src/policy/index.ts';
import { parseAttributes, parseResources, Resources } from '../../../src/resources/index.ts';
import { ownerOf, reservationOwner } from '../../../src/placement/index.ts';

const CAPABILITIES: readonly AgentCapability[] = ['MULTI_ROLE', 'HIERARCHICAL_ROLE', 'RESERVATION_REFINEMENT'];

interface Task {
  readonly agentId: string;
  readonly resources: Resources;
}

/**
 * A data-service framework: launches each pod instance out of the offer that carries its
 * reservations and volume. A `naive` one launches out of whatever of the instance's reservations
 * it is offered, volume or not: it trusts the allocator to offer only what may launch.
 */
export class ServiceFramework {
  /** podInstance → its task. */
  readonly tasks = new Map<string, Task>();
  /** Offered resources reserved for another owner (the steering keeps this 0). */
  foreignOffered = 0;
  launches = 0;
  /** Every launch, with the persistence ids of the volumes it got. */
  readonly launched: Array<{ podInstance: string; agentId: string; volumes: string[] }> = [];
  naive = false;

  constructor(readonly id: string, readonly service: string, public engine: AllocatorEngine) {}

  offer(agentId: string, offered: Resources): void {
    const byInstance = new Map<string, Resources>();
    let rest = offered;
    for (const r of offered) {
      if (r.reservations.length === 0) continue;
      const owner = reservationOwner(r);
      if (owner !== undefined && owner !== this.service) this.foreignOffered++;
      const labels = ownerOf(r);
      if (labels?.service !== this.service || labels.podInstance === undefined || this.tasks.has(labels.podInstance)) continue;
      byInstance.set(labels.podInstance, (byInstance.get(labels.podInstance) ?? Resources.EMPTY).plus(Resources.of([r])));
    }
    for (const [podInstance, resources] of byInstance) {
      const volumes = resources.persistentVolumes().toArray().map((r) => r.disk!.persistence!.id);
      if (volumes.length === 0 && !this.naive) continue; // not its whole reservation set yet
      rest = rest.minus(resources);
      this.engine.transitionOfferedToAllocated(agentId, resources, this.id);
      this.tasks.set(podInstance, { agentId, resources });
      this.launches++;
      this.launched.push({ podInstance, agentId, volumes });
    }
    if (!rest.isEmpty()) this.engine.recoverResources(this.id, agentId, rest, { refuseSeconds: 5 });
  }

  /** The task ends (failure or kill): its resources come back. */
  end(podInstance: string): void {
    const task = this.tasks.get(podInstance);
    if (task === undefined) return;
    this.tasks.delete(podInstance);
    this.engine.recoverResources(this.id, task.agentId, task.resources, undefined, true);
  }

  agentLost(agentId: string): void {
    for (const [name, task] of this.tasks) if (task.agentId === agentId) this.tasks.delete(name);
  }
}

/** Returns a result for a call to fail it (after applying `applied` of its operations), undefined to make it. */
export type CallFault = (call: OperatorCall) => CallOutcome | undefined;

export interface CallOutcome {
  /** Operations made before the failure. */
  readonly applied: number;
  readonly httpStatus: number;
  /** What the result says was made (a lost answer may say less than was made); default `applied`. */
  readonly reported?: number;
  /** false: the master stops after the `applied` operations; the policy never hears of the call. */
  readonly answered?: boolean;
}

export class MasterCluster {
  now = 0;
  engine = new AllocatorEngine();
  readonly frameworks = new Map<string, ServiceFramework>();
  readonly results: OperatorCallResult[] = [];
  readonly calls: OperatorCall[] = [];
  fault: CallFault | undefined;
  readonly #info = new Map<string, { hostname: string; attributes: ReturnType<typeof parseAttributes> }>();
  readonly #checkpointed = new Map<string, Resources>();

  constructor(policy: Policy, hosts: number, racks: number, resources = 'cpus:8;mem:32768;disk:200000;ports:[9000-9999]') {
    this.engine.initialize({ clock: () => this.now, seed: 1, allocationIntervalMs: 1000, policy });
    for (let n = 0; n < hosts; n++) {
      const id = `host-${n}`;
      const info = { hostname: id, attributes: parseAttributes(`rack:r${n % racks}`) };
      this.#info.set(id, info);
      this.engine.addAgent(id, info, CAPABILITIES, undefined, parseResources(resources), new Map());
    }
  }

  addServiceFramework(id: string, service: string, role: string): ServiceFramework {
    const fw = new ServiceFramework(id, service, this.engine);
    this.frameworks.set(id, fw);
    this.engine.addFramework(id, { name: service, roles: [role], principal: service, capabilities: ['MULTI_ROLE', 'RESERVATION_REFINEMENT'] }, new Map(), true);
    return fw;
  }

  /** One cycle: offers answered, then the policy's operator calls made. */
  step(): { calls: readonly OperatorCall[]; results: OperatorCallResult[] } {
    const cycle = this.engine.allocate(this.now);
    for (const [frameworkId, byRole] of cycle.offers) {
      const fw = this.frameworks.get(frameworkId)!;
      for (const byAgent of byRole.values()) for (const [agentId, offered] of byAgent) fw.offer(agentId, offered);
    }
    const results = cycle.operatorCalls.flatMap((call) => this.#make(call) ?? []);
    this.calls.push(...cycle.operatorCalls);
    this.results.push(...results);
    this.now += 1000;
    return { calls: cycle.operatorCalls, results };
  }

  steps(n: number): void {
    for (let i = 0; i < n; i++) this.step();
  }

  #make(call: OperatorCall): OperatorCallResult | undefined {
    const fault = this.fault?.(call);
    if (fault === undefined) return applyOperatorCalls(this.engine, [call])[0]!;
    for (const op of call.operations.slice(0, fault.applied)) this.engine.applyAvailable(call.agentId, [op]);
    if (fault.answered === false) return undefined;
    const result: OperatorCallResult = { id: call.id, ok: false, applied: fault.reported ?? fault.applied, httpStatus: fault.httpStatus, message: 'injected' };
    this.engine.operatorCallResult(result);
    return result;
  }

  /** The agent is removed (lost); it keeps its checkpointed reservations and volumes for `restoreAgent`. */
  removeAgent(agentId: string): void {
    this.#checkpointed.set(agentId, this.engine.state.agents.get(agentId)!.total);
    this.engine.removeAgent(agentId);
    for (const fw of this.frameworks.values()) fw.agentLost(agentId);
  }

  /**
   * The agent re-registers with the same id and what it checkpointed; `used`: tasks that kept
   * running there (a partition-aware framework's), framework id → what they use.
   */
  restoreAgent(agentId: string, used: ReadonlyMap<string, Resources> = new Map()): void {
    this.engine.addAgent(agentId, this.#info.get(agentId)!, CAPABILITIES, undefined, this.#checkpointed.get(agentId)!, new Map(used));
  }

  /** What the agent checkpointed when it was removed. */
  checkpointed(agentId: string): Resources | undefined {
    return this.#checkpointed.get(agentId);
  }

  /**
   * A master failover with a fresh policy instance: a new engine learns the frameworks with the
   * resources their tasks use, and the agents with their checkpointed totals (reservations and
   * volumes), as Mesos's re-registrations tell the allocator.
   */
  failover(policy: Policy): void {
    const old = this.engine;
    this.engine = new AllocatorEngine();
    this.engine.initialize({ clock: () => this.now, seed: 1, allocationIntervalMs: 1000, policy });
    for (const fw of this.frameworks.values()) {
      const used = new Map<string, Resources>();
      for (const t of fw.tasks.values()) used.set(t.agentId, (used.get(t.agentId) ?? Resources.EMPTY).plus(t.resources));
      const info = old.state.frameworks.get(fw.id)!.info;
      this.engine.addFramework(fw.id, info, used, true);
      fw.engine = this.engine;
    }
    for (const agent of old.state.agents.values()) {
      const used = new Map<string, Resources>();
      for (const fw of this.frameworks.values()) {
        for (const t of fw.tasks.values()) if (t.agentId === agent.id) used.set(fw.id, (used.get(fw.id) ?? Resources.EMPTY).plus(t.resources));
      }
      this.engine.addAgent(agent.id, this.#info.get(agent.id)!, CAPABILITIES, undefined, agent.total, used);
    }
  }

  /** The agent's reservations and volumes: labelled resources of its total, by pod instance. */
  reserved(agentId: string, service: string): Map<string, { resourceIds: string[]; volumes: string[] }> {
    const out = new Map<string, { resourceIds: string[]; volumes: string[] }>();
    for (const r of this.engine.state.agents.get(agentId)?.total ?? []) {
      const o = r.reservations.length === 0 ? undefined : ownerOf(r);
      if (o?.service !== service || o.podInstance === undefined) continue;
      const cur = out.get(o.podInstance) ?? { resourceIds: [], volumes: [] };
      if (!cur.resourceIds.includes(o.resourceId)) cur.resourceIds.push(o.resourceId);
      if (r.disk?.persistence !== undefined) cur.volumes.push(r.disk.persistence.id);
      out.set(o.podInstance, cur);
    }
    return out;
  }

  /** Every agent's total, for ledger reconciliation. */
  totals(): Map<string, Resources> {
    return new Map([...this.engine.state.agents.values()].map((a) => [a.id, a.total]));
  }
}
