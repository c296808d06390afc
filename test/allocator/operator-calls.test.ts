// Operator calls: the engine asks the policy once per cycle after the offers, hands out the valid
// calls, counts what is wrong with the others, passes results back; offline they apply through
// updateAvailable as the master's operator API would.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyOperatorCalls, HTTP_CONFLICT } from '../../src/allocator/operator-calls.ts';
import type { PolicyErrorReport } from '../../src/allocator/policy-runner.ts';
import type { OperatorCall, OperatorCallResult, OperatorCallsContext, Policy } from '../../src/policy/index.ts';
import { Resources, type ResourceInput } from '../../src/resources/index.ts';
import { buildCluster } from '../../src/testing/index.ts';

const RESERVED = [{ type: 'DYNAMIC', role: 'data', principal: 'ops', labels: [{ key: 'owner', value: 'kafka-0' }] }] as const;

function reserved(name: string, scalar: number): ResourceInput {
  return { name, scalar, reservations: RESERVED };
}

function volume(id: string, scalar: number): ResourceInput {
  return { name: 'disk', scalar, reservations: RESERVED, disk: { persistence: { id, principal: 'ops' }, volume: { containerPath: 'data', mode: 'RW' } } };
}

const RESERVE: OperatorCall = { id: 'reserve-0', agentId: 'a1', operations: [{ type: 'RESERVE', resources: [reserved('cpus', 1), reserved('disk', 100)] }] };
const CREATE: OperatorCall = { id: 'create-0', agentId: 'a1', operations: [{ type: 'CREATE', volumes: [volume('kafka-0', 100)] }] };

function clusterWith(policy: Policy, errors: PolicyErrorReport[] = []) {
  return buildCluster({
    agents: [{ id: 'a1', resources: 'cpus:4;mem:1024;disk:1000' }, { id: 'a2', resources: 'cpus(other):2;mem(other):512' }, { id: 'a3', resources: 'cpus:1;mem:128' }],
    frameworks: [{ id: 'f1', roles: ['web'] }],
    policy,
    options: { onPolicyError: (report) => errors.push(report) },
    operatorCalls: 'hold', // made here by hand, through the engine
  });
}

test('operatorCalls is asked once per cycle, after the offers: it sees what is still unallocated on active agents', () => {
  const seen: OperatorCallsContext[] = [];
  const snapshots: { now: number; available: Record<string, string>; allocation: string[] }[] = [];
  const cluster = clusterWith({
    operatorCalls(ctx) {
      seen.push(ctx);
      snapshots.push({
        now: ctx.now,
        available: Object.fromEntries(ctx.agents.map((a) => [a.id, String(a.available)])),
        allocation: [...(ctx.frameworks.find((f) => f.id === 'f1')?.allocation.keys() ?? [])].sort(),
      });
      return [];
    },
  });
  cluster.engine.deactivateAgent('a3');
  const first = cluster.runCycle();
  assert.equal(seen.length, 1);
  // f1 (role web) was offered all of a1; a2 is reserved for a role nobody has: unallocated.
  assert.deepEqual(snapshots[0]!.available, { a1: String(Resources.EMPTY), a2: String(Resources.of([{ name: 'cpus', scalar: 2, reservations: [{ type: 'STATIC', role: 'other' }] }, { name: 'mem', scalar: 512, reservations: [{ type: 'STATIC', role: 'other' }] }])) });
  assert.deepEqual(snapshots[0]!.allocation, ['a1']);
  assert.deepEqual(seen[0]!.frameworks.map((f) => f.id), ['f1']);
  assert.deepEqual(first.result.operatorCalls, []);
  cluster.declineAll(first, 0);
  const later = cluster.advance(3000);
  assert.equal(later.length, 3);
  assert.equal(seen.length, 4);
  assert.deepEqual(snapshots.map((s) => s.now), [0, 1000, 2000, 3000]);
});

test('a policy without operatorCalls gets an empty list on every cycle; a paused engine asks nothing', () => {
  let asked = 0;
  const plain = clusterWith({});
  assert.deepEqual(plain.runCycle().result.operatorCalls, []);
  const cluster = clusterWith({
    operatorCalls() {
      asked++;
      return [RESERVE];
    },
  });
  cluster.engine.pause();
  assert.deepEqual(cluster.runCycle().result.operatorCalls, []);
  assert.equal(asked, 0);
  cluster.engine.resume();
  assert.equal(cluster.runCycle().result.operatorCalls.length, 1);
  assert.equal(asked, 1);
});

test('a throwing operatorCalls is counted under its stage; the cycle keeps its offers', () => {
  const errors: PolicyErrorReport[] = [];
  const cluster = clusterWith({
    operatorCalls() {
      throw new Error('ledger not loaded');
    },
  }, errors);
  const cycle = cluster.runCycle();
  assert.ok(cycle.offered('f1', 'a1') !== undefined);
  assert.deepEqual(cycle.result.operatorCalls, []);
  assert.equal(cluster.engine.policy.errors.get('operatorCalls' as never), 1);
  assert.deepEqual(errors, [{ stage: 'operatorCalls', message: 'Error: ledger not loaded' }]);
});

test('a non-array answer (an object, a Promise) is one error; undefined means no calls', () => {
  const errors: PolicyErrorReport[] = [];
  let answer: unknown = { id: 'x' };
  const cluster = clusterWith({ operatorCalls: () => answer as OperatorCall[] }, errors);
  assert.deepEqual(cluster.runCycle().result.operatorCalls, []);
  assert.equal(errors.length, 1);
  assert.match(errors[0]!.message, /operatorCalls returned an object; expected an array/);
  answer = Promise.resolve([]);
  cluster.advance(1000);
  assert.match(errors[1]!.message, /operatorCalls returned a Promise \(stages answer synchronously\)/);
  answer = undefined;
  assert.deepEqual(cluster.advance(1000)[0]!.result.operatorCalls, []);
  assert.equal(errors.length, 2);
});

test('invalid calls are dropped, each counted with a message naming what is wrong; valid ones are kept in order', () => {
  const errors: PolicyErrorReport[] = [];
  const calls: unknown[] = [
    RESERVE,
    null,
    { id: '', agentId: 'a1', operations: RESERVE.operations },
    { id: 'lost', agentId: 'a9', operations: RESERVE.operations },
    { id: 'none', agentId: 'a1', operations: [] },
    { id: 'launch', agentId: 'a1', operations: [{ type: 'LAUNCH', resources: [] }] },
    { id: 'grow', agentId: 'a1', operations: [{ type: 'GROW_VOLUME', volume: volume('v', 1), addition: { name: 'disk', scalar: 1 } }] },
    { id: 'bad-resources', agentId: 'a1', operations: [{ type: 'RESERVE', resources: [{ name: 'cpus', scalar: -1 }] }] },
    { id: 'no-volumes', agentId: 'a1', operations: [{ type: 'CREATE' }] },
    { id: 'empty', agentId: 'a1', operations: [{ type: 'UNRESERVE', resources: [] }] },
    { id: 'allocated', agentId: 'a1', operations: [{ type: 'RESERVE', resources: Resources.of([reserved('cpus', 1)]).allocate('data') }] },
    CREATE,
    { ...RESERVE, agentId: 'a2' }, // the same id twice in one cycle
  ];
  const cluster = clusterWith({ operatorCalls: () => calls as OperatorCall[] }, errors);
  const made = cluster.runCycle().result.operatorCalls;
  assert.deepEqual(made.map((c) => c.id), ['reserve-0', 'create-0']);
  // Resources come out parsed, ready for the wire or updateAvailable.
  const op = made[0]!.operations[0]!;
  assert.ok(op.type === 'RESERVE' && op.resources instanceof Resources);
  assert.equal(cluster.engine.policy.errors.get('operatorCalls' as never), 11);
  const messages = errors.map((e) => e.message);
  const expected = [
    /operatorCalls\[1\] is null; expected \{ id, agentId, operations \}/,
    /operatorCalls\[2\]\.id must be a non-empty string, got ""/,
    /operatorCalls\[3\] \(id 'lost'\): agentId "a9" is not a known agent/,
    /operatorCalls\[4\] \(id 'none'\): operations must be a non-empty array, got an array of 0/,
    /operatorCalls\[5\] \(id 'launch'\)\.operations\[0\]: type "LAUNCH" is not one the operator API makes/,
    /operatorCalls\[6\] \(id 'grow'\)\.operations\[0\]: type "GROW_VOLUME" is not one the operator API makes/,
    /operatorCalls\[7\] \(id 'bad-resources'\)\.operations\[0\]\.resources do not parse: /,
    /operatorCalls\[8\] \(id 'no-volumes'\)\.operations\[0\]\.volumes must be Resources or a list of resources, got undefined/,
    /operatorCalls\[9\] \(id 'empty'\)\.operations\[0\]\.resources is empty/,
    /operatorCalls\[10\] \(id 'allocated'\)\.operations\[0\]\.resources are allocated \(to role 'data'\); the operator API takes unallocated resources/,
    /operatorCalls\[12\]: id 'reserve-0' is already used by an earlier call of this cycle/,
  ];
  assert.equal(messages.length, expected.length, messages.join('\n'));
  expected.forEach((re, i) => assert.match(messages[i]!, re));
  assert.ok(errors.every((e) => (e.stage as string) === 'operatorCalls'));
});

test('results reach the policy; a throwing operatorCallResult is counted and changes nothing else', () => {
  const results: OperatorCallResult[] = [];
  const errors: PolicyErrorReport[] = [];
  let fail = false;
  const cluster = clusterWith({
    operatorCallResult(result) {
      if (fail) throw new TypeError('boom');
      results.push(result);
    },
  }, errors);
  cluster.engine.operatorCallResult({ id: 'c1', ok: false, applied: 1, httpStatus: 401, message: 'Unauthorized' });
  assert.deepEqual(results, [{ id: 'c1', ok: false, applied: 1, httpStatus: 401, message: 'Unauthorized' }]);
  fail = true;
  cluster.engine.operatorCallResult({ id: 'c2', ok: true, applied: 1 });
  assert.deepEqual(errors, [{ stage: 'operatorCallResult', message: 'TypeError: boom' }]);
  assert.equal(cluster.engine.policy.errors.get('operatorCallResult' as never), 1);
  // A policy without the callback: nothing to do.
  clusterWith({}).engine.operatorCallResult({ id: 'c3', ok: true, applied: 1 });
});

test('applyOperatorCalls: RESERVE then CREATE on one agent land in its resources, results in order', () => {
  const results: OperatorCallResult[] = [];
  const cluster = clusterWith({ operatorCallResult: (r) => results.push(r) });
  const before = cluster.engine.state.agents.get('a1')!.total;
  const out = applyOperatorCalls(cluster.engine, [RESERVE, CREATE]);
  assert.deepEqual(out, [{ id: 'reserve-0', ok: true, applied: 1 }, { id: 'create-0', ok: true, applied: 1 }]);
  assert.deepEqual(results, out);
  const agent = cluster.engine.state.agents.get('a1')!;
  assert.ok(agent.total.contains(Resources.of([volume('kafka-0', 100), reserved('cpus', 1)])));
  assert.equal(agent.total.persistentVolumes().size, 1);
  assert.equal(agent.total.cpus(), before.cpus());
  assert.ok(agent.available.contains(Resources.of([volume('kafka-0', 100)])));
});

test('applyOperatorCalls: a call that cannot apply fails with 409 and its message, keeps what applied before it, changes nothing after', () => {
  const results: OperatorCallResult[] = [];
  const cluster = clusterWith({ operatorCallResult: (r) => results.push(r) });
  applyOperatorCalls(cluster.engine, [RESERVE]);
  const afterReserve = cluster.engine.state.agents.get('a1')!.total;
  const tooMuch: OperatorCall = {
    id: 'too-much',
    agentId: 'a1',
    operations: [
      { type: 'CREATE', volumes: [volume('kafka-1', 50)] },
      { type: 'RESERVE', resources: [reserved('cpus', 100)] },
      { type: 'CREATE', volumes: [volume('kafka-2', 10)] },
    ],
  };
  const again: OperatorCall = { id: 'again', agentId: 'a1', operations: [{ type: 'RESERVE', resources: [reserved('mem', 64)] }] };
  const out = applyOperatorCalls(cluster.engine, [tooMuch, again]);
  assert.equal(out.length, 2);
  const failed = out[0]!;
  assert.equal(failed.id, 'too-much');
  assert.equal(failed.ok, false);
  assert.equal(failed.applied, 1);
  assert.equal(failed.httpStatus, HTTP_CONFLICT);
  assert.match(failed.message!, /^RESERVE: .* does not contain /);
  // The first operation stays (as the master's first HTTP call would), the third was never made.
  const total = cluster.engine.state.agents.get('a1')!.total;
  assert.deepEqual(total.persistentVolumes().toArray().map((v) => v.disk?.persistence?.id), ['kafka-1']);
  assert.equal(total.reserved('data').cpus(), afterReserve.reserved('data').cpus());
  // The next call is still made, in order.
  assert.deepEqual(out[1], { id: 'again', ok: true, applied: 1 });
  assert.deepEqual(results.map((r) => r.id), ['reserve-0', 'too-much', 'again']);
});

test('applyOperatorCalls: an agent gone since the cycle fails the call, nothing else changes', () => {
  const cluster = clusterWith({});
  cluster.engine.removeAgent('a1');
  const [result] = applyOperatorCalls(cluster.engine, [RESERVE]);
  assert.equal(result!.ok, false);
  assert.equal(result!.applied, 0);
  assert.match(result!.message!, /unknown agent a1/);
});

test('reserved on one cycle, offered to its role on the next', () => {
  let reservedOnce = false;
  const cluster = buildCluster({
    agents: [{ id: 'a1', resources: 'cpus:4;mem:1024;disk:1000' }],
    frameworks: [{ id: 'kafka', roles: ['data'], capabilities: ['MULTI_ROLE', 'RESERVATION_REFINEMENT'] }],
    operatorCalls: 'hold',
    policy: {
      // Nothing offered until the reservation exists: the stage holds it back.
      filter: (ctx) => !ctx.agent.total.reserved('data').isEmpty(),
      operatorCalls(ctx) {
        if (reservedOnce) return [];
        reservedOnce = true;
        return [{ id: 'r', agentId: ctx.agents[0]!.id, operations: RESERVE.operations }];
      },
    },
  });
  const first = cluster.runCycle();
  assert.equal(first.offerCount, 0);
  applyOperatorCalls(cluster.engine, first.result.operatorCalls);
  const second = cluster.advance(1000)[0]!;
  const offered = second.offered('kafka', 'a1', 'data');
  assert.ok(offered !== undefined);
  assert.equal(offered.reserved('data').cpus(), 1);
});
