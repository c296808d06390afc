// First scenarios through the public testing helpers: reservations, DRF order, filters, suppress/revive.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildCluster, assertOffered, assertNotOffered, assertReservationsStayInRole, assertOffersWellFormed } from '../../src/testing/index.ts';

const SEED_AGENT = 'cpus(prod):8; cpus(stage):2; mem(*):15360; disk(*):710534; ports(*):[31000-32000]';

test("reserved resources go only to their role: prod's cpus never reach stage", () => {
  const cluster = buildCluster({
    agents: [{ id: 'a1', resources: SEED_AGENT }],
    frameworks: [{ id: 'stage-fw', roles: ['stage'] }, { id: 'prod-fw', roles: ['prod'] }],
  });
  for (let i = 0; i < 20; i++) {
    const cycle = cluster.runCycle();
    assertReservationsStayInRole(cycle);
    assertOffersWellFormed(cycle);
    const stage = cycle.offered('stage-fw', 'a1');
    if (stage !== undefined) assert.equal(stage.reserved('prod').size, 0);
    cluster.declineAll(cycle, 0);
  }
});

test('DRF: two frameworks of one role each get one of two equal agents', () => {
  const cluster = buildCluster({
    agents: [{ id: 'a1', resources: 'cpus:4;mem:1024' }, { id: 'a2', resources: 'cpus:4;mem:1024' }],
    frameworks: [{ id: 'f1', roles: ['r'] }, { id: 'f2', roles: ['r'] }],
  });
  const cycle = cluster.runCycle();
  assert.equal(cycle.offerCount, 2);
  assert.equal(cycle.offeredTo('f1').cpus(), 4);
  assert.equal(cycle.offeredTo('f2').cpus(), 4);
});

test('a refuse filter hides the same offer until it expires (refuse_seconds > interval: gone at exactly T + r)', () => {
  const cluster = buildCluster({ agents: [{ id: 'a1', resources: 'cpus:4;mem:1024' }], frameworks: [{ id: 'f1', roles: ['r'] }] });
  const first = cluster.runCycle();
  const offer = assertOffered(first, 'f1', 'a1', { role: 'r', resources: 'cpus:4;mem:1024' }, cluster);
  cluster.decline('f1', 'a1', offer, 10);
  const during = cluster.advance(9_999);
  for (const c of during) assertNotOffered(c, 'f1', 'a1');
  const explanation = cluster.engine.explain('f1', 'a1');
  assert.ok(explanation.reasons.some((r) => r.code === 'filtered'), JSON.stringify(explanation));
  const after = cluster.advance(1);
  assert.equal(after.length, 1);
  assertOffered(after[0]!, 'f1', 'a1', {}, cluster);
});

test('suppress stops offers for the role; revive brings them back and clears filters', () => {
  const cluster = buildCluster({ agents: [{ id: 'a1', resources: 'cpus:4;mem:1024' }], frameworks: [{ id: 'f1', roles: ['r'] }] });
  const offer = assertOffered(cluster.runCycle(), 'f1', 'a1');
  cluster.decline('f1', 'a1', offer, 3600);
  cluster.engine.suppressOffers('f1');
  cluster.clock.advance(1000);
  const suppressed = cluster.runCycle();
  assertNotOffered(suppressed, 'f1', 'a1');
  assert.ok(cluster.engine.explain('f1', 'a1').reasons.some((r) => r.code === 'suppressed'));
  cluster.engine.reviveOffers('f1');
  assert.equal(cluster.engine.nextCycleAt(), cluster.clock.now(), 'revive triggers a cycle right away');
  assertOffered(cluster.runCycle(), 'f1', 'a1', { resources: 'cpus:4;mem:1024' }, cluster);
});
