// Two data services in one role, one policy: each framework is offered its own reservations
// only (the steering), both deploy fully, and without the steering they would see each other's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dataServicePolicy } from '../../../src/placement/index.ts';
import type { Policy } from '../../../src/policy/index.ts';
import { MasterCluster } from './master-cluster.ts';
import { dbSpec, placed, TUNING } from './helpers.ts';

function twoInOneRole(strip = false) {
  const policy = dataServicePolicy([dbSpec(3, 'alpha', 'data'), dbSpec(3, 'beta', 'data')], { controller: TUNING });
  const used: Policy = strip ? { ...policy, reservationOwners: undefined, filter: undefined, size: undefined } : policy;
  const cluster = new MasterCluster(used, 6, 3);
  const alpha = cluster.addServiceFramework('alpha-fw', 'alpha', 'data');
  const beta = cluster.addServiceFramework('beta-fw', 'beta', 'data');
  return { policy, cluster, alpha, beta };
}

test('two services in one role: both deploy, and neither framework is ever offered the other one’s reservations', () => {
  const { policy, cluster, alpha, beta } = twoInOneRole();
  for (let i = 0; i < 12; i++) {
    cluster.step();
    if (i === 4) alpha.end('node-1'); // its reservations go back on offer: to alpha only
    if (i === 6) beta.end('node-0');
  }
  assert.equal(alpha.foreignOffered, 0);
  assert.equal(beta.foreignOffered, 0);
  assert.equal(alpha.tasks.size, 3);
  assert.equal(beta.tasks.size, 3);
  assert.equal(placed(policy, 'alpha').size, 3);
  assert.equal(placed(policy, 'beta').size, 3);
  const report = policy.ledger.reconcile(cluster.totals());
  assert.ok(report.consistent);
  for (const [name, fw] of [['alpha', alpha], ['beta', beta]] as const) {
    for (const [pod, task] of fw.tasks) assert.equal(task.agentId, placed(policy, name).get(pod)!.agent);
  }
});

test('the same cluster without the policy’s reservationOwners, filter and size: a framework is offered the other service’s reservations', () => {
  const { cluster, alpha, beta } = twoInOneRole(true);
  for (let i = 0; i < 12; i++) {
    cluster.step();
    if (i === 4) alpha.end('node-1');
    if (i === 6) beta.end('node-0');
  }
  assert.ok(alpha.foreignOffered + beta.foreignOffered > 0);
});

test('options are checked: no spec, a service twice, tuning for an unknown service', () => {
  assert.throws(() => dataServicePolicy([]), /at least one service spec/);
  assert.throws(() => dataServicePolicy([dbSpec(), dbSpec()]), /'db' is given twice/);
  assert.throws(() => dataServicePolicy(dbSpec(), { services: { dbb: {} } }), /names 'dbb', which is not one of the services \(db\)/);
  assert.throws(() => dataServicePolicy({} as never), /not a parsed ServiceSpec/);
});

test('only stages are enumerable (a policy loader checks their names); the control methods are there all the same', () => {
  const policy = dataServicePolicy(dbSpec());
  assert.deepEqual(Object.keys(policy).sort(), ['filter', 'name', 'operatorCallResult', 'operatorCalls', 'reservationOwners', 'size']);
  assert.equal(typeof policy.frameworkRequests, 'function');
  assert.equal(policy.controller('db'), undefined, 'built on the first cycle');
  assert.throws(() => policy.status('db'), /no cycle has run yet/);
  assert.throws(() => policy.status('nope'), /no service 'nope'/);
});
