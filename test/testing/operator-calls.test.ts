// The offline harness plays the master's side of operator calls: made after each cycle (or held
// for the test to make or fail), results visible on the cycle and in the cluster's log.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { OperatorCall, OperatorCallResult, Policy } from '../../src/policy/index.ts';
import type { ResourceInput } from '../../src/resources/index.ts';
import { assertOffered, assertOperatorCall, buildCluster } from '../../src/testing/index.ts';

const RESERVATION = [{ type: 'DYNAMIC', role: 'data', principal: 'ops' }] as const;
const CPU: ResourceInput = { name: 'cpus', scalar: 1, reservations: RESERVATION };
const DISK: ResourceInput = { name: 'disk', scalar: 100, reservations: RESERVATION };
const VOLUME: ResourceInput = { ...DISK, disk: { persistence: { id: 'v0', principal: 'ops' }, volume: { containerPath: 'data', mode: 'RW' } } };

/** Reserves and creates a volume on the first agent it sees, once; records every result. */
function reservingPolicy(results: OperatorCallResult[]): Policy {
  let asked = false;
  return {
    filter: (ctx) => ctx.role !== 'data' || !ctx.agent.total.reserved('data').isEmpty(),
    operatorCalls(ctx): OperatorCall[] {
      if (asked) return [];
      asked = true;
      const agentId = ctx.agents[0]!.id;
      return [
        { id: 'reserve', agentId, operations: [{ type: 'RESERVE', resources: [CPU, DISK] }] },
        { id: 'volume', agentId, operations: [{ type: 'CREATE', volumes: [VOLUME] }] },
        { id: 'too-big', agentId, operations: [{ type: 'RESERVE', resources: [{ ...CPU, scalar: 64 }] }] },
      ];
    },
    operatorCallResult: (r) => results.push(r),
  };
}

function cluster(policy: Policy, operatorCalls?: 'apply' | 'hold') {
  return buildCluster({
    agents: [{ id: 'a1', resources: 'cpus:4;mem:1024;disk:1000' }],
    frameworks: [{ id: 'kafka', roles: ['data'], capabilities: ['MULTI_ROLE', 'RESERVATION_REFINEMENT'] }],
    policy,
    ...(operatorCalls === undefined ? {} : { operatorCalls }),
  });
}

test('by default each cycle\'s calls are made right after it: results on the cycle, in the log, at the policy', () => {
  const results: OperatorCallResult[] = [];
  const c = cluster(reservingPolicy(results));
  const first = c.runCycle();
  assert.deepEqual(first.operatorCalls.map((call) => call.id), ['reserve', 'volume', 'too-big']);
  assert.deepEqual(first.operatorCall('reserve')?.result, { id: 'reserve', ok: true, applied: 1 });
  assert.deepEqual(first.operatorCall('volume')?.result, { id: 'volume', ok: true, applied: 1 });
  const failed = first.operatorCall('too-big')!.result!;
  assert.equal(failed.ok, false);
  assert.equal(failed.httpStatus, 409);
  assert.match(failed.message!, /does not contain/);
  assert.equal(first.operatorCall('nope'), undefined);
  assert.deepEqual(assertOperatorCall(first, 'reserve', { agentId: 'a1', ok: true }), { id: 'reserve', ok: true, applied: 1 });
  assertOperatorCall(first, 'too-big', { ok: false });
  assert.throws(() => assertOperatorCall(first, 'too-big', { ok: true }), /expected operator call 'too-big' to succeed\n  operator calls of the cycle:\n  reserve on a1: RESERVE → ok\n  volume on a1: CREATE → ok\n  too-big on a1: RESERVE → failed after 0 \(409\): RESERVE: /);
  assert.throws(() => assertOperatorCall(first, 'nope'), /expected an operator call 'nope', got none/);
  assert.throws(() => assertOperatorCall(first, 'reserve', { agentId: 'a2' }), /operator call 'reserve' is on a1, expected a2/);
  assert.deepEqual(results, first.operatorCallResults);
  assert.deepEqual(c.operatorCallLog.map((e) => [e.call.id, e.result.ok]), [['reserve', true], ['volume', true], ['too-big', false]]);
  // The next cycle offers the reservation and the volume to their role.
  const next = c.advance(1000)[0]!;
  const offered = assertOffered(next, 'kafka', 'a1', { role: 'data' }, c);
  assert.equal(offered.persistentVolumes().size, 1);
  assert.equal(offered.reserved('data').cpus(), 1);
});

test('held calls wait for the test: made when it says, or failed as a master would (401, a time-out after the first operation)', () => {
  const results: OperatorCallResult[] = [];
  const c = cluster(reservingPolicy(results), 'hold');
  const first = c.runCycle();
  assert.deepEqual(first.operatorCallResults, []);
  assert.equal(first.operatorCall('reserve')?.result, undefined);
  assert.deepEqual(c.pendingOperatorCalls.map((call) => call.id), ['reserve', 'volume', 'too-big']);
  assert.deepEqual(c.failOperatorCall('too-big', 401, 'Unauthorized'), { id: 'too-big', ok: false, applied: 0, httpStatus: 401, message: 'Unauthorized' });
  assert.deepEqual(c.makeOperatorCalls(['reserve']), [{ id: 'reserve', ok: true, applied: 1 }]);
  assert.deepEqual(c.pendingOperatorCalls.map((call) => call.id), ['volume']);
  assert.throws(() => c.makeOperatorCalls(['reserve']), /no held operator call 'reserve' \(held: volume\)/);
  assert.throws(() => c.failOperatorCall('volume', 0, 'timed out', 1), /applied must be 0\.\.0/);
  assert.deepEqual(c.makeOperatorCalls(), [{ id: 'volume', ok: true, applied: 1 }]);
  assert.deepEqual(c.pendingOperatorCalls, []);
  assert.deepEqual(results.map((r) => r.id), ['too-big', 'reserve', 'volume']);
  assert.equal(c.engine.state.agents.get('a1')!.total.persistentVolumes().size, 1);
});

test('failOperatorCall with applied > 0 leaves the operations before the failure applied', () => {
  const results: OperatorCallResult[] = [];
  const c = cluster({
    filter: () => false, // nothing offered: the agent stays unallocated
    operatorCalls: (ctx) => (ctx.now === 0 ? [{ id: 'both', agentId: 'a1', operations: [{ type: 'RESERVE', resources: [CPU, DISK] }, { type: 'CREATE', volumes: [VOLUME] }] }] : []),
    operatorCallResult: (r) => results.push(r),
  }, 'hold');
  c.runCycle();
  c.failOperatorCall('both', 0, 'timed out', 1);
  const total = c.engine.state.agents.get('a1')!.total;
  assert.equal(total.reserved('data').cpus(), 1);
  assert.equal(total.persistentVolumes().size, 0);
  assert.deepEqual(results, [{ id: 'both', ok: false, applied: 1, httpStatus: 0, message: 'timed out' }]);
});

test('a call made on offered resources rescinds the offer: the cycle view and the log say which, and the offer is gone from the view', () => {
  const calls: OperatorCall[] = [{ id: 'r', agentId: 'a1', operations: [{ type: 'RESERVE', resources: [CPU] }] }];
  const cluster = buildCluster({
    agents: [{ id: 'a1', resources: 'cpus:2;mem:256' }],
    frameworks: [{ id: 'web', roles: ['web'] }],
    policy: { operatorCalls: () => calls.splice(0) },
    operatorCalls: 'hold',
  });
  const cycle = cluster.runCycle();
  assert.ok(cycle.offered('web', 'a1') !== undefined, 'offered, the call held');
  const [result] = cluster.makeOperatorCalls();
  assert.equal(result!.ok, true);
  assert.deepEqual(result!.rescinded!.map((o) => [o.frameworkId, o.role]), [['web', 'web']]);
  assert.deepEqual(cluster.operatorCallLog[0]!.result.rescinded, result!.rescinded);
  assert.equal(cycle.offered('web', 'a1'), undefined, 'the last cycle’s offer was withdrawn');
});
