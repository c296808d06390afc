// A policy rejection with `until: 'agent-changes'` is remembered per (framework, role, agent):
// the policy is not asked again until the agent's resources (by content), info or the framework
// change; without `until` it is asked on every visit, as before.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildCluster } from '../../src/testing/index.ts';
import { definePolicy, type OfferContext, type Rejection } from '../../src/policy/index.ts';
import { parseResources } from '../../src/resources/index.ts';

/** Rejects framework 'no' everywhere; counts how often it is asked about 'no'. */
function countingPolicy(until: Rejection['until']) {
  const asked = { count: 0 };
  const policy = definePolicy({
    name: 'counting',
    filter(ctx: OfferContext) {
      if (ctx.framework.id !== 'no') return true;
      asked.count++;
      return until === undefined ? { reason: 'not-you' } : { reason: 'not-you', until };
    },
  });
  return { asked, policy };
}

const twoFrameworks = [{ id: 'no', roles: ['r'] }, { id: 'yes', roles: ['r'] }];

test('a remembered rejection is not asked again while the agent is unchanged, offers declined back included', () => {
  const { asked, policy } = countingPolicy('agent-changes');
  const cluster = buildCluster({ policy, agents: [{ id: 'a', resources: 'cpus:4;mem:1024' }], frameworks: twoFrameworks });
  for (let i = 0; i < 5; i++) {
    const cycle = cluster.runCycle();
    assert.equal(cycle.offered('no', 'a'), undefined);
    cluster.declineAll(cycle, 0); // 'yes' gets it again every cycle: available changes and comes back
    cluster.clock.advance(1000);
  }
  assert.equal(asked.count, 1);
  const reasons = cluster.engine.explain('no', 'a').reasons;
  assert.ok(reasons.some((r) => r.code === 'policy' && r.message.includes('not-you') && r.message.includes('remembered')), JSON.stringify(reasons));
  // The cycle notes the skip only; the reason stays with the remembered entry.
  assert.equal(cluster.engine.policy.remembered.peek('a', 'no', 'r')?.note.reason, 'not-you');
});

test('a remembered rejection is asked again after the agent, or the framework, changes', () => {
  const { asked, policy } = countingPolicy('agent-changes');
  const cluster = buildCluster({ policy, agents: [{ id: 'a', resources: 'cpus:4;mem:1024' }], frameworks: [{ id: 'no', roles: ['r'] }] });
  cluster.runCycle();
  cluster.clock.advance(1000);
  cluster.runCycle();
  assert.equal(asked.count, 1);
  // The agent's total changes.
  cluster.engine.updateAgent('a', cluster.engine.state.agents.get('a')!.info, parseResources('cpus:8;mem:1024'));
  cluster.clock.advance(1000);
  cluster.runCycle();
  assert.equal(asked.count, 2);
  cluster.clock.advance(1000);
  cluster.runCycle();
  assert.equal(asked.count, 2);
  // The framework revives.
  cluster.engine.reviveOffers('no');
  cluster.clock.advance(1000);
  cluster.runCycle();
  assert.equal(asked.count, 3);
  // The framework is updated (e.g. new capabilities).
  cluster.engine.updateFramework('no', { roles: ['r'], capabilities: ['MULTI_ROLE', 'GPU_RESOURCES'] });
  cluster.clock.advance(1000);
  cluster.runCycle();
  assert.equal(asked.count, 4);
});

test('a remembered rejection is asked again when the agent has other resources available', () => {
  const { asked, policy } = countingPolicy('agent-changes');
  const cluster = buildCluster({ policy, agents: [{ id: 'a', resources: 'cpus:4;mem:1024' }], frameworks: twoFrameworks });
  const first = cluster.runCycle();
  const offered = first.offered('yes', 'a')!;
  // 'yes' launches on half of it: what is left on the agent is different from when 'no' was rejected.
  cluster.launch('yes', 'a', offered, parseResources('cpus:2;mem:512').allocate('r'), 0);
  cluster.clock.advance(1000);
  cluster.runCycle();
  assert.equal(asked.count, 2);
});

test('a rejection without until is asked on every visit, as before', () => {
  const { asked, policy } = countingPolicy(undefined);
  const cluster = buildCluster({ policy, agents: [{ id: 'a', resources: 'cpus:4;mem:1024' }], frameworks: twoFrameworks });
  for (let i = 0; i < 4; i++) {
    cluster.declineAll(cluster.runCycle(), 0);
    cluster.clock.advance(1000);
  }
  assert.equal(asked.count, 4);
  const reasons = cluster.engine.explain('no', 'a').reasons;
  assert.ok(reasons.some((r) => r.code === 'policy' && r.message.includes('not-you') && !r.message.includes('remembered')));
});

test('an unknown until is a policy error: the framework is allowed, as for any unusable verdict', () => {
  const cluster = buildCluster({
    policy: definePolicy({ filter: () => ({ reason: 'x', until: 'forever' as never }) }),
    agents: [{ id: 'a', resources: 'cpus:4;mem:1024' }],
    frameworks: [{ id: 'f', roles: ['r'] }],
  });
  assert.notEqual(cluster.runCycle().offered('f', 'a'), undefined);
  assert.equal(cluster.engine.policy.errors.get('filter'), 1);
});

test('replacing the policy forgets what the old one said', () => {
  const { asked, policy } = countingPolicy('agent-changes');
  const cluster = buildCluster({ policy, agents: [{ id: 'a', resources: 'cpus:4;mem:1024' }], frameworks: [{ id: 'no', roles: ['r'] }] });
  cluster.runCycle();
  const old = cluster.engine.policy;
  assert.equal(old.remembered.size, 1);
  cluster.engine.initialize({ policy, clock: cluster.clock.fn });
  assert.equal(cluster.engine.policy.remembered.size, 0);
  assert.equal(asked.count, 1);
});
