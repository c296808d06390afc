// Allocator recovery after a master failover (hierarchical.cpp `recover` and the end of `addSlave`;
// mesos-allocator.md §4.11 and the §4.14 "Recovery pause" bullet). Mesos has no unit test for it in
// hierarchical_allocator_tests.cpp any more; these follow the code and the observed behaviour.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertNotOffered, assertOffered, buildCluster } from '../../../src/testing/index.ts';
import { INTERVAL, quota, settle, tick } from './helpers.ts';

const QUOTAS = new Map([['quota-role', quota('cpus:1;mem:256')]]);
const AGENT = 'cpus:2;mem:1024';
/** What is left of one such agent once quota-role's guarantee (no frameworks) is held back as headroom. */
const AGENT_LESS_HEADROOM = 'cpus:1;mem:768';

test('RecoverWithQuota: recover with quotas pauses until floor(expected x 0.8) agents are back; only the agent that ends the pause gets a cycle', () => {
  const c = buildCluster({ frameworks: [{ id: 'framework', roles: ['r'] }] });
  settle(c);
  c.engine.recover(3, QUOTAS); // floor(3 x 0.8) = 2
  assert.equal(c.engine.isPaused(), true);
  assert.ok(c.engine.state.roleTree.get('quota-role')?.hasQuota(), 'the quotas are applied');

  c.addAgent({ id: 'agent1', resources: AGENT });
  assert.equal(settle(c).offerCount, 0, 'paused: agent1 gets no cycle');
  assert.equal(tick(c).offerCount, 0, 'paused: the periodic cycle offers nothing');

  c.addAgent({ id: 'agent2', resources: AGENT });
  assert.equal(c.engine.isPaused(), false, 'two agents are back: resumed');
  const cycle = settle(c);
  assert.equal(cycle.result.candidates, 1, 'only the agent that ended the pause');
  assertOffered(cycle, 'framework', 'agent2', { resources: AGENT }, c);
  assertNotOffered(cycle, 'framework', 'agent1');

  // agent1 waits for the periodic cycle.
  const periodic = tick(c);
  assertOffered(periodic, 'framework', 'agent1', { resources: AGENT_LESS_HEADROOM }, c);
});

test('recover: expected x 0.8 is truncated, so 1 agent means no pause at all', () => {
  const c = buildCluster({ frameworks: [{ id: 'framework', roles: ['r'] }] });
  c.engine.recover(1, QUOTAS);
  assert.equal(c.engine.isPaused(), false);
  assert.ok(c.engine.state.roleTree.get('quota-role')?.hasQuota(), 'the quotas are still applied');
  c.addAgent({ id: 'agent1', resources: AGENT });
  // quota-role has no frameworks: its guarantee is held back as headroom, the rest is offered.
  assertOffered(settle(c), 'framework', 'agent1', { resources: AGENT_LESS_HEADROOM }, c);
});

test('recover with 0 expected agents does not pause', () => {
  const c = buildCluster({});
  c.engine.recover(0, QUOTAS);
  assert.equal(c.engine.isPaused(), false);
});

test('recover without quotas does nothing: no pause, no quota', () => {
  const c = buildCluster({ frameworks: [{ id: 'framework', roles: ['r'] }] });
  c.engine.recover(10, new Map());
  assert.equal(c.engine.isPaused(), false);
  assert.equal(c.engine.state.roleTree.get('quota-role')?.hasQuota() ?? false, false);
  c.addAgent({ id: 'agent1', resources: AGENT });
  assertOffered(settle(c), 'framework', 'agent1', { resources: AGENT }, c);
});

test('the recovery timeout ends the pause but runs no cycle by itself; the next periodic cycle offers everything', () => {
  const c = buildCluster({ options: { recoveryTimeoutMs: 2500 }, frameworks: [{ id: 'framework', roles: ['r'] }] });
  settle(c);
  c.engine.recover(10, QUOTAS); // waits for 8 agents
  c.addAgent({ id: 'agent1', resources: AGENT });
  assert.equal(settle(c).offerCount, 0);
  const paused = c.advance(2 * INTERVAL);
  assert.equal(paused.length, 2);
  for (const v of paused) assert.equal(v.offerCount, 0, 'paused cycles offer nothing');

  // The timer fires at 2500: no cycle then.
  assert.equal(c.advance(500).length, 0, 'the timeout runs no cycle by itself');
  const periodic = tick(c, 500);
  assertOffered(periodic, 'framework', 'agent1', { resources: AGENT_LESS_HEADROOM }, c);
});

test('after the recovery timeout the allocator is resumed: an agent added later gets its own cycle at once', () => {
  const c = buildCluster({ options: { recoveryTimeoutMs: 2500 }, frameworks: [{ id: 'framework', roles: ['r'] }] });
  settle(c);
  c.engine.recover(10, QUOTAS);
  c.advance(2600); // cycles at 1000 and 2000 (paused); the timeout at 2500 resumes
  // Mesos: the resume() timer fired at 2500, so addSlave's generateOffers(agent) is not dropped.
  c.addAgent({ id: 'agent1', resources: AGENT });
  assert.equal(c.engine.nextCycleAt(), c.clock.now(), 'addAgent asks for a cycle right away');
  const cycle = settle(c);
  assertOffered(cycle, 'framework', 'agent1', { resources: AGENT_LESS_HEADROOM }, c);
});

test('while paused by recovery, event-triggered cycles are dropped (revive, addFramework)', () => {
  const c = buildCluster({ frameworks: [{ id: 'framework', roles: ['r'] }] });
  settle(c);
  c.engine.recover(5, QUOTAS); // 4 agents needed
  c.addAgent({ id: 'agent1', resources: AGENT });
  c.engine.reviveOffers('framework');
  c.addFramework({ id: 'late', roles: ['s'] });
  assert.equal(settle(c).offerCount, 0);
  for (const id of ['agent2', 'agent3']) c.addAgent({ id, resources: AGENT });
  assert.equal(c.engine.isPaused(), true);
  c.addAgent({ id: 'agent4', resources: AGENT });
  assert.equal(c.engine.isPaused(), false);
  const cycle = settle(c);
  assert.equal(cycle.result.candidates, 1, 'the earlier requests were dropped, only agent4 is a candidate');
  assert.equal(cycle.entries().every((e) => e.agentId === 'agent4'), true);
});
