// Speculative operations through the allocator: a framework's accepted operations
// (updateAllocation) and the operator's (updateAvailable). hierarchical.cpp updateAllocation /
// updateAvailable; mesos-allocator.md §2.6, §4.12; Mesos tests UpdateAllocation*,
// UpdateAvailableSuccess/Fail.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OperationError, Resources, type OfferOperation } from '../../../src/resources/index.ts';
import { assertOffered, assertOffersWellFormed, assertReservationsStayInRole, buildCluster, type TestCluster } from '../../../src/testing/index.ts';
import { assertSameResources, persistentVolume, r, scalar, settle, tick } from './helpers.ts';

const AGENT = 'cpus:100;mem:100;disk:100';

function agentState(c: TestCluster, id: string) {
  const agent = c.engine.state.agents.get(id);
  assert.ok(agent !== undefined);
  return agent;
}

/** A plain-data snapshot of everything updateAvailable must leave alone when it fails. */
function snapshot(c: TestCluster, agentId: string): string {
  const agent = agentState(c, agentId);
  const held = [...agent.offeredOrAllocated()].map(([f, res]) => [f, res.toString()]);
  const roles = [...c.engine.state.roleTree.roles()].map((n) => [n.role, [...n.reservations], [...n.offeredOrAllocatedReserved], [...n.offeredOrAllocatedUnreservedNonRevocable]]);
  return JSON.stringify({ total: agent.total.toString(), available: agent.available.toString(), held, roles, totals: [...c.engine.state.totalScalarQuantities] });
}

test('UpdateAllocation: a framework RESERVE + CREATE changes its offered resources and the agent total; the result is re-offered', () => {
  const c = buildCluster({ agents: [{ id: 'agent1', resources: AGENT }], frameworks: [{ id: 'framework', roles: ['role1'] }] });
  const offered = assertOffered(settle(c), 'framework', 'agent1', { role: 'role1', resources: AGENT }, c);
  const reserved = Resources.of([{ ...scalar('disk', 50, 'role1', 'DYNAMIC'), allocationRole: 'role1' }]);
  const volume = Resources.of([persistentVolume(50, 'role1', 'ID', { allocationRole: 'role1' })]);
  const operations: OfferOperation[] = [{ type: 'RESERVE', resources: reserved }, { type: 'CREATE', volumes: volume }];
  const updated = c.accept('framework', 'agent1', offered, operations, ['role1']);
  assert.equal(c.advance(0).length, 0, 'updateAllocation runs no cycle');

  const expected = r('cpus:100;mem:100;disk:50').plus(Resources.of([persistentVolume(50, 'role1', 'ID')]));
  assertSameResources(updated, expected, 'the operations applied to the offer');
  assertSameResources(agentState(c, 'agent1').total, expected, 'the agent total follows');
  assertSameResources(agentState(c, 'agent1').offeredOrAllocated().get('framework'), expected, "the framework's offered resources follow");
  assert.equal(agentState(c, 'agent1').available.isEmpty(), true);

  c.engine.recoverResources('framework', 'agent1', updated, undefined);
  const cycle = tick(c);
  assertOffered(cycle, 'framework', 'agent1', { role: 'role1', resources: expected }, c);
});

test('UpdateAllocationRemoveResources: a conversion with nothing converted removes resources from the allocation and the total', () => {
  const c = buildCluster({ agents: [{ id: 'agent1', resources: AGENT }], frameworks: [{ id: 'framework', roles: ['role1'] }] });
  const offered = assertOffered(settle(c), 'framework', 'agent1', { resources: AGENT }, c);
  const removed = r('disk:100').allocate('role1');
  c.engine.updateAllocation('framework', 'agent1', offered, [{ consumed: removed, converted: Resources.EMPTY }]);
  const updated = offered.minus(removed);
  assert.equal(updated.disk(), undefined);
  assertSameResources(agentState(c, 'agent1').total, 'cpus:100;mem:100');
  c.engine.recoverResources('framework', 'agent1', updated, undefined);
  assertOffered(tick(c), 'framework', 'agent1', { resources: 'cpus:100;mem:100' }, c);
});

test('UpdateAllocationSharedPersistentVolume: a shared volume can be created and destroyed through updateAllocation', () => {
  const c = buildCluster({
    agents: [{ id: 'agent1', resources: 'cpus:100;mem:100;disk(role1):100' }],
    frameworks: [{ id: 'framework', roles: ['role1'], capabilities: ['MULTI_ROLE', 'SHARED_RESOURCES'] }],
  });
  const offered = assertOffered(settle(c), 'framework', 'agent1', { resources: 'cpus:100;mem:100;disk(role1):100' }, c);
  // A volume on the statically reserved disk.
  const volume = Resources.of([{
    name: 'disk', scalar: 5, reservations: [{ type: 'STATIC', role: 'role1' }], allocationRole: 'role1', shared: true,
    disk: { persistence: { id: 'id1', principal: 'ops' }, volume: { containerPath: 'data', mode: 'RW' } },
  }]);
  const created = c.accept('framework', 'agent1', offered, [{ type: 'CREATE', volumes: volume }], ['role1']);
  c.engine.recoverResources('framework', 'agent1', created, undefined);
  const again = assertOffered(tick(c), 'framework', 'agent1', { resources: created }, c);
  assert.equal(again.shared().isEmpty(), false, 'the shared volume is offered');

  const destroyed = c.accept('framework', 'agent1', again, [{ type: 'DESTROY', volumes: volume }], ['role1']);
  assertSameResources(destroyed, 'cpus:100;mem:100;disk(role1):100', 'created then destroyed: the original resources');
  assertSameResources(agentState(c, 'agent1').total, 'cpus:100;mem:100;disk(role1):100');
  c.engine.recoverResources('framework', 'agent1', destroyed, undefined);
  assertOffered(tick(c), 'framework', 'agent1', { resources: 'cpus:100;mem:100;disk(role1):100' }, c);
});

test('UpdateAvailableSuccess: an operator RESERVE on unallocated resources resolves and changes the total; the next offer has it', async () => {
  const c = buildCluster({ agents: [{ id: 'agent1', resources: AGENT }] });
  settle(c);
  const reserved = Resources.of([scalar('cpus', 25, 'role1', 'DYNAMIC'), scalar('mem', 50, 'role1', 'DYNAMIC')]);
  await c.engine.updateAvailable('agent1', [{ type: 'RESERVE', resources: reserved }]);
  assert.equal(c.advance(0).length, 0, 'updateAvailable runs no cycle');
  const expected = r('cpus:75;mem:50;disk:100').plus(reserved);
  assertSameResources(agentState(c, 'agent1').total, expected);
  c.addFramework({ id: 'framework', roles: ['role1'] });
  assertOffered(settle(c), 'framework', 'agent1', { role: 'role1', resources: expected }, c);
});

test('UpdateAvailableFail: an operation on offered resources rejects with OperationError and changes nothing', async () => {
  const c = buildCluster({ agents: [{ id: 'agent1', resources: AGENT }], frameworks: [{ id: 'framework', roles: ['role1'] }] });
  assertOffered(settle(c), 'framework', 'agent1', { resources: AGENT }, c);
  const before = snapshot(c, 'agent1');
  const reserved = Resources.of([scalar('cpus', 25, 'role1', 'DYNAMIC'), scalar('mem', 50, 'role1', 'DYNAMIC')]);
  await assert.rejects(c.engine.updateAvailable('agent1', [{ type: 'RESERVE', resources: reserved }]), OperationError);
  assert.equal(snapshot(c, 'agent1'), before, 'nothing changed');
});

test('updateAvailable is all or nothing: when a later operation does not apply, the earlier ones are not applied either', async () => {
  const c = buildCluster({ agents: [{ id: 'agent1', resources: 'cpus:8;mem:1024' }] });
  settle(c);
  const before = snapshot(c, 'agent1');
  const reserve: OfferOperation = { type: 'RESERVE', resources: Resources.of([scalar('cpus', 4, 'role1', 'DYNAMIC')]) };
  const unreserveMissing: OfferOperation = { type: 'UNRESERVE', resources: Resources.of([scalar('mem', 512, 'role2', 'DYNAMIC')]) };
  await assert.rejects(c.engine.updateAvailable('agent1', [reserve, unreserveMissing]), OperationError);
  assert.equal(snapshot(c, 'agent1'), before);
  // And the same RESERVE alone works afterwards.
  await c.engine.updateAvailable('agent1', [reserve]);
  assertSameResources(agentState(c, 'agent1').total, r('cpus:4;mem:1024').plus(Resources.of([scalar('cpus', 4, 'role1', 'DYNAMIC')])));
});

test('operator RESERVE then UNRESERVE: reserved resources go only to the role (and its subroles) until unreserved', async () => {
  const c = buildCluster({ agents: [{ id: 'agent1', resources: 'cpus:8;mem:1024' }] });
  settle(c);
  const reserved = Resources.of([scalar('cpus', 4, 'role1', 'DYNAMIC'), scalar('mem', 512, 'role1', 'DYNAMIC')]);
  await c.engine.updateAvailable('agent1', [{ type: 'RESERVE', resources: reserved }]);
  c.addFramework({ id: 'other', roles: ['role2'] });
  let cycle = settle(c);
  assertOffered(cycle, 'other', 'agent1', { role: 'role2', resources: 'cpus:4;mem:512' }, c);
  assertReservationsStayInRole(cycle);

  c.addFramework({ id: 'child', roles: ['role1/child'] });
  cycle = settle(c);
  assertOffered(cycle, 'child', 'agent1', { role: 'role1/child', resources: reserved }, c);
  assertReservationsStayInRole(cycle);
  assertOffersWellFormed(cycle);

  c.engine.recoverResources('child', 'agent1', cycle.offered('child', 'agent1')!, undefined);
  await c.engine.updateAvailable('agent1', [{ type: 'UNRESERVE', resources: reserved }]);
  assertSameResources(agentState(c, 'agent1').total, 'cpus:8;mem:1024');
});

test('framework-side RESERVE: later cycles offer the reserved resources only to the role', () => {
  const c = buildCluster({ agents: [{ id: 'agent1', resources: 'cpus:8;mem:1024;ports:[31000-31010]' }], frameworks: [{ id: 'reserver', roles: ['role1'] }] });
  const offered = assertOffered(settle(c), 'reserver', 'agent1', { role: 'role1' }, c);
  const toReserve = Resources.of([{ ...scalar('cpus', 6, 'role1', 'DYNAMIC'), allocationRole: 'role1' }, { ...scalar('mem', 768, 'role1', 'DYNAMIC'), allocationRole: 'role1' }]);
  const updated = c.accept('reserver', 'agent1', offered, [{ type: 'RESERVE', resources: toReserve }], ['role1']);
  // The reserver gives everything back and stops asking; a framework of another role arrives.
  c.engine.suppressOffers('reserver');
  c.engine.recoverResources('reserver', 'agent1', updated, undefined);
  c.addFramework({ id: 'other', roles: ['role2'] });
  let cycle = settle(c);
  assertOffered(cycle, 'other', 'agent1', { role: 'role2', resources: 'cpus:2;mem:256;ports:[31000-31010]' }, c);
  assertReservationsStayInRole(cycle);
  for (let i = 0; i < 3; i++) {
    c.engine.recoverResources('other', 'agent1', cycle.offered('other', 'agent1')!, undefined);
    cycle = tick(c);
    assertReservationsStayInRole(cycle);
    assert.equal(cycle.offeredTo('other').reserved().isEmpty(), true, 'never the reserved part');
  }
  c.engine.reviveOffers('reserver');
  c.engine.recoverResources('other', 'agent1', cycle.offered('other', 'agent1')!, { refuseSeconds: 3600 });
  cycle = settle(c);
  assertOffered(cycle, 'reserver', 'agent1', { role: 'role1', including: toReserve }, c);
});
