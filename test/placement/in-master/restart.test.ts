// A master failover (or a reloaded policy): the fresh policy learns the services' reservations
// from the agents' totals and re-reserves nothing; running tasks are seen as running; an
// interrupted replace leaves retired reservations that are destroyed after the grace; a spec
// reloaded with a smaller count decommissions the surplus (kill request, then release).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dataServicePolicy } from '../../../src/placement/index.ts';
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
