// Conformance: when cycles run and over which agents (hierarchical.cpp `initialize` loop,
// `generateOffers(slaveIds)` batching into `allocationCandidates`, `pause`/`resume`; reference
// §4.2, §4.13 rule 1 and §4.14 "Calls that trigger a cycle" and "Timer phase").
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildCluster, assertOffered, assertNotOffered, type TestCluster } from '../../../src/testing/index.ts';
import { parseAttributes, parseResourceLimits, parseResourceQuantities, parseResources } from '../../../src/resources/index.ts';
import { assertNoOffers, nextPeriodic } from './support.ts';

function parse(text: string) {
  return parseResources(text, { commandLine: false });
}

const AGENTS = [1, 2, 3].map((i) => ({ id: `a${i}`, resources: 'cpus:2;mem:1024' }));

/**
 * Agents a1..a3 and framework f1 (role r). The periodic cycle at 1000 offered f1 all three
 * agents; `decline` says whether f1 gave them back (no filter). The clock is at 1500, no
 * event is pending and the next periodic cycle is due at 2000.
 */
function midInterval(decline = true): TestCluster {
  const cluster = buildCluster({ agents: AGENTS, frameworks: [{ id: 'f1', roles: ['r'] }] });
  cluster.declineAll(cluster.runCycle());
  const [periodic] = cluster.advance(1000);
  assert.ok(periodic !== undefined && periodic.result.periodic && periodic.offerCount === 3);
  if (decline) cluster.declineAll(periodic);
  cluster.advance(500);
  assert.equal(cluster.clock.now(), 1500);
  assert.equal(cluster.engine.nextCycleAt(), 2000);
  return cluster;
}

function assertTriggered(cluster: TestCluster, candidates: number, what: string): void {
  assert.equal(cluster.engine.nextCycleAt(), cluster.clock.now(), `${what} should trigger a cycle right away`);
  const cycle = cluster.runCycle();
  assert.equal(cycle.result.periodic, false, `${what}: an event-triggered cycle`);
  assert.equal(cycle.result.candidates, candidates, `${what}: the cycle looks at ${candidates} agent(s)`);
  assert.equal(cluster.engine.nextCycleAt(), 2000, `${what}: the periodic phase is unchanged`);
}

function assertNotTriggered(cluster: TestCluster, what: string): void {
  assert.equal(cluster.engine.nextCycleAt(), 2000, `${what} must not trigger a cycle`);
  assert.equal(cluster.advance(499).length, 0, `${what}: no cycle before the periodic one`);
}

test('the periodic cycle runs every allocation interval, measured from the previous periodic cycle, over all agents', () => {
  const cluster = buildCluster({ options: { allocationIntervalMs: 2000 }, agents: AGENTS, frameworks: [{ id: 'f1', roles: ['r'] }] });
  assert.equal(cluster.engine.nextCycleAt(), 0, 'adding agents and an active framework asked for a cycle');
  cluster.declineAll(cluster.runCycle());
  assert.equal(cluster.engine.nextCycleAt(), 2000, 'one interval after initialize');
  assert.equal(cluster.advance(1999).length, 0);
  const [first, ...rest] = cluster.advance(1);
  assert.ok(first !== undefined && rest.length === 0);
  assert.equal(first.result.periodic, true);
  assert.equal(first.result.candidates, 3);
  assert.equal(first.offerCount, 3, 'the periodic cycle covers the agents nobody asked about');
  assert.equal(cluster.engine.nextCycleAt(), 4000);
  for (const at of [4000, 6000, 8000]) {
    const cycles = cluster.advance(2000);
    assert.equal(cycles.length, 1);
    assert.ok(cycles[0]!.result.periodic);
    assert.equal(cluster.engine.lastCycleRecord!.at, at);
  }
});

test('§4.14 timer phase: a periodic cycle that runs late (one clock jump past several intervals) runs once and shifts the phase', () => {
  const cluster = buildCluster({ agents: AGENTS, frameworks: [{ id: 'f1', roles: ['r'] }] });
  cluster.runCycle();
  cluster.advance(1000); // periodic at 1000
  cluster.clock.set(3500);
  const late = cluster.runCycle();
  assert.equal(late.result.periodic, true);
  assert.equal(cluster.engine.nextCycleAt(), 4500, 'the next periodic cycle is one interval after the late one');
  assert.equal(cluster.advance(999).length, 0);
  assert.equal(cluster.advance(1).length, 1);
});

test('an event-triggered cycle runs right away, covers only its agents, and does not move the periodic phase', () => {
  const cluster = midInterval();
  cluster.addAgent({ id: 'a4', resources: 'cpus:2;mem:1024' });
  assert.equal(cluster.engine.nextCycleAt(), 1500);
  const cycle = cluster.runCycle();
  assert.equal(cycle.result.candidates, 1);
  assertOffered(cycle, 'f1', 'a4', {}, cluster);
  for (const id of ['a1', 'a2', 'a3']) assertNotOffered(cycle, 'f1', id); // available, but not candidates
  assert.equal(cluster.engine.nextCycleAt(), 2000);
  const periodic = nextPeriodic(cluster);
  for (const id of ['a1', 'a2', 'a3']) assertOffered(periodic, 'f1', id, {}, cluster);
});

test('triggering calls: addAgent, updateAgent that changes something, updateUnavailability (that agent only)', () => {
  let cluster = midInterval();
  cluster.addAgent({ id: 'a4', resources: 'cpus:1;mem:64' });
  assertTriggered(cluster, 1, 'addAgent');

  cluster = midInterval();
  cluster.engine.updateAgent('a2', { hostname: 'a2', attributes: [] }, parse('cpus:4;mem:1024'));
  assertTriggered(cluster, 1, 'updateAgent with a new total');

  cluster = midInterval();
  cluster.engine.updateAgent('a2', { hostname: 'a2', attributes: parseAttributes('rack:r1') });
  assertTriggered(cluster, 1, 'updateAgent with new attributes');

  cluster = midInterval();
  cluster.engine.updateAgent('a2', { hostname: 'a2', attributes: [], domain: { region: 'r', zone: 'z' } });
  assertTriggered(cluster, 1, 'updateAgent with a new domain (SlaveInfo changed)');

  cluster = midInterval();
  cluster.engine.updateAgent('a2', { hostname: 'a2', attributes: [] }, undefined, ['MULTI_ROLE']);
  assertTriggered(cluster, 1, 'updateAgent with new capabilities');

  cluster = midInterval();
  cluster.engine.updateUnavailability('a3', { start: 10_000, durationMs: 3_600_000 });
  assertTriggered(cluster, 1, 'updateUnavailability');
});

test('triggering calls: addFramework (active), activateFramework, reviveOffers (all agents)', () => {
  let cluster = midInterval();
  cluster.addFramework({ id: 'f2', roles: ['r2'] });
  assertTriggered(cluster, 3, 'addFramework of an active framework');

  cluster = midInterval();
  cluster.engine.deactivateFramework('f1');
  cluster.engine.activateFramework('f1');
  assertTriggered(cluster, 3, 'activateFramework');

  cluster = midInterval();
  cluster.engine.reviveOffers('f1', ['r']);
  assertTriggered(cluster, 3, 'reviveOffers');
});

test('updateAgent that changes nothing triggers no cycle (same info, same total, same capabilities)', () => {
  const cluster = midInterval();
  cluster.engine.updateAgent('a1', { hostname: 'a1', attributes: [] }, parse('cpus:2;mem:1024'), ['MULTI_ROLE', 'HIERARCHICAL_ROLE', 'RESERVATION_REFINEMENT']);
  assertNotTriggered(cluster, 'an unchanged updateAgent');
  const again = midInterval();
  again.engine.updateAgent('a1', { hostname: 'a1', attributes: [] });
  assertNotTriggered(again, 'updateAgent without total or capabilities');
});

test('updateAgent with the same attributes listed in another order triggers no cycle (Mesos Attributes == ignores order)', () => {
  const cluster = buildCluster({ agents: [{ id: 'a1', resources: 'cpus:2;mem:1024', attributes: 'rack:r1;zone:z1;ssd:true' }], frameworks: [{ id: 'f1', roles: ['r'] }] });
  cluster.runCycle();
  cluster.clock.advance(300);
  cluster.engine.updateAgent('a1', { hostname: 'a1', attributes: parseAttributes('ssd:true;zone:z1;rack:r1') });
  assert.equal(cluster.engine.nextCycleAt(), 1000, 'nothing changed');
});

test('updateAgent with an equal AgentInfo written differently (no attributes field vs an empty list, other key order) triggers no cycle', () => {
  const cluster = midInterval();
  cluster.engine.updateAgent('a1', { hostname: 'a1' });
  assertNotTriggered(cluster, 'an AgentInfo without attributes (protobuf: same as an empty list)');
  const again = midInterval();
  again.engine.updateAgent('a1', { attributes: [], hostname: 'a1' });
  assertNotTriggered(again, 'the same AgentInfo with its fields in another order');
});

test('addFramework of an inactive framework triggers no cycle', () => {
  const cluster = midInterval();
  cluster.addFramework({ id: 'f2', roles: ['r2'], active: false });
  assertNotTriggered(cluster, 'addFramework(active=false)');
});

test('non-triggering calls: removeAgent, recoverResources, suppress, deactivate, quota, weights, whitelist, updateAllocation, updateAvailable, updateFramework, ...', async () => {
  const cases: Array<[string, (c: TestCluster) => unknown]> = [
    ['removeAgent', (c) => c.engine.removeAgent('a3')],
    ['recoverResources without filter', (c) => c.decline('f1', 'a1', c.engine.state.agents.get('a1')!.offeredOrAllocated().get('f1')!)],
    ['recoverResources with a filter', (c) => c.decline('f1', 'a1', c.engine.state.agents.get('a1')!.offeredOrAllocated().get('f1')!, 10)],
    ['suppressOffers', (c) => c.engine.suppressOffers('f1')],
    ['deactivateFramework', (c) => c.engine.deactivateFramework('f1')],
    ['removeFramework', (c) => c.engine.removeFramework('f1')],
    ['updateQuota', (c) => c.engine.updateQuota('r', { guarantees: parseResourceQuantities('cpus:1'), limits: parseResourceLimits('cpus:4') })],
    ['updateWeights', (c) => c.engine.updateWeights([{ role: 'r', weight: 2 }])],
    ['updateWhitelist', (c) => c.engine.updateWhitelist(['a1', 'a2'])],
    ['updateWhitelist(None)', (c) => c.engine.updateWhitelist(undefined)],
    ['updateAllocation', (c) => {
      const offer = c.engine.state.agents.get('a1')!.offeredOrAllocated().get('f1')!;
      c.accept('f1', 'a1', offer, [{ type: 'RESERVE', resources: offer.filter((r) => r.name === 'cpus').pushReservation({ type: 'DYNAMIC', role: 'r' }) }], ['r']);
    }],
    ['updateAvailable', (c) => {
      c.decline('f1', 'a1', c.engine.state.agents.get('a1')!.offeredOrAllocated().get('f1')!);
      return c.engine.updateAvailable('a1', [{ type: 'RESERVE', resources: parse('cpus:1').pushReservation({ type: 'DYNAMIC', role: 'ops' }) }]);
    }],
    ['updateFramework adding a role', (c) => c.engine.updateFramework('f1', { roles: ['r', 'r2'], capabilities: ['MULTI_ROLE'] })],
    ['updateFramework un-suppressing a role', (c) => {
      c.engine.suppressOffers('f1', ['r']);
      c.engine.updateFramework('f1', { roles: ['r'], capabilities: ['MULTI_ROLE'] }, { suppressedRoles: [] });
    }],
    ['addResourceProvider', (c) => c.engine.addResourceProvider('a1', parse('disk:100'), new Map())],
    ['deactivateAgent', (c) => c.engine.deactivateAgent('a1')],
    ['activateAgent', (c) => {
      c.engine.deactivateAgent('a1');
      c.engine.activateAgent('a1');
    }],
    ['updateInverseOffer', (c) => c.engine.updateInverseOffer('a1', 'f1', undefined, { refuseSeconds: 10 })],
    ['transitionOfferedToAllocated', (c) => c.engine.transitionOfferedToAllocated('a1', c.engine.state.agents.get('a1')!.offeredOrAllocated().get('f1')!)],
  ];
  for (const [what, call] of cases) {
    const cluster = midInterval(false);
    await call(cluster);
    assertNotTriggered(cluster, what);
  }
});

test('batching: back-to-back triggers give one cycle over the union of their agents', () => {
  const cluster = midInterval();
  cluster.addAgent({ id: 'a4', resources: 'cpus:1;mem:64' });
  cluster.clock.advance(10);
  cluster.addAgent({ id: 'a5', resources: 'cpus:1;mem:64' });
  cluster.engine.updateAgent('a1', { hostname: 'a1', attributes: parseAttributes('rack:x') });
  const cycles = cluster.advance(100);
  assert.equal(cycles.length, 1, 'one cycle for the three events');
  const [cycle] = cycles;
  assert.equal(cycle!.result.candidates, 3);
  assert.deepEqual(cycle!.entries().map((e) => e.agentId).sort(), ['a1', 'a4', 'a5']);
  assert.equal(cluster.engine.nextCycleAt(), 2000);
});

test('batching: an agent-scoped trigger and an all-agents trigger give one cycle over all agents', () => {
  const cluster = midInterval();
  cluster.addAgent({ id: 'a4', resources: 'cpus:1;mem:64' });
  cluster.engine.reviveOffers('f1');
  const cycles = cluster.advance(0);
  assert.equal(cycles.length, 1);
  assert.equal(cycles[0]!.result.candidates, 4);
  assert.equal(cycles[0]!.offerCount, 4);
});

test('a removed agent drops out of the pending batch', () => {
  const cluster = midInterval();
  cluster.addAgent({ id: 'a4', resources: 'cpus:1;mem:64' });
  cluster.addAgent({ id: 'a5', resources: 'cpus:1;mem:64' });
  cluster.engine.removeAgent('a4');
  const cycle = cluster.runCycle();
  assert.equal(cycle.result.candidates, 1);
  assertOffered(cycle, 'f1', 'a5', {}, cluster);
});

test('an event at the periodic time is served by the periodic cycle (one cycle, all agents)', () => {
  const cluster = midInterval();
  cluster.clock.set(2000);
  cluster.addAgent({ id: 'a4', resources: 'cpus:1;mem:64' });
  const cycles = cluster.advance(0);
  assert.equal(cycles.length, 1);
  assert.equal(cycles[0]!.result.periodic, true);
  assert.equal(cycles[0]!.result.candidates, 4);
  assert.equal(cluster.engine.nextCycleAt(), 3000);
});

test('pause stops offers: the periodic cycles while paused offer nothing (and are not counted as allocation runs)', () => {
  const cluster = midInterval();
  const runs = cluster.engine.metrics.allocationRuns;
  cluster.engine.pause();
  const paused = cluster.advance(3000);
  assert.equal(paused.length, 3, 'the periodic timer keeps ticking');
  for (const c of paused) assertNoOffers(c, 'paused');
  assert.equal(cluster.engine.metrics.allocationRuns, runs);
  cluster.engine.resume();
  assert.equal(cluster.engine.nextCycleAt(), 5000, 'resume runs no cycle by itself');
  assert.equal(nextPeriodic(cluster).offerCount, 3);
});

test('events while paused are dropped; resume runs no cycle; the next periodic cycle sees everything', () => {
  const cluster = midInterval();
  cluster.engine.pause();
  cluster.addAgent({ id: 'a4', resources: 'cpus:1;mem:64' });
  cluster.engine.reviveOffers('f1');
  cluster.addFramework({ id: 'f2', roles: ['r2'] });
  assert.equal(cluster.engine.nextCycleAt(), 2000, 'no cycle was asked for while paused');
  cluster.clock.advance(100);
  cluster.engine.resume();
  assert.equal(cluster.engine.nextCycleAt(), 2000, 'resume does not ask for one either');
  assert.equal(cluster.advance(399).length, 0);
  const periodic = nextPeriodic(cluster);
  assert.equal(periodic.result.candidates, 4);
  assert.equal(periodic.offerCount, 4);
});

test('a triggered cycle that runs while paused does nothing and is used up: the next cycle is the periodic one', () => {
  const cluster = midInterval();
  cluster.addAgent({ id: 'a4', resources: 'cpus:1;mem:64' });
  cluster.engine.pause(); // after the event, before its cycle ran
  const result = cluster.engine.allocate(cluster.clock.now());
  assert.equal(result.offers.size, 0, 'nothing is offered while paused');
  assert.equal(cluster.engine.nextCycleAt(), 2000, 'the dispatched run is consumed (Mesos `_generateOffers` returns); nothing is due before the periodic tick');
  cluster.engine.resume();
  const periodic = nextPeriodic(cluster);
  assertOffered(periodic, 'f1', 'a4', {}, cluster);
});
