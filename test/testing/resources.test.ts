// The assertion helpers users get from mesos-policy/testing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertResourcesEqual, assertResourcesContain } from '../../src/testing/index.ts';
import { parseResources } from '../../src/resources/index.ts';

test('assertResourcesEqual passes on Mesos-equal values and explains a difference', () => {
  assertResourcesEqual(parseResources('mem:2;cpus:1'), 'cpus:1;mem:2');
  assert.throws(
    () => assertResourcesEqual('cpus:1;mem:2', 'cpus:2;mem:2'),
    (e: unknown) => e instanceof assert.AssertionError && /missing:\s+cpus:1/.test(e.message) && /actual:\s+cpus:1; mem:2/.test(e.message),
  );
});

test('assertResourcesContain explains what is missing', () => {
  assertResourcesContain('cpus:4;ports:[1-10]', 'ports:[2-3]');
  assert.throws(() => assertResourcesContain('cpus(prod):4', 'cpus:1'), /missing: cpus:1/);
});
