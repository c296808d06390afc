/**
 * The simulator's own record of the agents, as the agents checkpoint it: each agent's total
 * resources with its reservations and volumes (kept while the agent is down, since a returning
 * agent brings them back), what tasks use, and which agents are up. The planner's view and
 * reconciliation read it; the engine is told every change through its public API.
 */
import type { AgentInfo } from '../allocator/index.ts';
import { applyOperation, type OfferOperation, type Resources } from '../resources/index.ts';
import type { ClusterAgent } from '../placement/index.ts';

export class AgentBook {
  readonly totals = new Map<string, Resources>();
  readonly info = new Map<string, AgentInfo>();
  readonly up = new Set<string>();
  /** Per agent, task id → the task's resources (unallocated). */
  readonly tasks = new Map<string, Map<string, Resources>>();

  add(agentId: string, info: AgentInfo, total: Resources): void {
    this.totals.set(agentId, total);
    this.info.set(agentId, info);
    this.up.add(agentId);
    this.tasks.set(agentId, new Map());
  }

  total(agentId: string): Resources {
    const t = this.totals.get(agentId);
    if (t === undefined) throw new Error(`unknown agent ${agentId}`);
    return t;
  }

  /** Operator-form operations on the agent's total (the engine applies the same). */
  apply(agentId: string, operations: readonly OfferOperation[], principal?: string): void {
    let total = this.total(agentId);
    for (const op of operations) total = applyOperation(total, op, principal === undefined ? {} : { principal });
    this.totals.set(agentId, total);
  }

  startTask(agentId: string, taskId: string, resources: Resources): void {
    this.tasks.get(agentId)!.set(taskId, resources.unallocate());
  }

  endTask(agentId: string, taskId: string): void {
    this.tasks.get(agentId)?.delete(taskId);
  }

  /** The agent went away: its tasks are gone with it (its checkpointed resources stay). */
  down(agentId: string): void {
    this.up.delete(agentId);
    this.tasks.set(agentId, new Map());
  }

  /** Up agents with what no task uses: the planner's view between two cycles (nothing is offered then). */
  view(): ClusterAgent[] {
    const out: ClusterAgent[] = [];
    for (const id of this.up) {
      const info = this.info.get(id)!;
      let free = this.total(id);
      for (const used of this.tasks.get(id)!.values()) free = free.minus(used);
      out.push({ id, hostname: info.hostname, attributes: info.attributes ?? [], ...(info.domain === undefined ? {} : { domain: info.domain }), resources: free });
    }
    return out;
  }
}
