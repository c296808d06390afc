// Maintenance / inverse offers (mesos-allocator.md §4.10, §4.14; hierarchical.cpp
// generateInverseOffers, updateInverseOffer, updateUnavailability, getInverseOfferStatuses).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AllocatorError } from '../../../src/allocator/errors.ts';
import { assertNotOffered, assertOffered, buildCluster, type TestCluster } from '../../../src/testing/index.ts';
import { addAgentWithUsed, frameworkInfo, r, settle, tick } from './helpers.ts';

const START = 60_000;

/** One agent fully offered to `framework` (role r), then put under maintenance; the first inverse offer is made. */
function maintenanceCluster(): TestCluster {
  const c = buildCluster({ agents: [{ id: 'agent1', resources: 'cpus:2;mem:1024' }], frameworks: [{ id: 'framework', roles: ['r'] }] });
  assertOffered(settle(c), 'framework', 'agent1', { resources: 'cpus:2;mem:1024' }, c);
  c.engine.updateUnavailability('agent1', { start: START });
  const cycle = settle(c);
  assert.ok(cycle.inverseOffered('framework', 'agent1'), 'the first inverse offer');
  return c;
}

test('MaintenanceInverseOffers: only frameworks holding resources on an agent under maintenance get an inverse offer, with its unavailability', () => {
  const c = buildCluster({ agents: [{ id: 'agent1', resources: 'cpus:2;mem:1024' }], frameworks: [{ id: 'framework', roles: ['*'] }] });
  assertOffered(settle(c), 'framework', 'agent1', { role: '*', resources: 'cpus:2;mem:1024' }, c);
  c.addAgent({ id: 'agent2', resources: 'cpus:2;mem:1024' });
  const offer2 = assertOffered(settle(c), 'framework', 'agent2', { role: '*', resources: 'cpus:2;mem:1024' }, c);
  c.decline('framework', 'agent2', offer2, 24 * 3600);

  const start = c.clock.now() + START;
  c.engine.updateUnavailability('agent1', { start });
  c.engine.updateUnavailability('agent2', { start });
  const cycle = settle(c);
  assert.ok(cycle.inverseOffered('framework', 'agent1'), 'agent1 is inverse offered');
  assert.equal(cycle.inverseOffered('framework', 'agent2'), false, 'agent2 (declined) is not');
  assert.equal(cycle.result.inverseOffers.get('framework')?.get('agent1')?.start, start);
  assert.equal(cycle.result.inverseOffers.size, 1);
  assert.equal(cycle.result.inverseOffers.get('framework')?.size, 1, 'only one inverse offer');
});

test('AddAgentWithUnknownFrameworkAndMaintenance: resources used by an unknown framework do not break inverse offers', () => {
  const c = buildCluster({});
  addAgentWithUsed(c, 'agent1', 'cpus:2;mem:1024', { unknown: r('cpus:2;mem:1024').allocate('role') }, { start: 365 * 24 * 3600 * 1000 });
  c.addFramework({ id: 'framework', roles: ['role'] });
  c.addAgent({ id: 'agent2', resources: 'cpus:2;mem:1024' });
  const cycle = settle(c);
  assertOffered(cycle, 'framework', 'agent2', { role: 'role', resources: 'cpus:2;mem:1024' }, c);
  assertNotOffered(cycle, 'framework', 'agent1');
  assert.equal(cycle.result.inverseOffers.size, 0, 'the unknown framework gets no inverse offer');
  c.engine.updateUnavailability('agent2', { start: START });
  const next = settle(c);
  assert.ok(next.inverseOffered('framework', 'agent2'));
});

test('an inverse offer is made once per (framework, agent) until it is answered', () => {
  const c = maintenanceCluster();
  for (let i = 0; i < 3; i++) assert.equal(tick(c).result.inverseOffers.size, 0, 'still outstanding: no new inverse offer');
  c.engine.updateInverseOffer('agent1', 'framework', { status: 'ACCEPT', frameworkId: 'framework', timestamp: c.clock.now() });
  assert.equal(c.advance(0).length, 0, 'answering runs no cycle');
  assert.ok(tick(c).inverseOffered('framework', 'agent1'), 'answered and still holding resources: a new inverse offer');
});

test('an inverse offer that timed out or was rescinded (no status) is made again, and no status is recorded', async () => {
  const c = maintenanceCluster();
  c.engine.updateInverseOffer('agent1', 'framework', undefined);
  assert.ok(tick(c).inverseOffered('framework', 'agent1'));
  const statuses = await c.engine.getInverseOfferStatuses();
  assert.equal(statuses.get('agent1')?.size, 0);
});

test('a changed maintenance schedule makes a new inverse offer right away (updateUnavailability triggers a cycle for the agent)', async () => {
  const c = maintenanceCluster();
  c.engine.updateInverseOffer('agent1', 'framework', { status: 'DECLINE', frameworkId: 'framework', timestamp: 1 });
  // The outstanding flag is gone; but first change the schedule: outstanding offers and statuses start afresh.
  c.engine.updateUnavailability('agent1', { start: START * 2 });
  const cycle = settle(c);
  assert.equal(cycle.result.inverseOffers.get('framework')?.get('agent1')?.start, START * 2);
  assert.equal((await c.engine.getInverseOfferStatuses()).get('agent1')?.size, 0, 'a new schedule has no answers yet');
});

test('a changed schedule re-sends even an unanswered inverse offer', () => {
  const c = maintenanceCluster();
  c.engine.updateUnavailability('agent1', { start: START * 3 });
  assert.ok(settle(c).inverseOffered('framework', 'agent1'));
});

test('updateInverseOffer records ACCEPT and DECLINE statuses; getInverseOfferStatuses reports them per agent', async () => {
  const c = buildCluster({
    agents: [{ id: 'agent1', resources: 'cpus:2;mem:1024' }, { id: 'agent2', resources: 'cpus:2;mem:1024' }, { id: 'agent3', resources: 'cpus:2;mem:1024' }],
    frameworks: [{ id: 'f1', roles: ['r'] }, { id: 'f2', roles: ['r'] }],
  });
  const cycle = settle(c);
  const holderOf = (agent: string): string => (cycle.offered('f1', agent) !== undefined ? 'f1' : 'f2');
  c.engine.updateUnavailability('agent1', { start: START });
  c.engine.updateUnavailability('agent2', { start: START });
  settle(c);
  const h1 = holderOf('agent1');
  const h2 = holderOf('agent2');
  c.engine.updateInverseOffer('agent1', h1, { status: 'ACCEPT', frameworkId: h1, timestamp: 10 });
  c.engine.updateInverseOffer('agent2', h2, { status: 'DECLINE', frameworkId: h2, timestamp: 20 });
  const statuses = await c.engine.getInverseOfferStatuses();
  assert.deepEqual([...statuses.keys()].sort(), ['agent1', 'agent2'], 'only agents under maintenance are reported');
  assert.deepEqual(statuses.get('agent1')?.get(h1), { status: 'ACCEPT', frameworkId: h1, timestamp: 10 });
  assert.deepEqual(statuses.get('agent2')?.get(h2), { status: 'DECLINE', frameworkId: h2, timestamp: 20 });
});

test('an answer to an inverse offer that is not outstanding is ignored (no status change)', async () => {
  const c = maintenanceCluster();
  c.engine.updateInverseOffer('agent1', 'framework', { status: 'ACCEPT', frameworkId: 'framework', timestamp: 1 });
  c.engine.updateInverseOffer('agent1', 'framework', { status: 'DECLINE', frameworkId: 'framework', timestamp: 2 });
  assert.equal((await c.engine.getInverseOfferStatuses()).get('agent1')?.get('framework')?.status, 'ACCEPT');
});

test('updateInverseOffer refuses status UNKNOWN with AllocatorError and changes nothing', async () => {
  const c = maintenanceCluster();
  assert.throws(() => c.engine.updateInverseOffer('agent1', 'framework', { status: 'UNKNOWN', frameworkId: 'framework', timestamp: 1 }), AllocatorError);
  assert.equal((await c.engine.getInverseOfferStatuses()).get('agent1')?.size, 0, 'no status recorded');
  assert.equal(tick(c).result.inverseOffers.size, 0, 'the inverse offer is still outstanding');
});

test('inverse-offer filters last exactly their refuse time: no stretching to the allocation interval', () => {
  const c = maintenanceCluster();
  assert.equal(c.advance(200).length, 0);
  // Answered at 0.2 s with 0.5 s: gone at 0.7 s. An offer filter would be stretched to the interval
  // (until 1.2 s) and still hide the agent from the periodic cycle at 1 s.
  c.engine.updateInverseOffer('agent1', 'framework', { status: 'DECLINE', frameworkId: 'framework', timestamp: 0 }, { refuseSeconds: 0.5 });
  assert.ok(tick(c, 800).inverseOffered('framework', 'agent1'), 'the 0.5 s filter is gone by the next cycle');
});

test('an inverse-offer filter of r seconds hides the agent until r has passed', () => {
  const c = maintenanceCluster();
  c.engine.updateInverseOffer('agent1', 'framework', { status: 'DECLINE', frameworkId: 'framework', timestamp: 0 }, { refuseSeconds: 3.5 });
  for (let i = 0; i < 3; i++) assert.equal(tick(c).inverseOffered('framework', 'agent1'), false, `filtered at +${i + 1} s`);
  assert.ok(tick(c).inverseOffered('framework', 'agent1'), 'expired at +4 s');
});

test('an inverse-offer filter of 0 seconds installs no filter', () => {
  const c = maintenanceCluster();
  c.engine.updateInverseOffer('agent1', 'framework', { status: 'DECLINE', frameworkId: 'framework', timestamp: 0 }, { refuseSeconds: 0 });
  assert.ok(tick(c).inverseOffered('framework', 'agent1'));
});

test('a deactivated agent still gets inverse offers (but no offers)', () => {
  const c = buildCluster({ agents: [{ id: 'agent1', resources: 'cpus:2;mem:1024' }], frameworks: [{ id: 'framework', roles: ['r'] }] });
  const offer = assertOffered(settle(c), 'framework', 'agent1', {}, c);
  c.engine.deactivateAgent('agent1');
  c.engine.recoverResources('framework', 'agent1', offer.filter((x) => x.name === 'mem'), undefined);
  c.engine.updateUnavailability('agent1', { start: START });
  const cycle = settle(c);
  assert.ok(cycle.inverseOffered('framework', 'agent1'), 'inverse offer from the deactivated agent');
  assertNotOffered(cycle, 'framework', 'agent1');
});

test('inverse offers go only to active frameworks that hold offered or allocated resources on the agent', () => {
  const c = buildCluster({});
  // 'inactive' runs a task on agent1 (known to the agent through addAgent's `used`) and is not active.
  const task = r('cpus:0.5').allocate('t');
  addAgentWithUsed(c, 'agent1', 'cpus:2;mem:1024', { inactive: task });
  c.engine.addFramework('inactive', frameworkInfo(['t']), new Map([['agent1', task]]), false, {});
  c.addAgent({ id: 'agent2', resources: 'cpus:2;mem:1024' });
  c.addFramework({ id: 'holder', roles: ['r'] });
  const cycle = settle(c);
  assert.ok(cycle.offered('holder', 'agent1') !== undefined && cycle.offered('holder', 'agent2') !== undefined, 'holder takes both agents');
  c.addFramework({ id: 'idle', roles: ['s'] });
  assert.equal(settle(c).offerCount, 0, 'nothing left for idle');
  c.engine.updateUnavailability('agent1', { start: START });
  const next = settle(c);
  assert.ok(next.inverseOffered('holder', 'agent1'));
  assert.equal(next.inverseOffered('idle', 'agent1'), false, 'holds nothing there');
  assert.equal(next.inverseOffered('inactive', 'agent1'), false, 'not active');
  assert.equal(next.inverseOffered('holder', 'agent2'), false, 'agent2 is not under maintenance');
  c.engine.activateFramework('inactive');
  assert.ok(settle(c).inverseOffered('inactive', 'agent1'), 'once active it gets one');
});

test('inverse offers are generated only for the candidate agents of a cycle', () => {
  const c = maintenanceCluster();
  c.engine.updateInverseOffer('agent1', 'framework', { status: 'ACCEPT', frameworkId: 'framework', timestamp: 0 });
  c.addAgent({ id: 'agent2', resources: 'cpus:1;mem:128' });
  const triggered = settle(c);
  assert.equal(triggered.result.candidates, 1);
  assert.equal(triggered.inverseOffered('framework', 'agent1'), false, 'agent1 is not a candidate of the cycle for agent2');
  assert.ok(tick(c).inverseOffered('framework', 'agent1'), 'the periodic cycle covers agent1');
});

test('reviveOffers clears all inverse-offer filters of the framework (and triggers a cycle)', () => {
  const c = maintenanceCluster();
  c.engine.updateInverseOffer('agent1', 'framework', { status: 'DECLINE', frameworkId: 'framework', timestamp: 0 }, { refuseSeconds: 3600 });
  assert.equal(tick(c).inverseOffered('framework', 'agent1'), false);
  c.engine.reviveOffers('framework', ['r']);
  assert.ok(settle(c).inverseOffered('framework', 'agent1'));
});

test('every updateFramework clears inverse-offer filters, even one that changes nothing (and it runs no cycle)', () => {
  const c = maintenanceCluster();
  c.engine.updateInverseOffer('agent1', 'framework', { status: 'DECLINE', frameworkId: 'framework', timestamp: 0 }, { refuseSeconds: 3600 });
  assert.equal(tick(c).inverseOffered('framework', 'agent1'), false);
  c.engine.updateFramework('framework', frameworkInfo(['r']), {});
  assert.equal(c.advance(0).length, 0, 'updateFramework runs no cycle');
  assert.ok(tick(c).inverseOffered('framework', 'agent1'));
});

test('deactivateFramework clears inverse-offer filters; an inactive framework gets no inverse offers', () => {
  const c = maintenanceCluster();
  c.engine.updateInverseOffer('agent1', 'framework', { status: 'DECLINE', frameworkId: 'framework', timestamp: 0 }, { refuseSeconds: 3600 });
  c.engine.deactivateFramework('framework');
  assert.equal(tick(c).inverseOffered('framework', 'agent1'), false, 'inactive');
  c.engine.activateFramework('framework');
  assert.ok(settle(c).inverseOffered('framework', 'agent1'), 'the filter went with the deactivation');
});

test('updateUnavailability drops the inverse-offer filters for that agent', () => {
  const c = maintenanceCluster();
  c.engine.updateInverseOffer('agent1', 'framework', { status: 'DECLINE', frameworkId: 'framework', timestamp: 0 }, { refuseSeconds: 3600 });
  assert.equal(tick(c).inverseOffered('framework', 'agent1'), false);
  c.engine.updateUnavailability('agent1', { start: START, durationMs: 3_600_000 });
  assert.ok(settle(c).inverseOffered('framework', 'agent1'));
});

test('removing the maintenance schedule stops inverse offers and drops the agent from the statuses', async () => {
  const c = maintenanceCluster();
  c.engine.updateInverseOffer('agent1', 'framework', { status: 'ACCEPT', frameworkId: 'framework', timestamp: 0 });
  c.engine.updateUnavailability('agent1', undefined);
  assert.equal(settle(c).result.inverseOffers.size, 0);
  assert.equal(tick(c).result.inverseOffers.size, 0);
  assert.equal((await c.engine.getInverseOfferStatuses()).has('agent1'), false);
});

test('regular offers continue from an agent under maintenance; its inverse offer comes in the same cycle', () => {
  const c = buildCluster({ agents: [{ id: 'agent1', resources: 'cpus:2;mem:1024', unavailability: { start: START } }], frameworks: [{ id: 'framework', roles: ['r'] }] });
  const cycle = settle(c);
  assertOffered(cycle, 'framework', 'agent1', { resources: 'cpus:2;mem:1024' }, c);
  // Each run is offer generation followed by inverse-offer generation on the same candidates (§4.2).
  assert.ok(cycle.inverseOffered('framework', 'agent1'));
  assert.equal(cycle.result.inverseOffers.get('framework')?.get('agent1')?.start, START);
});
