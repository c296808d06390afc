// Sticky relaunch (task end, brief agent loss) and guarded replace (permanent-failure timeout,
// per-domain rate limit, operator replace, destroy only after the grace period).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ServiceSimulation } from '../../../src/sim/service-simulation.ts';
import { kinds, rackOf, run, scenario, where } from './helpers.ts';

test('deploy: one instance per host, racks even, each with its own volume, all running', () => {
  const sim = new ServiceSimulation(scenario());
  run(sim, 2);
  const placed = where(sim);
  assert.equal(placed.size, 3);
  assert.equal(new Set([...placed.values()].map((p) => p.agent)).size, 3);
  assert.equal(new Set([...placed.values()].map((p) => rackOf(p.agent))).size, 3);
  assert.ok([...placed.values()].every((p) => p.volumes.length === 1));
  assert.ok(sim.controller('db').status().every((s) => s.phase === 'running'));
  assert.ok(sim.ledger.reconcile(sim.book.totals).consistent);
});

test('a failed task relaunches on the same agent with the same volume; nothing is reserved anew', () => {
  const sim = new ServiceSimulation(scenario());
  run(sim, 2);
  const before = where(sim);
  const ids = sim.ledger.entries().map((e) => e.resourceId).sort();
  sim.apply({ cycle: 0, kind: 'taskFailure', service: 'db', podInstance: 'node-1' });
  const events = run(sim, 1);
  assert.deepEqual(kinds(events, 'relaunched').map((e) => [e.podInstance, e.agentId]), [['node-1', before.get('node-1')!.agent]]);
  assert.deepEqual(where(sim), before);
  assert.deepEqual(sim.ledger.entries().map((e) => e.resourceId).sort(), ids);
  assert.equal(kinds(events, 'placed').length + kinds(events, 'volume-created').length, 0);
});

test('an agent that is gone briefly: the instance waits, then relaunches there with the same volume', () => {
  const sim = new ServiceSimulation(scenario());
  run(sim, 2);
  const before = where(sim);
  const agent = before.get('node-0')!.agent;
  sim.apply({ cycle: 0, kind: 'removeAgent', agentId: agent });
  let events = run(sim, 5);
  assert.equal(sim.controller('db').instance('node-0')!.phase, 'lost');
  assert.equal(kinds(events, 'placed').length, 0, 'no new placement on a transient loss');
  sim.apply({ cycle: 0, kind: 'advance', ms: 50_000 }); // still under the 60 s timeout
  sim.apply({ cycle: 0, kind: 'addAgent', agentId: agent });
  events = run(sim, 1);
  assert.deepEqual(kinds(events, 'relaunched').map((e) => e.agentId), [agent]);
  assert.deepEqual(where(sim), before);
  assert.equal(kinds(events, 'volume-destroyed').length, 0);
  assert.ok(sim.ledger.reconcile(sim.book.totals).consistent);
});

test('past the permanent-failure timeout: replaced on a host that keeps the spread; old volume destroyed only after the grace, once reachable', () => {
  const sim = new ServiceSimulation(scenario());
  run(sim, 2);
  const before = where(sim);
  const old = before.get('node-2')!;
  sim.apply({ cycle: 0, kind: 'removeAgent', agentId: old.agent });
  run(sim, 1);
  sim.apply({ cycle: 0, kind: 'advance', ms: 60_000 });
  const events = run(sim, 2);
  assert.equal(kinds(events, 'replace-due').length, 1);
  const moved = where(sim).get('node-2')!;
  assert.notEqual(moved.agent, old.agent);
  assert.notDeepEqual(moved.volumes, old.volumes, 'a new volume for the new placement');
  assert.equal(rackOf(moved.agent), rackOf(old.agent), 'GROUP_BY keeps racks even: the same rack');
  assert.equal(sim.controller('db').instance('node-2')!.phase, 'running');
  // The old reservations are retired, not destroyed: the agent is gone.
  assert.equal(sim.ledger.entries({ service: 'db', retired: true, agentId: old.agent }).length, 3);
  sim.apply({ cycle: 0, kind: 'addAgent', agentId: old.agent });
  let later = run(sim, 2);
  assert.equal(kinds(later, 'volume-destroyed').length, 0, 'still within the grace period');
  sim.apply({ cycle: 0, kind: 'advance', ms: 30_000 });
  later = run(sim, 1);
  assert.deepEqual(kinds(later, 'volume-destroyed').map((e) => e.detail), [`${old.volumes[0]} (gc)`]);
  assert.equal(sim.ledger.entries({ service: 'db', retired: true }).length, 0);
  assert.ok(sim.ledger.reconcile(sim.book.totals).consistent);
});

test('replacements are rate-limited per failure domain', () => {
  // 2 racks, 4 instances: two per rack; both hosts of rack r0's instances are lost together.
  const sim = new ServiceSimulation(scenario({
    hosts: 8, racks: 2,
    pods: [{ type: 'node', count: 4, resources: 'cpus:2;mem:2048', volumes: [{ containerPath: 'data', sizeMb: 1000 }], constraints: 'hostname=unique,rack=groupBy:2' }],
    service: { replaceRateLimit: { perDomain: 1, windowMs: 120_000 } },
  }));
  run(sim, 2);
  const inR0 = [...where(sim)].filter(([, p]) => rackOf(p.agent, 2) === 'r0');
  assert.equal(inR0.length, 2);
  for (const [, p] of inR0) sim.apply({ cycle: 0, kind: 'removeAgent', agentId: p.agent });
  sim.apply({ cycle: 0, kind: 'advance', ms: 61_000 });
  let events = run(sim, 2);
  assert.equal(kinds(events, 'replace-due').length, 1);
  assert.equal(kinds(events, 'replace-deferred').length, 1);
  sim.apply({ cycle: 0, kind: 'advance', ms: 120_000 });
  events = run(sim, 2);
  assert.equal(kinds(events, 'replace-due').length, 1, 'the second one once the window has passed');
  assert.ok(sim.controller('db').status().every((s) => s.phase === 'running'));
});

test('operator replace: kill, place afresh now, old volume destroyed after the grace', () => {
  const sim = new ServiceSimulation(scenario());
  run(sim, 2);
  const old = where(sim).get('node-0')!;
  sim.apply({ cycle: 0, kind: 'replace', service: 'db', podInstance: 'node-0' });
  const events = run(sim, 1);
  assert.ok(kinds(events, 'task-ended').some((e) => e.podInstance === 'node-0' && e.detail === 'TASK_KILLED'));
  assert.deepEqual(kinds(events, 'replaced').map((e) => e.detail), [`from ${old.agent}`]);
  assert.equal(kinds(events, 'volume-destroyed').length, 0);
  sim.apply({ cycle: 0, kind: 'advance', ms: 30_000 });
  assert.equal(kinds(run(sim, 1), 'volume-destroyed').length, 1);
  assert.equal(sim.controller('db').instance('node-0')!.phase, 'running');
  assert.ok(sim.ledger.reconcile(sim.book.totals).consistent);
});
