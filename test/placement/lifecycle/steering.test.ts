// The reservation steering (the engine's reservationOwners stage): a service's labelled
// reservations and volumes go to its own framework only, even when another framework shares the
// role; an agent holding nothing else is refused with a reason. The stage's engine rules are tested
// in test/allocator/reservation-owners.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildCluster } from '../../../src/testing/index.ts';
import { DEFAULT_POLICY, definePolicy } from '../../../src/policy/index.ts';
import { withReservationSteering, reservationOwner } from '../../../src/placement/index.ts';
import { ServiceSimulation } from '../../../src/sim/service-simulation.ts';
import { run, scenario } from './helpers.ts';

const reserved = (service: string, extra: object[] = []) => JSON.stringify([
  { name: 'cpus', type: 'SCALAR', scalar: { value: 2 }, reservations: [{ type: 'DYNAMIC', role: 'data', principal: 'p', labels: { labels: [{ key: 'service', value: service }, { key: 'resource_id', value: `${service}-cpus` }] } }] },
  {
    name: 'disk', type: 'SCALAR', scalar: { value: 1000 },
    reservations: [{ type: 'DYNAMIC', role: 'data', principal: 'p', labels: { labels: [{ key: 'service', value: service }, { key: 'resource_id', value: `${service}-vol` }] } }],
    disk: { persistence: { id: `${service}-volume`, principal: 'p' }, volume: { container_path: 'data', mode: 'RW' } },
  },
  ...extra,
]);

test('reservationOwner reads the service label, or an owner label, of the last reservation', () => {
  const cluster = buildCluster({ agents: [{ id: 'a', resources: reserved('kafka') }] });
  const total = cluster.engine.state.agents.get('a')!.total;
  assert.deepEqual([...total].map(reservationOwner), ['kafka', 'kafka']);
});

test("another framework of the role never gets a service's reservations; the owner does", () => {
  const cluster = buildCluster({
    policy: definePolicy(withReservationSteering({ name: 'steered' })),
    agents: [{ id: 'a', resources: reserved('kafka', [{ name: 'mem', type: 'SCALAR', scalar: { value: 4096 } }]) }],
    frameworks: [{ id: 'other', name: 'other', roles: ['data'] }, { id: 'kafka', name: 'kafka', roles: ['data'] }],
  });
  let ownerGotVolume = false;
  for (let i = 0; i < 6; i++) {
    const cycle = cluster.runCycle();
    for (const e of cycle.entries()) {
      const owners = [...e.resources].map(reservationOwner).filter((o) => o !== undefined);
      if (e.frameworkId === 'other') assert.deepEqual(owners, [], `cycle ${i}: other got ${e.resources}`);
      else if (e.resources.persistentVolumes().size > 0) ownerGotVolume = true;
    }
    cluster.declineAll(cycle, 0);
    cluster.clock.advance(1000);
  }
  assert.ok(ownerGotVolume);
});

test('an agent holding only another service\'s reservations is refused with a reason', () => {
  const cluster = buildCluster({
    policy: definePolicy(withReservationSteering({ name: 'steering' })),
    agents: [{ id: 'a', resources: reserved('kafka') }],
    frameworks: [{ id: 'other', name: 'other', roles: ['data'] }],
  });
  const cycle = cluster.runCycle();
  assert.equal(cycle.entries().length, 0);
  assert.match(cluster.engine.explain('other', 'a').reasons[0]!.message, /policy stage reservationOwners: reserved-for-another-owner:kafka/);
});

test('a user policy keeps its own stages behind the steering', () => {
  const seen: string[] = [];
  const policy = withReservationSteering(definePolicy({
    name: 'mine',
    filter: (ctx) => (seen.push(String(ctx.offer)), true),
    size: (ctx) => ctx.offer.filter((r) => r.name !== 'mem'),
  }));
  const cluster = buildCluster({
    policy,
    agents: [{ id: 'a', resources: reserved('kafka', [{ name: 'mem', type: 'SCALAR', scalar: { value: 4096 } }]) }],
    frameworks: [{ id: 'other', name: 'other', roles: ['data'] }],
  });
  assert.equal(cluster.runCycle().entries().length, 0, 'nothing left once steering cut the reservations and the user cut mem');
  assert.ok(seen.length > 0);
  assert.ok(seen.every((s) => !s.includes('kafka')));
});

test('without the steering (Mesos default), two services of one role see each other\'s volumes; with it they do not', () => {
  const twoServices = (policy?: typeof DEFAULT_POLICY) => {
    const s = scenario({
      hosts: 2,
      resources: 'cpus:2;mem:2048;disk:10000',
      pods: [{ type: 'node', count: 1, resources: 'cpus:1;mem:1024', volumes: [{ containerPath: 'data', sizeMb: 5000 }] }],
      extraServices: [{ spec: { name: 'db2', role: 'data', principal: 'db2', pods: [{ type: 'node', count: 1, resources: 'cpus:1;mem:1024', volumes: [{ containerPath: 'data', sizeMb: 5000 }] }] } }],
    });
    const sim = new ServiceSimulation(s, policy);
    run(sim, 2);
    // db's task stops: its reservation and volume are free, and offered again.
    sim.apply({ cycle: 0, kind: 'taskFailure', service: 'db', podInstance: 'node-0' });
    let foreign = 0;
    for (let i = 0; i < 4; i++) {
      const result = sim.engine.allocate(sim.now);
      for (const [fw, byRole] of result.offers) {
        for (const byAgent of byRole.values()) {
          for (const [agent, offered] of byAgent) {
            for (const r of offered) if (reservationOwner(r) !== undefined && reservationOwner(r) !== fw) foreign++;
            sim.engine.recoverResources(fw, agent, offered, undefined);
          }
        }
      }
      sim.now += 1000;
    }
    return foreign;
  };
  assert.ok(twoServices(DEFAULT_POLICY) > 0, 'Mesos offers a role\'s reservations to any framework of the role');
  assert.equal(twoServices(), 0);
});
