// "Running" means launched: an instance whose reservations are only held in an outstanding
// offer to its framework stays idle; once the framework launches on them (the master's
// transitionOfferedToAllocated) the next cycle sees it running. A view made by hand without
// `used` keeps the old reading: allocated counts as running.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { instanceUsage } from '../../../src/placement/index.ts';
import { dbCluster } from './helpers.ts';

test('reservations held in an offer the framework has not launched on: idle; launched: running', () => {
  const { cluster, policy } = dbCluster();
  cluster.step(); // reserved and created
  const offers = cluster.engine.allocate(cluster.now).offers.get('db-fw')!; // the framework sits on these
  cluster.now += 1000;
  assert.ok(offers.size > 0);
  for (let i = 0; i < 3; i++) {
    assert.deepEqual(cluster.engine.allocate(cluster.now).operatorCalls, []);
    cluster.now += 1000;
  }
  assert.deepEqual(policy.status('db').map((s) => s.phase), ['idle', 'idle', 'idle'], 'offered is not running');
  const fw = cluster.frameworks.get('db-fw')!;
  for (const byAgent of offers.values()) for (const [agentId, offered] of byAgent) fw.offer(agentId, offered);
  assert.equal(fw.tasks.size, 3);
  cluster.engine.allocate(cluster.now);
  assert.deepEqual(policy.status('db').map((s) => s.phase), ['running', 'running', 'running']);
});

test('instanceUsage: used → allocated, held but not used → offered, a view without `used` → allocated', () => {
  const { cluster, policy } = dbCluster();
  cluster.step();
  const offers = cluster.engine.allocate(cluster.now).offers.get('db-fw')!;
  const [agentId] = [...[...offers.values()][0]!.keys()];
  const entry = policy.ledger.entries({ service: 'db', retired: false }).find((e) => e.agentId === agentId)!;
  const entries = policy.ledger.byInstance('db', entry.podInstance);
  const agent = { id: agentId!, hostname: agentId!, attributes: [], total: cluster.engine.state.agents.get(agentId!)!.total, available: cluster.engine.state.agents.get(agentId!)!.available };
  const allocation = new Map([[agentId!, [...offers.values()][0]!.get(agentId!)!]]);
  const framework = { id: 'db-fw', roles: new Set(['data']), capabilities: new Set<string>(), allocation };
  assert.deepEqual(instanceUsage(entries, agent, [{ ...framework, used: new Map() }]), { state: 'offered', frameworkId: 'db-fw' });
  assert.deepEqual(instanceUsage(entries, agent, [{ ...framework, used: allocation }]), { state: 'allocated', frameworkId: 'db-fw' });
  assert.deepEqual(instanceUsage(entries, agent, [framework]), { state: 'allocated', frameworkId: 'db-fw' });
});
