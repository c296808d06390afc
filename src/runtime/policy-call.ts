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

/**
 * Calls `target[name](...args)` (a hook or an isolator method; absent → `undefined`, which becomes
 * `{}`, "leave unchanged"), turning its value into a reply with `reply`; `onError` runs once for a
 * failure (sync or async) before it propagates, to count it.
 */
export function callPolicyMethod<Reply>(
  target: object, name: string, args: readonly unknown[], what: string,
  reply: (value: unknown) => Reply, onError: () => void,
): Reply | Partial<Reply> | Promise<Reply | Partial<Reply>> {
  // Read inside callPolicy: even looking the method up runs the policy's code when it is a getter.
  const invoke = (): unknown => {
    const method = (target as Record<string, unknown>)[name] as ((...a: unknown[]) => unknown) | undefined;
    return method === undefined ? undefined : method.apply(target, args as unknown[]);
  };
  const counted = (e: unknown): never => {
    onError();
    throw e;
  };
  try {
    const result = callPolicy<Reply | Partial<Reply>>(what, invoke, (value) => (value === undefined ? {} : reply(value)));
    return result instanceof Promise ? result.catch(counted) : result;
  } catch (e) {
    return counted(e);
  }
}
