// Conformance: refusal filters (hierarchical.cpp `recoverResources`, `isFiltered`, `reviveRoles`,
// `deactivateFramework`, `updateFramework`, `removeSlave`, `updateSlave` → `removeFilters`;
// reference §4.7, §4.13 rule 6 and §4.14 "Filters hide a new offer only if ...").
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildCluster, assertOffered, assertNotOffered, type TestCluster } from '../../../src/testing/index.ts';
import { parseAttributes, parseResources } from '../../../src/resources/index.ts';
import { assertNoOffers, assertReason, nextPeriodic } from './support.ts';

const DAY_MS = 24 * 3600 * 1000;

function parse(text: string) {
  return parseResources(text, { commandLine: false });
}

/** One agent a1 (cpus:4;mem:1024), framework f1 in role r, f1 offered a1 at t=0 (event-triggered cycle). */
function declinedAtZero(refuseSeconds: number | undefined, intervalMs = 1000, filters?: object): TestCluster {
  const cluster = buildCluster({
    options: { allocationIntervalMs: intervalMs },
    agents: [{ id: 'a1', resources: 'cpus:4;mem:1024' }],
    frameworks: [{ id: 'f1', roles: ['r'] }],
  });
  const first = cluster.runCycle();
  assert.equal(first.result.periodic, false);
  const offer = assertOffered(first, 'f1', 'a1', { resources: 'cpus:4;mem:1024' }, cluster);
  if (filters !== undefined) cluster.engine.recoverResources('f1', 'a1', offer, filters);
  else cluster.decline('f1', 'a1', offer, refuseSeconds);
  return cluster;
}

/** The times of the cycles in the next `ms` that offered f1 something on a1 (each offer is declined again without a filter). */
function offeredAt(cluster: TestCluster, ms: number): number[] {
  const target = cluster.clock.now() + ms;
  const times: number[] = [];
  for (let due = cluster.engine.nextCycleAt(); due <= target; due = cluster.engine.nextCycleAt()) {
    for (const cycle of cluster.advance(due - cluster.clock.now())) {
      const offer = cycle.offered('f1', 'a1');
      if (offer === undefined) continue;
      times.push(cluster.clock.now());
      cluster.decline('f1', 'a1', offer);
    }
  }
  cluster.clock.set(target);
  return times;
}

test('OfferFilter: a filter longer than the interval hides the agent from the periodic cycles until it expires', () => {
  const cluster = declinedAtZero(2); // 2 × the 1 s interval
  const [during] = cluster.advance(1000);
  assert.ok(during !== undefined);
  assertNotOffered(during, 'f1', 'a1');
  assertReason(cluster, 'f1', 'a1', 'filtered', 'r');
  const [after] = cluster.advance(1000);
  assert.ok(after !== undefined);
  assertOffered(after, 'f1', 'a1', { resources: 'cpus:4;mem:1024' }, cluster);
});

test('SmallOfferFilterTimeout (MESOS-4302): a filter shorter than the interval survives the next cycle, which gives the agent to the other framework', () => {
  const cluster = buildCluster({ options: { allocationIntervalMs: 60_000 }, frameworks: [{ id: 'f1', roles: ['role'] }, { id: 'f2', roles: ['role'] }] });
  cluster.addAgent({ id: 'a1', resources: 'cpus:1;mem:512' });
  assertOffered(cluster.runCycle(), 'f1', 'a1', {}, cluster); // f1 keeps this one
  cluster.addAgent({ id: 'a2', resources: 'cpus:1;mem:512' });
  const offer = assertOffered(cluster.runCycle(), 'f2', 'a2', {}, cluster); // f2 has the lower share
  cluster.decline('f2', 'a2', offer, 1);
  cluster.clock.advance(1000); // the 1 s have passed, but no cycle has run since
  const next = nextPeriodic(cluster);
  const toF1 = assertOffered(next, 'f1', 'a2', { resources: 'cpus:1;mem:512' }, cluster);
  assertNotOffered(next, 'f2', 'a2');
  cluster.decline('f1', 'a2', toF1); // no filter
  const later = nextPeriodic(cluster);
  assertOffered(later, 'f2', 'a2', { resources: 'cpus:1;mem:512' }, cluster);
});

test('refuse_seconds over 365 days is cut to 365 days', () => {
  const cluster = declinedAtZero(400 * 24 * 3600, DAY_MS);
  assert.deepEqual(offeredAt(cluster, 364 * DAY_MS), [], 'filtered for the first 364 daily cycles');
  assert.deepEqual(offeredAt(cluster, DAY_MS), [365 * DAY_MS], 'offered at exactly 365 days');
});

test('negative refuse_seconds means the 5 s default', () => {
  const cluster = declinedAtZero(-3);
  assert.deepEqual(offeredAt(cluster, 6000), [5000, 6000]);
});

test('Filters without refuse_seconds means the 5 s default (protobuf default)', () => {
  const cluster = declinedAtZero(undefined, 1000, {});
  assert.deepEqual(offeredAt(cluster, 6000), [5000, 6000]);
});

test('refuse_seconds 0 installs no filter; no Filters at all installs none either', () => {
  for (const seconds of [0, undefined]) {
    const cluster = declinedAtZero(seconds);
    assert.deepEqual(offeredAt(cluster, 2000), [1000, 2000]);
  }
});

test('§4.14: refuse_seconds <= interval is stretched to the interval and the periodic cycle at exactly T + interval still sees it', () => {
  for (const seconds of [0.001, 0.5, 1]) {
    const cluster = declinedAtZero(seconds);
    assert.deepEqual(offeredAt(cluster, 3000), [2000, 3000], `refuse_seconds ${seconds}`);
  }
  const long = declinedAtZero(2, 5000);
  assert.deepEqual(offeredAt(long, 15_000), [10_000, 15_000], '2 s with a 5 s interval: still filtered at 5 s');
});

test('§4.14: refuse_seconds > interval: the periodic cycle at exactly T + r no longer sees it', () => {
  const cluster = declinedAtZero(3);
  assert.deepEqual(offeredAt(cluster, 4000), [3000, 4000]);
  const fractional = declinedAtZero(1.5);
  assert.deepEqual(offeredAt(fractional, 3000), [2000, 3000]);
});

test('filter timing is measured from the decline, not from the cycle phase', () => {
  for (const [seconds, expected] of [[1, [2000, 3000]], [2, [3000]], [1.5, [2000, 3000]]] as const) {
    const cluster = buildCluster({ agents: [{ id: 'a1', resources: 'cpus:4;mem:1024' }], frameworks: [{ id: 'f1', roles: ['r'] }] });
    const offer = assertOffered(cluster.runCycle(), 'f1', 'a1', {}, cluster);
    cluster.clock.advance(500);
    cluster.decline('f1', 'a1', offer, seconds); // at t = 500, between periodic cycles
    assert.deepEqual(offeredAt(cluster, 2500), expected, `refuse_seconds ${seconds} at t=500`);
  }
});

test('superset matching: a bigger offer gets through the filter (a task ended and its resources came back)', () => {
  const cluster = buildCluster({ agents: [{ id: 'a1', resources: 'cpus:4;mem:1024' }], frameworks: [{ id: 'f1', roles: ['r'] }] });
  const offer = assertOffered(cluster.runCycle(), 'f1', 'a1', {}, cluster);
  const task = parse('cpus:1;mem:256').allocate('r');
  cluster.launch('f1', 'a1', offer, task, 3600); // the rest (cpus:3;mem:768) is refused for an hour
  assertNoOffers(nextPeriodic(cluster), 'the same cpus:3;mem:768 stays filtered');
  cluster.finish('f1', 'a1', task);
  assertOffered(nextPeriodic(cluster), 'f1', 'a1', { resources: 'cpus:4;mem:1024' }, cluster);
});

test('superset matching: a smaller offer, contained in the refused resources, stays filtered; a different one does not', () => {
  const cluster = declinedAtZero(3600);
  const info = { hostname: 'a1', attributes: [] };
  cluster.engine.updateAgent('a1', info, parse('cpus:2;mem:512'));
  const smaller = cluster.runCycle();
  assert.equal(smaller.result.periodic, false, 'a changed total triggers a cycle for the agent');
  assertNotOffered(smaller, 'f1', 'a1');
  cluster.engine.updateAgent('a1', info, parse('cpus:2;mem:512;disk:10'));
  assertOffered(cluster.runCycle(), 'f1', 'a1', { resources: 'cpus:2;mem:512;disk:10' }, cluster);
});

test('filters are per framework, per role and per agent', () => {
  const cluster = buildCluster({
    agents: [{ id: 'a1', resources: 'cpus:2;mem:512' }, { id: 'a2', resources: 'cpus:2;mem:512' }],
    frameworks: [{ id: 'f1', roles: ['r1', 'r2'], suppressedRoles: ['r2'] }],
  });
  const first = cluster.runCycle();
  const onA1 = assertOffered(first, 'f1', 'a1', { role: 'r1' }, cluster);
  cluster.decline('f1', 'a1', onA1, 3600);
  cluster.decline('f1', 'a2', first.offered('f1', 'a2')!); // no filter on a2
  const second = nextPeriodic(cluster);
  assertNotOffered(second, 'f1', 'a1');
  assertOffered(second, 'f1', 'a2', { role: 'r1' }, cluster);
  cluster.declineAll(second);
  // Another role of the same framework is not filtered (r2 is unsuppressed without clearing r1's filter).
  cluster.engine.updateFramework('f1', { roles: ['r1', 'r2'], capabilities: ['MULTI_ROLE'] }, { suppressedRoles: [] });
  const third = nextPeriodic(cluster);
  assertOffered(third, 'f1', 'a1', { role: 'r2' }, cluster);
  assert.equal(third.offered('f1', 'a1', 'r1'), undefined);
  cluster.declineAll(third);
  // Another framework of the same role is not filtered either.
  cluster.engine.suppressOffers('f1', ['r2']);
  cluster.addFramework({ id: 'f2', roles: ['r1'] });
  assertOffered(cluster.runCycle(), 'f2', 'a1', { role: 'r1' }, cluster);
});

test('ReviveOffers: revive clears the filters of the revived roles and triggers a cycle', () => {
  const cluster = declinedAtZero(1000);
  assertNoOffers(nextPeriodic(cluster));
  cluster.engine.reviveOffers('f1');
  assert.equal(cluster.engine.nextCycleAt(), cluster.clock.now());
  assertOffered(cluster.runCycle(), 'f1', 'a1', { resources: 'cpus:4;mem:1024' }, cluster);
});

test('SuppressAndReviveOffersWithMultiRole: reviving one role leaves the other role\'s filters in place', () => {
  const cluster = buildCluster({ frameworks: [{ id: 'f1', roles: ['role1', 'role2'] }] });
  cluster.engine.suppressOffers('f1', ['role1']);
  cluster.addAgent({ id: 'a1', resources: 'cpus:2;mem:1024' });
  const first = cluster.runCycle();
  const offer = assertOffered(first, 'f1', 'a1', { role: 'role2' }, cluster);
  cluster.decline('f1', 'a1', offer, 24 * 3600);
  assertNoOffers(nextPeriodic(cluster));
  cluster.engine.reviveOffers('f1', ['role1']);
  const revived = cluster.runCycle();
  const inRole1 = assertOffered(revived, 'f1', 'a1', { role: 'role1', resources: 'cpus:2;mem:1024' }, cluster);
  cluster.decline('f1', 'a1', inRole1, 24 * 3600);
  assertNoOffers(nextPeriodic(cluster), 'both roles are filtered now');
});

test('deactivateFramework clears all of the framework\'s filters (seen after re-activation)', () => {
  const cluster = buildCluster({ agents: [{ id: 'a1', resources: 'cpus:2;mem:512' }], frameworks: [{ id: 'f1', roles: ['r1', 'r2'] }] });
  const first = cluster.runCycle();
  cluster.declineAll(first, 3600); // r1 gets a1 (name order) and refuses it
  const second = nextPeriodic(cluster);
  assertOffered(second, 'f1', 'a1', { role: 'r2' }, cluster);
  cluster.declineAll(second, 3600);
  assertNoOffers(nextPeriodic(cluster));
  cluster.engine.deactivateFramework('f1');
  cluster.engine.activateFramework('f1');
  assertOffered(cluster.runCycle(), 'f1', 'a1', { role: 'r1' }, cluster);
});

test('activateFramework clears no filter (already active framework)', () => {
  const cluster = declinedAtZero(3600);
  cluster.clock.advance(100);
  cluster.engine.activateFramework('f1');
  const cycle = cluster.runCycle();
  assert.equal(cycle.result.periodic, false, 'activation triggers a cycle');
  assertNotOffered(cycle, 'f1', 'a1');
  assertReason(cluster, 'f1', 'a1', 'filtered');
});

test('activateFramework clears no filter (a filter installed while the framework was inactive)', () => {
  const cluster = buildCluster({ agents: [{ id: 'a1', resources: 'cpus:2;mem:512' }], frameworks: [{ id: 'f1', roles: ['r'] }] });
  const offer = assertOffered(cluster.runCycle(), 'f1', 'a1', {}, cluster);
  cluster.engine.deactivateFramework('f1');
  cluster.decline('f1', 'a1', offer, 3600); // a decline that raced with the disconnection
  cluster.engine.activateFramework('f1');
  assertNotOffered(cluster.runCycle(), 'f1', 'a1');
});

test('updateFramework dropping a role clears that role\'s filters; keeping the role keeps them', () => {
  const cluster = declinedAtZero(3600);
  const info = { roles: ['r'], capabilities: ['MULTI_ROLE' as const] };
  cluster.engine.updateFramework('f1', info);
  assertNoOffers(nextPeriodic(cluster), 'same roles: the filter stays');
  cluster.engine.updateFramework('f1', { ...info, roles: ['other'] });
  cluster.engine.updateFramework('f1', info);
  assert.notEqual(cluster.engine.nextCycleAt(), cluster.clock.now(), 'updateFramework runs no cycle');
  assertOffered(nextPeriodic(cluster), 'f1', 'a1', { role: 'r', resources: 'cpus:4;mem:1024' }, cluster);
});

test('removeAgent clears the filters for the agent (seen when it comes back)', () => {
  const cluster = declinedAtZero(3600);
  cluster.engine.removeAgent('a1');
  cluster.addAgent({ id: 'a1', resources: 'cpus:4;mem:1024' });
  assertOffered(cluster.runCycle(), 'f1', 'a1', { resources: 'cpus:4;mem:1024' }, cluster);
});

test('RemoveFilters: updateAgent with changed attributes clears the agent\'s filters and triggers a cycle', () => {
  const cluster = declinedAtZero(2);
  assertNoOffers(nextPeriodic(cluster));
  cluster.engine.updateAgent('a1', { hostname: 'a1', attributes: parseAttributes('foo:bar;baz:quux') }, parse('cpus:4;mem:1024'));
  assert.equal(cluster.engine.nextCycleAt(), cluster.clock.now());
  assertOffered(cluster.runCycle(), 'f1', 'a1', { resources: 'cpus:4;mem:1024' }, cluster);
});

test('updateAgent with other changes but the same attributes keeps the filters (new capabilities trigger a cycle that is still filtered)', () => {
  const cluster = declinedAtZero(3600);
  cluster.engine.updateAgent('a1', { hostname: 'a1', attributes: [] }, undefined, ['MULTI_ROLE', 'HIERARCHICAL_ROLE']);
  const cycle = cluster.runCycle();
  assert.equal(cycle.result.periodic, false, 'changed capabilities trigger a cycle');
  assertNotOffered(cycle, 'f1', 'a1');
});

test('updateAgent with the same attributes in another order changes nothing: no cycle, filters kept (Attributes == is order-insensitive)', () => {
  const cluster = buildCluster({ agents: [{ id: 'a1', resources: 'cpus:4;mem:1024', attributes: 'rack:r1;zone:z1' }], frameworks: [{ id: 'f1', roles: ['r'] }] });
  const offer = assertOffered(cluster.runCycle(), 'f1', 'a1', {}, cluster);
  cluster.decline('f1', 'a1', offer, 3600);
  cluster.clock.advance(100);
  cluster.engine.updateAgent('a1', { hostname: 'a1', attributes: parseAttributes('zone:z1;rack:r1') });
  assert.notEqual(cluster.engine.nextCycleAt(), cluster.clock.now(), 'nothing changed, so no cycle is triggered');
  assertNoOffers(nextPeriodic(cluster), 'the filter is still there');
});
