// A master failover (or a reloaded policy): the fresh policy learns the services' reservations
// from the agents' totals and re-reserves nothing; running tasks are seen as running; an
// interrupted replace leaves retired reservations that are destroyed after the grace; a spec
// reloaded with a smaller count decommissions the surplus (kill request, then release); a restart
// between a RESERVE and its CREATE finds the instance incomplete and completes it before any launch
// (the framework here is naive: it launches out of whatever of its reservations it is offered).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { OperatorCall } from '../../../src/policy/index.ts';
import { Resources, type OfferOperation } from '../../../src/resources/index.ts';
import { dataServicePolicy, parseServiceSpec } from '../../../src/placement/index.ts';
import { dbCluster, dbSpec, opTypes, placed, TUNING } from './helpers.ts';

test('after a failover the fresh policy adopts the reservations: no RESERVE or CREATE, the running nodes stay running, same volumes', () => {
  const { cluster, policy } = dbCluster();
  cluster.steps(2);
  const before = placed(policy);
  const fresh = dataServicePolicy(dbSpec(), { controller: TUNING });
  cluster.failover(fresh);
  const first = cluster.step();
  assert.deepEqual(first.calls, [], 'nothing reserved again');
  assert.deepEqual([...fresh.adoption()[0]!.adopted.keys()].sort(), ['node-0', 'node-1', 'node-2']);
  assert.deepEqual(fresh.status('db').map((s) => s.phase), ['running', 'running', 'running']);
  assert.deepEqual(placed(fresh), before);
  cluster.steps(3);
  assert.equal(cluster.calls.length, 3, 'only the 3 calls of the first deploy, ever');
  assert.ok(fresh.ledger.reconcile(cluster.totals()).consistent);
});

test('after a failover a node whose task had ended is offered and relaunched on its own volume', () => {
  const { cluster, policy } = dbCluster();
  cluster.steps(2);
  const before = placed(policy);
  cluster.frameworks.get('db-fw')!.end('node-1');
  const fresh = dataServicePolicy(dbSpec(), { controller: TUNING });
  cluster.failover(fresh);
  cluster.step();
  assert.equal(fresh.status('db').find((s) => s.podInstance === 'node-1')!.phase, 'idle');
  cluster.steps(2); // offered, launched, then seen used
  assert.equal(fresh.status('db').find((s) => s.podInstance === 'node-1')!.phase, 'running');
  assert.equal(cluster.frameworks.get('db-fw')!.tasks.get('node-1')!.agentId, before.get('node-1')!.agent);
});

test('a failover in the middle of a replace: the instance found on two agents keeps the one in use; the other is destroyed after the grace', () => {
  const { cluster, policy } = dbCluster();
  cluster.steps(2);
  const old = placed(policy).get('node-0')!;
  policy.controller('db')!.replace('node-0');
  cluster.step();
  cluster.frameworks.get('db-fw')!.end('node-0');
  cluster.steps(3);
  const now = placed(policy).get('node-0')!;
  assert.equal(cluster.reserved(old.agent, 'db').size, 1, 'old reservations still there (grace)');
  const fresh = dataServicePolicy(dbSpec(), { controller: TUNING });
  cluster.failover(fresh);
  cluster.step();
  assert.deepEqual(fresh.adoption()[0]!.retired.get('node-0'), [old.agent]);
  assert.deepEqual(placed(fresh).get('node-0'), now);
  cluster.steps(31);
  assert.equal(cluster.reserved(old.agent, 'db').size, 0);
  assert.equal(cluster.frameworks.get('db-fw')!.tasks.get('node-0')!.agentId, now.agent);
  assert.ok(fresh.ledger.reconcile(cluster.totals()).consistent);
});

test('a spec reloaded with fewer nodes: the surplus node gets a kill request, and once killed is destroyed and unreserved', () => {
  const { cluster, policy } = dbCluster();
  cluster.steps(2);
  const victim = placed(policy).get('node-2')!;
  const smaller = dataServicePolicy(dbSpec(2), { controller: TUNING });
  cluster.failover(smaller);
  cluster.step();
  assert.deepEqual(smaller.frameworkRequests().kills.map((k) => [k.podInstance, k.reason]), [['node-2', 'decommission']]);
  assert.equal(cluster.reserved(victim.agent, 'db').size, 1, 'nothing released while the task runs');
  cluster.frameworks.get('db-fw')!.end('node-2');
  cluster.steps(2);
  assert.ok(cluster.calls.some((c) => c.agentId === victim.agent && opTypes(c) === 'DESTROY,UNRESERVE'));
  assert.equal(cluster.reserved(victim.agent, 'db').size, 0);
  assert.deepEqual(smaller.status('db').map((s) => s.podInstance), ['node-0', 'node-1']);
  assert.ok(smaller.ledger.reconcile(cluster.totals()).consistent);
});

/** The master stops in the middle of the first deploy: the call of `victim` made up to `applied` operations, the calls after it not at all; nobody hears an answer. */
function crashDuringDeploy(cluster: ReturnType<typeof dbCluster>['cluster'], victim: number, applied: number): OperatorCall {
  let n = 0;
  let crashed: OperatorCall | undefined;
  cluster.fault = (call) => {
    n++;
    if (n < victim + 1) return undefined;
    if (n === victim + 1) {
      crashed = call;
      return { applied, httpStatus: 0, answered: false };
    }
    return { applied: 0, httpStatus: 0, answered: false };
  };
  cluster.step();
  cluster.fault = undefined;
  return crashed!;
}

/**
 * The db framework made naive (it launches out of whatever of its reservations it is offered) and
 * the master crashed during the first deploy, the call of `victim` having made its first operation:
 * that call, its agent and the instance it was for.
 */
function crashedInstance(cluster: ReturnType<typeof dbCluster>['cluster'], victim: number) {
  const fw = cluster.frameworks.get('db-fw')!;
  fw.naive = true;
  const crashed = crashDuringDeploy(cluster, victim, 1);
  const agent = crashed.agentId;
  const podInstance = [...cluster.reserved(agent, 'db').keys()][0]!;
  return { fw, crashed, agent, podInstance };
}

const persistenceIdsOf = (call: OperatorCall) => call.operations.flatMap((o) => (o.type === 'CREATE' ? Resources.of(o.volumes).toArray().map((v) => v.disk!.persistence!.id) : []));
const resourcesOf = (op: OfferOperation) => Resources.of(op.type === 'CREATE' || op.type === 'DESTROY' ? op.volumes : op.type === 'RESERVE' || op.type === 'UNRESERVE' ? op.resources : []).toArray();

test('a restart between a RESERVE and its CREATE: the instance is found incomplete, its volume created (same persistence id, same labels), and only then launched', () => {
  const { cluster } = dbCluster();
  const { fw, crashed, agent, podInstance } = crashedInstance(cluster, 1); // the 2nd node: RESERVE made, CREATE not
  assert.deepEqual(cluster.reserved(agent, 'db').get(podInstance)!.volumes, [], 'reserved without its volume');
  const fresh = dataServicePolicy(dbSpec(), { controller: TUNING });
  cluster.failover(fresh);
  const first = cluster.step();
  const report = fresh.adoption()[0]!;
  assert.deepEqual([...report.incomplete.keys()], [podInstance]);
  assert.deepEqual(report.incomplete.get(podInstance), ['volume data: reserved, not created (CREATE)']);
  const completion = first.calls.find((c) => c.agentId === agent)!;
  assert.equal(opTypes(completion), 'CREATE');
  assert.deepEqual(persistenceIdsOf(completion), persistenceIdsOf(crashed), 'the persistence id the plan drew');
  const [volume] = resourcesOf(completion.operations[0]!);
  const reservedDisk = resourcesOf(crashed.operations[0]!).find((r) => r.name === 'disk')!;
  assert.deepEqual(volume!.reservations, reservedDisk.reservations, 'on the reservation as made: owner labels intact');
  assert.equal(volume!.scalar, reservedDisk.scalar);
  assert.ok(first.results.find((r) => r.id === completion.id)!.ok);
  assert.equal(fw.launched.filter((l) => l.podInstance === podInstance).length, 0, 'never launched before its volume exists');
  assert.equal(fresh.ledger.instance('db', podInstance)!.incomplete, undefined, 'complete once the CREATE is made');
  cluster.steps(3);
  assert.deepEqual(fw.launched.filter((l) => l.podInstance === podInstance).map((l) => l.volumes), [persistenceIdsOf(crashed)], 'launched once, on its volume');
  assert.ok(fw.launched.every((l) => l.volumes.length === 1), 'no node ever launched without its volume');
  assert.equal(fw.tasks.size, 3);
  assert.deepEqual(fresh.status('db').map((s) => s.phase), ['running', 'running', 'running']);
  assert.ok(fresh.ledger.reconcile(cluster.totals()).consistent);
  assert.deepEqual(fresh.problems(), []);
  assert.deepEqual(fresh.outstandingCalls(), []);
});

test('a restart with a spec whose volume size changed: the volume-less reservation is reported, left alone (nothing destroyed) and never launched', () => {
  const { cluster } = dbCluster();
  const { fw, agent, podInstance } = crashedInstance(cluster, 0);
  const bigger = parseServiceSpec({
    name: 'db', role: 'data', principal: 'db',
    pods: [{ type: 'node', count: 3, resources: 'cpus:2;mem:2048', volumes: [{ containerPath: 'data', sizeMb: 20000 }], constraints: 'hostname=unique,rack=groupBy:3' }],
  });
  const fresh = dataServicePolicy(bigger, { controller: TUNING });
  cluster.failover(fresh);
  const callsBefore = cluster.calls.length;
  cluster.steps(6);
  assert.deepEqual(fresh.adoption()[0]!.mismatched.get(podInstance), [`volume data: the spec asks ROOT 20000 MB, its reservation ${cluster.reserved(agent, 'db').get(podInstance)!.resourceIds.find((id) => fresh.ledger.entry(id)!.kind === 'disk')} holds ROOT 10000 MB (no volume created)`]);
  const problems = fresh.problems();
  assert.equal(problems.length, 1, problems.join('\n'));
  assert.match(problems[0]!, new RegExp(`^${podInstance} on ${agent}: the spec no longer matches its reservations .*left alone, not launchable`));
  assert.ok(!cluster.calls.slice(callsBefore).some((c) => c.agentId === agent), 'no call on its agent: nothing created, destroyed or unreserved');
  assert.deepEqual([...cluster.reserved(agent, 'db').get(podInstance)!.resourceIds].length, 3, 'its reservations are still there');
  assert.equal(fw.launched.filter((l) => l.podInstance === podInstance).length, 0, 'never launched');
  assert.ok(fresh.ledger.instance('db', podInstance)!.incomplete !== undefined);
  assert.ok(fw.launched.every((l) => l.volumes.length === 1));
  assert.equal(fw.tasks.size, 2, 'the others placed and running (20000 MB volumes)');
  assert.ok(fresh.ledger.reconcile(cluster.totals()).consistent);
});

test('a restart between two RESERVEs (mem relabelled from the role’s own reservation): the missing reservation is made, then the volume, then the launch', () => {
  const { cluster } = dbCluster();
  // Every agent holds mem dynamically reserved to the role, unlabelled: the plan relabels it with a RESERVE of its own.
  for (const id of cluster.engine.state.agents.keys()) {
    cluster.engine.applyAvailable(id, [{ type: 'RESERVE', resources: [{ name: 'mem', scalar: 4096, reservations: [{ type: 'DYNAMIC', role: 'data', principal: 'ops' }] }] }]);
  }
  const { fw, crashed, agent, podInstance } = crashedInstance(cluster, 2);
  assert.equal(opTypes(crashed), 'RESERVE,RESERVE,CREATE');
  assert.equal(cluster.reserved(agent, 'db').get(podInstance)!.resourceIds.length, 2, 'cpus and disk reserved, mem not');
  const fresh = dataServicePolicy(dbSpec(), { controller: TUNING });
  cluster.failover(fresh);
  const first = cluster.step();
  assert.deepEqual(fresh.adoption()[0]!.incomplete.get(podInstance), ['volume data: reserved, not created (CREATE)', 'mem: not reserved (RESERVE)']);
  const completion = first.calls.find((c) => c.agentId === agent)!;
  assert.equal(opTypes(completion), 'RESERVE,CREATE');
  assert.ok((completion.operations[0] as { source?: unknown }).source !== undefined, 'the role’s own mem relabelled, as the plan does');
  assert.deepEqual(persistenceIdsOf(completion), persistenceIdsOf(crashed));
  cluster.steps(3);
  assert.deepEqual(fw.launched.filter((l) => l.podInstance === podInstance).map((l) => l.volumes), [persistenceIdsOf(crashed)]);
  assert.equal(cluster.reserved(agent, 'db').get(podInstance)!.resourceIds.length, 3);
  assert.ok(fw.launched.every((l) => l.volumes.length === 1));
  assert.equal(fw.tasks.size, 3);
  assert.ok(fresh.ledger.reconcile(cluster.totals()).consistent);
  assert.deepEqual(fresh.problems(), []);
});

test('an incomplete instance whose CREATE is refused stays unlaunchable (its reservations never offered), is tried again, and launches once its volume exists', () => {
  const { cluster } = dbCluster();
  const { fw, crashed, podInstance } = crashedInstance(cluster, 1);
  const fresh = dataServicePolicy(dbSpec(), { controller: TUNING });
  cluster.failover(fresh);
  let refusals = 0;
  cluster.fault = (call) => (call.id.includes('/complete-') && refusals++ < 3 ? { applied: 0, httpStatus: 409 } : undefined);
  cluster.steps(3);
  assert.equal(refusals, 3);
  assert.deepEqual(fresh.ledger.instance('db', podInstance)!.incomplete?.missing, ['volume data: reserved, not created (CREATE)']);
  assert.ok(!fresh.frameworkRequests().launchable.some((l) => l.podInstance === podInstance), 'not launchable while incomplete');
  assert.equal(fw.launched.filter((l) => l.podInstance === podInstance).length, 0, 'its reservations were never offered');
  assert.equal(fw.tasks.size, 2, 'the complete nodes run meanwhile');
  cluster.steps(3);
  assert.deepEqual(fw.launched.filter((l) => l.podInstance === podInstance).map((l) => l.volumes), [persistenceIdsOf(crashed)]);
  assert.ok(fw.launched.every((l) => l.volumes.length === 1));
  assert.ok(fresh.ledger.reconcile(cluster.totals()).consistent);
  assert.deepEqual(fresh.problems(), []);
});

test('a restart in the middle of a replace, between the new placement’s RESERVE and CREATE: the old, complete placement is kept (its volume holds the data); the new reservations are destroyed after the grace', () => {
  const { cluster, policy } = dbCluster();
  const fw = cluster.frameworks.get('db-fw')!;
  fw.naive = true;
  cluster.steps(3);
  const old = placed(policy).get('node-0')!;
  policy.controller('db')!.replace('node-0');
  cluster.step();
  fw.end('node-0');
  let crashed: OperatorCall | undefined;
  cluster.fault = (call) => {
    if (crashed !== undefined) return { applied: 0, httpStatus: 0, answered: false };
    crashed = call;
    return { applied: 1, httpStatus: 0, answered: false };
  };
  cluster.step();
  cluster.fault = undefined;
  assert.ok(crashed !== undefined && crashed.agentId !== old.agent && opTypes(crashed) === 'RESERVE,CREATE', 'the replacement’s call');
  const fresh = dataServicePolicy(dbSpec(), { controller: TUNING });
  cluster.failover(fresh);
  cluster.step();
  const report = fresh.adoption()[0]!;
  assert.equal(report.adopted.get('node-0'), old.agent, 'the complete placement, not the one without its volume');
  assert.deepEqual(report.retired.get('node-0'), [crashed.agentId]);
  assert.equal(report.incomplete.size, 0);
  cluster.steps(3);
  assert.deepEqual(fw.tasks.get('node-0')?.agentId, old.agent, 'relaunched on its old volume');
  assert.equal(fw.launched.filter((l) => l.podInstance === 'node-0').at(-1)!.volumes[0], old.volume);
  assert.ok(!cluster.calls.some((c) => c.agentId === crashed!.agentId && opTypes(c) === 'CREATE'), 'no volume created for the abandoned placement');
  cluster.steps(31);
  assert.equal(cluster.reserved(crashed.agentId, 'db').size, 0, 'its reservations released after the grace');
  assert.ok(fw.launched.every((l) => l.volumes.length === 1));
  assert.ok(fresh.ledger.reconcile(cluster.totals()).consistent);
  assert.deepEqual(fresh.problems(), []);
});

test('a restart between RESERVE and CREATE of a plan from a later policy instance’s own id stream: a fresh persistence id is held; the old CREATE landing first wins (ours is refused) and the node launches on that volume', () => {
  const { cluster } = dbCluster();
  const fw = cluster.frameworks.get('db-fw')!;
  fw.naive = true;
  cluster.steps(3);
  // A reload with one node more: this instance found the service, so it plans from its own stream.
  const second = dataServicePolicy(dbSpec(4), { controller: TUNING });
  cluster.failover(second);
  let crashed: OperatorCall | undefined;
  cluster.fault = (call) => {
    if (crashed !== undefined) return { applied: 0, httpStatus: 0, answered: false };
    crashed = call;
    return { applied: 1, httpStatus: 0, answered: false };
  };
  cluster.step();
  cluster.fault = undefined;
  assert.ok(crashed !== undefined && opTypes(crashed) === 'RESERVE,CREATE', 'node-3’s call, stopped after its RESERVE');
  const planned = persistenceIdsOf(crashed);
  const third = dataServicePolicy(dbSpec(4), { controller: TUNING });
  cluster.failover(third);
  // The old master's CREATE lands before ours: ours, on the same reserved disk, is refused.
  let late = false;
  cluster.fault = (call) => {
    if (!call.id.includes('/complete-') || late) return undefined;
    late = true;
    cluster.engine.applyAvailable(crashed!.agentId, [crashed!.operations[1]!]);
    return { applied: 0, httpStatus: 409 };
  };
  const first = cluster.step();
  const completion = first.calls.find((c) => c.agentId === crashed!.agentId)!;
  assert.equal(opTypes(completion), 'CREATE');
  assert.notDeepEqual(persistenceIdsOf(completion), planned, 'not found in the service’s stream: a fresh id');
  assert.ok(late);
  cluster.steps(4);
  assert.equal(third.ledger.instance('db', 'node-3')!.incomplete, undefined, 'complete: the agent shows the volume');
  assert.deepEqual(fw.launched.filter((l) => l.podInstance === 'node-3').map((l) => l.volumes), [planned], 'launched once, on the volume the old CREATE made');
  assert.ok(fw.launched.every((l) => l.volumes.length === 1));
  assert.ok(third.ledger.reconcile(cluster.totals()).consistent);
  assert.deepEqual(third.problems(), []);
  assert.deepEqual(third.outstandingCalls(), []);
});
