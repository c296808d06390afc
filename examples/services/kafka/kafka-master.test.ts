// Kafka managed from inside the master, offline: the engine runs master-policy.ts, its operator
// calls are made with applyOperatorCalls after each cycle, and a kafka framework launches each
// broker out of the offer that carries its reservations.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseServiceSpec } from '../../../src/placement/index.ts';
import { loadPolicy } from '../../../src/cli/load-policy.ts';
import { MasterCluster } from '../../../test/placement/in-master/master-cluster.ts';
import { kafkaMasterPolicy, kafkaSpec } from './master-policy.ts';

const rack = (agentId: string) => Number(agentId.split('-')[1]) % 4;

function kafkaCluster() {
  const policy = kafkaMasterPolicy();
  const cluster = new MasterCluster(policy, 24, 4); // 24 hosts in 4 racks, as scenario.json
  const framework = cluster.addServiceFramework('kafka-fw', 'kafka', 'kafka');
  return { policy, cluster, framework };
}

const brokers = (policy: ReturnType<typeof kafkaMasterPolicy>) =>
  new Map(policy.ledger.entries({ service: 'kafka', retired: false }).filter((e) => e.persistenceId !== undefined).map((e) => [e.podInstance, { agent: e.agentId, volume: e.persistenceId! }]));

test('the inlined spec is spec.json', () => {
  assert.deepEqual(kafkaSpec, parseServiceSpec(JSON.parse(readFileSync(new URL('spec.json', import.meta.url), 'utf8'))));
});

test('20 brokers: reserved with a volume each by the first cycle’s operator calls, one per host, 5 per rack; running from the next offers', () => {
  const { policy, cluster, framework } = kafkaCluster();
  const first = cluster.step();
  assert.equal(first.calls.length, 20);
  assert.ok(first.calls.every((c) => c.operations.map((o) => o.type).join() === 'RESERVE,CREATE'));
  assert.ok(first.results.every((r) => r.ok));
  cluster.step();
  assert.equal(framework.tasks.size, 20);
  const placed = brokers(policy);
  assert.equal(new Set([...placed.values()].map((b) => b.agent)).size, 20, 'one per host');
  const perRack = [0, 0, 0, 0];
  for (const b of placed.values()) perRack[rack(b.agent)]!++;
  assert.deepEqual(perRack, [5, 5, 5, 5]);
  assert.equal(new Set([...placed.values()].map((b) => b.volume)).size, 20);
  for (const [name, task] of framework.tasks) assert.equal(task.agentId, placed.get(name)!.agent, 'each runs on its own reservations');
  assert.ok(policy.ledger.reconcile(cluster.totals()).consistent);
});

test('a host lost and back: its broker relaunches there, same volume; no operator call, nothing destroyed', () => {
  const { policy, cluster, framework } = kafkaCluster();
  cluster.steps(2);
  const before = brokers(policy);
  const [broker, where] = [...before].find(([, b]) => b.agent === 'host-5') ?? [...before][0]!;
  const calls = cluster.calls.length;
  cluster.removeAgent(where.agent);
  cluster.steps(3);
  assert.equal(framework.tasks.size, 19);
  cluster.restoreAgent(where.agent);
  cluster.steps(2);
  assert.equal(framework.tasks.size, 20);
  assert.equal(framework.tasks.get(broker)!.agentId, where.agent);
  assert.deepEqual(brokers(policy), before);
  assert.equal(cluster.calls.length, calls);
  assert.ok(!cluster.calls.some((c) => c.operations.some((o) => o.type === 'DESTROY' || o.type === 'UNRESERVE')));
});

test('operator calls refused with 409 are re-planned on the next cycles, not lost', () => {
  const { policy, cluster, framework } = kafkaCluster();
  let refused = 0;
  cluster.fault = (call) => (call.id.includes('/op-') && refused < 3 && ++refused > 0 ? { applied: 0, httpStatus: 409 } : undefined);
  const first = cluster.step();
  assert.equal(first.results.filter((r) => r.httpStatus === 409).length, 3);
  cluster.steps(3);
  assert.equal(framework.tasks.size, 20);
  assert.equal(brokers(policy).size, 20);
  assert.ok(policy.ledger.reconcile(cluster.totals()).consistent);
});

test('two Kafka clusters in role kafka: each framework is offered its own brokers’ reservations only', () => {
  const mirror = parseServiceSpec({ ...JSON.parse(readFileSync(new URL('spec.json', import.meta.url), 'utf8')), name: 'kafka-mirror', principal: 'kafka-mirror' });
  const small = { ...mirror, pods: mirror.pods.map((p) => ({ ...p, count: 4 })) };
  const policy = kafkaMasterPolicy({}, [kafkaSpec, small]);
  const cluster = new MasterCluster(policy, 24, 4);
  const main = cluster.addServiceFramework('kafka-fw', 'kafka', 'kafka');
  const other = cluster.addServiceFramework('mirror-fw', 'kafka-mirror', 'kafka');
  for (let i = 0; i < 8; i++) {
    cluster.step();
    if (i === 3) main.end('broker-0');
    if (i === 4) other.end('broker-1');
  }
  assert.equal(main.tasks.size, 20);
  assert.equal(other.tasks.size, 4);
  assert.equal(main.foreignOffered, 0);
  assert.equal(other.foreignOffered, 0);
});

test('master-policy.ts bundles and loads as a policy with operator calls (its control methods are not stages)', async () => {
  const loaded = await loadPolicy(new URL('master-policy.ts', import.meta.url).pathname);
  assert.equal(typeof loaded.operatorCalls, 'function');
  assert.equal(typeof loaded.operatorCallResult, 'function');
  assert.equal(typeof loaded.filter, 'function');
});
