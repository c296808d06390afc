// Conformance: suppress and revive (hierarchical.cpp `suppressOffers`/`suppressRoles`,
// `reviveOffers`/`reviveRoles`, `activateFramework`, `updateFramework`; reference §4.7 and §4.14).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildCluster, assertOffered, assertNotOffered } from '../../../src/testing/index.ts';
import type { FrameworkInfo } from '../../../src/allocator/types.ts';
import { assertNoOffers, assertReason, nextPeriodic } from './support.ts';

const AGENT = { id: 'a1', resources: 'cpus:2;mem:1024' };

function multiRole(roles: string[]): FrameworkInfo {
  return { roles, capabilities: ['MULTI_ROLE'] };
}

test('SuppressAndReviveOffers: a redundant revive offers nothing new; after suppress nothing is offered; revive offers again', () => {
  const cluster = buildCluster({ agents: [AGENT], frameworks: [{ id: 'f1', roles: ['role1'] }] });
  const offer = assertOffered(cluster.runCycle(), 'f1', 'a1', { resources: 'cpus:2;mem:1024' }, cluster);
  cluster.engine.reviveOffers('f1');
  assertNoOffers(cluster.runCycle(), 'nothing more to offer');
  cluster.decline('f1', 'a1', offer);
  cluster.engine.suppressOffers('f1');
  assert.notEqual(cluster.engine.nextCycleAt(), cluster.clock.now(), 'suppress triggers no cycle');
  assertNoOffers(nextPeriodic(cluster), 'suppressed');
  assertReason(cluster, 'f1', 'a1', 'suppressed', 'role1');
  cluster.engine.reviveOffers('f1');
  assert.equal(cluster.engine.nextCycleAt(), cluster.clock.now(), 'revive triggers a cycle');
  assertOffered(cluster.runCycle(), 'f1', 'a1', { role: 'role1', resources: 'cpus:2;mem:1024' }, cluster);
});

test('suppress and revive per role: suppressing role1 of a MULTI_ROLE framework leaves role2 offered', () => {
  const cluster = buildCluster({ agents: [AGENT], frameworks: [{ id: 'f1', roles: ['role1', 'role2'] }] });
  cluster.engine.suppressOffers('f1', ['role1']);
  const first = cluster.runCycle();
  const offer = assertOffered(first, 'f1', 'a1', { role: 'role2' }, cluster);
  assert.equal(first.offered('f1', 'a1', 'role1'), undefined);
  cluster.decline('f1', 'a1', offer);
  cluster.engine.suppressOffers('f1', ['role2']);
  assertNoOffers(nextPeriodic(cluster), 'both roles suppressed');
  cluster.engine.reviveOffers('f1', ['role1']);
  const revived = cluster.runCycle();
  assertOffered(revived, 'f1', 'a1', { role: 'role1' }, cluster);
  cluster.declineAll(revived);
  cluster.engine.suppressOffers('f1', ['role1']);
  assertNoOffers(nextPeriodic(cluster), 'role2 is still suppressed: revive of role1 did not touch it');
});

test('suppressOffers and reviveOffers with no roles mean all of the framework\'s roles', () => {
  const cluster = buildCluster({ agents: [AGENT], frameworks: [{ id: 'f1', roles: ['role1', 'role2', 'role3'] }] });
  cluster.engine.suppressOffers('f1', []);
  assertNoOffers(cluster.runCycle());
  for (const role of ['role1', 'role2', 'role3']) assertReason(cluster, 'f1', 'a1', 'suppressed', role);
  cluster.engine.reviveOffers('f1', []);
  const cycle = cluster.runCycle();
  assertOffered(cycle, 'f1', 'a1', { role: 'role1' }, cluster);
  assert.deepEqual([...cluster.engine.state.frameworks.get('f1')!.suppressedRoles], []);
});

test('DeactivateAndReactivateFramework: the suppressed state survives deactivate/activate; only revive brings offers back', () => {
  const cluster = buildCluster({ agents: [AGENT], frameworks: [{ id: 'f1', roles: ['role1'] }] });
  const offer = assertOffered(cluster.runCycle(), 'f1', 'a1', {}, cluster);
  cluster.decline('f1', 'a1', offer);
  cluster.engine.suppressOffers('f1');
  cluster.engine.deactivateFramework('f1');
  assertNoOffers(nextPeriodic(cluster));
  cluster.engine.activateFramework('f1');
  assert.equal(cluster.engine.nextCycleAt(), cluster.clock.now(), 'activation triggers a cycle');
  assertNoOffers(cluster.runCycle(), 'still suppressed after activation');
  assertReason(cluster, 'f1', 'a1', 'suppressed', 'role1');
  cluster.engine.reviveOffers('f1');
  assertOffered(cluster.runCycle(), 'f1', 'a1', { role: 'role1', resources: 'cpus:2;mem:1024' }, cluster);
});

test('addFramework with suppressed roles: those roles get no offers from the start, the others do', () => {
  const cluster = buildCluster({ agents: [AGENT, { id: 'a2', resources: 'cpus:2;mem:1024' }], frameworks: [{ id: 'f1', roles: ['role1', 'role2'], suppressedRoles: ['role1'] }] });
  const cycle = cluster.runCycle();
  for (const e of cycle.entries()) assert.equal(e.role, 'role2');
  assertOffered(cycle, 'f1', 'a1', { role: 'role2' }, cluster);
  assertOffered(cycle, 'f1', 'a2', { role: 'role2' }, cluster);
});

test('AddSuppressedRole: updateFramework suppressing a role stops its offers; it runs no cycle', () => {
  const cluster = buildCluster({ agents: [AGENT], frameworks: [{ id: 'f1', roles: ['role1'] }] });
  const offer = assertOffered(cluster.runCycle(), 'f1', 'a1', {}, cluster);
  cluster.decline('f1', 'a1', offer);
  cluster.engine.updateFramework('f1', multiRole(['role1']), { suppressedRoles: ['role1'] });
  assert.notEqual(cluster.engine.nextCycleAt(), cluster.clock.now());
  assertNoOffers(nextPeriodic(cluster));
});

test('UnsuppressClearsFilters: updateFramework un-suppressing a role runs no cycle, but clears that role\'s filters', () => {
  const cluster = buildCluster({ agents: [AGENT], frameworks: [{ id: 'f1', roles: ['role1'] }] });
  const offer = assertOffered(cluster.runCycle(), 'f1', 'a1', {}, cluster);
  cluster.decline('f1', 'a1', offer, 24 * 3600);
  cluster.clock.advance(300);
  cluster.engine.updateFramework('f1', multiRole(['role1']), { suppressedRoles: ['role1'] });
  cluster.engine.updateFramework('f1', multiRole(['role1']), { suppressedRoles: [] });
  assert.equal(cluster.engine.nextCycleAt(), 1000, 'no cycle triggered: the next one is the periodic one');
  assertOffered(nextPeriodic(cluster), 'f1', 'a1', { role: 'role1', resources: 'cpus:2;mem:1024' }, cluster);
});

test('updateFramework that leaves a suppressed role suppressed keeps its filters and suppression', () => {
  const cluster = buildCluster({ agents: [AGENT], frameworks: [{ id: 'f1', roles: ['role1', 'role2'] }] });
  const first = cluster.runCycle();
  const offer = assertOffered(first, 'f1', 'a1', { role: 'role1' }, cluster);
  cluster.decline('f1', 'a1', offer, 3600);
  cluster.engine.updateFramework('f1', multiRole(['role1', 'role2']), { suppressedRoles: ['role2'] });
  cluster.engine.updateFramework('f1', multiRole(['role1', 'role2']), { suppressedRoles: ['role2'] });
  assertNoOffers(nextPeriodic(cluster), 'role1 filtered, role2 suppressed');
});

test('updateFramework adding a new role offers in it from the next periodic cycle (OffersOnAddingRole), without triggering one', () => {
  const cluster = buildCluster({ agents: [AGENT], frameworks: [{ id: 'f1', roles: ['role1'] }] });
  const offer = assertOffered(cluster.runCycle(), 'f1', 'a1', {}, cluster);
  cluster.decline('f1', 'a1', offer, 3600);
  cluster.clock.advance(200);
  cluster.engine.updateFramework('f1', multiRole(['role1', 'new_role']));
  assert.equal(cluster.engine.nextCycleAt(), 1000);
  const cycle = nextPeriodic(cluster);
  assertOffered(cycle, 'f1', 'a1', { role: 'new_role', resources: 'cpus:2;mem:1024' }, cluster);
});

test('a suppressed framework does not block the next framework of its role', () => {
  const cluster = buildCluster({ agents: [AGENT], frameworks: [{ id: 'f1', roles: ['r'], suppressedRoles: ['r'] }, { id: 'f2', roles: ['r'] }] });
  const cycle = cluster.runCycle();
  assertNotOffered(cycle, 'f1', 'a1');
  assertOffered(cycle, 'f2', 'a1', { resources: 'cpus:2;mem:1024' }, cluster);
});
