// ResourceQuantities / ResourceLimits text and Resources.containsQuantities (resource_quantities.cpp).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseResourceQuantities, parseResourceLimits, parseResources, ResourceParseError } from '../../src/resources/index.ts';

test('quantities: scalars only, zero dropped, repeated names add up', () => {
  assert.deepEqual(Object.fromEntries(parseResourceQuantities('cpus:0.01; mem:32')), { cpus: 0.01, mem: 32 });
  assert.deepEqual(Object.fromEntries(parseResourceQuantities('cpus:0;mem:1;mem:2')), { mem: 3 });
  assert.deepEqual(Object.fromEntries(parseResourceQuantities('')), {});
  for (const [text, reason] of [['cpus:-1', /only scalar/], ['ports:[1-2]', /only scalar/], ['cpus', /missing or extra ':'/], ['cpus:1:2', /missing or extra ':'/]] as const) {
    assert.throws(() => parseResourceQuantities(text), (e: unknown) => e instanceof ResourceParseError && reason.test(e.message), text);
  }
});

test('limits: zero kept, duplicates refused', () => {
  assert.deepEqual(Object.fromEntries(parseResourceLimits('cpus:10;mem:0')), { cpus: 10, mem: 0 });
  assert.throws(() => parseResourceLimits('cpus:1;cpus:2'), /duplicate names/);
});

test('containsQuantities sums across reservations; ranges count elements, sets items', () => {
  const r = parseResources('cpus(a):0.5;cpus:0.5;mem:16;ports:[1-3];bugs:{x,y}');
  assert.ok(r.containsQuantities(parseResourceQuantities('cpus:1')));
  assert.ok(!r.containsQuantities(parseResourceQuantities('cpus:1.001')));
  assert.ok(r.containsQuantities(parseResourceQuantities('ports:3;bugs:2')));
  assert.ok(!r.containsQuantities(parseResourceQuantities('ports:4')));
  assert.ok(!r.containsQuantities(parseResourceQuantities('gpus:1')));
  assert.ok(r.containsQuantities(new Map()));
});
