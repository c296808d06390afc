// Conformance: minimum allocatable resources (hierarchical.cpp `allocatable`, applied to what is
// available for the role and again to what would be offered; reference §2.1, §4.8, §4.13 rule 5).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildCluster, assertOffered, assertNotOffered } from '../../../src/testing/index.ts';
import { parseResourceQuantities, parseResources } from '../../../src/resources/index.ts';
import type { FrameworkInfo } from '../../../src/allocator/types.ts';
import { assertNoOffers, assertReason, jsonResources, nextPeriodic, scalar } from './support.ts';

function parse(text: string) {
  return parseResources(text, { commandLine: false });
}

const TOO_SMALL = 'cpus:0.005;mem:16;disk:128'; // half of cpus:0.01 and half of mem:32

test('Allocatable: with the default cpus:0.01|mem:32 an agent needs 0.01 cpus or 32 MB, reserved and unreserved parts summed', () => {
  const cluster = buildCluster({ frameworks: [{ id: 'f1', roles: ['role1'] }] });
  cluster.addAgent({ id: 'small', resources: TOO_SMALL });
  assertNoOffers(cluster.runCycle(), 'neither enough cpus nor enough mem');
  assertReason(cluster, 'f1', 'small', 'below-min-allocatable', 'role1');
  cluster.addAgent({ id: 'cpus', resources: 'cpus:0.01;mem:16;disk:128' });
  assertOffered(cluster.runCycle(), 'f1', 'cpus', { resources: 'cpus:0.01;mem:16;disk:128' }, cluster);
  cluster.addAgent({ id: 'mem', resources: 'cpus:0.005;mem:32;disk:128' });
  assertOffered(cluster.runCycle(), 'f1', 'mem', { resources: 'cpus:0.005;mem:32;disk:128' }, cluster);
  // cpus 0.015 + 0.015 and mem 16 + 16, split across unreserved and reserved-for-role1.
  cluster.addAgent({ id: 'split', resources: 'cpus:0.015;mem:16;cpus(role1):0.015;mem(role1):16;disk:128' });
  assertOffered(cluster.runCycle(), 'f1', 'split', { resources: 'cpus:0.015;mem:16;cpus(role1):0.015;mem(role1):16;disk:128' }, cluster);
});

test('the global option: alternatives ORed, quantities within one ANDed (disk:100|cpus:1;mem:64)', () => {
  const cluster = buildCluster({
    options: { minAllocatableResources: 'disk:100|cpus:1;mem:64' },
    agents: [
      { id: 'disk', resources: 'disk:100;cpus:0.1' },
      { id: 'both', resources: 'cpus:1;mem:64' },
      { id: 'cpus-only', resources: 'cpus:8;mem:63' },
    ],
    frameworks: [{ id: 'f1', roles: ['r'] }],
  });
  const cycle = cluster.runCycle();
  assertOffered(cycle, 'f1', 'disk', {}, cluster);
  assertOffered(cycle, 'f1', 'both', {}, cluster);
  assertNotOffered(cycle, 'f1', 'cpus-only');
});

test('an empty global option allows any non-empty offer', () => {
  const cluster = buildCluster({ options: { minAllocatableResources: [] }, agents: [{ id: 'a1', resources: 'disk:1' }], frameworks: [{ id: 'f1', roles: ['r'] }] });
  assertOffered(cluster.runCycle(), 'f1', 'a1', { resources: 'disk:1' }, cluster);
});

test('FrameworkMinAllocatable: a framework\'s per-role minimum below the global one lets a small agent through (set later by updateFramework)', () => {
  const cluster = buildCluster({ options: { minAllocatableResources: 'cpus:0.01|mem:32' }, frameworks: [{ id: 'f1', roles: ['role1'] }] });
  cluster.addAgent({ id: 'a1', resources: TOO_SMALL });
  assertNoOffers(cluster.runCycle());
  const info: FrameworkInfo = { roles: ['role1'], capabilities: ['MULTI_ROLE'], minAllocatableResources: { role1: [parseResourceQuantities('cpus:0.003')] } };
  cluster.engine.updateFramework('f1', info);
  assertOffered(nextPeriodic(cluster), 'f1', 'a1', { role: 'role1', resources: TOO_SMALL }, cluster);
});

test('a framework\'s per-role minimum wins over the global one even when it is stricter', () => {
  const cluster = buildCluster({ agents: [{ id: 'a1', resources: 'cpus:0.5;mem:1024' }], frameworks: [{ id: 'a-picky', roles: ['r'], minAllocatable: { r: 'cpus:1' } }] });
  assertNoOffers(cluster.runCycle(), 'cpus:0.5;mem:1024 satisfies the global minimum, not the framework\'s');
  assertReason(cluster, 'a-picky', 'a1', 'below-min-allocatable', 'r');
  // The framework is skipped on its turn; the next one of the role gets the agent.
  cluster.addFramework({ id: 'b-easy', roles: ['r'] });
  const cycle = cluster.runCycle();
  assertNotOffered(cycle, 'a-picky', 'a1');
  assertOffered(cycle, 'b-easy', 'a1', { resources: 'cpus:0.5;mem:1024' }, cluster);
});

test('a framework\'s minimum applies only to the role it is given for', () => {
  const cluster = buildCluster({
    agents: [{ id: 'a1', resources: 'cpus:0.5;mem:1024' }],
    frameworks: [{ id: 'f1', roles: ['a', 'b'], minAllocatable: { a: 'cpus:1' } }],
  });
  const cycle = cluster.runCycle();
  assert.equal(cycle.offered('f1', 'a1', 'a'), undefined);
  assertOffered(cycle, 'f1', 'a1', { role: 'b', resources: 'cpus:0.5;mem:1024' }, cluster);
});

test('FrameworkEmptyMinAllocatable: an empty per-role minimum accepts any resources, whatever the global minimum', () => {
  const cluster = buildCluster({ options: { minAllocatableResources: 'cpus:0.01|mem:32' } });
  const info: FrameworkInfo = { roles: ['role1'], capabilities: ['MULTI_ROLE'], minAllocatableResources: { role1: [] } };
  cluster.engine.addFramework('f1', info, new Map(), true);
  cluster.addAgent({ id: 'a1', resources: TOO_SMALL });
  assertOffered(cluster.runCycle(), 'f1', 'a1', { role: 'role1', resources: TOO_SMALL }, cluster);
  cluster.addAgent({ id: 'a2', resources: 'disk:1' });
  assertOffered(cluster.runCycle(), 'f1', 'a2', { resources: 'disk:1' }, cluster);
});

test('the minimum is checked on what would be offered after stripping: revocable cpus a framework cannot take do not count', () => {
  const resources = jsonResources([scalar('cpus', 0.005), scalar('mem', 16), scalar('cpus', 4, { revocable: {} })]);
  const cluster = buildCluster({ agents: [{ id: 'a1', resources }], frameworks: [{ id: 'plain', roles: ['r'] }] });
  assertNoOffers(cluster.runCycle(), 'cpus:0.005;mem:16 is below the minimum once the revocable cpus are stripped');
  cluster.addFramework({ id: 'revocable', roles: ['r'], capabilities: ['MULTI_ROLE', 'REVOCABLE_RESOURCES'] });
  const cycle = cluster.runCycle();
  assertOffered(cycle, 'revocable', 'a1', { resources: parse(resources) }, cluster);
});

test('what a role may not take does not count towards its minimum (another role\'s reservation)', () => {
  const cluster = buildCluster({ agents: [{ id: 'a1', resources: 'cpus(other):4;mem(other):1024;cpus:0.005;mem:16' }], frameworks: [{ id: 'f1', roles: ['r'] }] });
  assertNoOffers(cluster.runCycle());
  assertReason(cluster, 'f1', 'a1', 'below-min-allocatable', 'r');
});

test('leftovers below the minimum after a launch are not offered; they are when a task ends', () => {
  const cluster = buildCluster({ agents: [{ id: 'a1', resources: 'cpus:1;mem:64' }], frameworks: [{ id: 'f1', roles: ['r'] }] });
  const offer = assertOffered(cluster.runCycle(), 'f1', 'a1', {}, cluster);
  const task = parse('cpus:0.995;mem:40').allocate('r');
  cluster.launch('f1', 'a1', offer, task, 0);
  assertNoOffers(nextPeriodic(cluster), 'cpus:0.005;mem:24 is left: below cpus:0.01|mem:32');
  cluster.finish('f1', 'a1', task);
  assertOffered(nextPeriodic(cluster), 'f1', 'a1', { resources: 'cpus:1;mem:64' }, cluster);
});
