// The master rescinds outstanding offers for an operator call (Master::Http::_operation): offers
// on the agent that hold some of the operation's resources go back to the agent, with the
// default 5 s refuse filter (`Filters()`), until the rescinded resources alone let it apply; then
// updateAvailable. Offline `applyOperatorCalls` does the same, reports the rescinded offers and
// takes them out of the last cycle's offers. Resources tasks use are never rescinded.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyOperatorCalls, HTTP_CONFLICT } from '../../src/allocator/operator-calls.ts';
import type { OperatorCall, Policy } from '../../src/policy/index.ts';
import { parseResources, Resources } from '../../src/resources/index.ts';
import { assertResourcesEqual, buildCluster } from '../../src/testing/index.ts';

const DATA = { type: 'DYNAMIC', role: 'data', principal: 'ops' } as const;
const reserve = (id: string, agentId: string, text: string): OperatorCall => ({
  id, agentId, operations: [{ type: 'RESERVE', resources: parseResources(text).pushReservation(DATA) }],
});

function held(cluster: ReturnType<typeof buildCluster>, frameworkId: string, agentId: string): Resources {
  return cluster.engine.state.agents.get(agentId)!.offeredOrAllocated().get(frameworkId) ?? Resources.EMPTY;
}

test('a RESERVE on offered resources succeeds after rescinding that offer: the framework no longer holds it, the cycle’s offers no longer list it', () => {
  let calls: OperatorCall[] = [reserve('r1', 'a1', 'cpus:1;disk:100')];
  const policy: Policy = { operatorCalls: () => { const out = calls; calls = []; return out; } };
  const cluster = buildCluster({ agents: [{ id: 'a1', resources: 'cpus:4;mem:1024;disk:1000' }], frameworks: [{ id: 'f1', roles: ['web'] }], policy });
  const cycle = cluster.runCycle();
  const [result] = cycle.operatorCallResults;
  assert.equal(result!.ok, true, result!.message);
  assert.deepEqual(cycle.rescinded.map((o) => [o.frameworkId, o.agentId, o.role]), [['f1', 'a1', 'web']]);
  assertResourcesEqual(cycle.rescinded[0]!.resources, parseResources('cpus:4;mem:1024;disk:1000').allocate('web'));
  assert.ok(held(cluster, 'f1', 'a1').isEmpty(), 'the framework no longer holds it');
  assert.equal(cycle.offered('f1', 'a1'), undefined, 'gone from the offers a driver answers after the calls');
  assert.equal(cluster.engine.state.agents.get('a1')!.total.reserved('data').scalar('cpus'), 1);
  // Filters(): 5 s, so f1 is not offered a1 again at once; after that, it is.
  cluster.clock.advance(1000);
  assert.equal(cluster.runCycle().offered('f1', 'a1'), undefined, 'refused for 5 s, as the master’s rescind filter');
  cluster.clock.advance(5000);
  assertResourcesEqual(cluster.runCycle().offered('f1', 'a1')!, parseResources('cpus:3;mem:1024;disk:900').allocate('web'));
});

test('used resources are never rescinded: the offer part goes, the call still gets 409 when the rest is in use', () => {
  const cluster = buildCluster({ agents: [{ id: 'a1', resources: 'cpus:4;mem:1024' }], frameworks: [{ id: 'f1', roles: ['web'] }], operatorCalls: 'hold' });
  const offered = cluster.runCycle().offered('f1', 'a1')!;
  const task = parseResources('cpus:3;mem:512').allocate('web');
  cluster.engine.transitionOfferedToAllocated('a1', task, 'f1');
  const [result] = applyOperatorCalls(cluster.engine, [reserve('too-much', 'a1', 'cpus:2')]);
  assert.equal(result!.ok, false);
  assert.equal(result!.httpStatus, HTTP_CONFLICT);
  assertResourcesEqual(result!.rescinded![0]!.resources, offered.minus(task), 'only the offered part was rescinded');
  assertResourcesEqual(held(cluster, 'f1', 'a1'), task, 'the task keeps its resources');
  assertResourcesEqual(cluster.engine.state.agents.get('a1')!.allocated().get('f1')!, task);
  // What fits in the rescinded part applies.
  const [fits] = applyOperatorCalls(cluster.engine, [reserve('fits', 'a1', 'cpus:1')]);
  assert.equal(fits!.ok, true);
  assert.equal(fits!.rescinded, undefined, 'nothing left to rescind');
});

test('only offers holding some of the operation’s resources are rescinded; others stay with their frameworks', () => {
  const cluster = buildCluster({
    agents: [{ id: 'a1', resources: 'cpus:4;mem:1024;disk:1000;cpus(data):2' }],
    frameworks: [{ id: 'web-fw', roles: ['web'] }, { id: 'data-fw', roles: ['data'] }],
    operatorCalls: 'hold',
  });
  cluster.runCycle();
  const dataHeld = held(cluster, 'data-fw', 'a1');
  assert.ok(!dataHeld.isEmpty(), 'data-fw holds its reservation');
  const unreservedHolder = held(cluster, 'web-fw', 'a1').unreserved().isEmpty() ? 'data-fw' : 'web-fw';
  // CREATE needs reserved disk: nothing offered holds it, so nothing is rescinded (and 409).
  const [create] = applyOperatorCalls(cluster.engine, [{ id: 'c', agentId: 'a1', operations: [{ type: 'CREATE', volumes: parseResources('disk:10').pushReservation(DATA).toArray().map((r) => ({ ...r, disk: { persistence: { id: 'v', principal: 'ops' }, volume: { containerPath: 'd', mode: 'RW' as const } } })) }] }]);
  assert.equal(create!.ok, false);
  assert.equal(create!.rescinded, undefined);
  // RESERVE of unreserved disk: only the holder of unreserved disk loses its offer.
  const [result] = applyOperatorCalls(cluster.engine, [reserve('r', 'a1', 'disk:100')]);
  assert.equal(result!.ok, true, result!.message);
  assert.deepEqual(result!.rescinded!.map((o) => o.frameworkId), [unreservedHolder]);
  if (unreservedHolder === 'web-fw') assertResourcesEqual(held(cluster, 'data-fw', 'a1'), dataHeld, 'the data framework keeps its offer');
});

test('rescinds stop once what was rescinded alone lets the operation apply, in the order the frameworks came to hold resources on the agent', () => {
  const cluster = buildCluster({ agents: [{ id: 'a1', resources: 'cpus:2' }], frameworks: [{ id: 'f1', roles: ['web'] }, { id: 'f2', roles: ['web'] }], operatorCalls: 'hold' });
  const first = cluster.runCycle().entries()[0]!;
  const [a, b] = first.frameworkId === 'f1' ? ['f1', 'f2'] : ['f2', 'f1'];
  cluster.decline(a, 'a1', parseResources('cpus:1').allocate('web'));
  cluster.clock.advance(1000);
  cluster.runCycle();
  assert.ok(!held(cluster, b, 'a1').isEmpty() && !held(cluster, a, 'a1').isEmpty(), 'both hold cpus:1');
  const [one] = applyOperatorCalls(cluster.engine, [reserve('one', 'a1', 'cpus:1')]);
  assert.deepEqual(one!.rescinded!.map((o) => o.frameworkId), [a], 'the first holder’s offer is enough');
  assert.ok(!held(cluster, b, 'a1').isEmpty(), 'the other keeps its offer');
});
