// Cassandra: a rack-aware ring, seeds first, one pod per host; a node whose host is gone past
// the permanent-failure timeout is replaced on a free host of its rack (guarded, rate-limited),
// never on a transient loss, and its old volume goes only after the grace period.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ServiceSimulation } from '../../../src/sim/service-simulation.ts';
import { exampleScenario, instancesOf, steps } from '../support.ts';
import { simulateCommand } from '../../../src/cli/simulate-command.ts';
import cassandraPolicy from './policy.ts';

const dir = new URL('.', import.meta.url);
const { scenario } = exampleScenario(dir);
const rack = (agentId: string) => `r${Number(agentId.split('-')[1]) % 3}`;

const pods = (sim: ServiceSimulation) => instancesOf(sim, 'cassandra');


test('the ring: seeds launch before any node, one pod per host, seeds one per rack, nodes two per rack', () => {
  const sim = new ServiceSimulation(scenario(), cassandraPolicy);
  const events = steps(sim, 3);
  const launches = events.filter((e) => e.kind === 'launched').map((e) => e.podInstance!);
  assert.equal(launches.length, 9);
  const lastSeed = Math.max(...['seed-0', 'seed-1', 'seed-2'].map((s) => launches.indexOf(s)));
  assert.ok(launches.slice(0, lastSeed + 1).every((p) => p.startsWith('seed-')), launches.join(' '));
  const placed = pods(sim);
  assert.equal(new Set([...placed.values()].map((p) => p.agent)).size, 9, 'one pod per host (one MOUNT disk each)');
  assert.deepEqual(new Set(['seed-0', 'seed-1', 'seed-2'].map((s) => rack(placed.get(s)!.agent))).size, 3);
  const nodeRacks = new Map<string, number>();
  for (const [name, p] of placed) if (name.startsWith('node-')) nodeRacks.set(rack(p.agent), (nodeRacks.get(rack(p.agent)) ?? 0) + 1);
  assert.deepEqual([...nodeRacks.values()], [2, 2, 2]);
});

test('the scenario: node-4 replaced past the timeout on a free host of its rack; old volume destroyed only after the grace', () => {
  const sim = new ServiceSimulation(scenario(), cassandraPolicy);
  steps(sim, 3);
  const before = pods(sim);
  assert.equal(before.get('node-4')!.agent, 'host-6', 'the scenario removes the host of node-4');
  const waiting = steps(sim, 2); // cycles 3-4: lost, within the timeout
  assert.ok(waiting.some((e) => e.kind === 'lost' && e.podInstance === 'node-4'));
  assert.ok(!waiting.some((e) => e.kind === 'replaced' || e.kind === 'placed'));
  const replaced = steps(sim, 1); // cycle 5: 10 minutes later
  const moved = pods(sim).get('node-4')!;
  assert.ok(replaced.some((e) => e.kind === 'replaced' && e.podInstance === 'node-4'));
  assert.equal(rack(moved.agent), 'r0');
  assert.ok(![...before.values()].some((p) => p.agent === moved.agent), 'a host without a Cassandra pod');
  assert.notEqual(moved.volume, before.get('node-4')!.volume);
  const rest = steps(sim, 5);
  const destroyed = rest.filter((e) => e.kind === 'volume-destroyed');
  assert.deepEqual(destroyed.map((e) => [e.agentId, e.detail]), [['host-6', `${before.get('node-4')!.volume} (gc)`]]);
  assert.equal(sim.cycle, 11);
  assert.ok(sim.ledger.reconcile(sim.book.totals).consistent);
  for (const [name, p] of before) if (name !== 'node-4') assert.deepEqual(pods(sim).get(name), p, `${name} untouched`);
});

test('two hosts of one rack lost together: one replacement per rack per window', () => {
  const sim = new ServiceSimulation({ ...scenario(), events: [] }, cassandraPolicy);
  steps(sim, 3);
  const inR1 = [...pods(sim)].filter(([name, p]) => name.startsWith('node-') && rack(p.agent) === 'r1');
  for (const [, p] of inR1) sim.apply({ cycle: 0, kind: 'removeAgent', agentId: p.agent });
  sim.apply({ cycle: 0, kind: 'advance', ms: 600_000 });
  const first = steps(sim, 1);
  assert.equal(first.filter((e) => e.kind === 'replaced').length, 1);
  assert.equal(first.filter((e) => e.kind === 'replace-deferred').length, 1);
  sim.apply({ cycle: 0, kind: 'advance', ms: 600_000 });
  const second = steps(sim, 1);
  // Due now, but the rack's only free host went to the first: it waits, reported, still lost.
  assert.equal(second.filter((e) => e.kind === 'replace-due').length, 1);
  assert.ok(second.some((e) => e.kind === 'unplaced' && /rack GROUP_BY|GROUP_BY/.test(e.detail ?? '')), JSON.stringify(second));
});

test('maintenance of a seed host: the seed moves within its rack, then the inverse offer is accepted', async () => {
  const sim = new ServiceSimulation(scenario(), cassandraPolicy);
  steps(sim, 3);
  const seed = pods(sim).get('seed-1')!;
  sim.apply({ cycle: 0, kind: 'maintenance', agentId: seed.agent, startInMs: 7_200_000 });
  steps(sim, 3);
  const moved = pods(sim).get('seed-1')!;
  assert.notEqual(moved.agent, seed.agent);
  assert.equal(rack(moved.agent), rack(seed.agent), 'rack UNIQUE for seeds: back in its rack');
  assert.equal((await sim.engine.getInverseOfferStatuses()).get(seed.agent)?.get('cassandra')?.status, 'ACCEPT');
});

test('mesos-policy simulate prints the replace and the destroyed volume', async () => {
  const result = await simulateCommand([new URL('scenario.json', dir).pathname]);
  assert.equal(result.exitCode, 0, result.stderr);
  assert.match(result.stdout, /\[cassandra\] replaced node-4 on host-\d+: from host-6/);
  assert.match(result.stdout, /volume-destroyed node-4 on host-6: .* \(gc\)/);
  assert.match(result.stdout, /service cassandra: ledger equals the cluster/);
});
