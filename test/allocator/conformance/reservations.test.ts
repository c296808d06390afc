// Conformance: reservations (reference §4.6, §4.13 rule 3; Mesos `Resources::isAllocatableTo`):
// resources reserved for R go only to R and R's descendants, unreserved ones to anyone; a
// refined reservation's effective role is the last entry of its stack.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildCluster, assertOffered, assertNotOffered, assertReservationsStayInRole, assertOffersWellFormed } from '../../../src/testing/index.ts';
import { parseResourceLimits, parseResourceQuantities, parseResources } from '../../../src/resources/index.ts';
import { assertNoOffers, assertReason, dynamic, jsonResources, nextPeriodic, scalar } from './support.ts';

function parse(text: string) {
  return parseResources(text, { commandLine: false });
}

test('Reservations: a role gets its static reservations and unreserved resources, never another role\'s reservations', () => {
  const cluster = buildCluster({
    agents: [
      { id: 'a1', resources: 'cpus(role1):2;mem(role1):1024' },
      { id: 'a2', resources: 'cpus(role2):2;mem(role2):1024;cpus:1;mem:1024' },
      // No framework ever has role3: this agent is never offered.
      { id: 'a3', resources: 'cpus(role3):1;mem(role3):1024' },
    ],
    frameworks: [{ id: 'f1', roles: ['role1'] }],
  });
  const first = cluster.runCycle();
  assertOffered(first, 'f1', 'a1', { role: 'role1', resources: 'cpus(role1):2;mem(role1):1024' }, cluster);
  assertOffered(first, 'f1', 'a2', { role: 'role1', resources: 'cpus:1;mem:1024' }, cluster);
  assertNotOffered(first, 'f1', 'a3');
  assertReason(cluster, 'f1', 'a3', 'reserved-for-other-roles', 'role1');

  cluster.addFramework({ id: 'f2', roles: ['role2'] });
  const second = cluster.runCycle();
  assertOffered(second, 'f2', 'a2', { role: 'role2', resources: 'cpus(role2):2;mem(role2):1024' }, cluster);
  assertNotOffered(second, 'f2', 'a1');
  assertNotOffered(second, 'f2', 'a3');
  assertReservationsStayInRole(first);
  assertReservationsStayInRole(second);
});

test('dynamic reservations go only to their role; the unreserved rest of the agent goes to anyone', () => {
  const agent = jsonResources([scalar('cpus', 2, dynamic('role1')), scalar('mem', 512, dynamic('role1')), scalar('cpus', 1), scalar('mem', 256)]);
  const cluster = buildCluster({ agents: [{ id: 'a1', resources: agent }], frameworks: [{ id: 'other', roles: ['role2'] }] });
  const first = cluster.runCycle();
  const offered = assertOffered(first, 'other', 'a1', { role: 'role2', resources: 'cpus:1;mem:256' }, cluster);
  assert.equal(offered.reserved().size, 0);
  cluster.addFramework({ id: 'owner', roles: ['role1'] });
  const second = cluster.runCycle();
  const own = assertOffered(second, 'owner', 'a1', { role: 'role1' }, cluster);
  assert.equal(own.cpus(), 2);
  assert.equal(own.mem(), 512);
  assert.equal(own.unreserved().size, 0);
  assert.ok(own.toArray().every((r) => r.reservations[0]?.type === 'DYNAMIC' && r.reservations[0]?.role === 'role1'));
});

test('Reservations, STATIC and DYNAMIC alike (HierarchicalAllocatorTestWithReservations): another role gets the unreserved agent, never the reserved one', () => {
  for (const reservedAgent of ['cpus(role1):1;mem(role1):64', jsonResources([scalar('cpus', 1, dynamic('role1')), scalar('mem', 64, dynamic('role1'))])]) {
    const cluster = buildCluster({
      agents: [{ id: 'reserved', resources: reservedAgent }, { id: 'free', resources: 'cpus:1;mem:64' }],
      frameworks: [{ id: 'f2', roles: ['role2'] }],
    });
    const cycle = cluster.runCycle();
    assertOffered(cycle, 'f2', 'free', { role: 'role2' }, cluster);
    assertNotOffered(cycle, 'f2', 'reserved');
  }
});

test('ReservationUnallocated: unallocated reservations count against the role\'s quota, so more unreserved resources are held back', () => {
  for (const reserved of ['cpus(quota-role):1;mem(quota-role):1024', jsonResources([scalar('cpus', 1, dynamic('quota-role')), scalar('mem', 1024, dynamic('quota-role'))])]) {
    const cluster = buildCluster({ agents: [{ id: 'a1', resources: reserved }] });
    cluster.engine.updateQuota('quota-role', { guarantees: parseResourceQuantities('cpus:1;mem:1024'), limits: parseResourceLimits('cpus:1;mem:1024') });
    cluster.addFramework({ id: 'f1', roles: ['quota-role'] });
    const first = cluster.runCycle();
    const offer = assertOffered(first, 'f1', 'a1', { role: 'quota-role', resources: reserved.startsWith('[') ? parse(reserved) : reserved }, cluster);
    cluster.decline('f1', 'a1', offer, 24 * 3600); // keep the reservation unallocated for the rest of the test
    cluster.addAgent({ id: 'a2', resources: 'cpus:1;mem:1024' });
    assertNoOffers(cluster.runCycle(), 'a2 would take quota-role over its limit: the unallocated reservation already consumes it');
  }
});

test('OfferAncestorReservationsToDescendantChild: resources reserved for a and a/b are offered to a/b/c', () => {
  const cluster = buildCluster({ frameworks: [{ id: 'f1', roles: ['a/b/c'] }] });
  cluster.addAgent({ id: 'a1', resources: 'cpus(a):1;mem(a):512' });
  assertOffered(cluster.runCycle(), 'f1', 'a1', { role: 'a/b/c', resources: 'cpus(a):1;mem(a):512' }, cluster);
  cluster.addAgent({ id: 'a2', resources: 'cpus:2;mem:1024;cpus(a/b):4;mem(a/b):2048' });
  const cycle = cluster.runCycle();
  assertOffered(cycle, 'f1', 'a2', { role: 'a/b/c', resources: 'cpus:2;mem:1024;cpus(a/b):4;mem(a/b):2048' }, cluster);
  assertReservationsStayInRole(cycle);
  assertOffersWellFormed(cycle);
});

test('a reservation for a/b is offered neither to its parent a nor to its sibling a/c', () => {
  const cluster = buildCluster({
    agents: [{ id: 'a1', resources: 'cpus(a/b):4;mem(a/b):2048' }],
    frameworks: [{ id: 'parent', roles: ['a'] }, { id: 'sibling', roles: ['a/c'] }],
  });
  assertNoOffers(cluster.runCycle());
  assertReason(cluster, 'parent', 'a1', 'reserved-for-other-roles', 'a');
  assertReason(cluster, 'sibling', 'a1', 'reserved-for-other-roles', 'a/c');
  cluster.addFramework({ id: 'child', roles: ['a/b'] });
  assertOffered(cluster.runCycle(), 'child', 'a1', { role: 'a/b', resources: 'cpus(a/b):4;mem(a/b):2048' }, cluster);
});

test('a role name that merely starts like the reservation role is not a descendant (ab is not under a)', () => {
  const cluster = buildCluster({ agents: [{ id: 'a1', resources: 'cpus(a):1;mem(a):64' }], frameworks: [{ id: 'f', roles: ['ab', 'ab/c'] }] });
  assertNoOffers(cluster.runCycle());
});

test('refined reservations: the last role of the stack owns them (a then a/b: to a/b and a/b/c, not to a)', () => {
  const refined = jsonResources([scalar('cpus', 1, dynamic('a', 'a/b')), scalar('mem', 64, dynamic('a', 'a/b'))]);
  const capabilities = ['MULTI_ROLE', 'RESERVATION_REFINEMENT'] as const;
  const cluster = buildCluster({ agents: [{ id: 'a1', resources: refined }], frameworks: [{ id: 'in-a', roles: ['a'], capabilities }] });
  assertNoOffers(cluster.runCycle(), 'a/b\'s refined reservation is not for a');
  cluster.addFramework({ id: 'in-abc', roles: ['a/b/c'], capabilities });
  const toGrandchild = cluster.runCycle();
  assertOffered(toGrandchild, 'in-abc', 'a1', { role: 'a/b/c', resources: parse(refined) }, cluster);
  assertNotOffered(toGrandchild, 'in-a', 'a1');
  cluster.declineAll(toGrandchild, 3600);
  cluster.addFramework({ id: 'in-ab', roles: ['a/b'], capabilities });
  assertOffered(cluster.runCycle(), 'in-ab', 'a1', { role: 'a/b', resources: parse(refined) }, cluster);
});

test('refined reservations on a static base (STATIC a, DYNAMIC a/b) are a/b\'s; the static base part left on the agent stays a\'s', () => {
  const resources = jsonResources([
    scalar('cpus', 2, { reservations: [{ type: 'STATIC', role: 'a' }, { type: 'DYNAMIC', role: 'a/b' }] }),
    scalar('cpus', 1, { reservations: [{ type: 'STATIC', role: 'a' }] }),
    scalar('mem', 64, { reservations: [{ type: 'STATIC', role: 'a' }] }),
  ]);
  const capabilities = ['MULTI_ROLE', 'RESERVATION_REFINEMENT'] as const;
  const cluster = buildCluster({ agents: [{ id: 'a1', resources }], frameworks: [{ id: 'in-a', roles: ['a'], capabilities }] });
  const cycle = cluster.runCycle();
  const offer = assertOffered(cycle, 'in-a', 'a1', { role: 'a' }, cluster);
  assert.equal(offer.cpus(), 1, 'only the STATIC a part');
  assert.equal(offer.mem(), 64);
  cluster.addFramework({ id: 'in-ab', roles: ['a/b'], capabilities });
  const refined = cluster.runCycle();
  const child = assertOffered(refined, 'in-ab', 'a1', { role: 'a/b' }, cluster);
  assert.equal(child.cpus(), 2);
  assert.ok(child.toArray().every((r) => r.reservations.length === 2));
});

test('unreserved resources go to any role: *, top-level and nested roles alike', () => {
  for (const role of ['*', 'web', 'web/api/v1']) {
    const cluster = buildCluster({ agents: [{ id: 'a1', resources: 'cpus:2;mem:512;ports:[31000-31005]' }], frameworks: [{ id: 'f', roles: [role] }] });
    assertOffered(cluster.runCycle(), 'f', 'a1', { role, resources: 'cpus:2;mem:512;ports:[31000-31005]' }, cluster);
  }
});

test('reservations stay in their role subtree across many cycles of a mixed cluster (isAllocatableTo)', () => {
  const cluster = buildCluster({
    seed: 3,
    agents: [
      { id: 'a1', resources: 'cpus(prod):8;cpus(stage):2;mem:15360;disk:1000;ports:[31000-32000]' },
      { id: 'a2', resources: 'cpus(prod/kafka):4;mem(prod/kafka):4096;cpus:2;mem:2048' },
      { id: 'a3', resources: 'cpus(dev):2;mem(dev):1024' },
      { id: 'a4', resources: jsonResources([scalar('cpus', 2, dynamic('prod')), scalar('mem', 1024, dynamic('prod', 'prod/kafka')), scalar('cpus', 1)]) },
    ],
    frameworks: [
      { id: 'kafka', roles: ['prod/kafka'], capabilities: ['MULTI_ROLE', 'RESERVATION_REFINEMENT'] },
      { id: 'prod', roles: ['prod'] },
      { id: 'stage', roles: ['stage', 'dev/team'] },
      { id: 'any', roles: ['*'] },
    ],
  });
  let cycle = cluster.runCycle();
  for (let i = 0; i < 20; i++) {
    assertReservationsStayInRole(cycle);
    assertOffersWellFormed(cycle);
    cluster.declineAll(cycle);
    cycle = nextPeriodic(cluster);
  }
});
