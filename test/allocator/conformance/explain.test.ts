// Conformance of `explain(framework, agent)`: after a cycle, each rule of __generateOffers that kept
// the framework from the agent is named by its reason code (design.md "Reasons, not booleans").
// Every scenario is one of the Mesos rules exercised in the other conformance files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildCluster, assertOffered, assertNotOffered } from '../../../src/testing/index.ts';
import { parseResourceLimits } from '../../../src/resources/index.ts';
import { definePolicy } from '../../../src/policy/index.ts';
import { assertNoOffers, assertReason, nextPeriodic, reasonCodes } from './support.ts';

const AGENT = { id: 'a1', resources: 'cpus:2;mem:1024' };

test('explain: offered — the framework got the agent, in which role', () => {
  const cluster = buildCluster({ agents: [AGENT], frameworks: [{ id: 'f1', roles: ['r'] }] });
  assertOffered(cluster.runCycle(), 'f1', 'a1', {}, cluster);
  const e = cluster.engine.explain('f1', 'a1');
  assert.deepEqual(e.reasons.map((r) => [r.code, r.role]), [['offered', 'r']]);
  assert.equal(e.cycleAt, 0);
});

test('explain: filtered — declined with a refuse filter (OfferFilter)', () => {
  const cluster = buildCluster({ agents: [AGENT], frameworks: [{ id: 'f1', roles: ['r'] }] });
  cluster.declineAll(cluster.runCycle(), 60);
  assertNoOffers(nextPeriodic(cluster));
  assertReason(cluster, 'f1', 'a1', 'filtered', 'r');
});

test('explain: suppressed — offers suppressed for the role (SuppressAndReviveOffers)', () => {
  const cluster = buildCluster({ agents: [AGENT], frameworks: [{ id: 'f1', roles: ['r1', 'r2'], suppressedRoles: ['r1', 'r2'] }] });
  assertNoOffers(cluster.runCycle());
  assertReason(cluster, 'f1', 'a1', 'suppressed', 'r1');
  assertReason(cluster, 'f1', 'a1', 'suppressed', 'r2');
});

test('explain: reserved-for-other-roles — everything on the agent is reserved for roles it may not take (Reservations)', () => {
  const cluster = buildCluster({ agents: [{ id: 'a1', resources: 'cpus(prod):2;mem(prod):1024' }], frameworks: [{ id: 'f1', roles: ['stage'] }] });
  assertNoOffers(cluster.runCycle());
  assertReason(cluster, 'f1', 'a1', 'reserved-for-other-roles', 'stage');
  assert.ok(!reasonCodes(cluster, 'f1', 'a1').includes('lost-on-order'));
});

test('explain: below-min-allocatable — what is left is below the minimum (Allocatable)', () => {
  const cluster = buildCluster({ agents: [{ id: 'a1', resources: 'cpus:0.005;mem:16' }], frameworks: [{ id: 'f1', roles: ['r'] }] });
  assertNoOffers(cluster.runCycle());
  assertReason(cluster, 'f1', 'a1', 'below-min-allocatable', 'r');
});

test('explain: below-min-allocatable — also when a later framework of the role took the agent after this one was skipped', () => {
  const cluster = buildCluster({
    agents: [{ id: 'a1', resources: 'cpus:0.5;mem:1024' }],
    frameworks: [{ id: 'a-picky', roles: ['r'], minAllocatable: { r: 'cpus:1' } }, { id: 'b-easy', roles: ['r'] }],
  });
  const cycle = cluster.runCycle();
  assertNotOffered(cycle, 'a-picky', 'a1');
  assertOffered(cycle, 'b-easy', 'a1', {}, cluster);
  // a-picky came first in the role's order and was skipped by its own minimum; b-easy took the agent afterwards.
  assertReason(cluster, 'a-picky', 'a1', 'below-min-allocatable', 'r');
});

test('explain: lost-on-order — another framework had its turn first and took the agent (CoarseGrained)', () => {
  const cluster = buildCluster({ agents: [AGENT], frameworks: [{ id: 'f1', roles: ['r'] }, { id: 'f2', roles: ['r'] }] });
  assertOffered(cluster.runCycle(), 'f1', 'a1', {}, cluster);
  assertReason(cluster, 'f2', 'a1', 'lost-on-order', 'r');
  const message = cluster.engine.explain('f2', 'a1').reasons.find((r) => r.code === 'lost-on-order')!.message;
  assert.match(message, /f1/, 'names the framework that got the agent');
});

test('explain: offer-constraints — the framework\'s constraints for the role exclude the agent', () => {
  const cluster = buildCluster({
    agents: [{ id: 'a1', resources: 'cpus:2;mem:1024', attributes: 'rack:r2' }],
    frameworks: [{
      id: 'f1',
      roles: ['r'],
      offerConstraints: { roleConstraints: { r: { groups: [{ attributeConstraints: [{ selector: { attributeName: 'rack' }, predicate: { textEquals: { value: 'r1' } } }] }] } } },
    }],
  });
  assertNoOffers(cluster.runCycle());
  assertReason(cluster, 'f1', 'a1', 'offer-constraints', 'r');
});

test('explain: gpu-agent — a GPU agent and a framework without GPU_RESOURCES', () => {
  const cluster = buildCluster({ agents: [{ id: 'a1', resources: 'cpus:2;mem:1024;gpus:1' }], frameworks: [{ id: 'f1', roles: ['r'] }] });
  assertNoOffers(cluster.runCycle());
  assertReason(cluster, 'f1', 'a1', 'gpu-agent');
});

test('explain: policy — a policy filter stage rejected the pair, with its reason', () => {
  const policy = definePolicy({ filter: (ctx) => (ctx.agent.id === 'a1' && ctx.framework.id === 'f1' ? { reason: 'not-on-this-rack' } : true) });
  const cluster = buildCluster({ policy, agents: [AGENT], frameworks: [{ id: 'f1', roles: ['r'] }] });
  assertNoOffers(cluster.runCycle());
  assertReason(cluster, 'f1', 'a1', 'policy', 'r');
  const reason = cluster.engine.explain('f1', 'a1').reasons.find((r) => r.code === 'policy')!;
  assert.match(reason.message, /not-on-this-rack/);
});

test('explain: the other reason codes (inactive framework, whitelist, deactivated agent, implicit filter, remote region, not a candidate, quota limit, unknown ids)', () => {
  const inactive = buildCluster({ agents: [AGENT], frameworks: [{ id: 'f1', roles: ['r'], active: false }] });
  inactive.runCycle();
  assertReason(inactive, 'f1', 'a1', 'framework-inactive');

  const whitelist = buildCluster({ agents: [AGENT], frameworks: [{ id: 'f1', roles: ['r'] }] });
  whitelist.engine.updateWhitelist([]);
  whitelist.runCycle();
  assertReason(whitelist, 'f1', 'a1', 'not-whitelisted');

  const deactivated = buildCluster({ agents: [AGENT], frameworks: [{ id: 'f1', roles: ['r'] }] });
  deactivated.engine.deactivateAgent('a1');
  deactivated.runCycle();
  assertReason(deactivated, 'f1', 'a1', 'agent-deactivated');

  const implicit = buildCluster({ agents: [{ ...AGENT, capabilities: [] }], frameworks: [{ id: 'f1', roles: ['r'] }] });
  implicit.runCycle();
  assertReason(implicit, 'f1', 'a1', 'implicit-filter');

  const remote = buildCluster({ options: { domain: { region: 'eu', zone: 'eu-1' } }, agents: [{ ...AGENT, domain: { region: 'us', zone: 'us-1' } }], frameworks: [{ id: 'f1', roles: ['r'] }] });
  remote.runCycle();
  assertReason(remote, 'f1', 'a1', 'remote-region');

  const candidate = buildCluster({ agents: [AGENT], frameworks: [{ id: 'f1', roles: ['r'] }] });
  candidate.declineAll(candidate.runCycle());
  candidate.addAgent({ id: 'a2', resources: 'cpus:1;mem:64' });
  candidate.runCycle();
  assertReason(candidate, 'f1', 'a1', 'not-a-candidate');

  const quota = buildCluster({ agents: [AGENT] });
  quota.engine.updateQuota('r', { limits: parseResourceLimits('cpus:2;mem:1024') });
  quota.addFramework({ id: 'f1', roles: ['r'] });
  quota.runCycle();
  quota.addAgent({ id: 'a2', resources: 'cpus:2;mem:1024' });
  quota.runCycle();
  assertReason(quota, 'f1', 'a2', 'over-quota-limit', 'r');

  const none = buildCluster({ agents: [AGENT], frameworks: [{ id: 'f1', roles: ['r'] }] });
  assertReason(none, 'f1', 'a1', 'no-cycle-yet');
  assertReason(none, 'nope', 'a1', 'unknown-framework');
  assertReason(none, 'f1', 'nope', 'unknown-agent');
});
