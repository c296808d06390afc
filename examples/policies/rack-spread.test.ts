// The rack-spread example policy, tested offline with mesos-policy/testing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildCluster } from '../../src/testing/index.ts';
import rackSpread from './rack-spread.ts';

test('each framework ends up on both racks rather than piling onto one', () => {
  const cluster = buildCluster({
    policy: rackSpread,
    agents: [
      { id: 'r1-a', resources: 'cpus:4;mem:4096', attributes: 'rack:r1' },
      { id: 'r1-b', resources: 'cpus:4;mem:4096', attributes: 'rack:r1' },
      { id: 'r2-a', resources: 'cpus:4;mem:4096', attributes: 'rack:r2' },
      { id: 'r2-b', resources: 'cpus:4;mem:4096', attributes: 'rack:r2' },
    ],
    frameworks: [{ id: 'kafka', roles: ['data'] }, { id: 'zk', roles: ['data'] }],
  });
  const cycle = cluster.runCycle();
  for (const framework of ['kafka', 'zk']) {
    const agents = cycle.entries().filter((e) => e.frameworkId === framework).map((e) => e.agentId);
    const racks = new Set(agents.map((a) => a.slice(0, 2)));
    assert.equal(agents.length, 2, `${framework} gets two agents: ${agents}`);
    assert.equal(racks.size, 2, `${framework} is on both racks: ${agents}`);
  }
});

test('without the policy (plain Mesos DRF) the same cluster still offers everything once', () => {
  const cluster = buildCluster({
    agents: [{ resources: 'cpus:4;mem:4096', attributes: 'rack:r1' }, { resources: 'cpus:4;mem:4096', attributes: 'rack:r2' }],
    frameworks: [{ id: 'kafka', roles: ['data'] }],
  });
  assert.equal(cluster.runCycle().offerCount, 2);
});
