/**
 * Offline execution: applies a plan's (or a release's) operations to a simulated cluster's agent
 * resources with the resource model's `applyOperation`, all or nothing — the input map is never
 * changed, and a failing operation is reported with its agent, instance and position.
 */
import { ResourceError, applyOperation, type OperationContext, type Resources } from '../../resources/index.ts';
import type { AgentOperations, Plan } from './types.ts';

export class PlanExecutionError extends Error {
  override readonly name: string = 'PlanExecutionError';
  readonly agentId: string;
  readonly podInstance: string | undefined;
  /** Position of the failing operation among the agent step's operations. */
  readonly operationIndex: number;
  /** RESERVE, CREATE, … */
  readonly operation: string;

  constructor(step: AgentOperations, operationIndex: number, operation: string, problem: string, options?: { cause: unknown }) {
    const who = step.podInstance === undefined ? '' : ` for ${step.podInstance}`;
    super(`${operation} #${operationIndex}${who} on agent ${step.agentId} failed: ${problem}; nothing was applied`, options);
    this.agentId = step.agentId;
    this.podInstance = step.podInstance;
    this.operationIndex = operationIndex;
    this.operation = operation;
  }
}

/** A plan's operations, one step per placement, in placement order. */
export function planOperations(plan: Plan): AgentOperations[] {
  return plan.placements.map((p) => ({ agentId: p.agent.id, podInstance: p.podInstance, operations: p.operations }));
}

/**
 * Applies the steps in order to a copy of `cluster` (agent id → unallocated resources) and
 * returns the copy; throws PlanExecutionError, leaving `cluster` as it was, when one fails.
 * `context.principal` makes the model check reservation and volume principals as the master does.
 */
export function executeOperations(cluster: ReadonlyMap<string, Resources>, steps: readonly AgentOperations[], context: OperationContext = {}): Map<string, Resources> {
  const next = new Map(cluster);
  for (const step of steps) {
    let resources = next.get(step.agentId);
    step.operations.forEach((operation, i) => {
      if (resources === undefined) throw new PlanExecutionError(step, i, operation.type, `agent ${step.agentId} is not in the cluster`);
      try {
        resources = applyOperation(resources, operation, context);
      } catch (e) {
        if (e instanceof ResourceError) throw new PlanExecutionError(step, i, operation.type, e.message, { cause: e });
        throw e;
      }
    });
    if (resources !== undefined) next.set(step.agentId, resources);
  }
  return next;
}

/** Executes a plan with the service's principal checked. */
export function executePlan(cluster: ReadonlyMap<string, Resources>, plan: Plan): Map<string, Resources> {
  return executeOperations(cluster, planOperations(plan), { principal: plan.principal });
}
