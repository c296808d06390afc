// DRFSorter's hierarchy rules against Mesos's sorter tests (src/tests/sorter_tests.cpp): subtrees,
// virtual leaves, collapsing, and weights on inner nodes. Each test names the Mesos case it
// follows. Shares in comments are (allocated / total) / weight.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DRFSorter } from '../../../src/allocator/sorter/index.ts';
import { q, quantities, r, withClients } from './common-sorter-tests.ts';

const AGENT = 'agentId';

/** A sorter with one agent of `cpus:100;mem:100`. */
function hundred(): DRFSorter {
  const s = new DRFSorter();
  s.addAgent(AGENT, q('cpus:100;mem:100'));
  return s;
}

test('subtrees compete by their total, clients within them by their own (Mesos HierarchicalAllocation)', () => {
  const s = withClients(hundred(), 'a', 'b/c', 'b/d');
  assert.equal(s.count(), 3);
  assert.ok(s.contains('a') && !s.contains('b') && s.contains('b/c'));
  assert.deepEqual(s.sort(), ['a', 'b/c', 'b/d']);
  const aRes = r('cpus:6;mem:6');
  const cRes = r('cpus:4;mem:4');
  const dRes = r('cpus:3;mem:3');
  s.allocated('a', AGENT, aRes);
  assert.deepEqual(s.sort(), ['b/c', 'b/d', 'a']);
  s.allocated('b/c', AGENT, cRes);
  s.allocated('b/d', AGENT, dRes);
  assert.deepEqual(s.sort(), ['a', 'b/d', 'b/c']); // a .06 < b .07
  assert.ok(s.allocationOnAgent('a', AGENT).equals(aRes));
  assert.ok(s.allocationOnAgent('b/d', AGENT).equals(dRes));
  assert.deepEqual(quantities(s.allocationScalarQuantities('b/c')), { cpus: 4, mem: 4 });
  assert.deepEqual(quantities(s.allocationScalarQuantities()), { cpus: 13, mem: 13 });
  s.allocated('a', AGENT, r('cpus:2;mem:2'));
  assert.deepEqual(s.sort(), ['b/d', 'b/c', 'a']); // a .08 > b .07
  withClients(s, 'b/e/f');
  assert.ok(!s.contains('b/e'));
  assert.deepEqual(s.sort(), ['b/e/f', 'b/d', 'b/c', 'a']);
  const fRes = r('cpus:3.5;mem:3.5');
  s.allocated('b/e/f', AGENT, fRes);
  assert.deepEqual(s.sort(), ['a', 'b/d', 'b/e/f', 'b/c']); // b .105 > a .08
  s.remove('b/e/f');
  assert.ok(!s.contains('b/e/f'));
  assert.equal(s.count(), 3);
  assert.deepEqual(s.sort(), ['b/d', 'b/c', 'a'], 'removal takes the client out of its ancestors');
  s.update('b/c', AGENT, cRes, r('cpus:1;mem:1'));
  assert.deepEqual(s.sort(), ['b/c', 'b/d', 'a'], 'update changes the ancestors too');
  withClients(s, 'b/e/f').allocated('b/e/f', AGENT, fRes);
  assert.deepEqual(s.sort(), ['b/c', 'b/d', 'b/e/f', 'a']);
  assert.equal(s.count(), 4);
});

test('sort() is a pre-order walk; a client with children competes with them (Mesos HierarchicalIterationOrder)', () => {
  const s = withClients(hundred(), 'a/b', 'c', 'd', 'd/e');
  assert.deepEqual(s.sort(), ['a/b', 'c', 'd', 'd/e']);
  s.allocated('c', AGENT, r('cpus:8;mem:8'));
  assert.deepEqual(s.sort(), ['a/b', 'd', 'd/e', 'c']);
  s.allocated('d', AGENT, r('cpus:3;mem:3'));
  s.allocated('d/e', AGENT, r('cpus:2;mem:2'));
  assert.deepEqual(s.sort(), ['a/b', 'd/e', 'd', 'c']);
  s.allocated('a/b', AGENT, r('cpus:6;mem:6'));
  assert.deepEqual(s.sort(), ['d/e', 'd', 'a/b', 'c']);
});

test('a child added to a leaf moves the client into a virtual leaf; weights apply among siblings (Mesos AddChildToLeaf)', () => {
  const s = withClients(hundred(), 'a', 'b');
  s.allocated('a', AGENT, r('cpus:10;mem:10'));
  s.allocated('b', AGENT, r('cpus:6;mem:6'));
  assert.deepEqual(s.sort(), ['b', 'a']);
  withClients(s, 'a/c').allocated('a/c', AGENT, r('cpus:5;mem:5'));
  assert.deepEqual(s.sort(), ['b', 'a/c', 'a']); // subtree a .15 > b .06; inside a: a/c .05 < a .10
  assert.equal(s.allocationCount('a'), 1, 'the virtual leaf keeps the client count');
  s.remove('a');
  assert.ok(!s.contains('a'));
  assert.deepEqual(s.sort(), ['a/c', 'b']); // subtree a is now .05
  withClients(s, 'a').allocated('a', AGENT, r('cpus:10;mem:10'));
  assert.ok(s.contains('a'));
  assert.deepEqual(s.sort(), ['b', 'a/c', 'a']);
  s.updateWeight('a/c', 0.2);
  assert.deepEqual(s.sort(), ['b', 'a', 'a/c'], 'client a weighs 1 against a/c'); // a/c .25
  s.updateWeight('a', 3);
  assert.deepEqual(s.sort(), ['a', 'a/c', 'b'], 'the weight of a applies to subtree a against b'); // a .05
  s.updateWeight('a/c', 1);
  assert.deepEqual(s.sort(), ['a/c', 'a', 'b']);
});

test('a client added at an internal node gets a fresh virtual leaf (Mesos AddChildToInternal)', () => {
  const s = withClients(hundred(), 'x/a', 'x/b');
  s.allocated('x/a', AGENT, r('cpus:10;mem:10'));
  s.allocated('x/b', AGENT, r('cpus:6;mem:6'));
  assert.deepEqual(s.sort(), ['x/b', 'x/a']);
  withClients(s, 'x').allocated('x', AGENT, r('cpus:7;mem:7'));
  assert.deepEqual(s.sort(), ['x/b', 'x', 'x/a']);
  withClients(s, 'z').allocated('z', AGENT, r('cpus:20;mem:20'));
  assert.deepEqual(s.sort(), ['z', 'x/b', 'x', 'x/a']); // z .20 < x .23
  s.remove('x');
  assert.deepEqual(s.sort(), ['x/b', 'x/a', 'z']); // x .16
});

test('a child added under an inactive leaf is sorted; the inactive client is not (Mesos AddChildToInactiveLeaf)', () => {
  const s = withClients(hundred(), 'a', 'b');
  s.allocated('a', AGENT, r('cpus:10;mem:10'));
  s.allocated('b', AGENT, r('cpus:6;mem:6'));
  s.deactivate('a');
  assert.deepEqual(s.sort(), ['b']);
  withClients(s, 'a/c').allocated('a/c', AGENT, r('cpus:5;mem:5'));
  assert.deepEqual(s.sort(), ['b', 'a/c'], "the inactive client's allocation still counts for subtree a");
});

test('weights set on internal nodes before their clients exist (Mesos ChangeWeightOnSubtree)', () => {
  const s = hundred();
  s.updateWeight('b', 3);
  s.updateWeight('a', 2);
  withClients(s, 'a/x', 'b/y');
  assert.deepEqual(s.sort(), ['a/x', 'b/y']);
  s.allocated('a/x', AGENT, r('cpus:10;mem:10'));
  s.allocated('b/y', AGENT, r('cpus:10;mem:10'));
  assert.deepEqual(s.sort(), ['b/y', 'a/x']); // a .05, b .033
  withClients(s, 'b/z').allocated('b/z', AGENT, r('cpus:5;mem:5'));
  // b is 0.15 / 3 and a 0.1 / 2: equal on paper, but 0.15 / 3 is 0.049999999999999996 in doubles,
  // so b comes first (Mesos's expectation relies on the same rounding; by count a would win).
  assert.deepEqual(s.sort(), ['b/z', 'b/y', 'a/x']);
  withClients(s, 'b').allocated('b', AGENT, r('cpus:4;mem:4'));
  assert.deepEqual(s.sort(), ['a/x', 'b', 'b/z', 'b/y']); // b .063
  withClients(s, 'a/zz').allocated('a/zz', AGENT, r('cpus:2;mem:2'));
  assert.deepEqual(s.sort(), ['a/zz', 'a/x', 'b', 'b/z', 'b/y']); // a .06
});

test('a weight change reaches an internal node that has no client of its own (deliberate difference from Mesos)', () => {
  const s = withClients(hundred(), 'a/x', 'b/y');
  s.allocated('a/x', AGENT, r('cpus:10;mem:10'));
  s.allocated('b/y', AGENT, r('cpus:12;mem:12'));
  assert.deepEqual(s.sort(), ['a/x', 'b/y']);
  // Mesos would keep b's cached weight 1 here until b is re-created.
  s.updateWeight('b', 2);
  assert.deepEqual(s.sort(), ['b/y', 'a/x']); // b .06
});
