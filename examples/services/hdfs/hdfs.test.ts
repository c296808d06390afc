// HDFS: 3 journal nodes, 2 name nodes never on one host, data nodes on every other host, one pod
// per host; a data node's host that reboots gets its data node back with its blocks; a
// maintenance with nowhere to move keeps the node running and the inverse offer unanswered.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ServiceSimulation } from '../../../src/sim/service-simulation.ts';
import { exampleScenario, instancesOf, steps } from '../support.ts';
import { simulateCommand } from '../../../src/cli/simulate-command.ts';
import hdfsPolicy from './policy.ts';

const dir = new URL('.', import.meta.url);
const { scenario } = exampleScenario(dir);
const rack = (agentId: string) => `r${Number(agentId.split('-')[1]) % 3}`;

const pods = (sim: ServiceSimulation) => instancesOf(sim, 'hdfs');


test('layout: journal, name and data nodes each on their own host; name nodes on different hosts and racks; data on all other hosts', () => {
  const sim = new ServiceSimulation(scenario(), hdfsPolicy);
  const events = steps(sim, 3);
  const placed = pods(sim);
  assert.equal(placed.size, 10);
  const hosts = [...placed.values()].map((p) => p.agent);
  assert.equal(new Set(hosts).size, 10, 'one HDFS pod per host');
  const [n0, n1] = [placed.get('name-0')!.agent, placed.get('name-1')!.agent];
  assert.notEqual(n0, n1);
  assert.notEqual(rack(n0), rack(n1));
  const masters = new Set([...placed].filter(([name]) => !name.startsWith('data-')).map(([, p]) => p.agent));
  const dataHosts = new Set([...placed].filter(([name]) => name.startsWith('data-')).map(([, p]) => p.agent));
  const all = Array.from({ length: 10 }, (_, n) => `host-${n}`);
  assert.deepEqual(all.filter((h) => !masters.has(h)).sort(), [...dataHosts].sort(), 'data nodes on every other host');
  // Serial deploy: every journal launches before any name node, every name node before any data node.
  const order = events.filter((e) => e.kind === 'launched').map((e) => e.podInstance!.split('-')[0]!);
  assert.deepEqual(order, [...order].sort((a, b) => ['journal', 'name', 'data'].indexOf(a) - ['journal', 'name', 'data'].indexOf(b)));
});

test('the scenario: data-0\'s host reboots and it relaunches there with the same volume; a journal failure relaunches in place', () => {
  const sim = new ServiceSimulation(scenario(), hdfsPolicy);
  steps(sim, 3);
  const before = pods(sim);
  assert.equal(before.get('data-0')!.agent, 'host-6', 'the scenario reboots the host of data-0');
  const events = steps(sim, 7);
  assert.ok(events.some((e) => e.kind === 'relaunched' && e.podInstance === 'data-0' && e.agentId === 'host-6'));
  assert.ok(events.some((e) => e.kind === 'relaunched' && e.podInstance === 'journal-1'));
  assert.ok(!events.some((e) => e.kind === 'placed' || e.kind === 'replaced' || e.kind === 'volume-destroyed'));
  assert.deepEqual(pods(sim), before);
});

test('maintenance of a data node host with no free host: the data node keeps running, the inverse offer is not accepted', async () => {
  const sim = new ServiceSimulation({ ...scenario(), events: [] }, hdfsPolicy);
  steps(sim, 3);
  const host = pods(sim).get('data-2')!.agent;
  sim.apply({ cycle: 0, kind: 'maintenance', agentId: host, startInMs: 3_600_000 });
  const events = steps(sim, 3);
  assert.ok(events.some((e) => e.kind === 'unplaced' && e.podInstance === 'data-2' && /cannot move yet/.test(e.detail ?? '')));
  assert.equal(sim.controller('hdfs').instance('data-2')!.phase, 'running');
  assert.equal((await sim.engine.getInverseOfferStatuses()).get(host)?.get('hdfs'), undefined);
});

test('maintenance with a spare host: the name node moves there (not next to the other one), then ACCEPT', async () => {
  const base = { ...scenario(), events: [] };
  const spare = { ...base.agents[0]!, id: 'host-10', hostname: 'host-10', attributesText: 'rack:r1' };
  const sim = new ServiceSimulation({ ...base, agents: [...base.agents, spare] }, hdfsPolicy);
  steps(sim, 3);
  const placed = pods(sim);
  const free = Array.from({ length: 11 }, (_, n) => `host-${n}`).find((h) => ![...placed.values()].some((p) => p.agent === h))!;
  const host = placed.get('name-0')!.agent;
  sim.apply({ cycle: 0, kind: 'maintenance', agentId: host, startInMs: 3_600_000 });
  steps(sim, 3);
  const moved = pods(sim).get('name-0')!.agent;
  assert.equal(moved, free);
  assert.notEqual(rack(moved), rack(pods(sim).get('name-1')!.agent));
  assert.equal((await sim.engine.getInverseOfferStatuses()).get(host)?.get('hdfs')?.status, 'ACCEPT');
});

test('mesos-policy simulate runs the HDFS scenario', async () => {
  const result = await simulateCommand([new URL('scenario.json', dir).pathname, '--json']);
  assert.equal(result.exitCode, 0, result.stderr);
  const report = JSON.parse(result.stdout);
  assert.equal(report.services.hdfs.ledgerConsistent, true);
  assert.equal(report.services.hdfs.instances.filter((i: { phase: string }) => i.phase === 'running').length, 10);
});
