/**
 * Calling user policy code (hooks, isolator): synchronously or through a Promise, whatever it
 * throws, rejects with or returns in a wrong shape becomes one POLICY_FAILED error naming the
 * method, and never escapes as anything else.
 */
import { CallError, ErrorCode, isPromiseLike } from './errors.ts';

function describe(e: unknown): string {
  if (e instanceof Error) return typeof e.stack === 'string' && e.stack.length > 0 ? e.stack : `${e.name}: ${e.message}`;
  try {
    return `non-Error thrown: ${typeof e === 'string' ? e : JSON.stringify(e)}`;
  } catch {
    return 'non-Error thrown (unprintable)';
  }
}

function policyFailed(what: string, e: unknown): CallError {
  if (e instanceof CallError) return e;
  return new CallError(ErrorCode.POLICY_FAILED, `${what} failed: ${describe(e)}`);
}

/** `convert` reads the policy's value, so what it throws is the policy's failure too. */
export function callPolicy<R>(what: string, invoke: () => unknown, convert: (result: unknown) => R): R | Promise<R> {
  const settle = (result: unknown): R => {
    try {
      return convert(result);
    } catch (e) {
      throw policyFailed(what, e);
    }
  };
  let result: unknown;
  let later: boolean;
  try {
    result = invoke();
    later = isPromiseLike(result); // may run a getter of the policy's object
  } catch (e) {
    throw policyFailed(what, e);
  }
  if (later) {
    return Promise.resolve(result).then(settle, (e: unknown) => {
      throw policyFailed(what, e);
    });
  }
  return settle(result);
}
