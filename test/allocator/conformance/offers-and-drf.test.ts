// Conformance: coarse-grained offers and weighted hierarchical DRF (reference §4.3, §4.5, §4.13 rules 2
// and 7, §4.14 "Sort key" and "Cycle shape"). Each test re-expresses a Mesos allocator test
// (src/tests/hierarchical_allocator_tests.cpp) or one rule of hierarchical.cpp `__generateOffers`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildCluster, assertOffered, assertNotOffered, assertOffersWellFormed, type TestCluster, type CycleView } from '../../../src/testing/index.ts';
import { parseResources } from '../../../src/resources/index.ts';
import { agentsOf, assertNoOffers, assertReason, nextPeriodic } from './support.ts';

function parse(text: string) {
  return parseResources(text, { commandLine: false });
}

function addAgentAndCycle(cluster: TestCluster, id: string, resources: string): CycleView {
  cluster.addAgent({ id, resources });
  return cluster.runCycle();
}

test('CoarseGrained: the first eligible framework takes every agent whole; a second role then gets one whole agent each', () => {
  const cluster = buildCluster({
    agents: [{ id: 'a1', resources: 'cpus:2;mem:1024' }, { id: 'a2', resources: 'cpus:2;mem:1024' }],
    frameworks: [{ id: 'f1', roles: ['role1'] }],
  });
  const first = cluster.runCycle();
  assertOffered(first, 'f1', 'a1', { role: 'role1', resources: 'cpus:2;mem:1024' }, cluster);
  assertOffered(first, 'f1', 'a2', { role: 'role1', resources: 'cpus:2;mem:1024' }, cluster);
  cluster.declineAll(first); // no filter

  cluster.addFramework({ id: 'f2', roles: ['role2'] });
  const second = cluster.runCycle();
  assertOffersWellFormed(second);
  assert.equal(agentsOf(second, 'f1').length, 1, 'f1 gets exactly one agent');
  assert.equal(agentsOf(second, 'f2').length, 1, 'f2 gets exactly one agent');
  assert.notDeepEqual(agentsOf(second, 'f1'), agentsOf(second, 'f2'));
  for (const e of second.entries()) assert.ok(e.resources.unallocate().equals(cluster.engine.state.agents.get(e.agentId)!.total), 'each agent is offered whole');
});

test('CoarseGrained: the next framework of the role gets exactly the remainder the first one left (launch + decline the rest)', () => {
  const cluster = buildCluster({
    agents: [{ id: 'a1', resources: 'cpus:4;mem:1024' }],
    frameworks: [{ id: 'f1', roles: ['r'] }],
  });
  const offer = assertOffered(cluster.runCycle(), 'f1', 'a1', { resources: 'cpus:4;mem:1024' }, cluster);
  // f1 keeps cpus:1;mem:256 for a task and returns the rest with no filter.
  const keep = parse('cpus:1;mem:256').allocate('r');
  cluster.launch('f1', 'a1', offer, keep, 0);
  cluster.addFramework({ id: 'f2', roles: ['r'] });
  const cycle = cluster.runCycle();
  assertOffered(cycle, 'f2', 'a1', { role: 'r', resources: 'cpus:3;mem:768' }, cluster);
  assertNotOffered(cycle, 'f1', 'a1');
});

test('CoarseGrained: within a role, the framework that loses the agent on order sees nothing left on it (lost-on-order)', () => {
  const cluster = buildCluster({
    agents: [{ id: 'a1', resources: 'cpus:2;mem:1024' }],
    frameworks: [{ id: 'f1', roles: ['r'] }, { id: 'f2', roles: ['r'] }],
  });
  const cycle = cluster.runCycle();
  assert.equal(cycle.offerCount, 1, 'one framework takes the whole agent');
  assertOffered(cycle, 'f1', 'a1', { resources: 'cpus:2;mem:1024' }, cluster); // equal shares and counts: name order
  assertNotOffered(cycle, 'f2', 'a1');
  assertReason(cluster, 'f2', 'a1', 'lost-on-order');
});

test('UnreservedDRF: each new agent goes whole to the framework of the role with the lowest dominant share', () => {
  const cluster = buildCluster({ frameworks: [{ id: 'f1', roles: ['role1'] }] });
  // Total cpus=2, mem=1024: f1 is alone.
  assertOffered(addAgentAndCycle(cluster, 'a1', 'cpus:2;mem:1024'), 'f1', 'a1', { role: 'role1', resources: 'cpus:2;mem:1024' }, cluster);
  // role1 share 1, role2 share 0.
  cluster.addFramework({ id: 'f2', roles: ['role2'] });
  assertOffered(addAgentAndCycle(cluster, 'a2', 'cpus:1;mem:512'), 'f2', 'a2', { role: 'role2', resources: 'cpus:1;mem:512' }, cluster);
  // Total cpus=6, mem=3584: role1 0.33, role2 0.16.
  assertOffered(addAgentAndCycle(cluster, 'a3', 'cpus:3;mem:2048'), 'f2', 'a3', { role: 'role2', resources: 'cpus:3;mem:2048' }, cluster);
  // Total cpus=10, mem=7680: role1 0.2 < role2 0.4; within role1 f3 (0) < f1.
  cluster.addFramework({ id: 'f3', roles: ['role1'] });
  assertOffered(addAgentAndCycle(cluster, 'a4', 'cpus:4;mem:4096'), 'f3', 'a4', { role: 'role1', resources: 'cpus:4;mem:4096' }, cluster);
  // Total cpus=11, mem=8192: role1 0.63 > role2 0.36, so f2 wins although f4 has nothing.
  cluster.addFramework({ id: 'f4', roles: ['role1'] });
  const last = addAgentAndCycle(cluster, 'a5', 'cpus:1;mem:512');
  assertOffered(last, 'f2', 'a5', { role: 'role2', resources: 'cpus:1;mem:512' }, cluster);
  assertNotOffered(last, 'f4', 'a5');
});

test('ReservedDRF: reserved resources count in the role share, and are shared fairly among the role\'s frameworks', () => {
  const cluster = buildCluster({ frameworks: [{ id: 'f1', roles: ['role1'] }] });
  assertOffered(addAgentAndCycle(cluster, 'a1', 'cpus:1;mem:512;cpus(role1):100;mem(role1):1024'), 'f1', 'a1', { resources: 'cpus:1;mem:512;cpus(role1):100;mem(role1):1024' }, cluster);
  cluster.addFramework({ id: 'f2', roles: ['role2'] });
  assertOffered(addAgentAndCycle(cluster, 'a2', 'cpus:2;mem:512'), 'f2', 'a2', {}, cluster);
  // role1 holds more (its reservation counts), so role2 gets the next agent too.
  assertOffered(addAgentAndCycle(cluster, 'a3', 'cpus:2;mem:512'), 'f2', 'a3', {}, cluster);
  // A new role1 framework gets role1's next reserved resources: DRF among the role's frameworks.
  cluster.addFramework({ id: 'f3', roles: ['role1'] });
  assertOffered(addAgentAndCycle(cluster, 'a4', 'cpus(role1):2;mem(role1):1024'), 'f3', 'a4', { role: 'role1', resources: 'cpus(role1):2;mem(role1):1024' }, cluster);
});

function fairnessExclusionScenario(exclude: readonly string[] | undefined): CycleView {
  const cluster = buildCluster({
    options: exclude === undefined ? {} : { fairnessExcludeResourceNames: exclude },
    frameworks: [{ id: 'f1', roles: ['role1'], capabilities: ['MULTI_ROLE', 'GPU_RESOURCES'] }, { id: 'f2', roles: ['role2'] }],
  });
  // Only f1 may take a GPU agent.
  assertOffered(addAgentAndCycle(cluster, 'a1', 'cpus:1;mem:512;gpus:1'), 'f1', 'a1', { resources: 'cpus:1;mem:512;gpus:1' }, cluster);
  assertOffered(addAgentAndCycle(cluster, 'a2', 'cpus:2;mem:1024'), 'f2', 'a2', {}, cluster);
  // Totals cpus=4, mem=2048, gpus=1. role1: 1 (gpus) or 0.25 with gpus excluded; role2: 0.5.
  return addAgentAndCycle(cluster, 'a3', 'cpus:1;mem:512');
}

test('DRFWithFairnessExclusion: an excluded resource name does not count in dominant shares', () => {
  const excluded = fairnessExclusionScenario(['gpus']);
  assertOffered(excluded, 'f1', 'a3');
  assertNotOffered(excluded, 'f2', 'a3');
});

test('DRFWithFairnessExclusion (control): without the exclusion the GPU dominates role1\'s share', () => {
  const included = fairnessExclusionScenario(undefined);
  assertOffered(included, 'f2', 'a3');
  assertNotOffered(included, 'f1', 'a3');
});

test('NestedRoleDRF: subtrees are compared first (a vs d), then children within the subtree', () => {
  const cluster = buildCluster({ frameworks: [{ id: 'f1', roles: ['a/b'] }] });
  assertOffered(addAgentAndCycle(cluster, 'a1', 'cpus:2;mem:1024'), 'f1', 'a1', { role: 'a/b' }, cluster);
  cluster.addFramework({ id: 'f2', roles: ['a/c'] });
  cluster.addFramework({ id: 'f3', roles: ['d/e'] });
  // a/c has share 0 but its parent a holds everything; d's subtree is empty.
  const second = addAgentAndCycle(cluster, 'a2', 'cpus:1;mem:512');
  assertOffered(second, 'f3', 'a2', { role: 'd/e' }, cluster);
  assertNotOffered(second, 'f2', 'a2');
  cluster.addFramework({ id: 'f4', roles: ['d/f'] });
  // a: 0.666 > d: 0.333, so the d subtree wins again, and within d, d/f (0) beats d/e.
  const third = addAgentAndCycle(cluster, 'a3', 'cpus:2;mem:1024');
  assertOffered(third, 'f4', 'a3', { role: 'd/f' }, cluster);
  assertNotOffered(third, 'f2', 'a3');
});

test('UpdateWeight: role weights 1:1, then 1:2 (updateWeights), then 1:2:3 split six equal agents accordingly', () => {
  const agents = Array.from({ length: 6 }, (_, i) => ({ id: `a${i + 1}`, resources: 'cpus:2;mem:1024' }));
  const cluster = buildCluster({ agents, frameworks: [{ id: 'f1', roles: ['role1'] }, { id: 'f2', roles: ['role2'] }] });
  const equal = cluster.runCycle();
  assert.equal(equal.offeredTo('f1').cpus(), 6);
  assert.equal(equal.offeredTo('f2').cpus(), 6);
  cluster.declineAll(equal);

  cluster.engine.updateWeights([{ role: 'role2', weight: 2 }]);
  const weighted = nextPeriodic(cluster);
  assert.equal(weighted.offeredTo('f1').cpus(), 4, 'role1 gets 1/3');
  assert.equal(weighted.offeredTo('f2').cpus(), 8, 'role2 gets 2/3');
  cluster.declineAll(weighted);

  cluster.engine.updateWeights([{ role: 'role3', weight: 3 }]); // a role nobody uses yet keeps its weight
  cluster.addFramework({ id: 'f3', roles: ['role3'] });
  const three = cluster.runCycle();
  assert.equal(three.offeredTo('f1').cpus(), 2, 'role1 gets 1/6');
  assert.equal(three.offeredTo('f2').cpus(), 4, 'role2 gets 2/6');
  assert.equal(three.offeredTo('f3').cpus(), 6, 'role3 gets 3/6');
});

test('weights of nested roles apply among siblings (a/b : a/c = 1 : 3)', () => {
  const agents = Array.from({ length: 4 }, (_, i) => ({ id: `a${i + 1}`, resources: 'cpus:1;mem:256' }));
  const cluster = buildCluster({ agents });
  cluster.engine.updateWeights([{ role: 'a/c', weight: 3 }]);
  cluster.addFramework({ id: 'f1', roles: ['a/b'] });
  cluster.addFramework({ id: 'f2', roles: ['a/c'] });
  const cycle = cluster.runCycle();
  assert.equal(cycle.offeredTo('f1').cpus(), 1);
  assert.equal(cycle.offeredTo('f2').cpus(), 3);
});

test('weights of top-level roles weigh whole subtrees (x : y = 3 : 1, each with nested roles)', () => {
  const agents = Array.from({ length: 4 }, (_, i) => ({ id: `a${i + 1}`, resources: 'cpus:1;mem:256' }));
  const cluster = buildCluster({ agents });
  cluster.engine.updateWeights([{ role: 'x', weight: 3 }]);
  cluster.addFramework({ id: 'f1', roles: ['x/one'] });
  cluster.addFramework({ id: 'f2', roles: ['y/two'] });
  const cycle = cluster.runCycle();
  assert.equal(cycle.offeredTo('f1').cpus(), 3);
  assert.equal(cycle.offeredTo('f2').cpus(), 1);
});

test('SameShareFairness: frameworks with equal shares alternate, by allocation count, instead of the first name winning', () => {
  const cluster = buildCluster({ agents: [{ id: 'a1', resources: 'cpus:2;mem:1024' }], frameworks: [{ id: 'f1', roles: ['*'] }, { id: 'f2', roles: ['*'] }] });
  const counts = new Map<string, number>();
  let cycle = cluster.runCycle();
  for (let i = 0; i < 10; i++) {
    assert.equal(cycle.offerCount, 1);
    const [entry] = cycle.entries();
    assert.ok(entry !== undefined && entry.resources.unallocate().equals(parse('cpus:2;mem:1024')));
    counts.set(entry.frameworkId, (counts.get(entry.frameworkId) ?? 0) + 1);
    cluster.declineAll(cycle);
    cycle = nextPeriodic(cluster);
  }
  assert.equal(counts.get('f1'), 5);
  assert.equal(counts.get('f2'), 5);
});

test('tie-break: equal shares and counts are ordered by name as a string (framework10 before framework2)', () => {
  const cluster = buildCluster({
    agents: [{ id: 'a1', resources: 'cpus:2;mem:1024' }],
    frameworks: [{ id: 'framework2', roles: ['r'] }, { id: 'framework10', roles: ['r'] }],
  });
  const cycle = cluster.runCycle();
  assertOffered(cycle, 'framework10', 'a1', {}, cluster);
  assertNotOffered(cycle, 'framework2', 'a1');
});

test('tie-break among roles: equal shares and counts by role name (role10 before role2), then by allocation count', () => {
  const cluster = buildCluster({
    agents: [{ id: 'a1', resources: 'cpus:2;mem:1024' }],
    frameworks: [{ id: 'f-role2', roles: ['role2'] }, { id: 'f-role10', roles: ['role10'] }],
  });
  const first = cluster.runCycle();
  assertOffered(first, 'f-role10', 'a1', {}, cluster);
  cluster.declineAll(first);
  // Shares are 0 again, but role10 has one allocation more: role2 goes first now.
  const second = nextPeriodic(cluster);
  assertOffered(second, 'f-role2', 'a1', {}, cluster);
  assertNotOffered(second, 'f-role10', 'a1');
});

test('tie-break among roles: the allocation count of a nested role also counts for its parent', () => {
  const cluster = buildCluster({
    agents: [{ id: 'a1', resources: 'cpus:2;mem:1024' }],
    frameworks: [{ id: 'f-a', roles: ['a/x'] }, { id: 'f-b', roles: ['b'] }],
  });
  const first = cluster.runCycle();
  assertOffered(first, 'f-a', 'a1', { role: 'a/x' }, cluster); // a before b by name
  cluster.declineAll(first);
  // Both subtrees are empty again; a has one allocation more (through a/x), so b goes first.
  const second = nextPeriodic(cluster);
  assertOffered(second, 'f-b', 'a1', { role: 'b' }, cluster);
  assertNotOffered(second, 'f-a', 'a1');
});

test('shares are computed from offered resources too: an outstanding (unanswered) offer raises the share', () => {
  const cluster = buildCluster({ frameworks: [{ id: 'f1', roles: ['role1'] }, { id: 'f2', roles: ['role2'] }] });
  cluster.addAgent({ id: 'a1', resources: 'cpus:4;mem:1024' });
  cluster.addAgent({ id: 'a2', resources: 'cpus:1;mem:256' });
  const first = cluster.runCycle();
  assert.deepEqual([agentsOf(first, 'f1').length, agentsOf(first, 'f2').length], [1, 1]);
  const big = first.offeredTo('f1').cpus() === 4 ? 'f1' : 'f2';
  const small = big === 'f1' ? 'f2' : 'f1';
  // Nobody accepts or declines: the offers stay outstanding and count as the roles' allocations.
  const third = addAgentAndCycle(cluster, 'a3', 'cpus:1;mem:256');
  assertOffered(third, small, 'a3', {}, cluster);
  assertNotOffered(third, big, 'a3');
});

test('shares are computed from allocated resources: launched tasks keep counting after the rest is declined', () => {
  const cluster = buildCluster({ agents: [{ id: 'a1', resources: 'cpus:4;mem:1024' }], frameworks: [{ id: 'f1', roles: ['role1'] }] });
  const offer = assertOffered(cluster.runCycle(), 'f1', 'a1', {}, cluster);
  cluster.launch('f1', 'a1', offer, parse('cpus:3;mem:768').allocate('role1'), 0);
  cluster.addFramework({ id: 'f2', roles: ['role2'] });
  // a1 has cpus:1;mem:256 left: role2 (share 0) gets it.
  assertOffered(cluster.runCycle(), 'f2', 'a1', { resources: 'cpus:1;mem:256' }, cluster);
  cluster.addFramework({ id: 'f3', roles: ['role3'] });
  cluster.addAgent({ id: 'a2', resources: 'cpus:4;mem:1024' });
  const cycle = cluster.runCycle();
  assertOffered(cycle, 'f3', 'a2', {}, cluster);
  // And f1's tasks still count: between role1 (0.375) and role2 (0.125), role2 is ahead.
  cluster.declineAll(cycle);
  cluster.engine.removeFramework('f3');
  const next = nextPeriodic(cluster);
  assertOffered(next, 'f2', 'a2', {}, cluster);
  assertNotOffered(next, 'f1', 'a2');
});

test('MULTI_ROLE: a framework with several roles is offered in each role, each offer tagged with that role', () => {
  const cluster = buildCluster({ frameworks: [{ id: 'f1', roles: ['r1', 'r2'] }] });
  const first = addAgentAndCycle(cluster, 'a1', 'cpus:2;mem:1024');
  assertOffered(first, 'f1', 'a1', { role: 'r1' }, cluster); // name order between two empty roles
  // r1 now has a share, r2 none: the next agent goes to f1 in r2.
  const second = addAgentAndCycle(cluster, 'a2', 'cpus:2;mem:1024');
  assertOffered(second, 'f1', 'a2', { role: 'r2', resources: 'cpus:2;mem:1024' }, cluster);
  assert.equal(second.offered('f1', 'a2', 'r1'), undefined);
  assertOffersWellFormed(first);
  assertOffersWellFormed(second);
});

test('at most one (role, agent) entry per framework; a MULTI_ROLE framework gets one entry per role on an agent reserved for both', () => {
  const cluster = buildCluster({
    agents: [{ id: 'a1', resources: 'cpus(r1):1;mem(r1):256;cpus(r2):2;mem(r2):512' }],
    frameworks: [{ id: 'f1', roles: ['r1', 'r2'] }],
  });
  const cycle = cluster.runCycle();
  assertOffersWellFormed(cycle);
  const entries = cycle.entries().filter((e) => e.frameworkId === 'f1' && e.agentId === 'a1');
  assert.deepEqual(entries.map((e) => e.role).sort(), ['r1', 'r2']);
  assertOffered(cycle, 'f1', 'a1', { role: 'r1', resources: 'cpus(r1):1;mem(r1):256' }, cluster);
  assertOffered(cycle, 'f1', 'a1', { role: 'r2', resources: 'cpus(r2):2;mem(r2):512' }, cluster);
  for (const e of entries) for (const r of e.resources) assert.equal(r.allocationRole, e.role);
});

test('every offered resource carries its allocation role, across many cycles of a mixed cluster', () => {
  const cluster = buildCluster({
    seed: 7,
    agents: [
      { id: 'a1', resources: 'cpus:4;mem:1024;ports:[31000-31010]' },
      { id: 'a2', resources: 'cpus(web):2;mem(web):512;cpus:2;mem:512' },
      { id: 'a3', resources: 'cpus(web/api):1;mem(web/api):256;disk:100' },
    ],
    frameworks: [{ id: 'f1', roles: ['web', 'batch'] }, { id: 'f2', roles: ['web/api'] }, { id: 'f3', roles: ['*'] }],
  });
  let cycle = cluster.runCycle();
  for (let i = 0; i < 15; i++) {
    assert.ok(cycle.offerCount > 0);
    assertOffersWellFormed(cycle);
    const seen = new Set<string>();
    for (const e of cycle.entries()) {
      const key = `${e.frameworkId}\0${e.role}\0${e.agentId}`;
      assert.ok(!seen.has(key), `two entries for ${key}`);
      seen.add(key);
    }
    cluster.declineAll(cycle);
    cycle = nextPeriodic(cluster);
  }
});

test('no offers at all when no framework is active, and nothing is offered twice while an offer is outstanding', () => {
  const cluster = buildCluster({ agents: [{ id: 'a1', resources: 'cpus:2;mem:1024' }], frameworks: [{ id: 'f1', roles: ['r'], active: false }] });
  assertNoOffers(cluster.runCycle());
  cluster.engine.activateFramework('f1');
  assertOffered(cluster.runCycle(), 'f1', 'a1', {}, cluster);
  assertNoOffers(nextPeriodic(cluster), 'the outstanding offer is not made again');
});
