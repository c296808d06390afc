// The planner: constraints respected, volumes placed, operations that apply, reasons for what cannot be placed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  executePlan, planService, PlanError, ReservationLedger, type ClusterAgent, type Plan,
} from '../../../src/placement/index.ts';
import { agent, brokers, clock, mountDisk, resourcesOf, spec, withResources } from './helpers.ts';

function placedOn(plan: Plan): Record<string, string> {
  return Object.fromEntries(plan.placements.map((p) => [p.podInstance, p.agent.id]));
}

function countBy(plan: Plan, cluster: readonly ClusterAgent[], attribute: string): Map<string, number> {
  const byId = new Map(cluster.map((a) => [a.id, a]));
  const counts = new Map<string, number>();
  for (const p of plan.placements) {
    const a = byId.get(p.agent.id)!.attributes.find((x) => x.name === attribute);
    const v = a?.type === 'TEXT' ? a.text : String(a);
    counts.set(v, (counts.get(v) ?? 0) + 1);
  }
  return counts;
}

test('hostname UNIQUE: one instance per host; the rest are reported with the reason and the count', () => {
  const cluster = ['a', 'b', 'c'].map((id) => agent(id));
  const plan = planService(spec([brokers(5, 'hostname=unique')]), cluster);
  assert.equal(plan.placements.length, 3);
  assert.equal(new Set(plan.placements.map((p) => p.agent.hostname)).size, 3);
  assert.deepEqual(plan.unplaced.map((u) => u.podInstance), ['broker-3', 'broker-4']);
  assert.equal(plan.unplaced[0]!.summary, 'no agent: 3 agents fail hostname UNIQUE');
  assert.equal(plan.unplaced[0]!.reasons[0]!.agents, 3);
  assert.match(plan.unplaced[0]!.reasons[0]!.example, /already holds 1 instance \(UNIQUE\)/);
  assert.equal(plan.complete, false);
});

test('rack GROUP_BY 3 spreads 6 instances 2 per rack; MAX_PER 1 stops at one per rack', () => {
  const cluster = Array.from({ length: 9 }, (_, i) => agent(`a${i}`, { attributes: `rack:r${i % 3}` }));
  const spread = planService(spec([brokers(6, [['rack', 'GROUP_BY', '3'], ['hostname', 'UNIQUE']])]), cluster);
  assert.equal(spread.placements.length, 6);
  assert.deepEqual([...countBy(spread, cluster, 'rack').values()], [2, 2, 2]);
  const maxPer = planService(spec([brokers(4, 'rack=maxPer:1')]), cluster);
  assert.equal(maxPer.placements.length, 3);
  assert.deepEqual([...countBy(maxPer, cluster, 'rack').values()], [1, 1, 1]);
  assert.equal(maxPer.unplaced[0]!.summary, 'no agent: 9 agents fail rack MAX_PER 1');
});

test('LIKE keeps instances on matching agents; several reasons are counted per agent, most first', () => {
  const cluster = [
    agent('ssd1', { attributes: 'disk:ssd' }),
    agent('ssd2', { attributes: 'disk:ssd', resources: 'cpus:8;mem:512' }),
    agent('hdd1', { attributes: 'disk:hdd' }),
    agent('hdd2', { attributes: 'disk:hdd' }),
    agent('none'),
  ];
  const plan = planService(spec([brokers(2, 'disk=like:ssd,hostname=unique')]), cluster);
  assert.deepEqual(placedOn(plan), { 'broker-0': 'ssd1' });
  assert.equal(plan.unplaced[0]!.summary, 'no agent: 3 agents fail disk LIKE ssd, 1 agent fails hostname UNIQUE, 1 agent lacks mem 1024');
  const lack = plan.unplaced[0]!.reasons.find((r) => r.reason === 'lack mem 1024')!;
  assert.equal(lack.example, 'agent ssd2 (ssd2.example) has mem 512 free for the role: lack mem 1024');
});

test('the operations reserve to the role with labels, create volumes, and apply cleanly', () => {
  const cluster = [agent('a', { extra: [mountDisk('/mnt/d0', 50_000)] })];
  const s = spec([brokers(1, undefined, { volumes: [{ containerPath: 'data', sizeMb: 20_000, disk: 'MOUNT' }, { containerPath: 'log', sizeMb: 1000 }] })]);
  const plan = planService(s, cluster, { seed: 7 });
  const [p] = plan.placements;
  assert.deepEqual(p!.operations.map((o) => o.type), ['RESERVE', 'CREATE']);
  assert.deepEqual(p!.reservations.map((r) => r.kind), ['cpus', 'mem', 'volume', 'volume']);
  const ids = p!.reservations.map((r) => r.resourceId);
  assert.equal(new Set(ids).size, 4);
  for (const id of ids) assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  const cpus = p!.reservations[0]!.resources[0]!;
  assert.deepEqual(cpus.reservations, [{
    type: 'DYNAMIC', role: 'kafka', principal: 'kafka-principal',
    labels: [{ key: 'service', value: 'kafka' }, { key: 'pod_instance', value: 'broker-0' }, { key: 'resource_id', value: ids[0] }],
  }]);
  const data = p!.reservations[2]!;
  assert.deepEqual(data.volume, { persistenceId: data.volume!.persistenceId, containerPath: 'data', disk: 'MOUNT', sizeMb: 50_000, root: '/mnt/d0' });
  assert.equal(data.resources[0]!.disk!.volume!.mode, 'RW');
  assert.equal(data.resources[0]!.disk!.persistence!.principal, 'kafka-principal');
  const after = executePlan(resourcesOf(cluster), plan).get('a')!;
  assert.equal(after.persistentVolumes().size, 2);
  assert.equal(after.unreserved().named('disk').scalar('disk'), 99_000, 'the ROOT volume came out of the root disk');
  assert.equal(after.unreserved().filter((r) => r.disk?.source !== undefined).size, 0, 'the MOUNT disk was taken whole');
  assert.equal(after.reserved('kafka').cpus(), 1);
  // Same inputs, same plan.
  assert.deepEqual(planService(s, cluster, { seed: 7 }), plan);
});

test('MOUNT disks are never split: each MOUNT volume takes one whole disk, the smallest that fits', () => {
  const cluster = [agent('a', { extra: [mountDisk('/mnt/big', 900_000), mountDisk('/mnt/small', 100_000), mountDisk('/mnt/mid', 300_000)] })];
  const two = spec([brokers(3, undefined, { volumes: [{ containerPath: 'data', sizeMb: 80_000, disk: 'MOUNT' }] })]);
  const plan = planService(two, cluster);
  assert.deepEqual(plan.placements.map((p) => p.reservations[2]!.volume!.root), ['/mnt/small', '/mnt/mid', '/mnt/big']);
  assert.deepEqual(plan.placements.map((p) => p.reservations[2]!.volume!.sizeMb), [100_000, 300_000, 900_000]);
  executePlan(resourcesOf(cluster), plan);
  const four = planService(spec([brokers(4, undefined, { volumes: [{ containerPath: 'data', sizeMb: 80_000, disk: 'MOUNT' }] })]), cluster);
  assert.equal(four.unplaced[0]!.summary, 'no agent: 1 agent lacks a MOUNT disk of 80000 MB for volume data');
  const tooBig = planService(spec([brokers(1, undefined, { volumes: [{ containerPath: 'data', sizeMb: 1_000_000, disk: 'MOUNT' }] })]), cluster);
  assert.equal(tooBig.placements.length, 0);
});

test('a ROOT volume must fit one reservation; it is not split across two', () => {
  const cluster = [agent('a', { resources: 'cpus:4;mem:4096;disk(kafka-pre):600;disk:600' })];
  const s = spec([brokers(1, undefined, { volumes: [{ containerPath: 'v', sizeMb: 1000 }] })], 'kafka-pre/kafka');
  const plan = planService(s, cluster);
  assert.equal(plan.unplaced[0]!.summary, 'no agent: 1 agent lacks 1000 MB of ROOT disk in one reservation for volume v');
  const fits = planService(spec([brokers(1, undefined, { volumes: [{ containerPath: 'v', sizeMb: 500 }] })], 'kafka-pre/kafka'), cluster);
  assert.equal(fits.placements.length, 1);
  executePlan(resourcesOf(cluster), fits);
});

test('pre-reserved resources: an ancestor role\'s are refined, the role\'s own unlabelled ones relabelled, preferred over unreserved', () => {
  const cluster = [agent('a', {
    resources: 'cpus(kafka-pre):2;cpus:8;mem:8192',
    extra: [{ name: 'mem', scalar: 1024, reservations: [{ type: 'STATIC', role: 'kafka-pre' }, { type: 'DYNAMIC', role: 'kafka-pre/kafka', principal: 'ops' }] }],
  })];
  const s = spec([{ type: 'node', count: 1, resources: 'cpus:3;mem:2048' }], 'kafka-pre/kafka');
  const plan = planService(s, cluster);
  const [p] = plan.placements;
  const [cpus, mem] = p!.reservations;
  assert.deepEqual(cpus!.resources.map((r) => [r.scalar, r.reservations!.map((x) => x.role)]), [[2, ['kafka-pre', 'kafka-pre/kafka']], [1, ['kafka-pre/kafka']]]);
  assert.deepEqual(mem!.resources.map((r) => [r.scalar, r.reservations!.map((x) => x.role)]), [[1024, ['kafka-pre', 'kafka-pre/kafka']], [1024, ['kafka-pre/kafka']]]);
  assert.deepEqual(p!.operations.map((o) => [o.type, 'source' in o && o.source !== undefined]), [['RESERVE', false], ['RESERVE', true]]);
  const after = executePlan(resourcesOf(cluster), plan).get('a')!;
  assert.equal(after.reserved('kafka-pre/kafka').mem(), 2048);
  assert.equal(after.reserved('kafka-pre').cpus(), undefined, 'the pre-reserved cpus were all refined');
});

test('reservations other services or instances own (resource_id) and other roles are not free', () => {
  const owned = (role: string) => ({ type: 'DYNAMIC' as const, role, principal: 'p', labels: [{ key: 'resource_id', value: `x-${role}` }] });
  const cluster = [agent('a', { resources: 'cpus(other):8;mem:8192', extra: [{ name: 'cpus', scalar: 8, reservations: [owned('kafka')] }, { name: 'cpus', scalar: 8, reservations: [owned('team')] }] })];
  assert.equal(planService(spec([brokers(1)]), cluster).unplaced[0]!.summary, 'no agent: 1 agent lacks cpus 1');
  assert.equal(planService(spec([brokers(1)], 'team/kafka'), cluster).unplaced[0]!.summary, 'no agent: 1 agent lacks cpus 1', "an owned reservation of the parent role is not refined either");
});

test('localRegion: agents of other regions only when a constraint names @region or @zone', () => {
  const near = { ...agent('near'), domain: { region: 'us-east', zone: 'a' } };
  const far = { ...agent('far', { resources: 'cpus:64;mem:262144' }), domain: { region: 'eu-west', zone: 'b' } };
  const local = planService(spec([brokers(2, 'hostname=unique')]), [near, far], { localRegion: 'us-east' });
  assert.deepEqual(placedOn(local), { 'broker-0': 'near' });
  assert.equal(local.unplaced[0]!.summary, 'no agent: 1 agent is outside the local region, 1 agent fails hostname UNIQUE');
  const aware = planService(spec([brokers(2, 'hostname=unique,@region=like:.*')]), [near, far], { localRegion: 'us-east' });
  assert.equal(aware.placements.length, 2);
});

test('exact ports are reserved from the agent\'s ranges; two instances cannot share them', () => {
  const cluster = [agent('a', { resources: 'cpus:8;mem:8192;ports:[9000-9100]' })];
  const s = spec([{ type: 'broker', count: 2, resources: 'cpus:1;mem:1024;ports:[9092-9092]' }]);
  const plan = planService(s, cluster);
  assert.equal(plan.placements.length, 1);
  assert.deepEqual(plan.placements[0]!.reservations[2]!.resources[0]!.ranges, [{ begin: 9092, end: 9092 }]);
  assert.equal(plan.unplaced[0]!.summary, 'no agent: 1 agent lacks ports [9092-9092]');
  const after = executePlan(resourcesOf(cluster), plan).get('a')!;
  assert.deepEqual(after.unreserved().ports(), [{ begin: 9000, end: 9091 }, { begin: 9093, end: 9100 }]);
});

test('ties go to the agent with the most headroom, then to the seeded order', () => {
  const cluster = [agent('small', { resources: 'cpus:2;mem:4096' }), agent('big', { resources: 'cpus:16;mem:65536' })];
  assert.equal(planService(spec([brokers(1)]), cluster).placements[0]!.agent.id, 'big');
  const same = Array.from({ length: 20 }, (_, i) => agent(`s${i}`));
  const firsts = new Set(Array.from({ length: 10 }, (_, seed) => planService(spec([brokers(1)]), same, { seed }).placements[0]!.agent.id));
  assert.ok(firsts.size > 1, 'different seeds break ties differently');
  // Without UNIQUE, instances still spread: the agent just used has less headroom.
  const spread = planService(spec([brokers(4)]), [agent('x'), agent('y')]);
  assert.deepEqual(Object.values(placedOn(spread)).sort(), ['x', 'x', 'y', 'y']);
});

test('soft constraints: the best score wins, agent-only and tally-dependent ones alike', () => {
  const cluster = Array.from({ length: 6 }, (_, i) => agent(`a${i}`, { attributes: `rack:r${i % 3};ssd:${i < 2 ? 'yes' : 'no'}`, resources: i === 5 ? 'cpus:64;mem:262144' : undefined }));
  const prefer = planService(spec([brokers(2, [{ soft: ['ssd', 'IS', 'yes'], weight: 2 }, ['hostname', 'UNIQUE']])]), cluster);
  assert.deepEqual(Object.values(placedOn(prefer)).sort(), ['a0', 'a1']);
  assert.deepEqual(prefer.placements.map((p) => p.score), [2, 2]);
  // Soft rack UNIQUE reads the tally: three instances land on three racks though a5 has the most room.
  const spreadSoft = planService(spec([brokers(3, [{ soft: ['rack', 'UNIQUE'], weight: 1 }, ['hostname', 'UNIQUE']])]), cluster);
  assert.equal(countBy(spreadSoft, cluster, 'rack').size, 3);
  assert.equal(spreadSoft.placements[0]!.agent.id, 'a5');
});

test('@zone SPREAD keeps zones within a skew of 1', () => {
  const cluster = Array.from({ length: 9 }, (_, i) => agent(`a${i}`, { zone: `z${i % 3}`, resources: i < 3 ? 'cpus:64;mem:262144' : undefined }));
  const plan = planService(spec([brokers(7, '@zone=spread:1')]), cluster);
  const zones = new Map<string, number>();
  for (const p of plan.placements) zones.set(p.agent.domain!.zone, (zones.get(p.agent.domain!.zone) ?? 0) + 1);
  assert.deepEqual([...zones.values()].sort(), [2, 2, 3]);
});

test('excluded agents (maintenance) are skipped and reported with the caller\'s reason', () => {
  const cluster = [agent('a'), agent('b')];
  const plan = planService(spec([brokers(2, 'hostname=unique')]), cluster, { excludeAgent: (a) => (a.id === 'b' ? 'draining for maintenance' : undefined) });
  assert.deepEqual(placedOn(plan), { 'broker-0': 'a' });
  assert.equal(plan.unplaced[0]!.summary, 'no agent: 1 agent is excluded: draining for maintenance, 1 agent fails hostname UNIQUE');
});

test('incremental: placed instances stay; a scale-up places only the new ones, on what is still free', () => {
  const c = clock();
  const ledger = new ReservationLedger({ clock: c.now });
  let cluster = ['a', 'b', 'c', 'd'].map((id) => agent(id, { resources: 'cpus:2;mem:4096' }));
  const first = planService(spec([brokers(2, 'hostname=unique')]), cluster, { ledger });
  cluster = withResources(cluster, executePlan(resourcesOf(cluster), first));
  ledger.apply(first);
  const second = planService(spec([brokers(4, 'hostname=unique')]), cluster, { ledger, seed: 1 });
  assert.deepEqual(second.kept.map((k) => k.podInstance), ['broker-0', 'broker-1']);
  assert.deepEqual(second.placements.map((p) => p.podInstance), ['broker-2', 'broker-3']);
  const used = new Set(first.placements.map((p) => p.agent.id));
  for (const p of second.placements) assert.ok(!used.has(p.agent.id), 'UNIQUE counts the kept instances');
  cluster = withResources(cluster, executePlan(resourcesOf(cluster), second));
  ledger.apply(second);
  assert.ok(ledger.reconcile(resourcesOf(cluster)).consistent);
  // Nothing left to do; scaling down reports the surplus; a kept agent missing from the view is lost.
  const again = planService(spec([brokers(4, 'hostname=unique')]), cluster, { ledger });
  assert.equal(again.placements.length, 0);
  assert.ok(again.complete);
  const down = planService(spec([brokers(3, 'hostname=unique')]), cluster, { ledger });
  assert.deepEqual(down.surplus.map((s) => s.podInstance), ['broker-3']);
  const gone = planService(spec([brokers(4, 'hostname=unique')]), cluster.filter((a) => a.id !== second.placements[0]!.agent.id), { ledger });
  assert.deepEqual(gone.lost.map((l) => l.podInstance), ['broker-2']);
  assert.equal(gone.placements.length, 0, 'a lost instance is not replaced unless asked');
});

test('replace: the instance is placed anew elsewhere and names the agent it leaves', () => {
  const ledger = new ReservationLedger({ clock: () => 5 });
  let cluster = ['a', 'b', 'c'].map((id) => agent(id));
  const first = planService(spec([brokers(2, 'hostname=unique')]), cluster, { ledger });
  cluster = withResources(cluster, executePlan(resourcesOf(cluster), first));
  ledger.apply(first);
  const old = ledger.agentOf('kafka', 'broker-1')!.id;
  const view = cluster.filter((a) => a.id !== old); // the agent is gone
  const plan = planService(spec([brokers(2, 'hostname=unique')]), view, { ledger, replace: ['broker-1'] });
  assert.deepEqual(plan.placements.map((p) => [p.podInstance, p.replaces]), [['broker-1', old]]);
  assert.notEqual(plan.placements[0]!.agent.id, old);
});

test('bad views are refused: an agent twice', () => {
  assert.throws(() => planService(spec([brokers(1)]), [agent('a'), agent('a')]), PlanError);
});
