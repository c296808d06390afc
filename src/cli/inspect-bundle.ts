/**
 * Loads a policy bundle the way the Mesos module does (require it, send Hello) and reports what it
 * serves, so `modules-json` can refuse a manifest Mesos would refuse at start-up (a hook or
 * isolator module over a bundle without hooks / an isolator) before the operator restarts anything.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { compileFunction } from 'node:vm';
import { PROTOCOL_VERSION } from '../runtime/protocol.ts';
import { decodeResponse, encodeRequest, helloRequest } from '../runtime/requests.ts';

export class BundleInspectError extends Error {
  override readonly name = 'BundleInspectError';
}

export interface BundleInfo {
  readonly policyName: string;
  readonly runtimeVersion: string;
  readonly hasAllocator: boolean;
  readonly hasHooks: boolean;
  readonly hasIsolator: boolean;
}

interface Handle {
  handle(method: string, payload: Uint8Array): Uint8Array | Promise<Uint8Array>;
}

/**
 * Runs the file as CommonJS, as the embedded runtime does. Not require(): it caches (a bundle
 * rebuilt at the same path would be stale) and, under tsx, maps `policy.js` to a `policy.ts` beside it.
 */
function loadCommonJs(path: string): unknown {
  const module = { exports: {} as unknown };
  const run = compileFunction(readFileSync(path, 'utf8'), ['exports', 'require', 'module', '__filename', '__dirname'], { filename: path });
  run(module.exports, createRequire(path), module, path, dirname(path));
  return module.exports;
}

/** What the bundle serves, in words (for the CLI's messages). */
export function describeBundle(info: BundleInfo): string {
  const kinds = [info.hasAllocator ? 'allocator' : '', info.hasHooks ? 'hooks' : '', info.hasIsolator ? 'isolator' : ''].filter((k) => k !== '');
  return `policy '${info.policyName}' (mesos-policy ${info.runtimeVersion}): ${kinds.join(', ')}`;
}

export async function inspectBundle(path: string): Promise<BundleInfo> {
  let bundle: Partial<Handle>;
  try {
    bundle = loadCommonJs(path) as Partial<Handle>;
  } catch (e) {
    throw new BundleInspectError(`the policy bundle ${path} does not load: ${(e as Error).message}`);
  }
  if (typeof bundle?.handle !== 'function') throw new BundleInspectError(`${path} is not a policy bundle: it exports no handle() (build it with 'mesos-policy build')`);
  const reply = decodeResponse(await bundle.handle('hello', encodeRequest(helloRequest('allocator', 'mesos-policy modules-json'))));
  if (reply.error !== null) throw new BundleInspectError(`the policy bundle ${path} refused Hello: ${reply.error.message}`);
  const hello = reply.hello;
  if (hello === null) throw new BundleInspectError(`the policy bundle ${path} answered Hello with something else`);
  if (hello.protocolVersion !== PROTOCOL_VERSION) {
    throw new BundleInspectError(`the policy bundle ${path} speaks bridge protocol ${hello.protocolVersion}, this mesos-policy ${PROTOCOL_VERSION}: rebuild it`);
  }
  return { policyName: hello.policyName, runtimeVersion: hello.runtimeVersion, hasAllocator: hello.hasAllocator, hasHooks: hello.hasHooks, hasIsolator: hello.hasIsolator };
}
