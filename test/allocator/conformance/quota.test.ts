// Quota conformance: Mesos's hierarchical_allocator_tests.cpp quota tests re-expressed against the
// engine, plus the rules of mesos-allocator.md §4.4 / §4.14 (stage 1 guarantees, headroom held back
// for unsatisfied guarantees, limits on top-level roles, what is never chopped).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AllocatorError } from '../../../src/allocator/errors.ts';
import { Resources } from '../../../src/resources/index.ts';
import { assertNotOffered, assertOffered, assertOffersWellFormed, assertReservationsStayInRole, buildCluster } from '../../../src/testing/index.ts';
import {
  addAgentWithUsed, addFrameworkWithUsed, INTERVAL, jsonResources, mountDisk, quota, r, scalar, settle, tick, totalOffered, assertSameResources,
} from './helpers.ts';

const QUOTA_ROLE = 'quota-role';
const NO_QUOTA_ROLE = 'no-quota-role';

test('QuotaProvidesGuarantee: a declined quota offer is laid away for the quota role, not given to a greedy non-quota role', () => {
  const c = buildCluster({ frameworks: [{ id: 'framework1', roles: [QUOTA_ROLE] }] });
  c.engine.updateQuota(QUOTA_ROLE, quota('cpus:2;mem:1024'));
  c.addFramework({ id: 'framework2', roles: [NO_QUOTA_ROLE] });
  assert.equal(settle(c).offerCount, 0, 'no resources yet');

  c.addAgent({ id: 'agent1', resources: 'cpus:1;mem:512' });
  let cycle = settle(c);
  assertOffered(cycle, 'framework1', 'agent1', { role: QUOTA_ROLE, resources: 'cpus:1;mem:512' }, c);
  assert.equal(cycle.offerCount, 1);

  c.addAgent({ id: 'agent2', resources: 'cpus:1;mem:512' });
  cycle = settle(c);
  const offer = assertOffered(cycle, 'framework1', 'agent2', { role: QUOTA_ROLE, resources: 'cpus:1;mem:512' }, c);
  assert.equal(cycle.offerCount, 1, 'framework2 has to wait');

  // Decline with a filter of twice the allocation interval.
  c.decline('framework1', 'agent2', offer, (2 * INTERVAL) / 1000);
  cycle = tick(c);
  assert.equal(cycle.offerCount, 0, 'the filter hides agent2 from framework1 and headroom keeps it from framework2');
  cycle = tick(c);
  assertOffered(cycle, 'framework1', 'agent2', { role: QUOTA_ROLE, resources: 'cpus:1;mem:512' }, c);
  assert.equal(cycle.offerCount, 1);
});

test("QuotaProvidesLimit: limits on the '*' role (MESOS-3938) cap what its frameworks are offered; the rest is chopped off for others", () => {
  const c = buildCluster({ frameworks: [{ id: 'framework1', roles: ['*'] }] });
  // Mesos supports quota on '*' (docs/quota.md, MESOS-3938); the test sets it there on purpose.
  c.engine.updateQuota('*', quota('', 'cpus:0;mem:0;disk:0'));
  c.addAgent({ id: 'agent1', resources: 'cpus:2;mem:1024;disk:1024' });
  assert.equal(settle(c).offerCount, 0, 'zero limits: nothing for framework1');

  c.addFramework({ id: 'framework2', roles: [NO_QUOTA_ROLE] });
  assertOffered(settle(c), 'framework2', 'agent1', { role: NO_QUOTA_ROLE, resources: 'cpus:2;mem:1024;disk:1024' }, c);

  c.engine.updateQuota('*', quota('', 'cpus:1;mem:512;disk:512'));
  c.addAgent({ id: 'agent2', resources: 'cpus:2;mem:1024;disk:1024' });
  const cycle = settle(c);
  assertOffered(cycle, 'framework1', 'agent2', { role: '*', resources: 'cpus:1;mem:512;disk:512' }, c);
  assertOffered(cycle, 'framework2', 'agent2', { role: NO_QUOTA_ROLE, resources: 'cpus:1;mem:512;disk:512' }, c);
});

test('QuotaProvidesLimit (named top-level role): zero limits give nothing, raised limits chop the agent', () => {
  const c = buildCluster({ frameworks: [{ id: 'framework1', roles: ['limited'] }] });
  c.engine.updateQuota('limited', quota('', 'cpus:0;mem:0;disk:0'));
  c.addAgent({ id: 'agent1', resources: 'cpus:2;mem:1024;disk:1024' });
  assert.equal(settle(c).offerCount, 0);
  c.addFramework({ id: 'framework2', roles: [NO_QUOTA_ROLE] });
  assertOffered(settle(c), 'framework2', 'agent1', { resources: 'cpus:2;mem:1024;disk:1024' }, c);
  c.engine.updateQuota('limited', quota('', 'cpus:1;mem:512;disk:512'));
  c.addAgent({ id: 'agent2', resources: 'cpus:2;mem:1024;disk:1024' });
  const cycle = settle(c);
  assertOffered(cycle, 'framework1', 'agent2', { role: 'limited', resources: 'cpus:1;mem:512;disk:512' }, c);
  assertOffered(cycle, 'framework2', 'agent2', { role: NO_QUOTA_ROLE, resources: 'cpus:1;mem:512;disk:512' }, c);
});

test('RemoveQuota: updateQuota(role, {}) removes the quota and fair sharing is restored', () => {
  const c = buildCluster({});
  c.engine.updateQuota(QUOTA_ROLE, quota('cpus:2;mem:1024'));
  addFrameworkWithUsed(c, 'framework1', [QUOTA_ROLE], {});
  addFrameworkWithUsed(c, 'framework2', [NO_QUOTA_ROLE], {});
  const agent = 'cpus:1;mem:512';
  addAgentWithUsed(c, 'agent1', agent, { framework1: r(agent).allocate(QUOTA_ROLE) });
  addAgentWithUsed(c, 'agent2', agent, { framework1: r(agent).allocate(QUOTA_ROLE) });

  c.engine.updateQuota(QUOTA_ROLE, {});
  assert.equal(c.engine.state.roleTree.get(QUOTA_ROLE)?.hasQuota() ?? false, false, 'the quota is gone');
  assert.equal(settle(c).offerCount, 0, 'everything is in use');

  c.engine.recoverResources('framework1', 'agent1', r(agent).allocate(QUOTA_ROLE), undefined, true);
  const cycle = tick(c);
  // With the quota still set, framework1 (unsatisfied guarantee) would get agent1 in stage 1.
  assertOffered(cycle, 'framework2', 'agent1', { role: NO_QUOTA_ROLE, resources: agent }, c);
  assert.equal(cycle.offerCount, 1);
});

test('MultipleFrameworksInRoleWithQuota: frameworks of a quota role share its guarantee by DRF', () => {
  const c = buildCluster({ frameworks: [{ id: 'framework1a', roles: [QUOTA_ROLE] }] });
  c.engine.updateQuota(QUOTA_ROLE, quota('cpus:4;mem:2048'));
  c.addFramework({ id: 'framework2', roles: [NO_QUOTA_ROLE] });
  settle(c);

  c.addAgent({ id: 'agent1', resources: 'cpus:1;mem:512' });
  assertOffered(settle(c), 'framework1a', 'agent1', { role: QUOTA_ROLE, resources: 'cpus:1;mem:512' }, c);

  c.addFramework({ id: 'framework1b', roles: [QUOTA_ROLE] });
  c.addAgent({ id: 'agent2', resources: 'cpus:2;mem:1024' });
  let cycle = settle(c);
  assertOffered(cycle, 'framework1b', 'agent2', { role: QUOTA_ROLE, resources: 'cpus:2;mem:1024' }, c);
  assert.equal(cycle.offerCount, 1);

  c.addAgent({ id: 'agent3', resources: 'cpus:1;mem:512' });
  cycle = settle(c);
  const offer = assertOffered(cycle, 'framework1a', 'agent3', { role: QUOTA_ROLE, resources: 'cpus:1;mem:512' }, c);
  c.decline('framework1a', 'agent3', offer, 5);
  cycle = tick(c);
  assertOffered(cycle, 'framework1b', 'agent3', { role: QUOTA_ROLE, resources: 'cpus:1;mem:512' }, c);
  assert.equal(cycle.offerCount, 1);
});

test('QuotaAllocationGranularity: stage 1 chops an agent down to the unsatisfied guarantee', () => {
  const c = buildCluster({ frameworks: [{ id: 'framework1', roles: [QUOTA_ROLE] }] });
  c.engine.updateQuota(QUOTA_ROLE, quota('cpus:0.5;mem:200'));
  c.addAgent({ id: 'agent1', resources: 'cpus:1;mem:512' });
  assertOffered(settle(c), 'framework1', 'agent1', { role: QUOTA_ROLE, resources: 'cpus:0.5;mem:200' }, c);
  c.addFramework({ id: 'framework2', roles: [NO_QUOTA_ROLE] });
  assertOffered(settle(c), 'framework2', 'agent1', { role: NO_QUOTA_ROLE, resources: 'cpus:0.5;mem:312' }, c);
});

test('QuotaAllocationGranularityUnchoppableResource: a MOUNT disk is indivisible, it is dropped when it does not fit', () => {
  const c = buildCluster({});
  c.engine.updateQuota(QUOTA_ROLE, quota('cpus:2;mem:2048;disk:150'));
  const agentResources = jsonResources(scalar('cpus', 0.5), scalar('mem', 512), mountDisk(100));
  c.addAgent({ id: 'agent1', resources: agentResources });
  c.addFramework({ id: 'framework', roles: [QUOTA_ROLE] });
  assertOffered(settle(c), 'framework', 'agent1', { role: QUOTA_ROLE, resources: agentResources }, c);

  c.addAgent({ id: 'agent2', resources: agentResources });
  assertOffered(settle(c), 'framework', 'agent2', { role: QUOTA_ROLE, resources: 'cpus:0.5;mem:512' }, c);

  c.addAgent({ id: 'agent3', resources: 'cpus:2;mem:2048;disk:150' });
  // Guarantee minus what it holds (cpus:1;mem:1024;disk:100).
  assertOffered(settle(c), 'framework', 'agent3', { role: QUOTA_ROLE, resources: 'cpus:1;mem:1024;disk:50' }, c);
});

test('QuotaAllocationMultipleDisk: a MOUNT disk that fits the guarantee is offered whole, next to a plain disk', () => {
  const c = buildCluster({});
  c.engine.updateQuota(QUOTA_ROLE, quota('cpus:1;mem:512;disk:100'));
  const agentResources = jsonResources(scalar('cpus', 1), scalar('mem', 512), scalar('disk', 50), mountDisk(50));
  c.addAgent({ id: 'agent1', resources: agentResources });
  c.addFramework({ id: 'framework', roles: [QUOTA_ROLE] });
  assertOffered(settle(c), 'framework', 'agent1', { role: QUOTA_ROLE, resources: agentResources }, c);
});

test('QuotaRoleAllocateNonQuotaResource: non-guaranteed resources ride along with guarantees, unless needed as headroom', () => {
  const c = buildCluster({});
  c.engine.updateQuota('quota-role-1', quota('cpus:2'));
  c.addAgent({ id: 'agent1', resources: 'cpus:1;mem:1024;ports:[31000-32000]' });
  c.addFramework({ id: 'framework', roles: ['quota-role-1'] });
  assertOffered(settle(c), 'framework', 'agent1', { role: 'quota-role-1', resources: 'cpus:1;mem:1024;ports:[31000-32000]' }, c);

  // A second quota role without frameworks: its guarantee (mem) is held back as headroom.
  c.engine.updateQuota('quota-role-2', quota('mem:1024'));
  c.addAgent({ id: 'agent2', resources: 'cpus:1;mem:1024;ports:[31000-32000]' });
  assertOffered(settle(c), 'framework', 'agent2', { role: 'quota-role-1', resources: 'cpus:1;ports:[31000-32000]' }, c);

  // quota-role-1 is at its cpus limit; mem is now surplus headroom, ports are never chopped.
  c.addAgent({ id: 'agent3', resources: 'cpus:1;mem:1024;ports:[31000-32000]' });
  assertOffered(settle(c), 'framework', 'agent3', { role: 'quota-role-1', resources: 'mem:1024;ports:[31000-32000]' }, c);
});

test('DRFWithQuota: once the guarantee is met (by used resources), the quota role does not get more than its share', () => {
  const c = buildCluster({});
  const quotaResources = 'cpus:0.25;mem:128';
  c.engine.updateQuota(QUOTA_ROLE, quota(quotaResources));
  addFrameworkWithUsed(c, 'framework1', [QUOTA_ROLE], {});
  addFrameworkWithUsed(c, 'framework2', [NO_QUOTA_ROLE], {});
  settle(c);
  addAgentWithUsed(c, 'agent1', 'cpus:1;mem:512', { framework1: r(quotaResources).allocate(QUOTA_ROLE) });
  let cycle = settle(c);
  assertOffered(cycle, 'framework2', 'agent1', { role: NO_QUOTA_ROLE, resources: 'cpus:0.75;mem:384' }, c);
  assert.equal(cycle.offerCount, 1);
  c.addAgent({ id: 'agent2', resources: 'cpus:1;mem:512' });
  cycle = settle(c);
  assertOffered(cycle, 'framework2', 'agent2', { role: NO_QUOTA_ROLE, resources: 'cpus:1;mem:512' }, c);
  assertNotOffered(cycle, 'framework1', 'agent2');
});

test('QuotaAgainstStarvation: setting quota on a starving role makes it get the resources others keep declining', () => {
  const c = buildCluster({});
  addFrameworkWithUsed(c, 'framework1', [QUOTA_ROLE], {});
  addFrameworkWithUsed(c, 'framework2', [NO_QUOTA_ROLE], {});
  const agent = 'cpus:1;mem:512';
  addAgentWithUsed(c, 'agent1', agent, { framework1: r(agent).allocate(QUOTA_ROLE) });
  c.addAgent({ id: 'agent2', resources: agent });
  let cycle = settle(c);
  let offer = assertOffered(cycle, 'framework2', 'agent2', { role: NO_QUOTA_ROLE, resources: agent }, c);

  c.decline('framework2', 'agent2', offer, 0);
  cycle = tick(c);
  offer = assertOffered(cycle, 'framework2', 'agent2', { role: NO_QUOTA_ROLE, resources: agent }, c);

  c.decline('framework2', 'agent2', offer, 0);
  c.engine.updateQuota(QUOTA_ROLE, quota('cpus:2;mem:1024'));
  cycle = tick(c);
  assertOffered(cycle, 'framework1', 'agent2', { role: QUOTA_ROLE, resources: agent }, c);
  assert.equal(cycle.offerCount, 1);
});

test('QuotaAbsentFrameworkWholeAgent: a quota role without frameworks gets no stage 1, but its guarantee is held back as headroom', () => {
  const c = buildCluster({});
  c.engine.updateQuota(QUOTA_ROLE, quota('cpus:2;mem:1024'));
  c.addFramework({ id: 'framework', roles: [NO_QUOTA_ROLE] });
  settle(c);
  c.addAgent({ id: 'agent1', resources: 'cpus:2;mem:1024' });
  assert.equal(settle(c).offerCount, 0, "agent1 is set aside for quota-role's guarantee");
  c.addAgent({ id: 'agent2', resources: 'cpus:2;mem:1024' });
  const cycle = settle(c);
  assert.equal(cycle.offerCount, 1);
  assertSameResources(cycle.offeredTo('framework'), 'cpus:2;mem:1024', 'exactly one agent is offered');
  assert.equal(tick(c).offerCount, 0, 'the other agent stays held back on the periodic cycle');
});

test('MultiQuotaAbsentFrameworks: a quota role without frameworks does not stop another quota role getting its guarantee', () => {
  const c = buildCluster({ agents: [{ id: 'agent', resources: 'cpus:2;mem:2048' }] });
  settle(c);
  c.engine.updateQuota('quota-role-1', quota('cpus:1;mem:1024'));
  c.engine.updateQuota('quota-role-2', quota('cpus:2;mem:2048'));
  c.addFramework({ id: 'framework', roles: ['quota-role-2'] });
  // The guaranteed part is granted even though headroom (both guarantees) is short.
  assertOffered(settle(c), 'framework', 'agent', { role: 'quota-role-2', resources: 'cpus:2;mem:2048' }, c);
});

test('MultiQuotaWithFrameworks: a satisfied quota role with a smaller share does not starve an unsatisfied one', () => {
  const c = buildCluster({});
  c.engine.updateQuota('quota-role-1', quota('cpus:1;mem:200'));
  c.engine.updateQuota('quota-role-2', quota('cpus:2;mem:2000'));
  addFrameworkWithUsed(c, 'framework1', ['quota-role-1'], {});
  addFrameworkWithUsed(c, 'framework2', ['quota-role-2'], {});
  settle(c);
  const agent = 'cpus:1;mem:1024';
  addAgentWithUsed(c, 'agent1', agent, { framework1: r(agent).allocate('quota-role-1') });
  addAgentWithUsed(c, 'agent2', agent, { framework2: r(agent).allocate('quota-role-2') });
  settle(c);
  c.addAgent({ id: 'agent3', resources: 'cpus:2;mem:2048' });
  const cycle = settle(c);
  assertOffered(cycle, 'framework2', 'agent3', { role: 'quota-role-2', resources: 'cpus:1;mem:976' }, c);
  assert.equal(cycle.offerCount, 1);
});

test('ReservationWithinQuota: reserved resources count towards the quota role (they are consumption)', () => {
  const c = buildCluster({});
  c.engine.updateQuota(QUOTA_ROLE, quota('cpus:2;mem:256'));
  addFrameworkWithUsed(c, 'framework1', [QUOTA_ROLE], {});
  addFrameworkWithUsed(c, 'framework2', ['non-quota-role'], {});
  settle(c);
  addAgentWithUsed(c, 'agent1', `cpus:8;mem(${QUOTA_ROLE}):256`, { framework1: r(`cpus:2;mem(${QUOTA_ROLE}):256`).allocate(QUOTA_ROLE) });
  let cycle = settle(c);
  assertOffered(cycle, 'framework2', 'agent1', { role: 'non-quota-role', resources: 'cpus:6' }, c);
  assert.equal(cycle.offerCount, 1);
  c.addAgent({ id: 'agent2', resources: 'cpus:4' });
  cycle = settle(c);
  assertOffered(cycle, 'framework2', 'agent2', { role: 'non-quota-role', resources: 'cpus:4' }, c);
  assert.equal(cycle.offerCount, 1);
});

test('QuotaSetAsideReservedResources: headroom is never made of resources reserved for another role', async () => {
  const c = buildCluster({ agents: [{ id: 'agent1', resources: 'cpus:4;mem:512' }, { id: 'agent2', resources: 'cpus:4;mem:512' }] });
  settle(c);
  const dynamicallyReserved = Resources.of([scalar('cpus', 4, NO_QUOTA_ROLE, 'DYNAMIC'), scalar('mem', 512, NO_QUOTA_ROLE, 'DYNAMIC')]);
  await c.engine.updateAvailable('agent2', [{ type: 'RESERVE', resources: dynamicallyReserved }]);

  c.addFramework({ id: 'framework1', roles: [QUOTA_ROLE] });
  c.engine.updateQuota(QUOTA_ROLE, quota('cpus:4;mem:512'));
  let cycle = settle(c);
  const offer = assertOffered(cycle, 'framework1', 'agent1', { role: QUOTA_ROLE, resources: 'cpus:4;mem:512' }, c);
  assert.equal(cycle.offerCount, 1);

  c.decline('framework1', 'agent1', offer, (10 * INTERVAL) / 1000);
  assert.equal(tick(c).offerCount, 0);

  c.addFramework({ id: 'framework2', roles: [NO_QUOTA_ROLE] });
  cycle = settle(c);
  const reservedOffer = assertOffered(cycle, 'framework2', 'agent2', { role: NO_QUOTA_ROLE, resources: dynamicallyReserved }, c);
  assert.equal(cycle.offerCount, 1, "framework2 must not get agent1's unreserved cpus: they are quota-role's headroom");

  c.decline('framework2', 'agent2', reservedOffer, (10 * INTERVAL) / 1000);
  assert.equal(tick(c).offerCount, 0);
});

test('DisproportionateQuotaVsAllocation: once mem is satisfied, the quota role only gets the cpus it still lacks', () => {
  const c = buildCluster({});
  c.engine.updateQuota(QUOTA_ROLE, quota('cpus:4;mem:1024'));
  c.addFramework({ id: 'framework', roles: [QUOTA_ROLE] });
  c.addAgent({ id: 'agent1', resources: 'cpus:2;mem:1024' });
  assertOffered(settle(c), 'framework', 'agent1', { role: QUOTA_ROLE, resources: 'cpus:2;mem:1024' }, c);
  c.addAgent({ id: 'agent2', resources: 'cpus:2;mem:1024' });
  assertOffered(settle(c), 'framework', 'agent2', { role: QUOTA_ROLE, resources: 'cpus:2' }, c);
});

test("QuotaWithAncestorReservations: an ancestor's reservation allocated to a child counts as allocated in headroom (MESOS-8604)", () => {
  const c = buildCluster({});
  c.engine.updateQuota(QUOTA_ROLE, quota('cpus:1;mem:1024'));
  c.addAgent({ id: 'agent1', resources: 'cpus(a):1;mem(a):1024' });
  c.addFramework({ id: 'framework1', roles: ['a/b'] });
  assertOffered(settle(c), 'framework1', 'agent1', { role: 'a/b', resources: 'cpus(a):1;mem(a):1024' }, c);
  c.addFramework({ id: 'framework2', roles: [NO_QUOTA_ROLE] });
  assert.equal(settle(c).offerCount, 0);
  c.addAgent({ id: 'agent2', resources: 'cpus:1;mem:1024' });
  c.addAgent({ id: 'agent3', resources: 'cpus:1;mem:1024' });
  const cycle = settle(c);
  assert.equal(cycle.offerCount, 1, 'one agent is held back for quota-role');
  assertSameResources(cycle.offeredTo('framework2'), 'cpus:1;mem:1024');
});

test("QuotaWithNestedRoleReservation: a subrole's reservation counts towards the parent's consumed quota (MESOS-9688)", () => {
  const c = buildCluster({});
  c.engine.updateQuota('a', quota('cpus:2;mem:200'));
  c.addAgent({ id: 'agent1', resources: 'cpus(a/b):1;mem(a/b):100' });
  c.addAgent({ id: 'agent2', resources: 'cpus:10;mem:1000' });
  c.addFramework({ id: 'framework1', roles: ['a'] });
  const cycle = settle(c);
  assertOffered(cycle, 'framework1', 'agent2', { role: 'a', resources: 'cpus:1;mem:100' }, c);
  assertNotOffered(cycle, 'framework1', 'agent1');
  assert.equal(cycle.offerCount, 1);
});

test("QuotaWithNestedRoleAllocation: a parent's limits do not cap its subroles within a cycle, but their allocation counts for the parent", () => {
  const c = buildCluster({ frameworks: [{ id: 'framework1', roles: ['a/b'] }] });
  c.addAgent({ id: 'agent1', resources: 'cpus:1;mem:1024' });
  assertOffered(settle(c), 'framework1', 'agent1', { role: 'a/b', resources: 'cpus:1;mem:1024' }, c);
  c.engine.updateQuota('a', quota('cpus:1;mem:1024'));
  c.addFramework({ id: 'framework2', roles: ['a'] });
  c.addAgent({ id: 'agent2', resources: 'cpus:1;mem:1024' });
  const cycle = settle(c);
  // Role 'a' (and framework2) have lower shares, but 'a' is at its limit through 'a/b'.
  assertOffered(cycle, 'framework1', 'agent2', { role: 'a/b', resources: 'cpus:1;mem:1024' }, c);
  assert.equal(cycle.offerCount, 1);
});

test('limits of a parent do not cap a subrole even from an empty start (QuotaWithNestedRoleAllocation, §4.4)', () => {
  const c = buildCluster({ frameworks: [{ id: 'child', roles: ['a/b'] }, { id: 'parent', roles: ['a'] }] });
  c.engine.updateQuota('a', quota('', 'cpus:1;mem:128'));
  c.addAgent({ id: 'agent1', resources: 'cpus:4;mem:1024' });
  const cycle = settle(c);
  // Whoever of 'a' and 'a/b' comes first, 'a/b' is never chopped by a's limits.
  const child = cycle.offered('child', 'agent1');
  const parent = cycle.offered('parent', 'agent1');
  if (parent !== undefined) assertSameResources(parent, 'cpus:1;mem:128', "the parent's own frameworks are capped");
  assertSameResources(child, parent === undefined ? 'cpus:4;mem:1024' : 'cpus:3;mem:896', 'the subrole takes the rest, unchopped');
  // Across cycles the subrole's consumption counts for 'a': nothing more for role 'a' itself.
  c.addAgent({ id: 'agent2', resources: 'cpus:4;mem:1024' });
  const next = settle(c);
  assertNotOffered(next, 'parent', 'agent2');
  assertOffered(next, 'child', 'agent2', { role: 'a/b', resources: 'cpus:4;mem:1024' }, c);
});

test('QuotaHeadroomWithNestedRoleAllocation: subrole allocations count as allocated in the headroom computation', () => {
  const c = buildCluster({ frameworks: [{ id: 'framework1', roles: ['a/b'] }] });
  c.addAgent({ id: 'agent1', resources: 'cpus:1;mem:100' });
  assertOffered(settle(c), 'framework1', 'agent1', { role: 'a/b', resources: 'cpus:1;mem:100' }, c);
  c.addFramework({ id: 'framework2', roles: ['a'] });
  c.addAgent({ id: 'agent2', resources: 'cpus:1;mem:100' });
  assertOffered(settle(c), 'framework2', 'agent2', { role: 'a', resources: 'cpus:1;mem:100' }, c);
  c.engine.updateQuota(QUOTA_ROLE, quota('cpus:1;mem:100'));
  c.addAgent({ id: 'agent3', resources: 'cpus:1;mem:100' });
  assert.equal(settle(c).offerCount, 0, 'agent3 is held back for quota-role');
  c.addAgent({ id: 'agent4', resources: 'cpus:1;mem:100' });
  assert.equal(settle(c).offerCount, 1, 'one of agent3/agent4 is allocated');
  assert.equal(tick(c).offerCount, 0, 'the other stays set aside');
});

for (const type of ['STATIC', 'DYNAMIC'] as const) {
  test(`QuotaHeadroomWhenReservationsExceedQuota/${type}: no headroom is held for a role whose reservations exceed its guarantee`, () => {
    const c = buildCluster({});
    const withReservation = 'quota-role-w-reservation';
    c.engine.updateQuota(withReservation, quota('cpus:1;mem:1024'));
    c.engine.updateQuota('quota-role-no-reservation', quota('cpus:1;mem:1024'));
    c.addAgent({ id: 'agent1', resources: jsonResources(scalar('cpus', 2, withReservation, type), scalar('mem', 2048, withReservation, type)) });
    c.addAgent({ id: 'agent2', resources: 'cpus:1;mem:1024' });
    c.addFramework({ id: 'framework', roles: ['non-quota-role'] });
    assert.equal(settle(c).offerCount, 0, "agent2 is headroom for quota-role-no-reservation's guarantee");
    c.addAgent({ id: 'agent3', resources: 'cpus:1;mem:1024' });
    const cycle = settle(c);
    assertOffered(cycle, 'framework', 'agent3', { role: 'non-quota-role', resources: 'cpus:1;mem:1024' }, c);
    assert.equal(cycle.offerCount, 1);
  });
}

test('QuotaAccountingReserveAllocatedResources: reserving allocated resources does not change the unsatisfied quota', () => {
  const c = buildCluster({});
  c.engine.updateQuota(QUOTA_ROLE, quota('cpus:10;mem:1024'));
  c.addFramework({ id: 'framework', roles: [QUOTA_ROLE] });
  c.addAgent({ id: 'agent1', resources: 'cpus:5;mem:512' });
  const offered = assertOffered(settle(c), 'framework', 'agent1', { role: QUOTA_ROLE, resources: 'cpus:5;mem:512' }, c);
  const reserved = offered.pushReservation({ type: 'DYNAMIC', role: QUOTA_ROLE, principal: 'principal' });
  c.accept('framework', 'agent1', offered, [{ type: 'RESERVE', resources: reserved }], [QUOTA_ROLE]);
  // Unsatisfied quota is still cpus:5;mem:512: agent2 is chopped in half.
  c.addAgent({ id: 'agent2', resources: 'cpus:10;mem:1024' });
  assertOffered(settle(c), 'framework', 'agent2', { role: QUOTA_ROLE, resources: 'cpus:5;mem:512' }, c);
});

test('QuotaAccountingUnreserveAllocatedResources: unreserving allocated resources does not change quota consumption', () => {
  const c = buildCluster({});
  c.engine.updateQuota(QUOTA_ROLE, quota('cpus:1;mem:1024'));
  c.addFramework({ id: 'framework', roles: [QUOTA_ROLE] });
  const reservedText = jsonResources(scalar('cpus', 1, QUOTA_ROLE, 'DYNAMIC'), scalar('mem', 1024, QUOTA_ROLE, 'DYNAMIC'));
  c.addAgent({ id: 'agent1', resources: reservedText });
  const offered = assertOffered(settle(c), 'framework', 'agent1', { role: QUOTA_ROLE, resources: reservedText }, c);
  c.addAgent({ id: 'agent2', resources: 'cpus:1;mem:1024' });
  assert.equal(settle(c).offerCount, 0, 'the quota is satisfied by the reservation on agent1');
  c.accept('framework', 'agent1', offered, [{ type: 'UNRESERVE', resources: offered }], [QUOTA_ROLE]);
  assert.equal(tick(c).offerCount, 0, 'still satisfied by the now unreserved allocation');
});

test('limits cap offered+allocated unreserved scalars plus every reservation in the top-level role subtree, allocated or not', () => {
  const c = buildCluster({});
  c.engine.updateQuota('a', quota('', 'cpus:4'));
  c.addAgent({ id: 'agent1', resources: 'cpus(a/b):3;mem(a/b):512' });
  c.addAgent({ id: 'agent2', resources: 'cpus:8;mem:4096' });
  c.addFramework({ id: 'framework', roles: ['a'] });
  const cycle = settle(c);
  // 4 - 3 reserved for a/b (unallocated) = 1 cpu; mem has no limit.
  assertOffered(cycle, 'framework', 'agent2', { role: 'a', resources: 'cpus:1;mem:4096' }, c);
  assertNotOffered(cycle, 'framework', 'agent1');
  assertReservationsStayInRole(cycle);
});

test('reservations, ports and revocable resources are never chopped by limits (stage 2)', () => {
  const c = buildCluster({});
  c.engine.updateQuota('a', quota('', 'cpus:1;mem:100'));
  const agent = jsonResources(
    scalar('cpus', 4, 'a'), scalar('mem', 200, 'a'), scalar('cpus', 4), scalar('mem', 1024),
    { name: 'ports', ranges: [{ begin: 31000, end: 31009 }] }, { name: 'cpus', scalar: 2, revocable: true },
  );
  c.addAgent({ id: 'agent1', resources: agent });
  c.addFramework({ id: 'framework', roles: ['a'], capabilities: ['MULTI_ROLE', 'REVOCABLE_RESOURCES'] });
  const cycle = settle(c);
  // Consumption (the reservations: cpus:4;mem:200) already exceeds the limits: no unreserved scalars at all.
  const offer = assertOffered(cycle, 'framework', 'agent1', { role: 'a' }, c);
  assertSameResources(offer, jsonResources(scalar('cpus', 4, 'a'), scalar('mem', 200, 'a'), { name: 'ports', ranges: [{ begin: 31000, end: 31009 }] }, { name: 'cpus', scalar: 2, revocable: true }));
  assertOffersWellFormed(cycle);
});

test('reservations, ports and revocable resources ride along whole with a stage 1 guarantee; other scalars stop at the limits', () => {
  const c = buildCluster({});
  c.engine.updateQuota('a', quota('cpus:2', 'cpus:2;mem:100'));
  const agent = jsonResources(
    scalar('cpus', 4), scalar('mem', 1024), scalar('disk', 100, 'a'),
    { name: 'ports', ranges: [{ begin: 31000, end: 31009 }] }, { name: 'cpus', scalar: 2, revocable: true },
  );
  c.addAgent({ id: 'agent1', resources: agent });
  c.addFramework({ id: 'framework', roles: ['a'], capabilities: ['MULTI_ROLE', 'REVOCABLE_RESOURCES'] });
  const offer = assertOffered(settle(c), 'framework', 'agent1', { role: 'a' }, c);
  assertSameResources(offer, jsonResources(
    scalar('cpus', 2), scalar('mem', 100), scalar('disk', 100, 'a'),
    { name: 'ports', ranges: [{ begin: 31000, end: 31009 }] }, { name: 'cpus', scalar: 2, revocable: true },
  ));
});

test('a MOUNT disk is indivisible under limits: it is dropped whole when it does not fit', () => {
  const c = buildCluster({});
  c.engine.updateQuota('a', quota('', 'disk:150'));
  c.addAgent({ id: 'agent1', resources: jsonResources(scalar('cpus', 1), scalar('mem', 128), scalar('disk', 100), mountDisk(200)) });
  c.addFramework({ id: 'framework', roles: ['a'] });
  assertOffered(settle(c), 'framework', 'agent1', { role: 'a', resources: 'cpus:1;mem:128;disk:100' }, c);
});

test('updateQuota runs no cycle (§4.12, §4.14)', () => {
  const c = buildCluster({ agents: [{ id: 'agent1', resources: 'cpus:4;mem:1024' }], frameworks: [{ id: 'framework', roles: ['a'] }] });
  const first = settle(c);
  c.decline('framework', 'agent1', first.offered('framework', 'agent1')!, 0);
  c.engine.updateQuota('a', quota('cpus:1'));
  assert.equal(c.advance(0).length, 0, 'no cycle after updateQuota');
  assert.equal(c.engine.nextCycleAt(), INTERVAL, 'the next cycle is the periodic one');
  c.engine.updateQuota('a', {});
  assert.equal(c.advance(0).length, 0, 'no cycle after removing the quota either');
});

test('quota on a nested role is refused with AllocatorError and changes nothing', () => {
  const c = buildCluster({ agents: [{ id: 'agent1', resources: 'cpus:4;mem:1024' }], frameworks: [{ id: 'framework', roles: ['a/b'] }] });
  assert.throws(() => c.engine.updateQuota('a/b', quota('', 'cpus:1;mem:100')), AllocatorError);
  assert.equal(c.engine.state.roleTree.get('a/b')?.hasQuota() ?? false, false);
  assertOffered(settle(c), 'framework', 'agent1', { role: 'a/b', resources: 'cpus:4;mem:1024' }, c);
});

test('one cycle, two stages: stage 1 gives the quota role exactly its guarantee, stage 2 gives another role the rest', () => {
  const c = buildCluster({ frameworks: [{ id: 'framework', roles: [QUOTA_ROLE] }, { id: 'other', roles: [NO_QUOTA_ROLE] }] });
  c.engine.updateQuota(QUOTA_ROLE, quota('cpus:2;mem:512'));
  c.addAgent({ id: 'agent1', resources: 'cpus:2;mem:512' });
  c.addAgent({ id: 'agent2', resources: 'cpus:2;mem:512' });
  const cycle = settle(c);
  assertSameResources(cycle.offeredTo('framework'), 'cpus:2;mem:512');
  assertSameResources(cycle.offeredTo('other'), 'cpus:2;mem:512');
  assertSameResources(totalOffered(cycle), 'cpus:4;mem:1024');
});
