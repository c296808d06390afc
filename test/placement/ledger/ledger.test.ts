// The reservation ledger: recording, queries, in-use, release and reconciliation against the
// cluster; incomplete placements (held persistence ids, amended entries).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  executeOperations, executePlan, LedgerError, planService, ReservationLedger, type ClusterAgent,
} from '../../../src/placement/index.ts';
import type { Resources } from '../../../src/resources/index.ts';
import { agent, brokers, clock, mountDisk, resourcesOf, spec, withResources } from '../plan/helpers.ts';

const volumes = { volumes: [{ containerPath: 'data', sizeMb: 1000, disk: 'MOUNT' as const }, { containerPath: 'log', sizeMb: 100 }] };

function deployed(count = 2): { ledger: ReservationLedger; cluster: Map<string, Resources>; agents: ClusterAgent[]; tick: (ms: number) => void } {
  const c = clock(10_000);
  const ledger = new ReservationLedger({ clock: c.now });
  const agents = ['a', 'b', 'c'].map((id) => agent(id, { extra: [mountDisk('/mnt/0', 5000)] }));
  const plan = planService(spec([brokers(count, 'hostname=unique', volumes)]), agents, { ledger });
  const cluster = executePlan(resourcesOf(agents), plan);
  ledger.apply(plan);
  return { ledger, cluster, agents, tick: c.advance };
}

test('apply records every reservation with its instance, agent, resources, volume and time', () => {
  const { ledger, cluster } = deployed();
  assert.equal(ledger.size, 8, '2 instances × (cpus, mem, 2 volumes)');
  const entries = ledger.byInstance('kafka', 'broker-0');
  assert.deepEqual(entries.map((e) => e.kind), ['cpus', 'mem', 'volume', 'volume']);
  const agentId = ledger.agentOf('kafka', 'broker-0')!.id;
  assert.ok(entries.every((e) => e.agentId === agentId && e.since === 10_000 && !e.retired && e.taskId === undefined));
  const data = entries.find((e) => e.containerPath === 'data')!;
  assert.equal(data.resources.disk(), 5000);
  assert.ok(ledger.hasId(data.persistenceId!));
  assert.deepEqual(ledger.byAgent(agentId), entries);
  assert.equal(ledger.byService('kafka').length, 8);
  assert.equal(ledger.byService('cassandra').length, 0);
  assert.deepEqual(ledger.instances('kafka').map((i) => [i.podInstance, i.index]), [['broker-0', 0], ['broker-1', 1]]);
  assert.deepEqual(ledger.reconcile(cluster), { leaked: [], missing: [], mismatched: [], consistent: true });
});

test('apply is all or nothing: a plan applied twice is refused and changes nothing', () => {
  const c = clock();
  const ledger = new ReservationLedger({ clock: c.now });
  const agents = [agent('a'), agent('b')];
  const plan = planService(spec([brokers(2)]), agents);
  ledger.apply(plan);
  assert.throws(() => ledger.apply(plan), LedgerError);
  assert.equal(ledger.size, 4);
  assert.throws(() => new ReservationLedger({} as never), /needs a clock/);
});

test('reconcile: executed but not recorded is leaked; recorded but not in the cluster is missing', () => {
  const ledger = new ReservationLedger({ clock: () => 0 });
  const agents = [agent('a'), agent('b')];
  const plan = planService(spec([brokers(2, 'hostname=unique')]), agents);
  const cluster = executePlan(resourcesOf(agents), plan);
  const leaked = ledger.reconcile(cluster);
  assert.equal(leaked.consistent, false);
  assert.equal(leaked.leaked.length, 4);
  assert.deepEqual(new Set(leaked.leaked.map((l) => l.podInstance)), new Set(['broker-0', 'broker-1']));
  ledger.apply(plan);
  assert.ok(ledger.reconcile(cluster).consistent);
  // An agent's reservations vanish (agent replaced with a wiped disk): its entries are missing.
  const wiped = new Map(cluster);
  const lostAgent = plan.placements[0]!.agent.id;
  wiped.set(lostAgent, agent(lostAgent).resources);
  const report = ledger.reconcile(wiped);
  assert.deepEqual(report.missing.map((m) => m.podInstance), ['broker-0', 'broker-0']);
  assert.equal(report.leaked.length, 0);
  // Only one service's reservations when asked.
  assert.ok(ledger.reconcile(new Map(), { services: ['cassandra'] }).consistent);
});

test('reconcile: a reservation on another agent, or on two (double-booked), or with other resources is mismatched', () => {
  const { ledger, cluster } = deployed(1);
  const [cpus] = ledger.byInstance('kafka', 'broker-0');
  const home = cpus!.agentId;
  const other = ['a', 'b', 'c'].find((id) => id !== home)!;
  const doubled = new Map(cluster);
  doubled.set(other, cluster.get(other)!.plus(cpus!.resources));
  const report = ledger.reconcile(doubled);
  assert.equal(report.mismatched.length, 1);
  assert.match(report.mismatched[0]!.problem, /reserved on 2 agents .*double-booked/);
  const moved = new Map(cluster);
  moved.set(home, cluster.get(home)!.minus(cpus!.resources));
  moved.set(other, cluster.get(other)!.plus(cpus!.resources));
  assert.match(ledger.reconcile(moved).mismatched[0]!.problem, new RegExp(`is on agent ${other}, the ledger says ${home}`));
  const shrunk = new Map(cluster);
  shrunk.set(home, cluster.get(home)!.minus(cpus!.resources).plus(cpus!.resources.toArray().map((r) => ({ ...r, scalar: 0.5 }))));
  assert.match(ledger.reconcile(shrunk).mismatched[0]!.problem, /holds .* in the cluster, the ledger says/);
});

test('in use: a running task pins the reservations; release waits for it', () => {
  const { ledger, cluster } = deployed(1);
  ledger.markInUse('kafka', 'broker-0', 'broker-0__task-1');
  assert.ok(ledger.byInstance('kafka', 'broker-0').every((e) => e.taskId === 'broker-0__task-1'));
  assert.equal(ledger.instance('kafka', 'broker-0')!.taskId, 'broker-0__task-1');
  assert.throws(() => ledger.planRelease('kafka', ['broker-0']), /in use by task broker-0__task-1/);
  ledger.markIdle('kafka', 'broker-0');
  const release = ledger.planRelease('kafka', ['broker-0']);
  assert.deepEqual(release.steps[0]!.operations.map((o) => o.type), ['DESTROY', 'UNRESERVE']);
  const after = executeOperations(cluster, release.steps);
  ledger.release(release);
  assert.equal(ledger.size, 0);
  assert.equal(ledger.instance('kafka', 'broker-0'), undefined);
  assert.ok(ledger.reconcile(after).consistent);
  for (const [id, resources] of after) {
    assert.equal(resources.reserved().size, 0, `agent ${id} holds no reservation any more`);
    assert.equal(resources.filter((r) => r.disk?.source?.type === 'MOUNT').disk(), 5000, 'the MOUNT disk is back, whole');
  }
  assert.throws(() => ledger.release(release), /not in the ledger/);
  assert.throws(() => ledger.planRelease('kafka', ['broker-9']), /holds no reservations/);
  assert.throws(() => ledger.markInUse('kafka', 'broker-9', 't'), /not in the ledger/);
});

test('replace: the old reservations are retired on apply and garbage-collected by a release', () => {
  const { ledger, cluster, agents, tick } = deployed(2);
  tick(60_000);
  const old = ledger.agentOf('kafka', 'broker-1')!.id;
  const view = withResources(agents, cluster);
  const plan = planService(spec([brokers(2, 'hostname=unique', volumes)]), view, { ledger, replace: ['broker-1'] });
  const moved = executePlan(cluster, plan);
  ledger.apply(plan);
  assert.notEqual(ledger.agentOf('kafka', 'broker-1')!.id, old);
  assert.equal(ledger.instance('kafka', 'broker-1')!.since, 70_000);
  assert.equal(ledger.entries({ retired: true }).length, 4);
  assert.ok(ledger.entries({ retired: true }).every((e) => e.agentId === old));
  assert.ok(ledger.reconcile(moved).consistent, 'retired reservations are still in the cluster, and in the ledger');
  const gc = ledger.planReleaseRetired('kafka');
  const cleaned = executeOperations(moved, gc.steps);
  ledger.release(gc);
  assert.equal(ledger.entries({ retired: true }).length, 0);
  assert.equal(ledger.byInstance('kafka', 'broker-1').length, 4);
  assert.ok(ledger.reconcile(cleaned).consistent);
  assert.equal(cleaned.get(old)!.reserved().size, 0);
  // Placing an instance the ledger holds without replace is refused.
  const again = planService(spec([brokers(2, 'hostname=unique', volumes)]), view, { replace: [] });
  assert.throws(() => ledger.apply(again), /already placed on agent/);
});

/** broker-0 of a fresh plan as a restart between its RESERVE and CREATE leaves it: the volume's reservation without its volume. */
function reservedWithoutVolume() {
  const ledger = new ReservationLedger({ clock: () => 5 });
  const plan = planService(spec([brokers(1, undefined, { volumes: [{ containerPath: 'data', sizeMb: 100 }] })]), [agent('a')], { ledger });
  const placement = plan.placements[0]!;
  const volume = placement.reservations.find((r) => r.volume !== undefined)!;
  const bare = { resourceId: volume.resourceId, kind: 'disk', resources: volume.resources.map(({ disk: _disk, ...r }) => r) };
  ledger.apply({ ...plan, placements: [{ ...placement, reservations: placement.reservations.map((r) => (r === volume ? bare : r)) }] });
  return { ledger, volume };
}

test('markIncomplete holds the persistence id a CREATE is to use (no plan draws it); amend records the volume with it; both all or nothing', () => {
  const { ledger, volume } = reservedWithoutVolume();
  const persistenceId = volume.volume!.persistenceId;
  assert.equal(ledger.entry(volume.resourceId)!.kind, 'disk');
  assert.equal(ledger.hasId(persistenceId), false);
  ledger.markIncomplete('kafka', 'broker-0', { missing: ['volume data'], persistenceIds: new Map([[volume.resourceId, persistenceId]]) });
  assert.equal(ledger.hasId(persistenceId), true, 'held');
  assert.deepEqual(ledger.instance('kafka', 'broker-0')!.incomplete!.missing, ['volume data']);
  assert.throws(() => ledger.markIncomplete('kafka', 'broker-0', { missing: [], persistenceIds: new Map([['x', volume.resourceId]]) }), LedgerError, 'an id recorded for something else');
  assert.deepEqual(ledger.instance('kafka', 'broker-0')!.incomplete!.missing, ['volume data'], 'unchanged');
  assert.throws(() => ledger.amend('kafka', 'broker-0', [{ ...volume, resourceId: 'r1' }, { ...volume, resourceId: 'r2' }]), /persistence id .* already recorded/);
  assert.equal(ledger.hasId('r1'), false, 'nothing amended');
  const [entry] = ledger.amend('kafka', 'broker-0', [volume]);
  assert.equal(entry!.persistenceId, persistenceId);
  assert.equal(entry!.kind, 'volume');
  assert.equal(entry!.since, 5);
  ledger.markIncomplete('kafka', 'broker-0', undefined);
  assert.equal(ledger.instance('kafka', 'broker-0')!.incomplete, undefined);
  assert.equal(ledger.hasId(persistenceId), true, 'recorded with its volume now');
});

test('held ids are released with the instance, or when a new placement replaces it', () => {
  const { ledger } = reservedWithoutVolume();
  ledger.markIncomplete('kafka', 'broker-0', { missing: ['x'], persistenceIds: new Map([['r', 'held-1']]) });
  ledger.release(ledger.planRelease('kafka', ['broker-0']));
  assert.equal(ledger.hasId('held-1'), false);
  assert.equal(ledger.instance('kafka', 'broker-0'), undefined);
  const again = reservedWithoutVolume();
  again.ledger.markIncomplete('kafka', 'broker-0', { missing: ['x'], persistenceIds: new Map([['r', 'held-2']]) });
  const moved = planService(spec([brokers(1)]), [agent('b')], { ledger: again.ledger, replace: ['broker-0'] });
  again.ledger.apply(moved);
  assert.equal(again.ledger.hasId('held-2'), false);
  assert.equal(again.ledger.instance('kafka', 'broker-0')!.incomplete, undefined);
});

test('amend refuses another instance’s reservation and a volume changing its persistence id, changing nothing', () => {
  const c = clock();
  const ledger = new ReservationLedger({ clock: c.now });
  const plan = planService(spec([brokers(2, undefined, { volumes: [{ containerPath: 'data', sizeMb: 100 }] })]), [agent('a')], { ledger });
  ledger.apply(plan);
  const [first, second] = plan.placements;
  assert.throws(() => ledger.amend('kafka', first!.podInstance, [second!.reservations[0]!]), new RegExp(`recorded for kafka/${second!.podInstance}`));
  const volume = first!.reservations.find((r) => r.volume !== undefined)!;
  assert.throws(() => ledger.amend('kafka', first!.podInstance, [{ ...volume, volume: { ...volume.volume!, persistenceId: 'other' } }]), /cannot become other/);
  assert.equal(ledger.entry(volume.resourceId)!.persistenceId, volume.volume!.persistenceId);
  assert.throws(() => ledger.amend('kafka', 'broker-9', []), /not in the ledger/);
});

test('recordRetired: an old copy with the same ids on another agent is kept beside the live entries (by agent and resource_id), reconciled, and released alone', () => {
  const { ledger, cluster } = deployed(1);
  const live = ledger.byInstance('kafka', 'broker-0');
  const home = live[0]!.agentId;
  const other = ['a', 'b', 'c'].find((id) => id !== home)!;
  // The same reservations on `other`: a plan drew the ids again while `other` was away.
  const copy = live.map((e) => ({ resourceId: e.resourceId, kind: e.kind, resources: e.resources.toArray(), ...(e.persistenceId === undefined ? {} : { volume: { persistenceId: e.persistenceId, containerPath: e.containerPath!, disk: 'ROOT' as const, sizeMb: 0 } }) }));
  const withCopy = new Map(cluster);
  withCopy.set(other, cluster.get(other)!.plus(live.reduce((sum, e) => sum.plus(e.resources), live[0]!.resources.minus(live[0]!.resources))));
  assert.match(ledger.reconcile(withCopy).mismatched[0]!.problem, /double-booked/, 'unknown to the ledger: double-booked');
  const size = ledger.size;
  ledger.recordRetired('kafka', 'broker-0', 'broker', other, copy);
  assert.equal(ledger.size, size * 2);
  assert.throws(() => ledger.recordRetired('kafka', 'broker-0', 'broker', other, copy), LedgerError, 'not twice on the same agent');
  assert.equal(ledger.size, size * 2);
  assert.deepEqual(ledger.byInstance('kafka', 'broker-0'), live, 'the live entries unchanged');
  assert.equal(ledger.entry(live[0]!.resourceId)!.agentId, home, 'without an agent: the live entry');
  assert.equal(ledger.entry(live[0]!.resourceId, other)!.retired, true);
  assert.ok(ledger.reconcile(withCopy).consistent, 'both copies known');
  const reuse = { podInstance: 'broker-1', podType: 'broker', index: 1, agent: { id: 'd', hostname: 'd', attributes: [] }, score: 0, reservations: [copy[0]!], operations: [] };
  assert.throws(() => ledger.apply({ service: 'kafka', role: 'kafka', principal: 'kafka', placements: [reuse], kept: [], lost: [], surplus: [], unplaced: [], complete: true }), /already recorded/, 'a live id stays unique');
  const release = ledger.planReleaseRetiredOn('kafka', 'broker-0', other);
  assert.deepEqual(release.steps.map((s) => s.agentId), [other]);
  ledger.release(release);
  assert.equal(ledger.size, size);
  assert.deepEqual(ledger.byInstance('kafka', 'broker-0'), live);
  assert.ok(live.every((e) => ledger.hasId(e.resourceId) && (e.persistenceId === undefined || ledger.hasId(e.persistenceId))), 'the live ids still in use');
  assert.ok(ledger.reconcile(cluster).consistent);
});
