// The entry point: Hello and protocol versions, malformed and unknown requests, Health and Stats,
// internal errors, and a policy that throws everywhere still getting Mesos's default offers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AllocatorEngine } from '../../src/allocator/index.ts';
import { definePolicy } from '../../src/policy/index.ts';
import { classify } from '../../src/runtime/errors.ts';
import { protocol, PROTOCOL_VERSION, type wire } from '../../src/runtime/protocol.ts';
import { decodeResponse, encodeRequest, helloRequest, toWire, type Decoded } from '../../src/runtime/requests.ts';
import { serve } from '../../src/runtime/serve.ts';
import { RUNTIME_VERSION } from '../../src/runtime/version.ts';
import hooksPolicy from './fixtures/hooks-policy.ts';
import throwingPolicy from './fixtures/throwing-policy.ts';

const Code = protocol.Error.Code;
const CAPS = toWire.agentCapabilities(['MULTI_ROLE', 'HIERARCHICAL_ROLE', 'RESERVATION_REFINEMENT']);

function call(bundle: ReturnType<typeof serve>, request: wire.IRequest | Uint8Array): Decoded<wire.Response> {
  const answer = bundle.handle('test', request instanceof Uint8Array ? request : encodeRequest(request));
  assert.ok(answer instanceof Uint8Array);
  return decodeResponse(answer);
}

async function counters(bundle: ReturnType<typeof serve>): Promise<Map<string, number>> {
  return new Map(call(bundle, { control: { stats: {} } }).control!.stats!.counters.map((c) => [c.name, c.value]));
}

test('Hello: same protocol version → the runtime version, the policy name and what the bundle has', () => {
  const reply = call(serve(hooksPolicy), helloRequest('hook', 'mesos-agent 1.11.0')).hello!;
  assert.equal(reply.protocolVersion, PROTOCOL_VERSION);
  assert.equal(reply.runtimeVersion, RUNTIME_VERSION);
  assert.equal(reply.policyName, 'hooks-and-isolator');
  assert.deepEqual([reply.hasAllocator, reply.hasHooks, reply.hasIsolator], [false, true, true]);
  const empty = call(serve(definePolicy({})), helloRequest()).hello!;
  assert.deepEqual([empty.policyName, empty.hasAllocator, empty.hasHooks, empty.hasIsolator], ['', true, false, false], 'an empty policy is the default allocator');
  const scored = call(serve(definePolicy({ score: () => 1, hooks: {} })), helloRequest()).hello!;
  assert.deepEqual([scored.hasAllocator, scored.hasHooks], [true, true]);
});

test('Hello with another protocol version: VERSION_MISMATCH naming both', () => {
  for (const version of [0, PROTOCOL_VERSION + 1]) {
    const error = call(serve({}), { hello: { protocolVersion: version } }).error!;
    assert.equal(error.code, Code.VERSION_MISMATCH);
    assert.match(error.message, new RegExp(`host speaks bridge protocol version ${version}.*speaks version ${PROTOCOL_VERSION}`));
  }
});

test('malformed bytes and non-bytes are INVALID_REQUEST replies; handle() never throws', () => {
  const bundle = serve({});
  for (const payload of [new Uint8Array([0x0a, 0xff, 0xff, 0xff]), new Uint8Array([0x12, 0x05, 0x08]), new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01])]) {
    const error = call(bundle, payload).error!;
    assert.equal(error.code, Code.INVALID_REQUEST, String(payload));
    assert.match(error.message, /^malformed Request/);
  }
  const notBytes = decodeResponse(bundle.handle('test', 'hello' as unknown as Uint8Array) as Uint8Array);
  assert.equal(notBytes.error?.code, Code.INVALID_REQUEST);
});

test('an empty Request (a call from a newer host) is UNSUPPORTED', () => {
  assert.equal(call(serve({}), new Uint8Array()).error?.code, Code.UNSUPPORTED);
  assert.equal(call(serve({}), { control: {} }).error?.code, Code.UNSUPPORTED);
});

test('Health answers heap figures', () => {
  const health = call(serve({}), { control: { health: {} } }).control!.health!;
  assert.equal(health.serving, true);
  assert.ok(health.heapUsedBytes > 0 && health.heapLimitBytes > health.heapUsedBytes);
});

test('Stats: calls per kind, errors per code, engine counters', async () => {
  const bundle = serve({});
  call(bundle, helloRequest());
  call(bundle, { nowMs: 0, allocatorBatch: { calls: [{ initialize: {} }, { addAgent: { agentId: 'a', agentInfo: { hostname: 'h' }, capabilities: CAPS, total: toWire.resources('cpus:1;mem:64') } }, { addFramework: { frameworkId: 'f', frameworkInfo: { roles: ['r'], capabilities: [{ type: 6 }] }, active: true } }, { allocate: {} }] } });
  call(bundle, { allocator: { removeAgent: {} } });
  const c = await counters(bundle);
  assert.equal(c.get('calls/hello'), 1);
  assert.equal(c.get('calls/allocatorBatch'), 1);
  assert.equal(c.get('calls/allocator'), 1);
  assert.equal(c.get('allocator/calls/addAgent'), 1);
  assert.equal(c.get('errors/invalid_request'), 1);
  assert.equal(c.get('allocator/allocation_runs'), 1);
  assert.equal(c.get('allocator/offers_made'), 1);
  // The run's wall time in the engine: a real duration, not a count.
  const runMs = c.get('allocator/allocation_run_ms');
  assert.ok(runMs !== undefined && runMs > 0 && runMs < 60_000, `allocation_run_ms ${runMs}`);
});

test('a policy that throws in every stage still gets offers (Mesos defaults), errors counted per stage', async () => {
  const bundle = serve(throwingPolicy);
  const agents = Array.from({ length: 4 }, (_, i) => ({ addAgent: { agentId: `a${i}`, agentInfo: { hostname: `h${i}` }, capabilities: CAPS, total: toWire.resources('cpus:2;mem:512') } }));
  const frameworks = ['r1', 'r2'].map((role, i) => ({ addFramework: { frameworkId: `f${i}`, frameworkInfo: toWire.frameworkInfo({ roles: [role], capabilities: ['MULTI_ROLE'] }), active: true } }));
  const replies = call(bundle, { nowMs: 0, allocatorBatch: { calls: [{ initialize: {} }, ...agents, ...frameworks, { allocate: {} }] } }).allocatorBatch!.replies;
  assert.ok(replies.every((r) => r.error === null), 'no call failed');
  const allocation = replies[replies.length - 1]!.allocation!;
  assert.deepEqual(allocation.offers.map((o) => o.agentId).sort(), ['a0', 'a1', 'a2', 'a3'], 'every agent offered, whole');
  const first = allocation.offers[0]!;
  call(bundle, { nowMs: 0, allocator: { recoverResources: { frameworkId: first.frameworkId, agentId: first.agentId, resources: first.resources } } });
  const c = await counters(bundle);
  for (const stage of ['sortRoles', 'filter', 'score', 'size', 'callback']) assert.ok((c.get(`allocator/policy_errors/${stage}`) ?? 0) > 0, `${stage} errors counted: ${JSON.stringify([...c])}`);
});

test('a bug in the runtime (here: the engine throwing a TypeError) is INTERNAL with the stack, and the runtime goes on', () => {
  const bundle = serve({});
  call(bundle, { allocator: { initialize: {} } });
  const original = AllocatorEngine.prototype.explain;
  AllocatorEngine.prototype.explain = () => {
    throw new TypeError('cannot read properties of undefined');
  };
  try {
    const error = call(bundle, { allocator: { explain: { frameworkId: 'f', agentId: 'a' } } }).allocator!.error!;
    assert.equal(error.code, Code.INTERNAL);
    assert.match(error.message, /internal error in the mesos-policy runtime: TypeError: cannot read properties of undefined\n\s+at /);
  } finally {
    AllocatorEngine.prototype.explain = original;
  }
  assert.ok(call(bundle, { allocator: { explain: { frameworkId: 'f', agentId: 'a' } } }).allocator!.explanation);
  assert.equal(classify('a string').code, Code.INTERNAL);
});

test('serve() refuses what is not a policy, when the bundle loads', () => {
  assert.throws(() => serve(undefined as never), /the policy must be an object/);
  assert.throws(() => serve({ hooks: 5 } as never), /policy\.hooks must be an object/);
});
