// Elastic scaling (spread kept by selectInstancesToKill, reservations released after the task
// stops) and maintenance (one failure domain at a time, inverse offers accepted once moved).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ServiceSimulation } from '../../../src/sim/service-simulation.ts';
import { kinds, rackOf, run, scenario, where } from './helpers.ts';

const replicas = (count: number) => [{ type: 'replica', count, resources: 'cpus:1;mem:1024', volumes: [{ containerPath: 'data', sizeMb: 1000 }], constraints: 'hostname=unique,rack=groupBy:3' }];

function racks(sim: ServiceSimulation): Map<string, number> {
  const out = new Map<string, number>();
  for (const p of where(sim).values()) out.set(rackOf(p.agent), (out.get(rackOf(p.agent)) ?? 0) + 1);
  return out;
}

test('scale up plans new instances; scale down stops the ones that keep racks even and releases their volumes', () => {
  const sim = new ServiceSimulation(scenario({ hosts: 9, pods: replicas(2) }));
  run(sim, 2);
  sim.controller('db').scale('replica', 6);
  let events = run(sim, 2);
  assert.equal(kinds(events, 'placed').filter((e) => e.detail === 'scale-up').length, 4);
  assert.deepEqual([...racks(sim).values()], [2, 2, 2]);
  const volumesBefore = new Map([...where(sim)].map(([i, p]) => [i, p.volumes[0]!]));
  sim.controller('db').scale('replica', 3);
  events = run(sim, 2);
  const released = kinds(events, 'released').map((e) => e.podInstance!);
  assert.equal(released.length, 3);
  assert.deepEqual([...racks(sim).values()].sort(), [1, 1, 1], 'one per rack after scale-down');
  assert.deepEqual(kinds(events, 'volume-destroyed').map((e) => e.detail).sort(), released.map((i) => `${volumesBefore.get(i)} (scale-down)`).sort());
  assert.equal(sim.controller('db').status().length, 3);
  assert.ok(sim.ledger.reconcile(sim.book.totals).consistent);
  // Up again: holes are refilled, survivors keep their volumes.
  const survivors = where(sim);
  sim.controller('db').scale('replica', 5);
  run(sim, 2);
  for (const [i, p] of survivors) assert.deepEqual(where(sim).get(i), p);
  assert.equal(where(sim).size, 5);
});

test('maintenance moves instances off draining agents one rack at a time, then the inverse offers are accepted', () => {
  const sim = new ServiceSimulation(scenario({ hosts: 9, pods: replicas(3) }));
  run(sim, 2);
  const placed = where(sim);
  const targets = [...placed.values()].map((p) => p.agent).slice(0, 2);
  assert.notEqual(rackOf(targets[0]!), rackOf(targets[1]!));
  for (const agentId of targets) sim.apply({ cycle: 0, kind: 'maintenance', agentId, startInMs: 3_600_000 });
  const events = run(sim, 8);
  // Each rack's move starts only once the previous rack's instance runs elsewhere.
  const order = events.filter((e) => e.kind === 'replace-due' || e.kind === 'launched').map((e) => `${e.kind} ${e.podInstance}`);
  const due = kinds(events, 'replace-due');
  assert.equal(due.length, 2);
  assert.notEqual(rackOf(due[0]!.agentId!), rackOf(due[1]!.agentId!));
  assert.ok(order.indexOf(`launched ${due[0]!.podInstance}`) < order.indexOf(`replace-due ${due[1]!.podInstance}`), order.join(' | '));
  assert.equal(kinds(events, 'inverse-offer-accepted').length, 2);
  const after = where(sim);
  for (const p of after.values()) assert.ok(!targets.includes(p.agent), `nothing left on ${targets.join(', ')}`);
  assert.deepEqual([...racks(sim).values()].sort(), [1, 1, 1]);
  return sim.engine.getInverseOfferStatuses().then((statuses) => {
    for (const agentId of targets) assert.equal(statuses.get(agentId)?.get('db')?.status, 'ACCEPT');
  });
});

test('no new instance is placed on an agent under maintenance', () => {
  const sim = new ServiceSimulation(scenario({ hosts: 3, racks: 3, pods: replicas(2) }));
  sim.apply({ cycle: 0, kind: 'maintenance', agentId: 'h-0', startInMs: 0 });
  sim.apply({ cycle: 0, kind: 'maintenance', agentId: 'h-1', startInMs: 0 });
  const events = run(sim, 2);
  assert.deepEqual([...where(sim).values()].map((p) => p.agent), ['h-2']);
  assert.ok(kinds(events, 'unplaced').some((e) => /excluded: maintenance/.test(e.detail ?? '')));
});

test('scaled down while lost with its automatic replace due: when its agent comes back it stays decommissioned (not relaunched) and is released', () => {
  const sim = new ServiceSimulation(scenario({ hosts: 6, pods: [{ type: 'node', count: 3, resources: 'cpus:2;mem:2048', volumes: [{ containerPath: 'data', sizeMb: 10000 }], constraints: 'hostname=unique,rack=unique' }], service: { mode: 'framework', seed: 43 } }));
  run(sim, 1);
  const home = where(sim).get('node-1')!.agent;
  // Its agent and two others go: the replace falls due, but there is no room for a replacement.
  for (const agentId of [home, ...['h-3', 'h-4', 'h-5'].filter((a) => a !== home)].slice(0, 3)) sim.apply({ cycle: 0, kind: 'removeAgent', agentId });
  sim.apply({ cycle: 0, kind: 'advance', ms: 61_000 });
  run(sim, 1);
  assert.equal(sim.controller('db').instance('node-1')!.intent, 'replace');
  sim.controller('db').scale('node', 1);
  run(sim, 1);
  assert.equal(sim.controller('db').instance('node-1')!.intent, 'decommission');
  sim.apply({ cycle: 0, kind: 'addAgent', agentId: home });
  run(sim, 4);
  const node1 = sim.controller('db').instance('node-1');
  assert.equal(node1, undefined, `node-1 is ${node1?.phase} with intent ${node1?.intent}`);
  assert.ok(!sim.controller('db').status().some((s) => s.podInstance === 'node-1' && s.phase === 'running'), 'never relaunched');
});
