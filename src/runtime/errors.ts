/**
 * Error replies. Each failure is classified once, here: the request's content was invalid
 * (INVALID_REQUEST), the engine refused the call (REJECTED), the policy failed (POLICY_FAILED),
 * or the runtime itself has a bug (INTERNAL, with the stack so it can be reported).
 */
import { AllocatorError, OfferConstraintsError } from '../allocator/index.ts';
import { OperationError, ResourceError } from '../resources/index.ts';
import { CodecError } from './codec/errors.ts';
import { protocol, type wire } from './protocol.ts';
import type { Counters } from './counters.ts';

export const ErrorCode = protocol.Error.Code;
export type ErrorCode = wire.Error.Code;

/** A failure whose code is already known (e.g. NOT_INITIALIZED, UNSUPPORTED, POLICY_FAILED). */
export class CallError extends Error {
  override readonly name: string = 'CallError';

  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
  }
}

function describe(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** The code and message for anything thrown while serving a call. */
export function classify(e: unknown): { code: ErrorCode; message: string } {
  if (e instanceof CallError) return { code: e.code, message: e.message };
  if (e instanceof CodecError) return { code: ErrorCode.INVALID_REQUEST, message: e.message };
  // The engine and the resource model refuse calls that do not fit the state with typed errors,
  // and change nothing when they do.
  if (e instanceof AllocatorError || e instanceof OperationError || e instanceof OfferConstraintsError || e instanceof ResourceError) {
    return { code: ErrorCode.REJECTED, message: `${e.name}: ${e.message}` };
  }
  const stack = e instanceof Error && typeof e.stack === 'string' ? e.stack : describe(e);
  return { code: ErrorCode.INTERNAL, message: `internal error in the mesos-policy runtime: ${stack}` };
}

export function codeName(code: ErrorCode): string {
  return (protocol.Error.Code[code] ?? `CODE_${code}`).toLowerCase();
}

/** An Error message, counted under `errors/<code>`. */
export function errorMessage(counters: Counters, code: ErrorCode, message: string): wire.IError {
  counters.increment(`errors/${codeName(code)}`);
  return { code, message };
}

export function errorFrom(counters: Counters, e: unknown): wire.IError {
  const { code, message } = classify(e);
  return errorMessage(counters, code, message);
}

export function isPromiseLike<T>(x: unknown): x is PromiseLike<T> {
  return typeof x === 'object' && x !== null && typeof (x as { then?: unknown }).then === 'function';
}
