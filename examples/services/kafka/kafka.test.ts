// Kafka: 20 brokers in seconds, one per host, 5 per rack, each with its own volume; a broker
// whose host disappears briefly comes back there with the same volume; maintenance of a host
// moves its broker within the rack and the inverse offer is accepted.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ServiceSimulation } from '../../../src/sim/service-simulation.ts';
import { exampleScenario, instancesOf } from '../support.ts';
import { simulateCommand } from '../../../src/cli/simulate-command.ts';
import { loadPolicy } from '../../../src/cli/load-policy.ts';
import kafkaPolicy from './policy.ts';

const dir = new URL('.', import.meta.url);
const { scenario } = exampleScenario(dir);

const brokers = (sim: ServiceSimulation) => instancesOf(sim, 'kafka');

const rack = (agentId: string) => `r${Number(agentId.split('-')[1]) % 4}`;

test('20 brokers are reserved, created and running within the first cycle: one per host, 5 per rack', () => {
  const sim = new ServiceSimulation(scenario(), kafkaPolicy);
  const first = sim.step();
  assert.equal(first.running['kafka'], 20);
  assert.equal(first.at, 0, 'started at t=0: no waiting on offers in operator mode');
  const placed = brokers(sim);
  assert.equal(placed.size, 20);
  assert.equal(new Set([...placed.values()].map((b) => b.agent)).size, 20, 'one broker per host');
  const perRack = new Map<string, number>();
  for (const b of placed.values()) perRack.set(rack(b.agent), (perRack.get(rack(b.agent)) ?? 0) + 1);
  assert.deepEqual([...perRack.values()], [5, 5, 5, 5]);
  assert.equal(new Set([...placed.values()].map((b) => b.volume)).size, 20, 'each broker its own volume');
  assert.ok(sim.ledger.reconcile(sim.book.totals).consistent);
});

test('the scenario: host-5 lost at cycle 4, back at 6: its broker relaunches there with the same volume; nothing replaced or destroyed', () => {
  const sim = new ServiceSimulation(scenario(), kafkaPolicy);
  const cycles = Array.from({ length: 10 }, () => sim.step());
  const before = new Map<string, { agent: string; volume: string }>();
  const all = cycles.flatMap((c) => c.events);
  const lost = all.find((e) => e.kind === 'lost')!;
  assert.equal(lost.agentId, 'host-5');
  const relaunched = all.filter((e) => e.kind === 'relaunched');
  assert.ok(relaunched.some((e) => e.podInstance === lost.podInstance && e.agentId === 'host-5'));
  assert.ok(!all.some((e) => e.kind === 'replaced' || e.kind === 'volume-destroyed' || e.kind === 'replace-due'));
  assert.equal(all.filter((e) => e.kind === 'volume-created').length, 20, 'only the initial 20 volumes');
  assert.equal(cycles[5]!.running['kafka'], 19);
  assert.equal(cycles[6]!.running['kafka'], 20);
  for (const [b, p] of brokers(sim)) before.set(b, p);
  assert.equal(before.get(lost.podInstance!)!.agent, 'host-5');
});

test('maintenance of a host: its broker moves to a free host of the same rack, then the inverse offer is accepted', async () => {
  const sim = new ServiceSimulation(scenario(), kafkaPolicy);
  sim.step();
  const victim = brokers(sim).get('broker-7')!;
  sim.apply({ cycle: 0, kind: 'maintenance', agentId: victim.agent, startInMs: 3_600_000 });
  for (let i = 0; i < 3; i++) sim.step();
  const moved = brokers(sim).get('broker-7')!;
  assert.notEqual(moved.agent, victim.agent);
  assert.equal(rack(moved.agent), rack(victim.agent), 'GROUP_BY 4 keeps 5 per rack');
  const statuses = await sim.engine.getInverseOfferStatuses();
  assert.equal(statuses.get(victim.agent)?.get('kafka')?.status, 'ACCEPT');
});

test('mesos-policy simulate runs the scenario with the policy it names, as JSON', async () => {
  const result = await simulateCommand([new URL('scenario.json', dir).pathname, '--json']);
  assert.equal(result.exitCode, 0, result.stderr);
  const report = JSON.parse(result.stdout);
  assert.equal(report.kind, 'services');
  assert.equal(report.cycles.length, 10);
  assert.equal(report.services.kafka.ledgerConsistent, true);
  assert.deepEqual(report.policyErrors, {});
  const policy = await loadPolicy(new URL('policy.ts', dir).pathname);
  assert.equal(typeof policy.reservationOwners?.owns, 'function');
});
