// A busy cluster: many frameworks are offered every agent every cycle (each declines with a
// short filter), so nothing sits unallocated when the policy plans. The placement hold keeps a
// bounded window of agents from other frameworks' offers while instances wait for a place.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PlacementHold } from '../../../src/placement/index.ts';
import type { AgentView, FrameworkView, OfferContext } from '../../../src/policy/index.ts';
import { parseResources } from '../../../src/resources/index.ts';
import { kafkaMasterPolicy } from '../../../examples/services/kafka/master-policy.ts';
import { MasterCluster } from './master-cluster.ts';

function busy(hold?: { maxAgents: number }) {
  const policy = kafkaMasterPolicy(hold === undefined ? {} : { hold });
  const cluster = new MasterCluster(policy, 200, 4);
  const kafka = cluster.addServiceFramework('kafka-fw', 'kafka', 'kafka');
  for (let f = 0; f < 100; f++) cluster.addServiceFramework(`other-${f}`, `other-${f}`, f % 2 === 0 ? 'kafka' : `r${f}`);
  return { cluster, kafka };
}

test('200 agents, 100 other frameworks taking every offer: with the hold, 20 brokers are placed and running within 3 cycles', () => {
  const { cluster, kafka } = busy();
  cluster.steps(3);
  assert.equal(kafka.tasks.size, 20);
});

test('the same cluster without the hold (maxAgents 0): the brokers wait for resources nobody leaves unallocated', () => {
  const { cluster, kafka } = busy({ maxAgents: 0 });
  cluster.steps(8);
  assert.ok(kafka.tasks.size < 5, `${kafka.tasks.size} running`);
});

const agent = (id: string): AgentView => ({ id, hostname: id, attributes: [], total: parseResources('cpus:4'), available: parseResources('cpus:4') });
const framework: FrameworkView = { id: 'other', roles: new Set(['r']), capabilities: new Set(), allocation: new Map() };

test('the held window: bounded, rotating, skipping the service’s own agents, empty once nothing waits', () => {
  const hold = new PlacementHold('kafka', { agentsPerInstance: 2, maxAgents: 3 });
  const agents = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'].map(agent);
  hold.update(agents, 1, new Set(['a']));
  assert.deepEqual([...hold.held], ['b', 'c']);
  hold.update(agents, 5, new Set(['a']));
  assert.deepEqual([...hold.held], ['d', 'e', 'f'], 'at most maxAgents, continuing where the last window ended');
  hold.update(agents, 0, new Set());
  assert.deepEqual([...hold.held], []);
  hold.update(agents.slice(0, 4), 9, new Set());
  assert.equal(hold.held.size, 2, 'never more than half the agents');
});

test('a hold that places nothing backs off: held on cycles 0, 1, 3, 7, … while the same instances stay unplaced', () => {
  const hold = new PlacementHold('kafka', { agentsPerInstance: 10 });
  const agents = ['a', 'b', 'c', 'd', 'e', 'f'].map(agent);
  const held: number[] = [];
  for (let cycle = 0; cycle < 12; cycle++) {
    hold.update(agents, 4, new Set());
    held.push(hold.held.size);
  }
  assert.deepEqual(held, [3, 3, 0, 3, 0, 0, 0, 3, 0, 0, 0, 0]);
  hold.update(agents, 3, new Set()); // progress: one was placed
  hold.update(agents, 3, new Set());
  assert.equal(hold.held.size, 3, 'progress resets the back-off');
});

test('a held agent: other frameworks keep only reserved resources; the service’s framework is offered all', () => {
  const hold = new PlacementHold('kafka');
  hold.update([agent('a'), agent('b')], 1, new Set(['b']));
  const offer = parseResources('cpus:2;cpus(r):1');
  const ctx: OfferContext = { now: 0, stage: 'fair-share', role: 'r', framework, agent: agent('a'), offer };
  assert.equal(String(hold.cut(ctx, false).offer), String(parseResources('cpus(r):1')));
  assert.equal(hold.cut(ctx, true), ctx);
  assert.equal(hold.cut({ ...ctx, agent: agent('b') }, false).offer, offer, 'agents not held are untouched');
  assert.deepEqual(hold.rejection(), { reason: 'held-for-placement:kafka' });
});
