// MySQL: one master, replicas scaled 2 → 5 → 3 with the rack spread kept even; scale-down
// releases the stopped replicas' volumes, survivors never move; the master survives its host's
// brief loss and is replaced elsewhere only after the timeout.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ServiceSimulation } from '../../../src/sim/service-simulation.ts';
import { exampleScenario, instancesOf, steps } from '../support.ts';
import { simulateCommand } from '../../../src/cli/simulate-command.ts';
import mysqlPolicy from './policy.ts';

const dir = new URL('.', import.meta.url);
const { scenario } = exampleScenario(dir);
const rack = (agentId: string) => `r${Number(agentId.split('-')[1]) % 3}`;

const pods = (sim: ServiceSimulation) => instancesOf(sim, 'mysql');

function replicaRacks(sim: ServiceSimulation): number[] {
  const counts = new Map<string, number>();
  for (const [name, p] of pods(sim)) if (name.startsWith('replica-')) counts.set(rack(p.agent), (counts.get(rack(p.agent)) ?? 0) + 1);
  return [...counts.values()].sort();
}


test('the scenario: replicas 2 → 5 → 3, spread even at each size, survivors untouched, stopped replicas released', () => {
  const sim = new ServiceSimulation(scenario(), mysqlPolicy);
  steps(sim, 3);
  assert.deepEqual(replicaRacks(sim), [1, 1]);
  const master = pods(sim).get('master-0')!;
  assert.ok(![...pods(sim)].some(([n, p]) => n !== 'master-0' && p.agent === master.agent), 'port 3306 keeps the master alone on its host');
  const two = pods(sim);
  const up = steps(sim, 3);
  assert.equal(up.filter((e) => e.kind === 'placed' && e.detail === 'scale-up').length, 3);
  assert.deepEqual(replicaRacks(sim), [1, 2, 2]);
  for (const [n, p] of two) assert.deepEqual(pods(sim).get(n), p, `${n} kept`);
  const five = pods(sim);
  const down = steps(sim, 3);
  assert.deepEqual(replicaRacks(sim), [1, 1, 1]);
  const released = down.filter((e) => e.kind === 'released').map((e) => e.podInstance!);
  assert.equal(released.length, 2);
  assert.deepEqual(down.filter((e) => e.kind === 'volume-destroyed').map((e) => e.detail).sort(), released.map((r) => `${five.get(r)!.volume} (scale-down)`).sort());
  for (const [n, p] of pods(sim)) assert.deepEqual(p, five.get(n), `${n} kept`);
  assert.equal(sim.controller('mysql').status().filter((s) => s.podType === 'replica').length, 3);
  assert.ok(sim.ledger.reconcile(sim.book.totals).consistent);
});

test('the master: a brief loss relaunches it in place; past the timeout it is replaced, its old volume kept until the grace', () => {
  const sim = new ServiceSimulation({ ...scenario(), events: [] }, mysqlPolicy);
  steps(sim, 2);
  const master = pods(sim).get('master-0')!;
  sim.apply({ cycle: 0, kind: 'removeAgent', agentId: master.agent });
  steps(sim, 1);
  sim.apply({ cycle: 0, kind: 'advance', ms: 120_000 });
  sim.apply({ cycle: 0, kind: 'addAgent', agentId: master.agent });
  let events = steps(sim, 1);
  assert.ok(events.some((e) => e.kind === 'relaunched' && e.podInstance === 'master-0' && e.agentId === master.agent));
  sim.apply({ cycle: 0, kind: 'removeAgent', agentId: master.agent });
  sim.apply({ cycle: 0, kind: 'advance', ms: 600_000 });
  events = steps(sim, 2);
  assert.ok(events.some((e) => e.kind === 'replaced' && e.podInstance === 'master-0'));
  assert.ok(!events.some((e) => e.kind === 'volume-destroyed'));
  assert.equal(sim.ledger.entries({ service: 'mysql', retired: true, agentId: master.agent }).length > 0, true);
});

test("maintenance of the master's host and a replica's host: both move off, then ACCEPT for both hosts", async () => {
  const sim = new ServiceSimulation({ ...scenario(), events: [] }, mysqlPolicy);
  steps(sim, 2);
  const master = pods(sim).get('master-0')!;
  const replica = pods(sim).get('replica-0')!;
  sim.apply({ cycle: 0, kind: 'maintenance', agentId: master.agent, startInMs: 3_600_000 });
  sim.apply({ cycle: 0, kind: 'maintenance', agentId: replica.agent, startInMs: 3_600_000 });
  const events = steps(sim, 4);
  const due = events.filter((e) => e.kind === 'replace-due').map((e) => e.podInstance);
  assert.equal(due.length, 2);
  assert.notEqual(pods(sim).get('master-0')!.agent, master.agent);
  assert.notEqual(pods(sim).get('replica-0')!.agent, replica.agent);
  assert.deepEqual(replicaRacks(sim), [1, 1]);
  const statuses = await sim.engine.getInverseOfferStatuses();
  for (const host of [master.agent, replica.agent]) assert.equal(statuses.get(host)?.get('mysql')?.status, 'ACCEPT');
});

test('mesos-policy simulate prints the scale changes', async () => {
  const result = await simulateCommand([new URL('scenario.json', dir).pathname]);
  assert.equal(result.exitCode, 0, result.stderr);
  assert.match(result.stdout, /\[mysql\] scaled: replica 2 → 5/);
  assert.match(result.stdout, /\[mysql\] scaled: replica 5 → 3/);
  assert.match(result.stdout, /volume-destroyed replica-\d on host-\d+: .* \(scale-down\)/);
});
