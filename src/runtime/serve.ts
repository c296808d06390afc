/**
 * The entry point of a policy bundle: `module.exports = serve(policy)` gives the embedded runtime
 * its `handle(method, payload)`. Each call decodes one Request, routes it by its oneof case (the
 * `method` label is for logs only) and answers one encoded Response. handle() never throws: a
 * malformed request is INVALID_REQUEST, a bug of the runtime INTERNAL with its stack; it returns a
 * Promise only when a policy answers with one.
 */
import type { Policy } from '../policy/index.ts';
import { AllocatorService } from './allocator-service.ts';
import { control, hello } from './control.ts';
import { installResourceDecodeCache } from './codec/resource-cache.ts';
import { Counters } from './counters.ts';
import { CallError, ErrorCode, errorFrom, errorMessage, isPromiseLike } from './errors.ts';
import { HookService } from './hook-service.ts';
import { IsolatorService } from './isolator-service.ts';
import { protocol, type wire } from './protocol.ts';
import { encodeResponse, type ResponseOut } from './response-bytes.ts';

export interface PolicyBundle {
  handle(method: string, payload: Uint8Array): Uint8Array | Promise<Uint8Array>;
}

type Result = ResponseOut | Promise<ResponseOut>;

function checkPolicy(policy: unknown): asserts policy is Policy {
  if (typeof policy !== 'object' || policy === null) {
    throw new TypeError(`serve(policy): the policy must be an object (export default definePolicy({...})), got ${policy === null ? 'null' : typeof policy}`);
  }
  for (const part of ['hooks', 'isolator'] as const) {
    const value = (policy as Record<string, unknown>)[part];
    if (value !== undefined && (typeof value !== 'object' || value === null)) throw new TypeError(`serve(policy): policy.${part} must be an object, got ${value === null ? 'null' : typeof value}`);
  }
}

export function serve(policy: Policy): PolicyBundle {
  checkPolicy(policy);
  // Repeated Resource messages (declines, hook calls) decode to the objects decoded before.
  installResourceDecodeCache();
  const counters = new Counters();
  const allocator = new AllocatorService(policy, counters);
  const hooks = new HookService(policy.hooks, counters);
  const isolator = new IsolatorService(policy.isolator, counters);

  /** A service's reply (or its Promise) wrapped as a Response; what a service throws becomes Response.error. */
  const answer = <T>(wrap: (reply: T) => ResponseOut, run: () => T | Promise<T>): Result => {
    try {
      const reply = run();
      if (isPromiseLike<T>(reply)) return Promise.resolve(reply).then(wrap, (e: unknown) => ({ error: errorFrom(counters, e) }));
      return wrap(reply);
    } catch (e) {
      return { error: errorFrom(counters, e) };
    }
  };

  const route = (request: wire.Request): Result => {
    const kind = request.call;
    if (kind === undefined) return { error: errorMessage(counters, ErrorCode.UNSUPPORTED, 'a Request with no call this runtime knows (newer host?)') };
    counters.incrementNamed('calls/', kind);
    switch (kind) {
      case 'hello':
        return answer((reply) => ({ hello: reply }), () => hello(request.hello!, policy, counters));
      case 'allocator':
        allocator.setNow(request.nowMs ?? undefined);
        return answer((reply) => ({ allocator: reply }), () => allocator.call(request.allocator! as wire.AllocatorCall));
      case 'allocatorBatch':
        allocator.setNow(request.nowMs ?? undefined);
        return answer((reply) => ({ allocatorBatch: reply }), () => allocator.batch(request.allocatorBatch! as wire.AllocatorBatch));
      case 'hook':
        return answer((reply) => ({ hook: reply }), () => hooks.call(request.hook! as wire.HookCall));
      case 'isolator':
        return answer((reply) => ({ isolator: reply }), () => isolator.call(request.isolator! as wire.IsolatorCall));
      case 'control':
        return answer((reply) => ({ control: reply }), () => control(request.control! as wire.ControlCall, counters, allocator));
      default:
        throw new CallError(ErrorCode.UNSUPPORTED, `unknown call ${String(kind)}`);
    }
  };

  const encode = (response: ResponseOut): Uint8Array => {
    try {
      return encodeResponse(response);
    } catch (e) {
      // Only reachable through a runtime bug: every policy value is validated before it gets here.
      return protocol.Response.encode({ error: errorFrom(counters, e) }).finish();
    }
  };

  return {
    handle(_method: string, payload: Uint8Array): Uint8Array | Promise<Uint8Array> {
      let request: wire.Request;
      try {
        request = protocol.Request.decode(payload);
      } catch (e) {
        return encode({ error: errorMessage(counters, ErrorCode.INVALID_REQUEST, `malformed Request: ${e instanceof Error ? e.message : String(e)}`) });
      }
      let result: Result;
      try {
        result = route(request);
      } catch (e) {
        result = { error: errorFrom(counters, e) };
      }
      if (isPromiseLike<ResponseOut>(result)) return Promise.resolve(result).then(encode, (e: unknown) => encode({ error: errorFrom(counters, e) }));
      return encode(result);
    },
  };
}
