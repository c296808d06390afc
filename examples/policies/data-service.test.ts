// The data-service example policy: owners get their reserved, volume-bearing agents back first,
// and a volume is never offered to a framework that does not own it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildCluster, assertOffered } from '../../src/testing/index.ts';
import dataService from './data-service.ts';

const volume = (owner: string, id: string) =>
  JSON.stringify([
    { name: 'cpus', type: 'SCALAR', scalar: { value: 4 } },
    { name: 'mem', type: 'SCALAR', scalar: { value: 8192 } },
    {
      name: 'disk', type: 'SCALAR', scalar: { value: 1000 },
      reservations: [{ type: 'DYNAMIC', role: 'db', principal: 'ops', labels: { labels: [{ key: 'owner', value: owner }] } }],
      disk: { persistence: { id }, volume: { container_path: 'data', mode: 'RW' } },
    },
  ]);

test("a volume goes to its owner, never to another framework of the same role", () => {
  const cluster = buildCluster({
    policy: dataService,
    agents: [{ id: 'a1', resources: volume('mysql-a', 'vol-a') }],
    frameworks: [{ id: 'mysql-b', name: 'mysql-b', roles: ['db'] }, { id: 'mysql-a', name: 'mysql-a', roles: ['db'] }],
  });
  for (let i = 0; i < 6; i++) {
    const cycle = cluster.runCycle();
    for (const e of cycle.entries()) {
      if (e.frameworkId !== 'mysql-a') assert.equal(e.resources.persistentVolumes().size, 0, `cycle ${i}: ${e.frameworkId} got ${e.resources}`);
    }
    cluster.declineAll(cycle, 0);
    cluster.clock.advance(1000);
  }
});

test('the owning role is visited first on an agent holding its reservations', () => {
  const cluster = buildCluster({
    policy: dataService,
    agents: [{ id: 'a1', resources: volume('mysql-a', 'vol-a') }],
    frameworks: [{ id: 'batch', roles: ['batch'] }, { id: 'mysql-a', name: 'mysql-a', roles: ['db'] }],
  });
  // DRF alone could give the unreserved cpus to batch first; the policy puts db first.
  for (let i = 0; i < 4; i++) {
    const cycle = cluster.runCycle();
    assertOffered(cycle, 'mysql-a', 'a1', { role: 'db', including: volume('mysql-a', 'vol-a') }, cluster);
    cluster.declineAll(cycle, 0);
    cluster.clock.advance(1000);
  }
});
