// Operator calls through the bridge: allocate replies carry the policy's calls (field 7, spliced
// after the hand-encoded allocation) that protobufjs decodes into the calls made; the host's
// operator_call_result reaches the policy; a malformed one is INVALID_REQUEST and changes nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AllocatorEngine } from '../../src/allocator/index.ts';
import { applyOperatorCalls } from '../../src/allocator/operator-calls.ts';
import type { OperatorCall, OperatorCallResult, Policy } from '../../src/policy/index.ts';
import { Resources, type ResourceInput } from '../../src/resources/index.ts';
import { OPERATOR_CALLS_FAILED, OPERATOR_CALLS_HANDED_OUT, OPERATOR_CALLS_SUCCEEDED } from '../../src/runtime/allocator-calls.ts';
import {
  encodeAllocation, encodeOperatorCall, operatorCallFromWire, operatorCallResultFromWire, operatorCallResultToWire, operatorCallToWire, resourcesFromWire,
} from '../../src/runtime/codec/index.ts';
import { CodecError } from '../../src/runtime/codec/errors.ts';
import { protocol, type wire } from '../../src/runtime/protocol.ts';
import { decodeResponse, encodeRequest, helloRequest, toWire, type Decoded } from '../../src/runtime/requests.ts';
import { encodeResponse } from '../../src/runtime/response-bytes.ts';
import { serve } from '../../src/runtime/serve.ts';

const Code = protocol.Error.Code;
const CAPS = toWire.agentCapabilities(['MULTI_ROLE', 'HIERARCHICAL_ROLE', 'RESERVATION_REFINEMENT']);
const RESERVATION = [{ type: 'DYNAMIC', role: 'data', principal: 'ops', labels: [{ key: 'owner', value: 'kafka-0' }] }] as const;
const RESERVED: ResourceInput[] = [{ name: 'cpus', scalar: 1, reservations: RESERVATION }, { name: 'disk', scalar: 100, reservations: RESERVATION }];
const VOLUME: ResourceInput = { name: 'disk', scalar: 100, reservations: RESERVATION, disk: { persistence: { id: 'kafka-0', principal: 'ops' }, volume: { containerPath: 'data', mode: 'RW' } } };

const CALLS: readonly OperatorCall[] = [
  { id: 'kafka-0/reserve', agentId: 'a1', operations: [{ type: 'RESERVE', resources: RESERVED }, { type: 'CREATE', volumes: [VOLUME] }] },
  { id: 'kafka-0/cleanup', agentId: 'a1', operations: [{ type: 'DESTROY', volumes: [VOLUME] }, { type: 'UNRESERVE', resources: RESERVED }] },
];

function call(bundle: ReturnType<typeof serve>, request: wire.IRequest): Decoded<wire.Response> {
  const answer = bundle.handle('test', encodeRequest(request));
  assert.ok(answer instanceof Uint8Array);
  return decodeResponse(answer);
}

async function counters(bundle: ReturnType<typeof serve>): Promise<Map<string, number>> {
  return new Map(call(bundle, { control: { stats: {} } }).control!.stats!.counters.map((c) => [c.name, c.value]));
}

/** The calls as the policy meant them, resources as Resources, for comparing with what a reply decodes to. */
function normalized(calls: readonly OperatorCall[]): unknown {
  return calls.map((c) => ({
    id: c.id,
    agentId: c.agentId,
    operations: c.operations.map((op) => {
      switch (op.type) {
        case 'RESERVE':
        case 'UNRESERVE':
          return { type: op.type, resources: String(Resources.of(op.resources)) };
        case 'CREATE':
        case 'DESTROY':
          return { type: op.type, volumes: String(Resources.of(op.volumes)) };
        default:
          throw new Error(`unexpected ${op.type}`);
      }
    }),
  }));
}

function decodedCalls(reply: { readonly operatorCalls: readonly wire.IOperatorCall[] }): unknown {
  return normalized(reply.operatorCalls.map((c, i) => operatorCallFromWire(c, `operator_calls[${i}]`)));
}

function started(policy: Policy): ReturnType<typeof serve> {
  const bundle = serve(policy);
  call(bundle, helloRequest());
  const replies = call(bundle, {
    nowMs: 0,
    allocatorBatch: {
      calls: [
        { initialize: { allocationIntervalMs: 1000 } },
        { addAgent: { agentId: 'a1', agentInfo: { hostname: 'h1' }, capabilities: CAPS, total: toWire.resources('cpus:4;mem:1024;disk:1000') } },
        { addFramework: { frameworkId: 'f1', frameworkInfo: toWire.frameworkInfo({ roles: ['web'], capabilities: ['MULTI_ROLE'] }), active: true } },
      ],
    },
  }).allocatorBatch!.replies;
  assert.ok(replies.every((r) => r.error === null));
  return bundle;
}

test('an allocate reply carries the cycle\'s operator calls, in order, after the allocation; protobufjs decodes them', async () => {
  let cycles = 0;
  const bundle = started({
    operatorCalls: () => (cycles++ === 0 ? CALLS : []),
  });
  const reply = call(bundle, { nowMs: 1000, allocator: { allocate: {} } }).allocator!;
  assert.equal(reply.error, null);
  assert.equal(reply.allocation!.offers.length, 1, 'the offers are still there');
  assert.equal(reply.nextCycleAtMs, 2000);
  assert.deepEqual(decodedCalls(reply), normalized(CALLS));
  // The raw wire shape the C++ side reads.
  const [first] = reply.operatorCalls;
  assert.equal(first!.operations[0]!.type, protocol.Offer.Operation.Type.RESERVE);
  assert.equal(first!.operations[0]!.reserve!.resources[0]!.reservations[0]!.labels!.labels[0]!.value, 'kafka-0');
  assert.equal(first!.operations[1]!.create!.volumes[0]!.disk!.persistence!.id, 'kafka-0');
  const next = call(bundle, { nowMs: 2000, allocator: { allocate: {} } }).allocator!;
  assert.deepEqual(next.operatorCalls, [], 'no calls: no field 7');
  assert.equal((await counters(bundle)).get(OPERATOR_CALLS_HANDED_OUT), 2);
});

test('the calls of every cycle an allocate ran go out together, in cycle order; also inside a batch', () => {
  let cycle = 0;
  const bundle = started({
    operatorCalls: (ctx) => [{ id: `c${cycle++}@${ctx.now}`, agentId: 'a1', operations: [{ type: 'RESERVE', resources: [{ name: 'mem', scalar: 1, reservations: RESERVATION }] }] }],
  });
  // A triggered cycle (at 0, from addAgent/addFramework) and the periodic one at 1000.
  const reply = call(bundle, { nowMs: 1000, allocatorBatch: { calls: [{ allocate: {} }] } }).allocatorBatch!.replies[0]!;
  assert.deepEqual(reply.operatorCalls.map((c) => c.id), ['c0@0', 'c1@1000']);
  assert.equal(reply.allocation!.cycles, 2);
});

test('field 7 is written the same whether the allocation\'s buffer has room for it or it is copied', () => {
  const calls = CALLS.map(encodeOperatorCall);
  const empty = { offers: new Map(), inverseOffers: new Map(), candidates: 0, periodic: true, operatorCalls: [] };
  // encodeAllocation leaves headroom for the in-place path; a plain copy of its bytes has none.
  const allocationBytes = encodeAllocation([empty]);
  const inPlace = encodeResponse({ allocator: { allocationBytes, nextCycleAtMs: 5, operatorCallBytes: calls } });
  assert.equal(inPlace.buffer, allocationBytes.buffer, 'written around the allocation, in its buffer');
  const copied = encodeResponse({ allocator: { allocationBytes: encodeAllocation([empty]).slice(), nextCycleAtMs: 5, operatorCallBytes: calls } });
  const batch = encodeResponse({ allocatorBatch: { replies: [{ allocationBytes: encodeAllocation([empty]), operatorCallBytes: calls }] } });
  const viaProtobufjs = protocol.Response.encode({
    allocator: { allocation: protocol.Allocation.decode(encodeAllocation([empty]).slice()), nextCycleAtMs: 5, operatorCalls: CALLS.map(operatorCallToWire) },
  }).finish();
  assert.deepEqual([...inPlace], [...viaProtobufjs]);
  assert.deepEqual([...copied], [...viaProtobufjs]);
  assert.deepEqual(decodedCalls(decodeResponse(batch).allocatorBatch!.replies[0]!), normalized(CALLS));
});

test('operator_call_result reaches the policy and is counted; the reply is Done', async () => {
  const results: OperatorCallResult[] = [];
  const bundle = started({ operatorCallResult: (r) => results.push(r) });
  const ok = call(bundle, { nowMs: 10, allocator: { operatorCallResult: { id: 'kafka-0/reserve', ok: true, applied: 2 } } }).allocator!;
  assert.ok(ok.done !== null && ok.error === null);
  const failed = call(bundle, { nowMs: 10, allocator: { operatorCallResult: { id: 'kafka-0/cleanup', ok: false, applied: 0, httpStatus: 409, message: 'Conflict' } } }).allocator!;
  assert.ok(failed.done !== null);
  const lost = call(bundle, { nowMs: 10, allocator: { operatorCallResult: { id: 'x', ok: false, httpStatus: 0, message: 'timed out' } } }).allocator!;
  assert.ok(lost.done !== null);
  assert.deepEqual(results, [
    { id: 'kafka-0/reserve', ok: true, applied: 2 },
    { id: 'kafka-0/cleanup', ok: false, applied: 0, httpStatus: 409, message: 'Conflict' },
    { id: 'x', ok: false, applied: 0, httpStatus: 0, message: 'timed out' },
  ]);
  const c = await counters(bundle);
  assert.equal(c.get(OPERATOR_CALLS_SUCCEEDED), 1);
  assert.equal(c.get(OPERATOR_CALLS_FAILED), 2);
});

test('a malformed operator_call_result is INVALID_REQUEST, never reaches the policy, counts nothing', async () => {
  const results: OperatorCallResult[] = [];
  const bundle = started({ operatorCallResult: (r) => results.push(r) });
  for (const [message, field] of [
    [{ ok: true, applied: 1 }, /operator_call_result\.id: is required/],
    [{ id: '', ok: true }, /operator_call_result\.id: is required/],
    [{ id: 'c', applied: 1 }, /operator_call_result\.ok: is required/],
  ] as const) {
    const error = call(bundle, { nowMs: 10, allocator: { operatorCallResult: message } }).allocator!.error!;
    assert.equal(error.code, Code.INVALID_REQUEST, JSON.stringify(message));
    assert.match(error.message, field);
  }
  assert.deepEqual(results, []);
  const c = await counters(bundle);
  assert.equal(c.get(OPERATOR_CALLS_SUCCEEDED), undefined);
  assert.equal(c.get(OPERATOR_CALLS_FAILED), undefined);
});

test('a policy whose operatorCallResult throws: the call is Done, the error counted under the stage', async () => {
  const bundle = started({
    operatorCallResult() {
      throw new Error('unknown proposal');
    },
  });
  const reply = call(bundle, { nowMs: 10, allocator: { operatorCallResult: { id: 'c', ok: true, applied: 1 } } }).allocator!;
  assert.ok(reply.done !== null && reply.error === null);
  assert.equal((await counters(bundle)).get('allocator/policy_errors/operatorCallResult'), 1);
});

test('invalid calls of the policy never reach the wire; they are counted as its errors', async () => {
  const bundle = started({
    operatorCalls: () => [{ id: 'bad', agentId: 'nowhere', operations: CALLS[0]!.operations }, CALLS[0]!],
  });
  const reply = call(bundle, { nowMs: 1000, allocator: { allocate: { force: true } } }).allocator!;
  assert.deepEqual(reply.operatorCalls.map((c) => c.id), ['kafka-0/reserve']);
  assert.equal((await counters(bundle)).get('allocator/policy_errors/operatorCalls'), 1);
});

test('codec: OperatorCallResult round-trips; OperatorCall needs its ids', () => {
  for (const result of [{ id: 'a', ok: true, applied: 3 }, { id: 'b', ok: false, applied: 1, httpStatus: 401, message: 'Unauthorized' }] as const) {
    const bytes = protocol.OperatorCallResult.encode(operatorCallResultToWire(result)).finish();
    assert.deepEqual(operatorCallResultFromWire(protocol.OperatorCallResult.decode(bytes), 'r'), result);
  }
  assert.throws(() => operatorCallResultFromWire(undefined, 'r'), CodecError);
  assert.throws(() => operatorCallFromWire(protocol.OperatorCall.decode(protocol.OperatorCall.encode({ id: 'c' }).finish()), 'c'), /c\.agent_id: is required/);
});

/**
 * The master's side, as the allocator module plays it: each call's operations one at a time as
 * update_available (REJECTED = the master's 409), then one operator_call_result per call.
 */
function actAsMaster(bundle: ReturnType<typeof serve>, nowMs: number, calls: readonly Decoded<wire.OperatorCall>[]): OperatorCallResult[] {
  const results: OperatorCallResult[] = [];
  for (const c of calls) {
    let applied = 0;
    let failure: { httpStatus: number; message: string } | undefined;
    for (const operation of c.operations) {
      const reply = call(bundle, { nowMs, allocator: { updateAvailable: { agentId: c.agentId, operations: [operation] } } }).allocator!;
      if (reply.error !== null) {
        assert.equal(reply.error.code, Code.REJECTED);
        failure = { httpStatus: 409, message: reply.error.message };
        break;
      }
      applied++;
    }
    const result: OperatorCallResult = failure === undefined ? { id: c.id, ok: true, applied } : { id: c.id, ok: false, applied, ...failure };
    results.push(result);
    assert.ok(call(bundle, { nowMs, allocator: { operatorCallResult: operatorCallResultToWire(result) } }).allocator!.done !== null);
  }
  return results;
}

test('through the bridge as offline: the same calls, the same results at the policy, the same offers after', () => {
  const policy = (seen: OperatorCallResult[]): Policy => {
    let cycle = 0;
    return {
      filter: (ctx) => ctx.role !== 'data' || !ctx.agent.total.reserved('data').isEmpty(),
      operatorCalls: () => (cycle++ === 0 ? [...CALLS.slice(0, 1), { id: 'too-big', agentId: 'a1', operations: [{ type: 'RESERVE', resources: [{ ...RESERVED[0]!, scalar: 64 }] }] }] : []),
      operatorCallResult: (r) => seen.push(r),
    };
  };
  const describeOffers = (offers: readonly { frameworkId: string; agentId: string; resources: Resources }[]): string[] =>
    offers.map((o) => `${o.frameworkId} ${o.agentId} ${String(o.resources.unallocate())}`).sort();
  const frameworkInfo = { roles: ['data'], capabilities: ['MULTI_ROLE', 'RESERVATION_REFINEMENT'] } as const;

  // Offline.
  const offline: OperatorCallResult[] = [];
  const engine = new AllocatorEngine();
  let now = 0;
  engine.initialize({ clock: () => now, seed: 5, allocationIntervalMs: 1000, policy: policy(offline) });
  engine.addAgent('a1', { hostname: 'h1' }, ['MULTI_ROLE', 'HIERARCHICAL_ROLE', 'RESERVATION_REFINEMENT'], undefined, Resources.of([{ name: 'cpus', scalar: 4 }, { name: 'mem', scalar: 1024 }, { name: 'disk', scalar: 1000 }]), new Map());
  engine.addFramework('kafka', frameworkInfo, new Map(), true);
  now = 1000;
  const first = engine.advanceTo(now);
  const offlineResults = first.flatMap((c) => applyOperatorCalls(engine, c.operatorCalls));
  now = 2000;
  const offlineOffers = engine.advanceTo(now).flatMap((c) => [...c.offers].flatMap(([frameworkId, byRole]) => [...byRole.values()].flatMap((byAgent) => [...byAgent].map(([agentId, resources]) => ({ frameworkId, agentId, resources })))));

  // Through the bridge.
  const bridged: OperatorCallResult[] = [];
  const bundle = serve(policy(bridged));
  call(bundle, helloRequest());
  call(bundle, { nowMs: 0, allocatorBatch: { calls: [
    { initialize: { allocationIntervalMs: 1000, seed: 5 } },
    { addAgent: { agentId: 'a1', agentInfo: { hostname: 'h1' }, capabilities: CAPS, total: toWire.resources('cpus:4;mem:1024;disk:1000') } },
    { addFramework: { frameworkId: 'kafka', frameworkInfo: toWire.frameworkInfo(frameworkInfo), active: true } },
  ] } });
  const reply = call(bundle, { nowMs: 1000, allocator: { allocate: {} } }).allocator!;
  const bridgedResults = actAsMaster(bundle, 1000, reply.operatorCalls);
  const next = call(bundle, { nowMs: 2000, allocator: { allocate: {} } }).allocator!;
  const bridgedOffers = next.allocation!.offers.map((o) => ({ frameworkId: o.frameworkId, agentId: o.agentId, resources: resourcesFromWire(o.resources, 'offer') }));

  assert.deepEqual(bridgedResults.map((r) => [r.id, r.ok, r.applied, r.httpStatus]), offlineResults.map((r) => [r.id, r.ok, r.applied, r.httpStatus]));
  assert.deepEqual(bridgedResults.map((r) => [r.id, r.ok]), [['kafka-0/reserve', true], ['too-big', false]]);
  assert.deepEqual(bridged.map((r) => r.id), offline.map((r) => r.id));
  assert.deepEqual(describeOffers(bridgedOffers), describeOffers(offlineOffers));
  assert.equal(offlineOffers.length, 1);
  assert.equal(offlineOffers[0]!.resources.persistentVolumes().size, 1, 'the volume is offered to its role');
});

test('a call that cannot be encoded fails back to the policy unsent; the reply keeps its offers', async () => {
  const results: OperatorCallResult[] = [];
  const bundle = started({ operatorCalls: () => CALLS.slice(0, 1), operatorCallResult: (r) => results.push(r) });
  const original = protocol.OperatorCall.encode;
  protocol.OperatorCall.encode = () => {
    throw new RangeError('no room');
  };
  let reply: Decoded<wire.AllocatorReply>;
  try {
    reply = call(bundle, { nowMs: 1000, allocator: { allocate: { force: true } } }).allocator! as Decoded<wire.AllocatorReply>;
  } finally {
    protocol.OperatorCall.encode = original;
  }
  assert.equal(reply.error, null);
  assert.equal(reply.allocation!.offers.length, 1);
  assert.deepEqual(reply.operatorCalls, []);
  assert.deepEqual(results, [{ id: 'kafka-0/reserve', ok: false, applied: 0, httpStatus: 0, message: 'not sent: it could not be encoded: no room' }]);
  assert.equal((await counters(bundle)).get(OPERATOR_CALLS_FAILED), 1);
});
