/**
 * Calling user policy code (hooks, isolator): synchronously or through a Promise, whatever it
 * throws, rejects with or returns in a wrong shape becomes one POLICY_FAILED error naming the
 * method, and never escapes as anything else.
 */
import type { Counters } from './counters.ts';
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

/** The policy's value as a reply (undefined: `{}`, "leave unchanged"); what `reply` throws is the policy's failure too. */
function settle<Reply>(value: unknown, what: string, reply: (what: string, value: unknown) => Reply, onError: () => void): Reply | Partial<Reply> {
  try {
    return value === undefined ? {} : reply(what, value);
  } catch (e) {
    onError();
    throw policyFailed(what, e);
  }
}

async function settleLater<Reply>(
  result: PromiseLike<unknown>, what: string, reply: (what: string, value: unknown) => Reply, onError: () => void,
): Promise<Reply | Partial<Reply>> {
  let value: unknown;
  try {
    value = await result;
  } catch (e) {
    onError();
    throw policyFailed(what, e);
  }
  return settle(value, what, reply, onError);
}

/**
 * Calls `target[name](...args)` (a hook or an isolator method; absent → `undefined`, which becomes
 * `{}`, "leave unchanged"), turning its value into a reply with `reply(what, value)`; `onError`
 * runs once for a failure (sync or async) before it propagates, to count it. A synchronous call
 * makes no closure and no string: label decorators run once per task launch.
 */
export function callPolicyMethod<Reply>(
  target: object, name: string, args: readonly unknown[], what: string,
  reply: (what: string, value: unknown) => Reply, onError: () => void,
): Reply | Partial<Reply> | Promise<Reply | Partial<Reply>> {
  let result: unknown;
  try {
    // Read here: even looking the method up runs the policy's code when it is a getter.
    const method = (target as Record<string, unknown>)[name] as ((...a: unknown[]) => unknown) | undefined;
    result = method === undefined ? undefined : method.apply(target, args as unknown[]);
    if (isPromiseLike(result)) return settleLater(result, what, reply, onError); // may run a getter of the policy's object
  } catch (e) {
    onError();
    throw policyFailed(what, e);
  }
  return settle(result, what, reply, onError);
}

/** Per method, what its calls need besides their arguments: its name in errors and its error counter. */
export interface PolicyCallee {
  readonly what: string;
  readonly onError: () => void;
}

/**
 * The callees of one part of a policy (`hooks`, `isolator`), made once per method: `what` is
 * `${part} ${name}` in error messages, `onError` counts `${errorsPrefix}${name}`.
 */
export class PolicyCallees {
  private readonly byName = new Map<string, PolicyCallee>();

  constructor(
    private readonly part: string,
    private readonly errorsPrefix: string,
    private readonly counters: Counters,
  ) {}

  of(name: string): PolicyCallee {
    let callee = this.byName.get(name);
    if (callee === undefined) {
      const errors = this.errorsPrefix + name;
      this.byName.set(name, (callee = { what: `${this.part} ${name}`, onError: () => this.counters.increment(errors) }));
    }
    return callee;
  }
}
