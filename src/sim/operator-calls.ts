/**
 * The simulators' stand-in for the master's operator API: a cycle's operator calls are made right
 * after the cycle (engine `applyOperatorCalls`: updateAvailable per operation, 409 on the first
 * that does not apply) and reported in plain, JSON-friendly form.
 */
import type { AllocatorEngine } from '../allocator/engine.ts';
import { applyOperatorCalls } from '../allocator/operator-calls.ts';
import type { OperatorCall } from '../policy/index.ts';
import { Resources, type OfferOperation } from '../resources/index.ts';

export interface SimOperatorCall {
  readonly id: string;
  readonly agentId: string;
  /** Each operation as `TYPE resources`. */
  readonly operations: readonly string[];
  readonly ok: boolean;
  readonly applied: number;
  readonly httpStatus?: number;
  readonly message?: string;
}

export function describeOperation(op: OfferOperation): string {
  switch (op.type) {
    case 'RESERVE':
    case 'UNRESERVE':
      return `${op.type} ${String(Resources.of(op.resources))}`;
    case 'CREATE':
    case 'DESTROY':
      return `${op.type} ${String(Resources.of(op.volumes))}`;
    default:
      return op.type;
  }
}

/** Makes the calls in order (their results reach the policy) and reports each. */
export function makeOperatorCalls(engine: AllocatorEngine, calls: readonly OperatorCall[]): SimOperatorCall[] {
  if (calls.length === 0) return [];
  const results = applyOperatorCalls(engine, calls);
  return calls.map((call, i) => ({ agentId: call.agentId, operations: call.operations.map(describeOperation), ...results[i]! }));
}

export function formatOperatorCall(call: SimOperatorCall): string {
  const outcome = call.ok
    ? 'applied'
    : `failed after ${call.applied} of ${call.operations.length} (${call.httpStatus ?? 'no status'}): ${call.message ?? ''}`;
  return `operator call ${call.id} on ${call.agentId}: ${call.operations.join(', ')} → ${outcome}`;
}
