// The min-allocatable rule (hierarchical.cpp `allocatable`, reference §4.8).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_MIN_ALLOCATABLE_RESOURCES, isAllocatable, parseMinAllocatableResources } from '../../src/allocator/min-allocatable.ts';
import { parseResources, Resources } from '../../src/resources/index.ts';

const defaults = parseMinAllocatableResources(DEFAULT_MIN_ALLOCATABLE_RESOURCES);

test('the default cpus:0.01|mem:32 accepts an offer with either', () => {
  assert.equal(defaults.length, 2);
  assert.ok(isAllocatable(parseResources('cpus:0.01'), defaults));
  assert.ok(isAllocatable(parseResources('mem:32'), defaults));
  assert.ok(!isAllocatable(parseResources('cpus:0.009;mem:31;disk:1000'), defaults));
});

test('alternatives are ORed, quantities within one ANDed, ranges counted by element', () => {
  const min = parseMinAllocatableResources('disk:1|cpus:1;mem:32;ports:1');
  assert.ok(isAllocatable(parseResources('disk:1'), min));
  assert.ok(isAllocatable(parseResources('cpus:1;mem:32;ports:[5-5]'), min));
  assert.ok(!isAllocatable(parseResources('cpus:1;mem:32'), min));
});

test('an empty offer is never allocatable; no minimum allows any non-empty offer', () => {
  assert.ok(!isAllocatable(Resources.EMPTY, undefined));
  assert.ok(isAllocatable(parseResources('disk:1'), undefined));
  assert.ok(isAllocatable(parseResources('disk:1'), []));
});

test("a framework's per-role minimum wins over the global one", () => {
  const frameworkMinimum = parseMinAllocatableResources('gpus:1');
  assert.ok(!isAllocatable(parseResources('cpus:4;mem:1024'), defaults, frameworkMinimum));
  assert.ok(isAllocatable(parseResources('cpus:0.001'), defaults, []), 'an empty override allows anything');
});
