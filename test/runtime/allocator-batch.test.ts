// Allocator calls at the wire level: batches, per-call errors (not initialized, invalid request
// changing nothing, rejected), unknown calls, explain, late hosts, the request clock.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseResources } from '../../src/resources/index.ts';
import { MAX_CATCH_UP_CYCLES } from '../../src/runtime/allocator-calls.ts';
import { resourcesFromWire } from '../../src/runtime/codec/index.ts';
import { protocol, type wire } from '../../src/runtime/protocol.ts';
import { decodeResponse, encodeRequest, toWire, type Decoded } from '../../src/runtime/requests.ts';
import { serve } from '../../src/runtime/serve.ts';

const Code = protocol.Error.Code;
const CAPS = toWire.agentCapabilities(['MULTI_ROLE', 'HIERARCHICAL_ROLE', 'RESERVATION_REFINEMENT']);

async function send(bundle: ReturnType<typeof serve>, request: wire.IRequest): Promise<Decoded<wire.Response>> {
  return decodeResponse(await bundle.handle('test', encodeRequest(request)));
}

function sendSync(bundle: ReturnType<typeof serve>, request: wire.IRequest): Decoded<wire.Response> {
  const answer = bundle.handle('test', encodeRequest(request));
  assert.ok(answer instanceof Uint8Array, 'a synchronous answer');
  return decodeResponse(answer);
}

const addAgent = (id: string, resources = 'cpus:4;mem:1024'): wire.IAllocatorCall => ({
  addAgent: { agentId: id, agentInfo: { hostname: `host-${id}` }, capabilities: CAPS, total: toWire.resources(resources) },
});
const addFramework = (id: string, role = 'r'): wire.IAllocatorCall => ({
  addFramework: { frameworkId: id, frameworkInfo: toWire.frameworkInfo({ roles: [role], capabilities: ['MULTI_ROLE'] }), active: true },
});

test('a call before initialize answers NOT_INITIALIZED, without a next cycle time', () => {
  const bundle = serve({});
  const reply = sendSync(bundle, { nowMs: 1, allocator: addAgent('a1') }).allocator!;
  assert.equal(reply.error?.code, Code.NOT_INITIALIZED);
  assert.match(reply.error!.message, /addAgent.*before 'initialize'/);
  assert.equal(Object.hasOwn(reply, 'nextCycleAtMs'), false);
});

test('a batch answers every call in order; a failing call does not stop the rest', () => {
  const bundle = serve({});
  const batch = sendSync(bundle, {
    nowMs: 100,
    allocatorBatch: {
      calls: [
        { initialize: { allocationIntervalMs: 1000 } },
        addAgent('a1'),
        { addAgent: { agentId: 'bad', agentInfo: { hostname: 'x' }, total: [{ name: 'cpus', type: 0, scalar: { value: -4 } }] } },
        addFramework('f1'),
        addFramework('f1'),
        { allocate: { force: true } },
      ],
    },
  }).allocatorBatch!;
  assert.equal(batch.replies.length, 6);
  const [init, agent, bad, framework, duplicate, allocation] = batch.replies;
  assert.ok(init!.done && agent!.done && framework!.done);
  assert.equal(bad!.error?.code, Code.INVALID_REQUEST);
  assert.match(bad!.error!.message, /^add_agent\.total/);
  assert.equal(duplicate!.error?.code, Code.REJECTED);
  assert.match(duplicate!.error!.message, /already added/);
  assert.deepEqual(allocation!.allocation!.offers.map((o) => [o.frameworkId, o.agentId, o.role]), [['f1', 'a1', 'r']]);
  assert.equal(allocation!.allocation!.cycles, 1);
  for (const reply of batch.replies) assert.equal(typeof reply.nextCycleAtMs, 'number');
  assert.equal(init!.nextCycleAtMs, 1100, 'initialize: one interval from now');
  assert.equal(agent!.nextCycleAtMs, 100, 'an added agent asks for a cycle now');
});

test('an invalid request changes nothing: the agent of a rejected addAgent does not exist', () => {
  const bundle = serve({});
  sendSync(bundle, { nowMs: 0, allocator: { initialize: {} } });
  const bad = sendSync(bundle, {
    nowMs: 0,
    allocator: { addAgent: { agentId: 'a1', agentInfo: { hostname: 'h' }, total: toWire.resources('cpus:4'), used: [{ id: 'f', resources: [{ name: 'mem', type: 0, scalar: { value: Number.NaN } }] }] } },
  }).allocator!;
  assert.equal(bad.error?.code, Code.INVALID_REQUEST);
  assert.match(bad.error!.message, /add_agent\.used\[0\]\.resources/);
  const explanation = sendSync(bundle, { nowMs: 0, allocator: { explain: { frameworkId: 'f', agentId: 'a1' } } }).allocator!.explanation!;
  assert.ok(explanation.reasons.some((r) => r.code === 'unknown-agent'));
  assert.ok(sendSync(bundle, { nowMs: 0, allocator: addAgent('a1') }).allocator!.done, 'the id is still free');
});

test('missing ids and required fields are invalid requests naming the field', () => {
  const bundle = serve({});
  sendSync(bundle, { allocator: { initialize: {} } });
  const cases: Array<[wire.IAllocatorCall, RegExp]> = [
    [{ removeFramework: {} }, /remove_framework\.framework_id: is required/],
    [{ addAgent: { agentId: 'a' } }, /add_agent\.agent_info\.hostname: is required/],
    [{ updateQuota: {} }, /update_quota\.quota\.role: is required/],
    [{ recoverResources: { frameworkId: 'f', agentId: 'a', resources: [{ name: 'cpus', type: 3 }] } }, /recover_resources\.resources\[0\].*TEXT/],
    [{ initialize: { sorter: 'fair' } }, /initialize\.sorter/],
  ];
  for (const [call, message] of cases) {
    const reply = sendSync(bundle, { allocator: call }).allocator!;
    assert.equal(reply.error?.code, Code.INVALID_REQUEST, JSON.stringify(call));
    assert.match(reply.error!.message, message);
  }
});

test('an empty AllocatorCall (a call this runtime does not know) is UNSUPPORTED', () => {
  const bundle = serve({});
  const reply = sendSync(bundle, { allocator: {} }).allocator!;
  assert.equal(reply.error?.code, Code.UNSUPPORTED);
});

test('getInverseOfferStatuses answers through a Promise; in a batch, with the statuses at its place in the order', async () => {
  const bundle = serve({});
  const status = (s: 'ACCEPT' | 'DECLINE'): wire.IInverseOfferStatus => toWire.inverseOfferStatus({ status: s, frameworkId: 'f1', timestamp: 5 });
  sendSync(bundle, {
    nowMs: 0,
    allocatorBatch: {
      calls: [
        { initialize: {} },
        { addAgent: { ...addAgent('a1').addAgent, unavailability: toWire.unavailability({ start: 10_000 }) } },
        addFramework('f1'),
        { allocate: {} },
      ],
    },
  });
  const answer = bundle.handle('test', encodeRequest({
    nowMs: 10,
    allocatorBatch: {
      calls: [
        { updateInverseOffer: { agentId: 'a1', frameworkId: 'f1', status: status('ACCEPT') } },
        { getInverseOfferStatuses: {} },
        { updateInverseOffer: { agentId: 'a1', frameworkId: 'f1', status: status('DECLINE') } },
        { getInverseOfferStatuses: {} },
      ],
    },
  }));
  assert.ok(answer instanceof Promise);
  const replies = decodeResponse(await answer).allocatorBatch!.replies;
  assert.equal(replies.length, 4);
  const first = replies[1]!.inverseOfferStatuses!.agents;
  assert.deepEqual(first.map((a) => [a.agentId, a.statuses.map((s) => s.status)]), [['a1', [protocol.InverseOfferStatus.Status.ACCEPT]]]);
  // The second answer was not outstanding any more (Mesos keeps the first answer to an inverse offer).
  assert.deepEqual(replies[3]!.inverseOfferStatuses!.agents[0]!.statuses.map((s) => s.status), [protocol.InverseOfferStatus.Status.ACCEPT]);
  assert.equal(typeof replies[1]!.nextCycleAtMs, 'number');
});

test('explain maps the engine explanation', async () => {
  const bundle = serve({});
  await send(bundle, { nowMs: 0, allocatorBatch: { calls: [{ initialize: {} }, addAgent('a1'), addFramework('f1'), addFramework('f2', 'other'), { allocate: {} }] } });
  const explanation = (await send(bundle, { nowMs: 0, allocator: { explain: { frameworkId: 'f2', agentId: 'a1' } } })).allocator!.explanation!;
  assert.equal(explanation.frameworkId, 'f2');
  assert.equal(explanation.cycleAtMs, 0);
  assert.ok(explanation.reasons.length > 0);
  assert.ok(explanation.reasons.every((r) => typeof r.code === 'string' && r.code !== '' && typeof r.message === 'string'));
});

test('a late host gets its due cycles at their times up to a bound, then one cycle now (no catch-up burst)', () => {
  const bundle = serve({});
  sendSync(bundle, { nowMs: 0, allocatorBatch: { calls: [{ initialize: { allocationIntervalMs: 1000 } }, addAgent('a1'), addFramework('f1')] } });
  const onTime = sendSync(bundle, { nowMs: 0, allocator: { allocate: {} } }).allocator!;
  assert.equal(onTime.allocation!.cycles, 1);
  assert.equal(onTime.nextCycleAtMs, 1000);
  const nothingDue = sendSync(bundle, { nowMs: 500, allocator: { allocate: {} } }).allocator!;
  assert.equal(nothingDue.allocation!.cycles, 0);
  const late = sendSync(bundle, { nowMs: 3_600_000, allocator: { allocate: {} } }).allocator!;
  assert.equal(late.allocation!.cycles, MAX_CATCH_UP_CYCLES + 1);
  assert.equal(late.nextCycleAtMs, 3_601_000);
});

test('the clock never moves backwards: a request with an older now_ms keeps the latest', () => {
  const bundle = serve({});
  sendSync(bundle, { nowMs: 5000, allocator: { initialize: {} } });
  const reply = sendSync(bundle, { nowMs: 10, allocator: addAgent('a1') }).allocator!;
  assert.equal(reply.nextCycleAtMs, 5000, 'the triggered cycle is due at the latest time seen');
});

test('recover with quotas pauses allocation until the agents are back or the timeout ends', () => {
  const bundle = serve({});
  sendSync(bundle, { nowMs: 0, allocatorBatch: { calls: [{ initialize: { recoveryTimeoutMs: 10_000 } }, { recover: { expectedAgentCount: 5, quotas: [toWire.quota('r', { guarantees: new Map([['cpus', 1]]) })] } }, addFramework('f1'), addAgent('a1')] } });
  const paused = sendSync(bundle, { nowMs: 1000, allocator: { allocate: {} } }).allocator!.allocation!;
  assert.equal(paused.offers.length, 0);
  const resumed = sendSync(bundle, { nowMs: 10_000, allocator: { allocate: { force: true } } }).allocator!.allocation!;
  assert.deepEqual(resumed.offers.map((o) => o.agentId), ['a1']);
  assert.ok(resumed.offers[0]!.resources.every((r) => r.allocationInfo?.role === 'r'));
  assert.ok(resourcesFromWire(resumed.offers[0]!.resources, 'offer').equals(parseResources('cpus:4;mem:1024').allocate('r')));
});
