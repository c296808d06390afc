// Conformance: framework and agent capabilities (hierarchical.cpp `isCapableOfReceivingAgent`,
// `stripIncapableResources`, `isFiltered`; reference §4.7 implicit filters, §4.9, §4.14).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildCluster, assertOffered, assertNotOffered } from '../../../src/testing/index.ts';
import { parseResources } from '../../../src/resources/index.ts';
import type { FrameworkCapability } from '../../../src/allocator/types.ts';
import { assertNoOffers, assertReason, dynamic, jsonResources, nextPeriodic, scalar } from './support.ts';

function parse(text: string) {
  return parseResources(text, { commandLine: false });
}

const GPU: FrameworkCapability[] = ['MULTI_ROLE', 'GPU_RESOURCES'];

test('GPU agents go only to GPU_RESOURCES frameworks (filter_gpu_resources, MESOS-5634); other agents to everyone', () => {
  const cluster = buildCluster({
    agents: [{ id: 'gpu', resources: 'cpus:4;mem:1024;gpus:1' }, { id: 'plain', resources: 'cpus:4;mem:1024' }],
    frameworks: [{ id: 'no-gpu', roles: ['r'] }],
  });
  const first = cluster.runCycle();
  assertNotOffered(first, 'no-gpu', 'gpu');
  assertOffered(first, 'no-gpu', 'plain', { resources: 'cpus:4;mem:1024' }, cluster);
  assertReason(cluster, 'no-gpu', 'gpu', 'gpu-agent');
  cluster.addFramework({ id: 'with-gpu', roles: ['r'], capabilities: GPU });
  const second = cluster.runCycle();
  assertOffered(second, 'with-gpu', 'gpu', { resources: 'cpus:4;mem:1024;gpus:1' }, cluster);
});

test('a framework without GPU_RESOURCES gets nothing at all from a GPU agent, not even its cpus; the agent goes on to the next framework', () => {
  const cluster = buildCluster({
    agents: [{ id: 'gpu', resources: 'cpus:4;mem:1024;gpus:2' }],
    frameworks: [{ id: 'a-no-gpu', roles: ['r'] }, { id: 'b-gpu', roles: ['r'], capabilities: GPU }],
  });
  const cycle = cluster.runCycle();
  assertNotOffered(cycle, 'a-no-gpu', 'gpu');
  assertOffered(cycle, 'b-gpu', 'gpu', { resources: 'cpus:4;mem:1024;gpus:2' }, cluster);
});

test('filterGpuResources=false: GPU agents (GPUs included) go to any framework', () => {
  const cluster = buildCluster({
    options: { filterGpuResources: false },
    agents: [{ id: 'gpu', resources: 'cpus:4;mem:1024;gpus:1' }],
    frameworks: [{ id: 'no-gpu', roles: ['r'] }],
  });
  assertOffered(cluster.runCycle(), 'no-gpu', 'gpu', { resources: 'cpus:4;mem:1024;gpus:1' }, cluster);
});

test('a GPU agent whose GPUs are all in use is still a GPU agent (the rule looks at the total)', () => {
  const cluster = buildCluster({ agents: [{ id: 'gpu', resources: 'cpus:4;mem:1024;gpus:1' }], frameworks: [{ id: 'with-gpu', roles: ['r'], capabilities: GPU }] });
  const offer = assertOffered(cluster.runCycle(), 'with-gpu', 'gpu', {}, cluster);
  cluster.launch('with-gpu', 'gpu', offer, parse('cpus:1;gpus:1').allocate('r'), 3600); // the rest is refused for an hour
  cluster.addFramework({ id: 'no-gpu', roles: ['other'] });
  assertNoOffers(cluster.runCycle(), 'cpus:3;mem:1024 left, but the agent has GPUs');
  assertReason(cluster, 'no-gpu', 'gpu', 'gpu-agent');
});

const MASTER_DOMAIN = { region: 'region-abc', zone: 'zone-1' };

test('AgentDomainDifferentRegion: an agent in another region goes only to REGION_AWARE frameworks', () => {
  const cluster = buildCluster({
    options: { domain: MASTER_DOMAIN },
    agents: [{ id: 'remote', resources: 'cpus:2;mem:512', domain: { region: 'region-xyz', zone: 'zone-1' } }],
    frameworks: [{ id: 'local-only', roles: ['r'] }],
  });
  assertNoOffers(cluster.runCycle());
  assertReason(cluster, 'local-only', 'remote', 'remote-region');
  cluster.addFramework({ id: 'aware', roles: ['r'], capabilities: ['MULTI_ROLE', 'REGION_AWARE'] });
  assertOffered(cluster.runCycle(), 'aware', 'remote', { resources: 'cpus:2;mem:512' }, cluster);
});

test('AgentDomainSameRegion / AgentDomainUnset: agents in the master\'s region (other zone) or without a domain go to everyone', () => {
  const cluster = buildCluster({
    options: { domain: MASTER_DOMAIN },
    agents: [
      { id: 'same-region', resources: 'cpus:2;mem:512', domain: { region: 'region-abc', zone: 'zone-2' } },
      { id: 'no-domain', resources: 'cpus:2;mem:512' },
    ],
    frameworks: [{ id: 'f1', roles: ['r1'] }, { id: 'f2', roles: ['r2'] }],
  });
  const cycle = cluster.runCycle();
  assert.equal(cycle.offerCount, 2);
  assert.deepEqual(cycle.entries().map((e) => e.frameworkId).sort(), ['f1', 'f2']);
});

test('SharedResourcesCapability: shared volumes are stripped for frameworks without SHARED_RESOURCES, offered to those with it', () => {
  const volume = scalar('disk', 5, { ...dynamic('role1'), disk: { persistence: { id: 'id1' }, volume: { container_path: 'data', mode: 'RW' } }, shared: {} });
  const resources = jsonResources([scalar('cpus', 100), scalar('mem', 100), scalar('disk', 95, { reservations: [{ type: 'STATIC', role: 'role1' }] }), volume]);
  const cluster = buildCluster({ agents: [{ id: 'a1', resources }], frameworks: [{ id: 'f1', roles: ['role1'] }] });
  const first = cluster.runCycle();
  const offer = assertOffered(first, 'f1', 'a1', { role: 'role1' }, cluster);
  assert.equal(offer.shared().size, 0, 'no shared volume without SHARED_RESOURCES');
  assert.ok(offer.unallocate().equals(parse(resources).nonShared()));
  cluster.decline('f1', 'a1', offer);
  cluster.engine.suppressOffers('f1');
  cluster.addFramework({ id: 'f2', roles: ['role1'], capabilities: ['MULTI_ROLE', 'SHARED_RESOURCES'] });
  const second = cluster.runCycle();
  const withVolume = assertOffered(second, 'f2', 'a1', { role: 'role1' }, cluster);
  assert.ok(withVolume.unallocate().equals(parse(resources)), `expected the whole agent with the volume, got ${withVolume}`);
});

test('MESOS-9554 (shared): when stripping leaves a framework nothing, the agent goes on to the next framework', () => {
  const volume = scalar('disk', 5, { ...dynamic('role1'), disk: { persistence: { id: 'id1' }, volume: { container_path: 'data', mode: 'RW' } }, shared: {} });
  const cluster = buildCluster({
    options: { minAllocatableResources: [] },
    agents: [{ id: 'a1', resources: jsonResources([volume]) }],
    frameworks: [{ id: 'a-plain', roles: ['role1'] }, { id: 'b-shared', roles: ['role1'], capabilities: ['MULTI_ROLE', 'SHARED_RESOURCES'] }],
  });
  const cycle = cluster.runCycle();
  assertNotOffered(cycle, 'a-plain', 'a1');
  const offer = assertOffered(cycle, 'b-shared', 'a1', { role: 'role1' }, cluster);
  assert.equal(offer.shared().size, 1);
});

test('OversubscribedNotAllocated: revocable resources are stripped for frameworks without REVOCABLE_RESOURCES', () => {
  const cluster = buildCluster({ agents: [{ id: 'a1', resources: 'cpus:100;mem:100;disk:100' }], frameworks: [{ id: 'f1', roles: ['role1'] }] });
  assertOffered(cluster.runCycle(), 'f1', 'a1', { resources: 'cpus:100;mem:100;disk:100' }, cluster);
  const withRevocable = jsonResources([scalar('cpus', 100), scalar('mem', 100), scalar('disk', 100), scalar('cpus', 10, { revocable: {} })]);
  cluster.engine.updateAgent('a1', { hostname: 'a1', attributes: [] }, parse(withRevocable));
  assertNoOffers(cluster.runCycle(), 'the oversubscribed cpus are not offered to f1');
  cluster.addFramework({ id: 'f2', roles: ['role2'], capabilities: ['MULTI_ROLE', 'REVOCABLE_RESOURCES'] });
  const cycle = cluster.runCycle();
  const offer = assertOffered(cycle, 'f2', 'a1', {}, cluster);
  assert.ok(offer.unallocate().equals(parse(jsonResources([scalar('cpus', 10, { revocable: {} })]))));
});

test('MESOS-9554 (revocable): a framework that can take nothing of an agent does not stop the role\'s loop', () => {
  const cluster = buildCluster({
    agents: [{ id: 'a1', resources: jsonResources([scalar('cpus', 4, { revocable: {} }), scalar('mem', 256, { revocable: {} })]) }],
    frameworks: [{ id: 'a-plain', roles: ['r'] }, { id: 'b-revocable', roles: ['r'], capabilities: ['MULTI_ROLE', 'REVOCABLE_RESOURCES'] }],
  });
  const cycle = cluster.runCycle();
  assertNotOffered(cycle, 'a-plain', 'a1');
  assertOffered(cycle, 'b-revocable', 'a1', {}, cluster);
});

test('FrameworkLoopMESOS_9554: refined reservations are stripped without RESERVATION_REFINEMENT and the agent goes to the next framework', () => {
  const cluster = buildCluster({ frameworks: [{ id: 'framework1', roles: ['parent/child'], capabilities: ['MULTI_ROLE', 'RESERVATION_REFINEMENT'] }] });
  cluster.addAgent({ id: 'a1', resources: 'cpus:1;mem:1;disk:1' });
  assertOffered(cluster.runCycle(), 'framework1', 'a1', { role: 'parent/child', resources: 'cpus:1;mem:1;disk:1' }, cluster);
  // framework2 has share 0 and sorts first, but cannot take refined reservations.
  cluster.addFramework({ id: 'framework2', roles: ['parent/child'] });
  assertNoOffers(cluster.runCycle(), 'nothing to offer yet');
  const refined = jsonResources(['cpus', 'mem', 'disk'].map((name) => scalar(name, 1, dynamic('parent', 'parent/child'))));
  cluster.addAgent({ id: 'a2', resources: refined });
  const cycle = cluster.runCycle();
  assertNotOffered(cycle, 'framework2', 'a2');
  assertOffered(cycle, 'framework1', 'a2', { role: 'parent/child', resources: parse(refined) }, cluster);
});

test('refined reservations are stripped, single-level reservations and unreserved resources kept, for a framework without RESERVATION_REFINEMENT', () => {
  const resources = jsonResources([scalar('cpus', 1, dynamic('a', 'a/b')), scalar('cpus', 2, dynamic('a/b')), scalar('mem', 64)]);
  const cluster = buildCluster({ agents: [{ id: 'a1', resources }], frameworks: [{ id: 'old', roles: ['a/b'] }] });
  const offer = assertOffered(cluster.runCycle(), 'old', 'a1', { role: 'a/b' }, cluster);
  assert.equal(offer.cpus(), 2);
  assert.ok(offer.toArray().every((r) => r.reservations.length <= 1));
});

test('DontOfferOldAgentToMultiRoleFramework: a MULTI_ROLE framework is implicitly filtered from an agent without MULTI_ROLE', () => {
  const cluster = buildCluster({ agents: [{ id: 'old', resources: 'cpus:2;mem:1024', capabilities: [] }], frameworks: [{ id: 'multi', roles: ['foo'] }] });
  assertNoOffers(cluster.runCycle());
  assertNoOffers(nextPeriodic(cluster));
  assertReason(cluster, 'multi', 'old', 'implicit-filter');
  cluster.addFramework({ id: 'legacy', roles: ['foo'], capabilities: [] });
  assertOffered(cluster.runCycle(), 'legacy', 'old', { role: 'foo', resources: 'cpus:2;mem:1024' }, cluster);
});

test('UpdateSlaveCapabilities: an agent that gains MULTI_ROLE triggers a cycle and is offered to the MULTI_ROLE framework', () => {
  const cluster = buildCluster({ agents: [{ id: 'a1', resources: 'cpus:1;mem:1;disk:1', capabilities: [] }], frameworks: [{ id: 'f1', roles: ['role1'] }] });
  assertNoOffers(cluster.runCycle());
  cluster.clock.advance(100);
  cluster.engine.updateAgent('a1', { hostname: 'a1', attributes: [] }, undefined, ['MULTI_ROLE', 'HIERARCHICAL_ROLE', 'RESERVATION_REFINEMENT']);
  assert.equal(cluster.engine.nextCycleAt(), cluster.clock.now());
  assertOffered(cluster.runCycle(), 'f1', 'a1', { resources: 'cpus:1;mem:1;disk:1' }, cluster);
});

test('a hierarchical role is implicitly filtered from an agent without HIERARCHICAL_ROLE; a top-level role is not', () => {
  const cluster = buildCluster({
    agents: [{ id: 'flat', resources: 'cpus:2;mem:1024', capabilities: ['MULTI_ROLE'] }],
    frameworks: [{ id: 'a-nested', roles: ['a/b'] }, { id: 'b-top', roles: ['b'] }],
  });
  const cycle = cluster.runCycle();
  assertNotOffered(cycle, 'a-nested', 'flat');
  assertOffered(cycle, 'b-top', 'flat', { role: 'b', resources: 'cpus:2;mem:1024' }, cluster);
  assertReason(cluster, 'a-nested', 'flat', 'implicit-filter', 'a/b');
});

test('a MULTI_ROLE framework with a nested and a top-level role is offered a non-HIERARCHICAL_ROLE agent in the top-level role only', () => {
  const cluster = buildCluster({
    agents: [{ id: 'flat', resources: 'cpus:2;mem:1024', capabilities: ['MULTI_ROLE'] }],
    frameworks: [{ id: 'f1', roles: ['a/b', 'z'] }],
  });
  const cycle = cluster.runCycle();
  assertOffered(cycle, 'f1', 'flat', { role: 'z', resources: 'cpus:2;mem:1024' }, cluster);
  assert.equal(cycle.offered('f1', 'flat', 'a/b'), undefined);
});
