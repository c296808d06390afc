// Maintenance inside the master: the in-master policy learns maintenance windows and inverse
// offers from the allocator (the operator-calls context), with nobody calling `maintenance` or
// `inverseOffer` by hand. Nodes move off draining agents one failure domain (rack) at a time;
// the framework is asked to ACCEPT its inverse offers once nothing of the service is left there,
// and its ACCEPT, seen by the allocator, ends the request.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { DataServicePolicy } from '../../../src/placement/index.ts';
import { dbCluster, placed } from './helpers.ts';
import type { MasterCluster } from './master-cluster.ts';

const rackOf = (agentId: string) => `r${Number(agentId.split('-')[1]) % 3}`;

/** One cycle in which the framework does what it is asked: kill, and answer inverse offers ACCEPT. */
function obedientStep(cluster: MasterCluster, policy: DataServicePolicy): void {
  cluster.step();
  const fw = cluster.frameworks.get('db-fw')!;
  for (const kill of policy.frameworkRequests().kills) fw.end(kill.podInstance);
  for (const accept of policy.frameworkRequests().acceptInverseOffers) {
    cluster.engine.updateInverseOffer(accept.agentId, 'db-fw', { status: 'ACCEPT', frameworkId: 'db-fw', timestamp: cluster.now });
  }
}

test('windows on two agents in two racks: their nodes move within their racks, one rack at a time, then the framework ACCEPTs and the requests end', () => {
  const { cluster, policy, lines } = dbCluster();
  cluster.steps(3);
  const before = placed(policy);
  const draining = [...before.values()].map((p) => p.agent).sort().slice(0, 2);
  assert.notEqual(rackOf(draining[0]!), rackOf(draining[1]!));
  const movedAt = new Map<string, number>();
  const askedAt = new Map<string, number>();
  for (const agentId of draining) cluster.engine.updateUnavailability(agentId, { start: cluster.now + 3_600_000 });

  for (let cycle = 0; cycle < 20; cycle++) {
    obedientStep(cluster, policy);
    for (const s of policy.status('db')) {
      if (s.intent === 'move' && !askedAt.has(s.podInstance)) askedAt.set(s.podInstance, cycle);
    }
    for (const [name, now] of placed(policy)) {
      const was = before.get(name)!;
      const running = policy.status('db').find((s) => s.podInstance === name)!.phase === 'running';
      if (now.agent !== was.agent && running && !movedAt.has(name)) movedAt.set(name, cycle);
    }
  }

  const moved = [...before].filter(([, p]) => draining.includes(p.agent)).map(([name]) => name);
  assert.equal(moved.length, 2);
  for (const name of moved) {
    const now = placed(policy).get(name)!;
    assert.ok(!draining.includes(now.agent), `${name} left the draining agents`);
    assert.equal(rackOf(now.agent), rackOf(before.get(name)!.agent), `${name} stayed in its rack`);
    assert.equal(policy.status('db').find((s) => s.podInstance === name)!.phase, 'running');
  }
  // One rack at a time: the second move starts only once the first runs elsewhere.
  const [first, second] = moved.sort((a, b) => askedAt.get(a)! - askedAt.get(b)!);
  assert.ok(askedAt.get(second!)! >= movedAt.get(first!)!, `second move asked at ${askedAt.get(second!)}, first running elsewhere at ${movedAt.get(first!)}`);
  assert.ok(lines.some((l) => l.includes(`maintenance of ${draining[0]} from`)), 'the window came from the allocator');
  // The framework answered ACCEPT for both agents; the allocator has it, and nothing is asked any more.
  const statuses = cluster.engine.state.agents;
  for (const agentId of draining) assert.equal(statuses.get(agentId)!.maintenance!.statuses.get('db-fw')?.status, 'ACCEPT');
  assert.deepEqual(policy.frameworkRequests().acceptInverseOffers, []);
  assert.ok(lines.some((l) => l.includes('accepted the inverse offer')));
  assert.ok(policy.ledger.reconcile(cluster.totals()).consistent);
});

test('a window that ends stops the drain: nothing more moves, and no inverse-offer answer is asked', () => {
  const { cluster, policy } = dbCluster();
  cluster.steps(3);
  const before = placed(policy);
  const agentId = [...before.values()][0]!.agent;
  cluster.engine.updateUnavailability(agentId, { start: cluster.now + 3_600_000 });
  cluster.engine.updateUnavailability(agentId, undefined);
  cluster.steps(5);
  assert.deepEqual(placed(policy), before);
  assert.deepEqual(policy.frameworkRequests().kills, []);
  assert.deepEqual(policy.frameworkRequests().acceptInverseOffers, []);

  // Seen once, then ended: the controller's drain stops too.
  cluster.engine.updateUnavailability(agentId, { start: cluster.now + 3_600_000 });
  cluster.step();
  assert.ok(policy.status('db').some((s) => s.intent === 'move'), 'the window started a move');
  cluster.engine.updateUnavailability(agentId, undefined);
  cluster.step();
  assert.deepEqual(policy.frameworkRequests().acceptInverseOffers, []);
});
