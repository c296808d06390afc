/**
 * A simulated data-service framework: it runs what its controller decides. Operator mode: the
 * controller's operations go straight to the engine (`applyAvailable`, the master's operator
 * API). Framework mode: it waits for an offer from the planned agent and accepts it with the
 * operations in offer form (`updateAllocation`), as a dcos-commons scheduler does. Either way it
 * launches instances out of offers that carry their own reservations, kills what the controller
 * asks, and reports task ends.
 */
import type { AllocatorEngine, Unavailability } from '../allocator/index.ts';
import { operationConversions, type Resources, type ResourceConversion } from '../resources/index.ts';
import { reservationOwner, toOfferOperations, type DataServiceController, type LifecycleDecision, type Proposal } from '../placement/index.ts';
import type { AgentBook } from './agent-book.ts';

export interface SimLaunch {
  readonly service: string;
  readonly podInstance: string;
  readonly agentId: string;
  readonly taskId: string;
  readonly relaunch: boolean;
}

export interface SimOperation {
  readonly service: string;
  readonly podInstance: string;
  readonly agentId: string;
  readonly kind: Proposal['kind'];
  readonly reason: Proposal['reason'];
  readonly via: Proposal['via'];
  readonly operations: readonly string[];
  readonly volumes: readonly string[];
  readonly ok: boolean;
  readonly error?: string;
}

interface Task {
  readonly taskId: string;
  readonly agentId: string;
  readonly resources: Resources;
}

export class SimServiceFramework {
  readonly tasks = new Map<string, Task>();
  /** Resources reserved for another owner that reached this framework in an offer (the steering keeps this 0). */
  foreignOffered = 0;
  /** Framework mode: proposals waiting for an offer from their agent. */
  readonly #awaiting = new Map<string, Proposal>();

  constructor(
    readonly frameworkId: string,
    readonly controller: DataServiceController,
    private readonly engine: AllocatorEngine,
    private readonly book: AgentBook,
  ) {}

  get role(): string {
    return this.controller.spec.role;
  }

  /** Carries out a controller decision; returns the operator-mode operations it applied (or that failed). */
  carryOut(decision: LifecycleDecision, now: number): SimOperation[] {
    const done: SimOperation[] = [];
    for (const p of decision.proposals) {
      if (p.via === 'framework') {
        this.#awaiting.set(p.id, p);
        continue;
      }
      try {
        this.engine.applyAvailable(p.agentId, p.operations);
        this.book.apply(p.agentId, p.operations);
        this.controller.confirm(p.id);
        done.push(record(p, true));
      } catch (e) {
        this.controller.fail(p.id, (e as Error).message);
        done.push(record(p, false, (e as Error).message));
      }
    }
    for (const k of decision.kills) this.end(k.podInstance, 'TASK_KILLED');
    for (const agentId of decision.acceptInverseOffers) {
      this.engine.updateInverseOffer(agentId, this.frameworkId, { status: 'ACCEPT', frameworkId: this.frameworkId, timestamp: now });
    }
    return done;
  }

  /** The task of the instance ends (failure or kill): its resources come back with no filter. */
  end(podInstance: string, state: string): void {
    const task = this.tasks.get(podInstance);
    if (task === undefined) return;
    this.tasks.delete(podInstance);
    this.book.endTask(task.agentId, task.taskId);
    this.engine.recoverResources(this.frameworkId, task.agentId, task.resources, undefined, true);
    this.controller.taskEnded(podInstance, state);
  }

  agentRemoved(agentId: string): void {
    for (const [name, task] of this.tasks) if (task.agentId === agentId) this.tasks.delete(name);
    this.controller.agentRemoved(agentId);
  }

  inverseOffer(agentId: string, unavailability: Unavailability): void {
    this.controller.inverseOffer(agentId, unavailability);
  }

  /** An offer: accept waiting operations on it (framework mode), launch what may launch, decline the rest. */
  offer(agentId: string, offered: Resources): { launches: SimLaunch[]; operations: SimOperation[] } {
    let current = offered;
    const operations: SimOperation[] = [];
    for (const r of offered) {
      const owner = r.reservations.length === 0 ? undefined : reservationOwner(r);
      if (owner !== undefined && owner !== this.controller.service) this.foreignOffered++;
    }
    const pending = new Set(this.controller.pendingProposals());
    for (const [id, p] of this.#awaiting) {
      if (!pending.has(id)) {
        this.#awaiting.delete(id); // the controller gave up on it
        continue;
      }
      if (p.agentId !== agentId) continue;
      const accepted = this.#accept(agentId, current, p);
      if (accepted === undefined) continue; // this offer lacks what it needs: wait for another
      current = accepted;
      this.#awaiting.delete(id);
      this.book.apply(agentId, p.operations);
      this.controller.confirm(id);
      operations.push(record(p, true));
    }
    const launches: SimLaunch[] = [];
    for (const req of this.controller.launchable(agentId)) {
      const wanted = req.resources.allocate(this.role);
      if (!current.contains(wanted)) continue;
      current = current.minus(wanted);
      this.engine.transitionOfferedToAllocated(agentId, wanted);
      this.tasks.set(req.podInstance, { taskId: req.taskId, agentId, resources: wanted });
      this.book.startTask(agentId, req.taskId, wanted);
      this.controller.taskRunning(req.podInstance, req.taskId);
      launches.push({ service: this.controller.service, podInstance: req.podInstance, agentId, taskId: req.taskId, relaunch: req.relaunch });
    }
    if (!current.isEmpty()) this.engine.recoverResources(this.frameworkId, agentId, current, undefined);
    return { launches, operations };
  }

  /** ACCEPT with the proposal's operations in offer form; undefined when the offer cannot take them. */
  #accept(agentId: string, offered: Resources, p: Proposal): Resources | undefined {
    let current = offered;
    const conversions: ResourceConversion[] = [];
    try {
      for (const op of toOfferOperations(p.operations, this.role)) {
        for (const c of operationConversions(op, current, { frameworkRoles: [this.role], principal: p.principal })) {
          if (!current.contains(c.consumed)) return undefined;
          current = current.minus(c.consumed).plus(c.converted);
          conversions.push(c);
        }
      }
    } catch {
      return undefined;
    }
    this.engine.updateAllocation(this.frameworkId, agentId, offered, conversions);
    return current;
  }

  /** Instances whose task runs, and where. */
  running(): Map<string, string> {
    return new Map([...this.tasks].map(([name, t]) => [name, t.agentId]));
  }
}

function record(p: Proposal, ok: boolean, error?: string): SimOperation {
  return {
    service: p.service, podInstance: p.podInstance, agentId: p.agentId, kind: p.kind, reason: p.reason, via: p.via,
    operations: p.operations.map((o) => o.type), volumes: p.volumes, ok, ...(error === undefined ? {} : { error }),
  };
}
