// The steering's "reserved for another owner" holds until the agent's resources change, so the
// engine remembers it (`until: 'agent-changes'`) instead of asking every framework of the role
// again every cycle; only when the agent itself holds nothing of the framework's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildCluster } from '../../../src/testing/index.ts';
import { definePolicy, type OfferContext } from '../../../src/policy/index.ts';
import { reservationSteering } from '../../../src/placement/index.ts';
import { parseResources } from '../../../src/resources/index.ts';

// cpus, so that it meets the minimum allocatable resources by itself.
const reservation = (service: string) => ({
  name: 'cpus', type: 'SCALAR', scalar: { value: 1 },
  reservations: [{ type: 'DYNAMIC', role: 'data', principal: 'p', labels: { labels: [{ key: 'service', value: service }, { key: 'resource_id', value: `${service}-cpus` }] } }],
});

function countedSteering() {
  const steering = reservationSteering();
  const asked = new Map<string, number>();
  const policy = definePolicy({
    name: 'steering',
    filter: (ctx: OfferContext) => (asked.set(ctx.framework.id, (asked.get(ctx.framework.id) ?? 0) + 1), steering.filter(ctx)),
    size: steering.size,
  });
  return { asked, policy };
}

test('an agent holding only another service\'s reservation: the rejection is remembered until the agent changes', () => {
  const { asked, policy } = countedSteering();
  const cluster = buildCluster({
    policy,
    agents: [{ id: 'a', resources: JSON.stringify([reservation('kafka')]) }],
    frameworks: [{ id: 'other', name: 'other', roles: ['data'] }],
  });
  for (let i = 0; i < 4; i++) {
    const cycle = cluster.runCycle();
    assert.equal(cycle.offered('other', 'a'), undefined);
    cluster.declineAll(cycle, 0);
    cluster.clock.advance(1000);
  }
  assert.equal(asked.get('other'), 1);
  const reasons = cluster.engine.explain('other', 'a').reasons;
  assert.ok(reasons.some((r) => r.code === 'policy' && r.message.includes('reserved-for-another-owner:kafka') && r.message.includes('remembered')), JSON.stringify(reasons));
  // Unreserved resources appear on the agent: asked again, and offered them.
  cluster.engine.updateAgent('a', cluster.engine.state.agents.get('a')!.info, parseResources(JSON.stringify([reservation('kafka')]), { commandLine: false }).plus(parseResources('cpus:2')));
  cluster.clock.advance(1000);
  const after = cluster.runCycle();
  assert.equal(asked.get('other'), 2);
  assert.equal(after.offered('other', 'a')?.cpus(), 2);
  assert.equal(after.offered('other', 'a')?.reserved().size, 0, 'never the reservation');
});

test('when the agent holds something of the framework\'s that the offer lacks (quota), the rejection is not remembered', () => {
  const steering = reservationSteering();
  const ctx = (offer: string, available: string) => ({
    now: 0, stage: 'fair-share' as const, role: 'data',
    framework: { id: 'other', name: 'other', roles: new Set(['data']), capabilities: new Set<string>(), allocation: new Map() },
    agent: { id: 'a', hostname: 'a', attributes: [], total: parseResources(available, { commandLine: false }), available: parseResources(available, { commandLine: false }) },
    offer: parseResources(offer, { commandLine: false }),
  });
  const onlyKafka = JSON.stringify([reservation('kafka')]);
  const kafkaAndCpus = JSON.stringify([reservation('kafka'), { name: 'cpus', type: 'SCALAR', scalar: { value: 2 } }]);
  assert.deepEqual(steering.filter(ctx(onlyKafka, onlyKafka)), { reason: 'reserved-for-another-owner:kafka', until: 'agent-changes' });
  // The offer was cut to the reservation (e.g. by quota limits) though unreserved cpus are on the agent.
  assert.deepEqual(steering.filter(ctx(onlyKafka, kafkaAndCpus)), { reason: 'reserved-for-another-owner:kafka' });
  // One rejection per owner and kind, shared by every ask (the engine keeps ~100k remembered ones with many services in a role).
  const first = steering.filter(ctx(onlyKafka, onlyKafka));
  assert.equal(steering.filter(ctx(onlyKafka, onlyKafka)), first);
  assert.ok(Object.isFrozen(first));
  assert.notEqual(steering.filter(ctx(onlyKafka, kafkaAndCpus)), first);
  const onlyCassandra = JSON.stringify([reservation('cassandra')]);
  assert.deepEqual(steering.filter(ctx(onlyCassandra, onlyCassandra)), { reason: 'reserved-for-another-owner:cassandra', until: 'agent-changes' });
});
