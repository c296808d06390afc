// The controller's parts on their own: the per-domain budget, the scale-down choice, the
// planner's `indices` option, proposals as an operator-API adapter sees them, and errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  chooseScaleDown, DataServiceController, executeOperations, LifecycleError, parseServiceSpec, planService, ReplacementBudget, ReservationLedger,
} from '../../../src/placement/index.ts';
import { agent, resourcesOf, withResources } from '../plan/helpers.ts';

test('ReplacementBudget: N per domain per sliding window, domains independent', () => {
  const b = new ReplacementBudget({ perDomain: 2, windowMs: 100 });
  assert.ok(b.allows('r1', 0));
  b.take('r1', 0);
  b.take('r1', 10);
  assert.ok(!b.allows('r1', 50));
  assert.ok(b.allows('r2', 50));
  assert.equal(b.nextAt('r1', 50), 100);
  assert.ok(b.allows('r1', 100));
  assert.throws(() => new ReplacementBudget({ perDomain: 0, windowMs: 1 }), RangeError);
});

test('chooseScaleDown: unplaced first, then the spread rule, then the highest indices', () => {
  const spec = parseServiceSpec({ name: 's', role: 'r', principal: 'p', pods: [{ type: 'n', count: 4, resources: 'cpus:1', constraints: 'rack=groupBy' }] });
  const at = (id: string, rack: string) => ({ id, hostname: id, attributes: [{ name: 'rack', type: 'TEXT' as const, text: rack }] });
  const candidates = [
    { name: 'n-0', index: 0, agent: at('a', 'r1') }, { name: 'n-1', index: 1, agent: at('b', 'r1') },
    { name: 'n-2', index: 2, agent: at('c', 'r2') }, { name: 'n-3', index: 3, agent: undefined },
  ];
  assert.deepEqual(chooseScaleDown(spec.pods[0]!, candidates, 2), ['n-3', 'n-0']);
  const plain = parseServiceSpec({ name: 's', role: 'r', principal: 'p', pods: [{ type: 'n', count: 3, resources: 'cpus:1' }] }).pods[0]!;
  assert.deepEqual(chooseScaleDown(plain, candidates.slice(0, 3), 2), ['n-2', 'n-1']);
});

test('planner indices: holes are not refilled and survivors are not surplus', () => {
  const spec = parseServiceSpec({ name: 's', role: 'r', principal: 'p', pods: [{ type: 'n', count: 3, resources: 'cpus:1;mem:128' }] });
  const agents = [agent('a'), agent('b'), agent('c'), agent('d')];
  const ledger = new ReservationLedger({ clock: () => 0 });
  const first = planService(spec, agents, { ledger, indices: { n: [0, 2, 5] } });
  assert.deepEqual(first.placements.map((p) => p.podInstance), ['n-0', 'n-2', 'n-5']);
  ledger.apply(first);
  const cluster = executeOperations(resourcesOf(agents), first.placements.map((p) => ({ agentId: p.agent.id, operations: p.operations })));
  const again = planService(spec, withResources(agents, cluster), { ledger, indices: { n: [0, 2, 5] } });
  assert.deepEqual([again.placements.length, again.surplus.length, again.kept.length], [0, 0, 3]);
  const shrunk = planService(spec, withResources(agents, cluster), { ledger, indices: { n: [0, 5] } });
  assert.deepEqual(shrunk.surplus.map((p) => p.podInstance), ['n-2']);
});

test('driven directly: proposals carry operator-form operations, owner labels and volume ids; confirm records them', () => {
  let now = 0;
  const ledger = new ReservationLedger({ clock: () => now });
  const spec = parseServiceSpec({ name: 'zk', role: 'zk', principal: 'zk', pods: [{ type: 'server', count: 2, resources: 'cpus:1;mem:512', volumes: [{ containerPath: 'data', sizeMb: 100 }], constraints: 'hostname=unique' }] });
  const c = new DataServiceController(spec, { ledger, clock: () => now });
  let agents = [agent('a'), agent('b')];
  const d = c.tick(agents);
  assert.equal(d.proposals.length, 2);
  const p = d.proposals[0]!;
  assert.deepEqual(p.operations.map((o) => o.type), ['RESERVE', 'CREATE']);
  assert.deepEqual(p.labels, [{ key: 'service', value: 'zk' }, { key: 'pod_instance', value: p.podInstance }]);
  assert.equal(p.volumes.length, 1);
  assert.equal(p.via, 'operator');
  assert.deepEqual(c.tick(agents).proposals, [], 'nothing new while reservations are outstanding');
  let cluster = resourcesOf(agents);
  for (const q of d.proposals) {
    cluster = executeOperations(cluster, [{ agentId: q.agentId, operations: q.operations }]);
    c.confirm(q.id);
  }
  agents = withResources(agents, cluster);
  assert.ok(ledger.reconcile(cluster).consistent);
  const launch = c.launchable();
  assert.deepEqual(launch.map((l) => [l.podInstance, l.relaunch]), [['server-0', false], ['server-1', false]]);
  c.taskRunning('server-0', launch[0]!.taskId);
  c.taskEnded('server-0');
  now += 1000;
  assert.equal(c.launchable('a').length + c.launchable('b').length, 2);
  assert.ok(c.launchable().find((l) => l.podInstance === 'server-0')!.relaunch);
  assert.notEqual(c.launchable().find((l) => l.podInstance === 'server-0')!.taskId, launch[0]!.taskId);
});

test('errors say what was wrong', () => {
  const spec = parseServiceSpec({ name: 'zk', role: 'zk', principal: 'zk', pods: [{ type: 'server', count: 1, resources: 'cpus:1' }] });
  const c = new DataServiceController(spec, { ledger: new ReservationLedger({ clock: () => 0 }), clock: () => 0 });
  assert.throws(() => c.replace('nope-1'), (e: Error) => e instanceof LifecycleError && /zk\/nope-1 is not an instance/.test(e.message));
  assert.throws(() => c.scale('nope', 1), /no pod type 'nope'/);
  assert.throws(() => c.scale('server', -1), /non-negative integer/);
  assert.throws(() => c.taskRunning('server-0', 't'), /is pending, not launchable/);
  assert.throws(() => c.confirm('zk/op-99'), /no pending proposal/);
  assert.throws(() => new DataServiceController(spec, {} as never), /needs a clock/);
});
