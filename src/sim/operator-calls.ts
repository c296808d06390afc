/**
 * The simulators' stand-in for the master's operator API: a cycle's operator calls are made right
 * after the cycle (engine `applyOperatorCalls`: outstanding offers on the agent rescinded as the
 * master does, then updateAvailable per operation, 409 on the first that does not apply) and
 * reported in plain, JSON-friendly form. A rescinded offer is gone from the cycle's offers, so a
 * simulator that answers them afterwards does not answer it.
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
  /** Offers rescinded to make it, each as `framework [role] on agent: resources`. */
  readonly rescinded?: readonly string[];
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
  return calls.map((call, i) => {
    const { rescinded, ...result } = results[i]!;
    return {
      agentId: call.agentId, operations: call.operations.map(describeOperation), ...result,
      ...(rescinded === undefined ? {} : { rescinded: rescinded.map((o) => `${o.frameworkId} [${o.role}] on ${o.agentId}: ${String(o.resources.unallocate())}`) }),
    };
  });
}

export function formatOperatorCall(call: SimOperatorCall): string {
  const outcome = call.ok
    ? 'applied'
    : `failed after ${call.applied} of ${call.operations.length} (${call.httpStatus ?? 'no status'}): ${call.message ?? ''}`;
  const rescinded = call.rescinded === undefined ? '' : ` (rescinded ${call.rescinded.join('; ')})`;
  return `operator call ${call.id} on ${call.agentId}: ${call.operations.join(', ')} → ${outcome}${rescinded}`;
}
