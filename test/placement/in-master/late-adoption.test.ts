// A master restart while an agent holding an instance is away: the fresh policy adopts what it
// sees, plans the missing instance afresh elsewhere, and the agent comes back later with the old
// reservations. They must never be double-booked with the new ones (other ids), never offered as
// launchable (the launch gate goes by agent and resource_id), and are destroyed and unreserved
// after the grace period — not while a task uses them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dataServicePolicy, ownerOf } from '../../../src/placement/index.ts';
import { dbCluster, dbSpec, opTypes, placed, TUNING } from './helpers.ts';
import { MasterCluster, type ServiceFramework } from './master-cluster.ts';

/** Counts the offers to `fw` on `agentId` that carry reservations of the service. */
function watchOffers(fw: ServiceFramework, agentId: string): { count: number } {
  const seen = { count: 0 };
  const offer = fw.offer.bind(fw);
  fw.offer = (at, offered) => {
    if (at === agentId && offered.toArray().some((r) => r.reservations.length > 0 && ownerOf(r)?.service === fw.service)) seen.count++;
    offer(at, offered);
  };
  return seen;
}

function awayDuringRestart() {
  const { cluster, policy } = dbCluster();
  const fw = cluster.frameworks.get('db-fw')!;
  cluster.steps(3);
  const before = placed(policy).get('node-0')!;
  const old = cluster.reserved(before.agent, 'db').get('node-0')!;
  cluster.removeAgent(before.agent);
  const lines: string[] = [];
  const fresh = dataServicePolicy(dbSpec(), { controller: TUNING, log: (l) => lines.push(l) });
  cluster.failover(fresh);
  cluster.steps(4); // node-0 not found: planned afresh elsewhere, launched there
  return { cluster, fw, fresh, lines, away: before.agent, old };
}

test('an agent away during a restart comes back: its old reservations get no id of the new placement, are recorded retired, never offered, then destroyed after the grace', () => {
  const { cluster, fw, fresh, lines, away, old } = awayDuringRestart();
  const now = placed(fresh).get('node-0')!;
  assert.notEqual(now.agent, away);
  assert.equal(fw.tasks.get('node-0')?.agentId, now.agent);
  const current = cluster.reserved(now.agent, 'db').get('node-0')!;
  assert.deepEqual(current.resourceIds.filter((id) => old.resourceIds.includes(id)), [], 'the new placement draws none of the absent agent\'s resource ids');
  assert.deepEqual(current.volumes.filter((id) => old.volumes.includes(id)), [], 'nor its persistence ids');

  fw.naive = true; // launches out of whatever of node-0's reservations it is offered
  const launchedBefore = fw.launched.length;
  const oldOffered = watchOffers(fw, away);
  cluster.restoreAgent(away);
  cluster.step();
  assert.ok(lines.some((l) => l.includes(`node-0 found late on ${away}`)), lines.join('\n'));
  const retired = fresh.ledger.entries({ service: 'db', agentId: away, retired: true });
  assert.deepEqual(retired.map((e) => e.resourceId).sort(), [...old.resourceIds].sort(), 'the old copy recorded retired');
  assert.equal(fresh.ledger.entries({ service: 'db', podInstance: 'node-0', retired: false }).every((e) => e.agentId === now.agent), true);
  assert.ok(fresh.ledger.reconcile(cluster.totals()).consistent, 'the ledger knows both copies');

  // The task on the new placement ends: only the new placement may be offered to relaunch it.
  fw.end('node-0');
  for (let i = 0; i < 40; i++) {
    cluster.step();
    assert.ok(!fw.launched.slice(launchedBefore).some((l) => l.agentId === away), `cycle ${i}: nothing launched out of the old reservations`);
  }
  assert.equal(fw.tasks.get('node-0')?.agentId, now.agent, 'relaunched on its current placement');
  assert.equal(oldOffered.count, 0, 'the old copy never offered');
  const release = cluster.calls.find((c) => c.agentId === away && opTypes(c) === 'DESTROY,UNRESERVE');
  assert.ok(release !== undefined, 'the old copy released after the grace');
  assert.equal(cluster.reserved(away, 'db').size, 0);
  assert.equal(fresh.ledger.entries({ service: 'db', agentId: away }).length, 0);
  assert.ok(fresh.ledger.reconcile(cluster.totals()).consistent);
  assert.deepEqual(fresh.problems(), []);
  assert.deepEqual(fresh.outstandingCalls(), []);
});

test('the same resource ids on two agents (a restart that found nothing planned from the service\'s stream again): the live copy is launched, the returning one withheld and released alone', () => {
  const { cluster, policy } = dbCluster({}, dbSpec(1));
  const fw = cluster.frameworks.get('db-fw')!;
  cluster.steps(3);
  const away = placed(policy).get('node-0')!.agent;
  const old = cluster.reserved(away, 'db').get('node-0')!;
  cluster.removeAgent(away);
  const fresh = dataServicePolicy(dbSpec(1), { controller: TUNING });
  cluster.failover(fresh);
  cluster.steps(4);
  const now = placed(fresh).get('node-0')!;
  assert.notEqual(now.agent, away);
  assert.deepEqual(cluster.reserved(now.agent, 'db').get('node-0')!.resourceIds.sort(), [...old.resourceIds].sort(), 'nothing was found: the plan drew the same ids');

  fw.naive = true;
  const launchedBefore = fw.launched.length;
  const oldOffered = watchOffers(fw, away);
  cluster.restoreAgent(away);
  cluster.step();
  const retired = fresh.ledger.entries({ service: 'db', agentId: away, retired: true });
  assert.equal(retired.length, old.resourceIds.length, 'the returning copy recorded retired beside the live one');
  assert.equal(fresh.ledger.entry(retired[0]!.resourceId)!.agentId, now.agent, 'the live entry of the id is the current placement');
  assert.ok(fresh.ledger.reconcile(cluster.totals()).consistent);
  fw.end('node-0');
  for (let i = 0; i < 40; i++) {
    cluster.step();
    assert.ok(!fw.launched.slice(launchedBefore).some((l) => l.agentId === away), `cycle ${i}: the old copy is never offered for the live one`);
  }
  assert.equal(fw.tasks.get('node-0')?.agentId, now.agent);
  assert.equal(oldOffered.count, 0, 'the old copy never offered');
  assert.equal(cluster.reserved(away, 'db').size, 0, 'the returning copy released');
  assert.deepEqual(cluster.reserved(now.agent, 'db').get('node-0')!.resourceIds.sort(), [...old.resourceIds].sort(), 'the live copy untouched');
  assert.deepEqual(fresh.ledger.byInstance('db', 'node-0').map((e) => e.agentId), old.resourceIds.map(() => now.agent));
  assert.ok(fresh.ledger.reconcile(cluster.totals()).consistent);
  assert.deepEqual(fresh.problems(), []);
});

test('a task still running on the returning copy (partition-aware framework): a kill request, no release while it runs, released after it ends', () => {
  const { cluster, fw, fresh, away, old } = awayDuringRestart();
  // The framework's old task on the returning agent kept running on the old reservations.
  const oldResources = cluster.checkpointed(away)!.filter((r) => r.reservations.length > 0).allocate('data');
  cluster.restoreAgent(away, new Map([['db-fw', oldResources]]));
  cluster.steps(40);
  assert.deepEqual(fresh.frameworkRequests().kills.map((k) => [k.podInstance, k.agentId, k.reason]), [['node-0', away, 'replace']]);
  assert.deepEqual(cluster.reserved(away, 'db').get('node-0')!.resourceIds.sort(), [...old.resourceIds].sort(), 'nothing released while in use');
  cluster.engine.recoverResources('db-fw', away, oldResources, undefined, true);
  cluster.steps(2);
  assert.deepEqual(fresh.frameworkRequests().kills, []);
  assert.equal(cluster.reserved(away, 'db').size, 0, 'released once the task ended');
  assert.equal(fw.tasks.get('node-0')?.agentId, placed(fresh).get('node-0')!.agent);
  assert.ok(fresh.ledger.reconcile(cluster.totals()).consistent);
  assert.deepEqual(fresh.problems(), []);
});

test('an instance placed nowhere when its agent comes back (no other room): left alone until the controller places it — there, afresh — then the old copy is retired and released; nothing double-booked meanwhile', () => {
  const lines: string[] = [];
  const policy = dataServicePolicy(dbSpec(), { controller: TUNING });
  const cluster = new MasterCluster(policy, 3, 3); // one host per rack: nowhere else to go
  const fw = cluster.addServiceFramework('db-fw', 'db', 'data');
  cluster.steps(3);
  const away = placed(policy).get('node-0')!.agent;
  const old = cluster.reserved(away, 'db').get('node-0')!;
  cluster.removeAgent(away);
  const fresh = dataServicePolicy(dbSpec(), { controller: TUNING, log: (l) => lines.push(l) });
  cluster.failover(fresh);
  cluster.steps(3);
  assert.equal(fresh.status('db').find((s) => s.podInstance === 'node-0')!.phase, 'pending', 'no room elsewhere');
  cluster.restoreAgent(away);
  for (let i = 0; i < 40; i++) {
    cluster.step();
    const report = fresh.ledger.reconcile(cluster.totals());
    assert.ok(report.mismatched.length === 0, `cycle ${i}: ${report.mismatched.map((m) => m.problem).join('; ')}`);
  }
  assert.ok(lines.some((l) => l.includes(`node-0 found late on ${away}, not placed anywhere now`)), lines.join('\n'));
  const now = cluster.reserved(away, 'db').get('node-0')!;
  assert.deepEqual(placed(fresh).get('node-0')!.agent, away, 'placed afresh there');
  assert.deepEqual(now.resourceIds.filter((id) => old.resourceIds.includes(id)), [], 'the old copy released, the new one kept');
  assert.equal(fw.tasks.get('node-0')?.agentId, away);
  assert.ok(fresh.ledger.reconcile(cluster.totals()).consistent);
  assert.deepEqual(fresh.problems(), []);
  assert.deepEqual(fresh.outstandingCalls(), []);
});
