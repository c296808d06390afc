// Accounting: what the allocator counts as offered, allocated and available (mesos-allocator.md
// §4.11, §4.12, §4.13 item 10, §4.14 shared volumes; Mesos tests NoDoubleAccounting, RecoverResources,
// AddResourceProvider*, RemoveSlaveRecoverResources, AllocateSharedResources).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Resources } from '../../../src/resources/index.ts';
import { assertNotOffered, assertOffered, buildCluster, type TestCluster } from '../../../src/testing/index.ts';
import { addAgentWithUsed, addFrameworkWithUsed, assertSameResources, jsonResources, quota, r, settle, tick } from './helpers.ts';

function agentState(c: TestCluster, id: string) {
  const agent = c.engine.state.agents.get(id);
  assert.ok(agent !== undefined, `agent ${id}`);
  return agent;
}

function consumption(c: TestCluster, role: string): Record<string, number> {
  const node = c.engine.state.roleTree.get(role);
  return Object.fromEntries(node === undefined ? [] : [...node.quotaOfferedOrConsumed()]);
}

function booksOf(c: TestCluster): string {
  const agents = [...c.engine.state.agents.values()].map((a) => [a.id, a.total.toString(), a.available.toString(), [...a.offeredOrAllocated()].map(([f, x]) => [f, x.toString()])]);
  const roles = [...c.engine.state.roleTree.roles()].map((n) => [n.role, [...n.quotaOfferedOrConsumed()], [...n.offeredOrAllocatedReserved]]);
  return JSON.stringify({ agents, roles, sorter: [...c.engine.state.roleSorter.allocationScalarQuantities()] });
}

test('NoDoubleAccounting: `used` given to both addAgent and addFramework is counted once, whatever the order', () => {
  const c = buildCluster({});
  const res = 'cpus:1';
  // framework1 first (agent1 unknown yet), then agent1; agent2 first (framework2 unknown yet), then framework2.
  addFrameworkWithUsed(c, 'framework1', ['ROLE1'], { agent1: r(res).allocate('ROLE1') });
  addAgentWithUsed(c, 'agent1', res, { framework1: r(res).allocate('ROLE1') });
  addAgentWithUsed(c, 'agent2', res, { framework2: r(res).allocate('ROLE2') });
  assert.equal(agentState(c, 'agent2').available.isEmpty(), true, "the agent's books have framework2's resources before framework2 is known");
  addFrameworkWithUsed(c, 'framework2', ['ROLE2'], { agent2: r(res).allocate('ROLE2') });
  assert.equal(settle(c).offerCount, 0, 'everything is in use');

  const sorter = c.engine.state.roleSorter;
  assert.equal(sorter.share('ROLE1'), sorter.share('ROLE2'), 'identical allocations, identical dominant shares');
  assert.equal(sorter.share('ROLE1'), 0.5);
  assert.deepEqual(Object.fromEntries(sorter.allocationScalarQuantities()), { cpus: 2 });
  assert.deepEqual(consumption(c, 'ROLE1'), { cpus: 1000 });
  assert.deepEqual(consumption(c, 'ROLE2'), { cpus: 1000 });

  // Giving the resources back frees exactly them, once.
  c.engine.recoverResources('framework1', 'agent1', r(res).allocate('ROLE1'), undefined, true);
  assertSameResources(agentState(c, 'agent1').available, res);
  assert.deepEqual(consumption(c, 'ROLE1'), {});
  assertOffered(tick(c), 'framework1', 'agent1', { role: 'ROLE1', resources: res }, c);
});

test('recoverResources for an unknown framework or an unknown agent is a no-op', () => {
  const c = buildCluster({ agents: [{ id: 'agent1', resources: 'cpus:4;mem:1024' }], frameworks: [{ id: 'framework', roles: ['r'] }] });
  const offer = assertOffered(settle(c), 'framework', 'agent1', {}, c);
  const before = booksOf(c);
  c.engine.recoverResources('ghost', 'agent1', offer, { refuseSeconds: 10 });
  c.engine.recoverResources('framework', 'ghost-agent', offer, { refuseSeconds: 10 });
  assert.equal(booksOf(c), before);
  assert.equal(c.advance(0).length, 0);
  // A removed framework's late decline (the master raced with removeFramework) is also a no-op.
  c.engine.removeFramework('framework');
  const afterRemoval = booksOf(c);
  c.engine.recoverResources('framework', 'agent1', offer, undefined);
  assert.equal(booksOf(c), afterRemoval);
  // Likewise for an agent that is gone.
  c.addFramework({ id: 'second', roles: ['r'] });
  const offer2 = assertOffered(settle(c), 'second', 'agent1', {}, c);
  c.engine.removeAgent('agent1');
  const afterAgentRemoval = booksOf(c);
  c.engine.recoverResources('second', 'agent1', offer2, undefined);
  assert.equal(booksOf(c), afterAgentRemoval);
});

test('removeFramework makes everything it held (offered and allocated) available again, without a cycle', () => {
  const c = buildCluster({
    agents: [{ id: 'agent1', resources: 'cpus:4;mem:1024;disk(r):100' }, { id: 'agent2', resources: 'cpus:4;mem:1024;ports:[31000-31010]' }],
    frameworks: [{ id: 'leaving', roles: ['r'] }],
  });
  const cycle = settle(c);
  const offer1 = assertOffered(cycle, 'leaving', 'agent1', {}, c);
  assertOffered(cycle, 'leaving', 'agent2', {}, c);
  // A task on agent1 (allocated), the rest of agent1 declined, agent2 still offered.
  c.launch('leaving', 'agent1', offer1, r('cpus:1;mem:256;disk(r):100').allocate('r'), 0);
  c.addFramework({ id: 'staying', roles: ['r'] });
  assertOffered(settle(c), 'staying', 'agent1', { resources: 'cpus:3;mem:768' }, c);

  c.engine.removeFramework('leaving');
  assert.equal(c.advance(0).length, 0, 'removeFramework runs no cycle');
  assertSameResources(agentState(c, 'agent1').available, 'disk(r):100;cpus:1;mem:256');
  assertSameResources(agentState(c, 'agent2').available, 'cpus:4;mem:1024;ports:[31000-31010]');
  assert.equal(agentState(c, 'agent1').offeredOrAllocated().has('leaving'), false);
  assert.equal(agentState(c, 'agent2').offeredOrAllocated().has('leaving'), false);
  assert.equal(c.engine.state.roleTree.get('r')?.frameworks.has('leaving'), false);
  assert.deepEqual(consumption(c, 'r'), { cpus: 3000, mem: 768000, disk: 100000 }, "only staying's offer and the reservation remain");

  const next = tick(c);
  assertOffered(next, 'staying', 'agent1', { resources: 'disk(r):100;cpus:1;mem:256' }, c);
  assertOffered(next, 'staying', 'agent2', { resources: 'cpus:4;mem:1024;ports:[31000-31010]' }, c);
});

test('RemoveSlaveRecoverResources: removing an agent untracks what frameworks held there (sorters and role tree)', () => {
  const c = buildCluster({ agents: [{ id: 'agent1', resources: 'cpus:2;mem:200' }], frameworks: [{ id: 'framework1', roles: ['role'] }] });
  assertOffered(settle(c), 'framework1', 'agent1', { resources: 'cpus:2;mem:200' }, c);
  c.addFramework({ id: 'framework2', roles: ['role'] });
  c.addAgent({ id: 'agent2', resources: 'cpus:1;mem:100' });
  assertOffered(settle(c), 'framework2', 'agent2', { resources: 'cpus:1;mem:100' }, c);
  c.engine.removeAgent('agent1');
  assert.equal(c.advance(0).length, 0, 'removeAgent runs no cycle');
  assert.deepEqual(consumption(c, 'role'), { cpus: 1000, mem: 100000 });
  assert.deepEqual(Object.fromEntries(c.engine.state.totalScalarQuantities), { cpus: 1000, mem: 100000 });
  c.addAgent({ id: 'agent3', resources: 'cpus:1;mem:100' });
  const cycle = settle(c);
  assertOffered(cycle, 'framework1', 'agent3', { resources: 'cpus:1;mem:100' }, c);
  assertNotOffered(cycle, 'framework2', 'agent3');
});

test('RecoverResources: recovered reserved, then unreserved resources are re-offered', () => {
  const agent = 'cpus(role1):1;mem(role1):200;cpus:1;mem:200';
  const c = buildCluster({ agents: [{ id: 'slave', resources: agent }], frameworks: [{ id: 'framework', roles: ['role1'] }] });
  const offer = assertOffered(settle(c), 'framework', 'slave', { role: 'role1', resources: agent }, c);
  const reserved = offer.reserved('role1');
  const unreserved = offer.unreserved();
  c.engine.recoverResources('framework', 'slave', reserved, undefined);
  assertOffered(tick(c), 'framework', 'slave', { role: 'role1', resources: reserved }, c);
  c.engine.recoverResources('framework', 'slave', unreserved, undefined);
  assertOffered(tick(c), 'framework', 'slave', { role: 'role1', resources: unreserved }, c);
});

test('AddResourceProvider: provider resources add to the agent total; their `used` counts for fair share', () => {
  const c = buildCluster({});
  addFrameworkWithUsed(c, 'framework1', ['role1'], {}, false);
  addFrameworkWithUsed(c, 'framework2', ['role2'], {}, false);
  const resources = r('cpus:1;mem:100;disk:10');
  c.engine.addAgent('slave1', { hostname: 'slave1' }, ['MULTI_ROLE', 'HIERARCHICAL_ROLE', 'RESERVATION_REFINEMENT'], undefined, resources, new Map());
  settle(c);
  c.engine.addResourceProvider('slave1', resources.plus(resources), new Map([['framework1', resources.plus(resources).allocate('role1')]]));
  assert.equal(c.advance(0).length, 0, 'addResourceProvider runs no cycle');
  assertSameResources(agentState(c, 'slave1').total, 'cpus:3;mem:300;disk:30');
  assertSameResources(agentState(c, 'slave1').available, resources);

  c.engine.activateFramework('framework2');
  assertOffered(settle(c), 'framework2', 'slave1', { role: 'role2', resources }, c);
  c.engine.activateFramework('framework1');
  settle(c);
  // framework1: 2/4 of the cluster, framework2: 1/4: slave2 goes to framework2.
  c.addAgent({ id: 'slave2', resources: 'cpus:1;mem:100;disk:10' });
  assertOffered(settle(c), 'framework2', 'slave2', { role: 'role2', resources }, c);
});

test('AddResourceProviderOverallocated: `used` without new resources only shrinks what is available', () => {
  const resources = r('cpus:1;mem:100;disk:10');
  const c = buildCluster({ agents: [{ id: 'slave', resources: 'cpus:2;mem:200;disk:20' }] });
  addFrameworkWithUsed(c, 'framework', ['role'], {}, false);
  settle(c);
  c.engine.addResourceProvider('slave', Resources.EMPTY, new Map([['framework', resources.allocate('role')]]));
  c.engine.activateFramework('framework');
  assertOffered(settle(c), 'framework', 'slave', { role: 'role', resources }, c);
});

test('AllocateSharedResources: a shared volume in use stays available and is offered to another framework; it counts once', () => {
  for (const withQuota of [false, true]) {
    const c = buildCluster({});
    const caps = ['MULTI_ROLE', 'SHARED_RESOURCES'] as const;
    c.addFramework({ id: 'framework1', roles: ['role1'], capabilities: caps });
    c.addFramework({ id: 'framework2', roles: ['role1'], capabilities: caps });
    if (withQuota) c.engine.updateQuota('role1', quota('cpus:8;mem:2048;disk:4096'));
    const agent = 'cpus:4;mem:1024;disk(role1):2048';
    c.addAgent({ id: 'slave', resources: agent });
    const offered = assertOffered(settle(c), 'framework1', 'slave', { role: 'role1', resources: agent }, c);

    const volume = Resources.of([{
      name: 'disk', scalar: 5, reservations: [{ type: 'STATIC', role: 'role1' }], allocationRole: 'role1', shared: true,
      disk: { persistence: { id: 'id1', principal: 'ops' }, volume: { containerPath: 'path1', mode: 'RW' } },
    }]);
    const updated = c.accept('framework1', 'slave', offered, [{ type: 'CREATE', volumes: volume }], ['role1']);
    const task = r('cpus:1;mem:5').allocate('role1').plus(volume);
    // The task keeps the volume; the rest goes back unfiltered.
    c.engine.recoverResources('framework1', 'slave', updated.minus(task), undefined);
    assert.ok(agentState(c, 'slave').available.contains(volume.unallocate()), 'the shared volume stays available while in use');

    const cycle = tick(c);
    const expected = updated.minus(task).plus(volume);
    assertOffered(cycle, 'framework2', 'slave', { role: 'role1', resources: expected }, c);
    // The volume is held twice (framework1's task, framework2's offer) but counts once.
    assert.equal(c.engine.state.roleTree.get('role1')?.offeredOrAllocatedReserved.get('disk'), 2048_000, `withQuota=${withQuota}`);
    assert.equal(consumption(c, 'role1').disk, 2048_000);
  }
});

test('a shared volume is offered at most once per agent per cycle, across both stages', () => {
  const caps = ['MULTI_ROLE', 'SHARED_RESOURCES'] as const;
  const volume = {
    name: 'disk', scalar: 5, reservations: [{ type: 'STATIC' as const, role: 'role1' }], shared: true,
    disk: { persistence: { id: 'v1', principal: 'ops' }, volume: { containerPath: 'data', mode: 'RW' as const } },
  };
  const c = buildCluster({ frameworks: [{ id: 'quota-fw', roles: ['role1'], capabilities: caps }, { id: 'child-fw', roles: ['role1/sub'], capabilities: caps }] });
  // Stage 1 gives role1 its guarantee (cpus:1) plus mem up to the limit, with its reservations (the volume).
  c.engine.updateQuota('role1', quota('cpus:1', 'cpus:1;mem:100'));
  c.engine.addAgent('agent1', { hostname: 'agent1' }, ['MULTI_ROLE', 'HIERARCHICAL_ROLE', 'RESERVATION_REFINEMENT'], undefined, r('cpus:4;mem:1024').plus(Resources.of([volume])), new Map());
  const cycle = settle(c);
  const quotaOffer = assertOffered(cycle, 'quota-fw', 'agent1', { role: 'role1' }, c);
  const childOffer = assertOffered(cycle, 'child-fw', 'agent1', { role: 'role1/sub' }, c);
  assertSameResources(quotaOffer, r('cpus:1;mem:100').plus(Resources.of([volume])));
  // role1's limits do not cap its subrole; the volume (allocatable to role1/sub too) was already offered.
  assertSameResources(childOffer, 'cpus:3;mem:924');
  // And the next cycle it is offered again (it stays available): to the framework that has the lowest share.
  c.declineAll(cycle, 0);
  const next = tick(c);
  const shared = next.entries().filter((e) => !e.resources.shared().isEmpty());
  assert.equal(shared.length, 1, 'offered once again');
});

test('no empty offer: when stripping leaves a framework nothing it can take, it is skipped (hierarchical.cpp: allocatable(toOffer) after stripIncapableResources)', () => {
  const c = buildCluster({ agents: [{ id: 'agent1', resources: jsonResources({ name: 'cpus', scalar: 0.5 }, { name: 'cpus', scalar: 1, revocable: true }) }] });
  c.addFramework({ id: 'plain', roles: ['r'] });
  const first = settle(c);
  assertOffered(first, 'plain', 'agent1', { resources: 'cpus:0.5' }, c);
  // Only the revocable cpus are left: the agent passes the min-allocatable check, the stripped offer is empty.
  const next = tick(c);
  assert.equal(next.offerCount, 0, `no offer at all, got: ${next.entries().map((e) => `${e.frameworkId}: {${e.resources}}`).join(', ')}`);
  c.addFramework({ id: 'revocable', roles: ['r'], capabilities: ['MULTI_ROLE', 'REVOCABLE_RESOURCES'] });
  assertOffered(settle(c), 'revocable', 'agent1', { resources: jsonResources({ name: 'cpus', scalar: 1, revocable: true }) }, c);
});
