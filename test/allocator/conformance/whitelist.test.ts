// Conformance: the agent whitelist (hierarchical.cpp `updateWhitelist`, `isWhitelisted`, the
// candidate filter at the top of `__generateOffers`; reference §4.3 and §4.13 rule 2).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildCluster, assertOffered, assertNotOffered } from '../../../src/testing/index.ts';
import { assertNoOffers, assertReason, nextPeriodic } from './support.ts';

test('Whitelist: an agent not in the whitelist is never offered; whitelisting it takes effect at the next periodic cycle', () => {
  const cluster = buildCluster();
  cluster.engine.updateWhitelist(['dummy-agent']);
  cluster.addAgent({ id: 'a1', resources: 'cpus:2;mem:1024' });
  cluster.addFramework({ id: 'f1', roles: ['*'] });
  assertNoOffers(cluster.runCycle());
  assertNoOffers(nextPeriodic(cluster));
  assertReason(cluster, 'f1', 'a1', 'not-whitelisted');
  cluster.clock.advance(200);
  cluster.engine.updateWhitelist(['dummy-agent', 'a1']);
  assert.notEqual(cluster.engine.nextCycleAt(), cluster.clock.now(), 'updateWhitelist triggers no cycle');
  assertOffered(nextPeriodic(cluster), 'f1', 'a1', { role: '*', resources: 'cpus:2;mem:1024' }, cluster);
});

test('the whitelist names hostnames, not agent ids', () => {
  const cluster = buildCluster({ agents: [{ id: 'S1', hostname: 'host-1.example', resources: 'cpus:2;mem:1024' }], frameworks: [{ id: 'f1', roles: ['r'] }] });
  cluster.engine.updateWhitelist(['S1']);
  assertNoOffers(cluster.runCycle(), 'the agent id does not count');
  cluster.engine.updateWhitelist(['host-1.example']);
  assertOffered(nextPeriodic(cluster), 'f1', 'S1', {}, cluster);
});

test('no whitelist (None) means every agent; an empty whitelist means none', () => {
  const agents = [{ id: 'a1', resources: 'cpus:1;mem:64' }, { id: 'a2', resources: 'cpus:1;mem:64' }];
  const cluster = buildCluster({ agents, frameworks: [{ id: 'f1', roles: ['r'] }] });
  cluster.engine.updateWhitelist([]);
  assertNoOffers(cluster.runCycle(), 'empty whitelist');
  cluster.engine.updateWhitelist(undefined);
  const all = nextPeriodic(cluster);
  assertOffered(all, 'f1', 'a1', {}, cluster);
  assertOffered(all, 'f1', 'a2', {}, cluster);
});

test('only the whitelisted agents of a cycle are offered, also in event-triggered cycles', () => {
  const cluster = buildCluster({ frameworks: [{ id: 'f1', roles: ['r'] }] });
  cluster.engine.updateWhitelist(['in']);
  cluster.addAgent({ id: 'in', resources: 'cpus:1;mem:64' });
  cluster.addAgent({ id: 'out', resources: 'cpus:1;mem:64' });
  const cycle = cluster.runCycle();
  assert.equal(cycle.result.periodic, false);
  assertOffered(cycle, 'f1', 'in', {}, cluster);
  assertNotOffered(cycle, 'f1', 'out');
});

test('removing an agent from the whitelist does not take back what it already offered; it stops further offers', () => {
  const cluster = buildCluster({ agents: [{ id: 'a1', resources: 'cpus:2;mem:1024' }], frameworks: [{ id: 'f1', roles: ['r'] }] });
  const offer = assertOffered(cluster.runCycle(), 'f1', 'a1', {}, cluster);
  cluster.engine.updateWhitelist(['elsewhere']);
  assert.ok(cluster.engine.state.agents.get('a1')!.offeredOrAllocated().get('f1')!.equals(offer), 'the outstanding offer stands');
  cluster.decline('f1', 'a1', offer);
  assertNoOffers(nextPeriodic(cluster));
});
