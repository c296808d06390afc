/**
 * Operator calls (proto/bridge.proto `OperatorCall`, `OperatorCallResult`): the policy's calls go
 * out in allocate replies (AllocatorReply.operator_calls), the host's answer to each comes back as
 * an `operator_call_result` call.
 */
import type { OperatorCall, OperatorCallResult } from '../../policy/index.ts';
import { protocol, type wire } from '../protocol.ts';
import { CodecError } from './errors.ts';
import { operationsFromWire, operationToWire } from './operations.ts';
import { opt } from './presence.ts';

export function operatorCallToWire(call: OperatorCall): wire.IOperatorCall {
  return { id: call.id, agentId: call.agentId, operations: call.operations.map(operationToWire) };
}

/** One OperatorCall message's bytes (the allocate reply splices them in as field 7). */
export function encodeOperatorCall(call: OperatorCall): Uint8Array {
  return protocol.OperatorCall.encode(operatorCallToWire(call)).finish();
}

/** For tests and tools reading replies: the call as the policy made it (resources as `Resources`). */
export function operatorCallFromWire(m: wire.IOperatorCall, field: string): OperatorCall {
  const id = opt(m, 'id');
  if (id === undefined || id === '') throw new CodecError(`${field}.id`, 'is required');
  const agentId = opt(m, 'agentId');
  if (agentId === undefined || agentId === '') throw new CodecError(`${field}.agent_id`, 'is required');
  return { id, agentId, operations: operationsFromWire(m.operations, `${field}.operations`) };
}

/**
 * `id` and `ok` are required; `applied` absent is 0; `http_status` and `message` are passed on when
 * present. Nothing is checked against the calls handed out: a result for an id the policy does not
 * know (e.g. a call of a runtime since restarted) is the policy's to ignore.
 */
export function operatorCallResultFromWire(m: wire.IOperatorCallResult | null | undefined, field: string): OperatorCallResult {
  if (m === null || m === undefined) throw new CodecError(field, 'is required');
  const id = opt(m, 'id');
  if (id === undefined || id === '') throw new CodecError(`${field}.id`, 'is required');
  const ok = opt(m, 'ok');
  if (ok === undefined) throw new CodecError(`${field}.ok`, 'is required');
  const applied = opt(m, 'applied') ?? 0;
  if (!Number.isInteger(applied) || applied < 0) throw new CodecError(`${field}.applied`, `must be a non-negative integer, got ${applied}`);
  const httpStatus = opt(m, 'httpStatus');
  const message = opt(m, 'message');
  return Object.freeze({
    id,
    ok,
    applied,
    ...(httpStatus === undefined ? {} : { httpStatus }),
    ...(message === undefined ? {} : { message }),
  });
}

export function operatorCallResultToWire(result: OperatorCallResult): wire.IOperatorCallResult {
  return {
    id: result.id,
    ok: result.ok,
    applied: result.applied,
    ...(result.httpStatus === undefined ? {} : { httpStatus: result.httpStatus }),
    ...(result.message === undefined ? {} : { message: result.message }),
  };
}
