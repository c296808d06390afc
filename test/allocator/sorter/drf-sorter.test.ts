// DRFSorter against Mesos's own sorter tests (src/tests/sorter_tests.cpp), re-expressed; each test
// names the Mesos case it follows (the nested-role cases are in drf-sorter-hierarchy.test.ts).
// Shares in comments are (allocated / total) / weight.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Resources } from '../../../src/resources/index.ts';
import { DRFSorter } from '../../../src/allocator/sorter/index.ts';
import { commonSorterTests, q, quantities, r, volume, withClients } from './common-sorter-tests.ts';

const AGENT = 'agentId';

/** A sorter with one agent of `cpus:100;mem:100`. */
function hundred(): DRFSorter {
  const s = new DRFSorter();
  s.addAgent(AGENT, q('cpus:100;mem:100'));
  return s;
}

commonSorterTests('DRFSorter', () => new DRFSorter());

// Mesos's DRF, ShallowHierarchy and DeepHierarchy run one sequence with differently nested names:
// nesting in disjoint branches must not change the order.
function drfSequence(name: (c: string) => string): void {
  const s = hundred();
  const alloc = (c: string, text: string) => s.allocated(name(c), AGENT, r(text));
  const add = (c: string) => withClients(s, name(c));
  const expect = (...cs: string[]) => assert.deepEqual(s.sort(), cs.map(name));

  expect();
  add('a');
  alloc('a', 'cpus:5;mem:5');
  add('b');
  alloc('b', 'cpus:6;mem:6');
  expect('a', 'b'); // a .05, b .06
  add('c');
  alloc('c', 'cpus:1;mem:1');
  add('d');
  alloc('d', 'cpus:3;mem:1');
  expect('c', 'd', 'a', 'b'); // c .01, d .03
  s.remove(name('a'));
  s.unallocated(name('b'), AGENT, r('cpus:4;mem:4'));
  expect('c', 'b', 'd'); // b .02
  add('e');
  alloc('e', 'cpus:1;mem:5');
  s.removeAgent(AGENT);
  s.addAgent(AGENT, q('cpus:50;mem:100'));
  expect('c', 'b', 'e', 'd'); // b .04, c .02, d .06, e .05
  s.removeAgent(AGENT);
  s.addAgent(AGENT, q('cpus:50;mem:200'));
  add('f');
  alloc('f', 'cpus:5;mem:1');
  alloc('c', 'cpus:0;mem:15');
  expect('e', 'b', 'd', 'c', 'f'); // b .04, c .08, d .06, e .025, f .1
  assert.ok(s.contains(name('b')));
  assert.ok(!s.contains(name('a')));
  assert.equal(s.count(), 5);
  s.deactivate(name('d'));
  assert.ok(s.contains(name('d')));
  expect('e', 'b', 'c', 'f');
  assert.equal(s.count(), 5);
  s.activate(name('d'));
  expect('e', 'b', 'd', 'c', 'f');
}

test('lowest dominant share first; totals follow agents being replaced (Mesos DRFSorterTest.DRF)', () => {
  drfSequence((c) => c);
});

test('nesting in disjoint branches changes nothing (Mesos ShallowHierarchy)', () => {
  drfSequence((c) => `${c}/${c}`);
});

test('clients at different depths compare by their top-level subtrees (Mesos DeepHierarchy)', () => {
  const depth: Record<string, number> = { a: 5, b: 4, c: 3, d: 2, e: 6, f: 2 };
  drfSequence((c) => Array(depth[c]).fill(c).join('/'));
});

test('weights divide shares (Mesos WDRF)', () => {
  const s = hundred();
  withClients(s, 'a').allocated('a', AGENT, r('cpus:5;mem:5'));
  withClients(s, 'b').updateWeight('b', 2);
  s.allocated('b', AGENT, r('cpus:6;mem:6'));
  assert.deepEqual(s.sort(), ['b', 'a']); // a .05, b .03
  withClients(s, 'c').allocated('c', AGENT, r('cpus:4;mem:4'));
  assert.deepEqual(s.sort(), ['b', 'c', 'a']);
  withClients(s, 'd').updateWeight('d', 10);
  s.allocated('d', AGENT, r('cpus:10;mem:20'));
  assert.deepEqual(s.sort(), ['d', 'b', 'c', 'a']); // d .02
  s.remove('b');
  assert.deepEqual(s.sort(), ['d', 'c', 'a']);
  s.allocated('d', AGENT, r('cpus:10;mem:25'));
  assert.deepEqual(s.sort(), ['c', 'd', 'a']); // d .045
  withClients(s, 'e').updateWeight('e', 0.1);
  s.allocated('e', AGENT, r('cpus:1;mem:1'));
  assert.deepEqual(s.sort(), ['c', 'd', 'a', 'e']); // e .1
  s.remove('a');
  assert.deepEqual(s.sort(), ['c', 'd', 'e']);
  assert.equal(s.share('e'), 0.01 / 0.1);
});

test('changing a weight re-sorts (Mesos UpdateWeight)', () => {
  const s = withClients(hundred(), 'a', 'b');
  s.allocated('a', AGENT, r('cpus:5;mem:5'));
  s.allocated('b', AGENT, r('cpus:6;mem:6'));
  assert.deepEqual(s.sort(), ['a', 'b']);
  s.updateWeight('b', 2);
  assert.deepEqual(s.sort(), ['b', 'a']); // b .03
});

test('equal shares are ordered by allocation count, which never goes down (Mesos AllocationCountTieBreak)', () => {
  const s = withClients(hundred(), 'a', 'b', 'c', 'd', 'e');
  for (const [c, text] of [['a', 'cpus:3;mem:3'], ['b', 'cpus:3;mem:3'], ['c', 'cpus:1;mem:1'], ['c', 'cpus:1;mem:1'], ['c', 'cpus:1;mem:1'], ['d', 'cpus:2;mem:2'], ['d', 'cpus:1;mem:1'], ['e', 'cpus:3;mem:3']] as const) {
    s.allocated(c, AGENT, r(text));
  }
  assert.deepEqual(s.sort(), ['a', 'b', 'e', 'd', 'c']); // counts a,b,e 1; d 2; c 3
  s.unallocated('c', AGENT, r('cpus:3;mem:3'));
  assert.deepEqual(s.sort(), ['c', 'a', 'b', 'e', 'd']);
  s.allocated('c', AGENT, r('cpus:3;mem:3'));
  assert.deepEqual(s.sort(), ['a', 'b', 'e', 'd', 'c']); // c 4
  s.deactivate('c');
  s.activate('c');
  assert.deepEqual(s.sort(), ['a', 'b', 'e', 'd', 'c'], 'deactivation keeps the count');
  s.unallocated('c', AGENT, r('cpus:3;mem:3'));
  s.allocated('c', AGENT, r('cpus:3;mem:3'));
  assert.deepEqual(s.sort(), ['a', 'b', 'e', 'd', 'c']); // c 5
  s.deactivate('a');
  s.unallocated('a', AGENT, r('cpus:1;mem:3'));
  s.allocated('a', AGENT, r('cpus:1;mem:3'));
  assert.deepEqual(s.sort(), ['b', 'e', 'd', 'c']);
  s.activate('a');
  assert.deepEqual(s.sort(), ['b', 'e', 'a', 'd', 'c'], 'allocations to an inactive client count');
  assert.equal(s.allocationCount('a'), 2);
  assert.equal(s.allocationCount('c'), 5);
});

test('the last tie-breaker is the name as a plain string: framework10 before framework2', () => {
  const s = withClients(hundred(), 'framework2', 'framework10', 'framework1');
  assert.deepEqual(s.sort(), ['framework1', 'framework10', 'framework2']);
  s.allocated('framework1', AGENT, r('cpus:1'));
  s.allocated('framework2', AGENT, r('cpus:1'));
  s.allocated('framework10', AGENT, r('cpus:1'));
  assert.deepEqual(s.sort(), ['framework1', 'framework10', 'framework2']);
});

test('objects of one resource split across several volumes are summed (Mesos SplitResourceShares)', () => {
  const s = withClients(new DRFSorter(), 'a', 'b');
  s.addAgent(AGENT, q('cpus:100;mem:100;disk:100'));
  s.allocated('a', AGENT, r('cpus:9;mem:9;disk(r):9'));
  s.allocated('b', AGENT, r('cpus:9;mem:9').plus([volume('ID1', 5), volume('ID2', 5)]));
  assert.deepEqual(s.sort(), ['a', 'b']); // b holds disk 10 > 9
});

test('the pool follows agents being removed and re-added (Mesos UpdateTotal, MultipleSlavesUpdateTotal)', () => {
  const s = withClients(new DRFSorter(), 'a', 'b');
  s.addAgent(AGENT, q('cpus:10;mem:100'));
  s.allocated('a', AGENT, r('cpus:2;mem:1'));
  s.allocated('b', AGENT, r('cpus:1;mem:2'));
  assert.deepEqual(s.sort(), ['b', 'a']);
  s.removeAgent(AGENT);
  s.addAgent(AGENT, q('cpus:100;mem:10'));
  assert.deepEqual(s.sort(), ['a', 'b']); // mem dominates now

  const m = withClients(new DRFSorter(), 'a', 'b');
  m.addAgent('agentA', q('cpus:5;mem:50'));
  m.addAgent('agentB', q('cpus:5;mem:50'));
  m.allocated('a', 'agentA', r('cpus:2;mem:1'));
  m.allocated('b', 'agentB', r('cpus:1;mem:3'));
  assert.deepEqual(m.sort(), ['b', 'a']);
  m.removeAgent('agentA');
  m.addAgent('agentA', q('cpus:95;mem:50'));
  assert.deepEqual(m.sort(), ['a', 'b']); // a .02, b .03
});

test('resources taken out of the pool and the allocation (Mesos RemoveResources)', () => {
  const s = withClients(new DRFSorter(), 'a', 'b');
  s.addAgent(AGENT, q('cpus:10'));
  s.allocated('a', AGENT, r('cpus:6'));
  s.allocated('b', AGENT, r('cpus:4'));
  assert.deepEqual(s.sort(), ['b', 'a']);
  s.removeAgent(AGENT);
  s.addAgent(AGENT, q('cpus:5'));
  s.update('a', AGENT, r('cpus:6'), r('cpus:1'));
  assert.deepEqual(s.sort(), ['a', 'b']); // a .2, b .8
});

test('revocable resources count in shares (Mesos RevocableResources)', () => {
  const s = withClients(new DRFSorter(), 'a', 'b');
  const revocable = (cpus: number) => Resources.of([{ name: 'cpus', scalar: cpus, revocable: true }]);
  s.addAgent(AGENT, r('cpus:10;mem:100').plus(revocable(10)).quantities());
  const a = r('cpus:2;mem:1');
  const b = r('cpus:1;mem:1').plus(revocable(9));
  s.allocated('a', AGENT, a);
  s.allocated('b', AGENT, b);
  assert.ok(s.allocationOnAgent('b', AGENT).equals(b));
  assert.deepEqual(s.sort(), ['a', 'b']); // a .1, b .5
});

// Mesos's createDiskResource(size, "role1", "id1", "path1", None(), true).
const sharedDisk = (size: number) => Resources.of([volume('id1', size, { reservations: [{ type: 'STATIC', role: 'role1' }], shared: true })]);

test('a shared volume is the dominant resource of every client holding it (Mesos SharedResources)', () => {
  const s = new DRFSorter();
  s.addAgent(AGENT, r('cpus:100;mem:100;disk(role1):900').plus(sharedDisk(100)).quantities());
  withClients(s, 'a').allocated('a', AGENT, r('cpus:5;mem:5').plus(sharedDisk(100)));
  withClients(s, 'b').allocated('b', AGENT, r('cpus:6;mem:6'));
  assert.deepEqual(s.sort(), ['b', 'a']); // a .1 (disk), b .06
  withClients(s, 'c').allocated('c', AGENT, r('cpus:1;mem:1').plus(sharedDisk(100)));
  assert.deepEqual(s.sort(), ['b', 'a', 'c']); // a, c .1; a has the smaller name
  s.remove('a');
  s.unallocated('b', AGENT, r('cpus:4;mem:4'));
  assert.deepEqual(s.sort(), ['b', 'c']);
  withClients(s, 'd').allocated('d', AGENT, r('cpus:1;mem:5').plus(sharedDisk(100)));
  assert.deepEqual(s.sort(), ['b', 'c', 'd']);
  assert.equal(s.count(), 3);
  // The pool counts the shared volume once; the root's total counts it once per agent.
  assert.deepEqual(quantities(s.allocationScalarQuantities()), { cpus: 4, disk: 100, mem: 8 });
});

test('a shared resource held by all makes them tie on share (Mesos SameDominantSharedResourcesAcrossClients)', () => {
  const s = new DRFSorter();
  s.addAgent(AGENT, r('cpus:100;mem:100;disk(role1):100').plus(sharedDisk(900)).quantities());
  withClients(s, 'b').allocated('b', AGENT, r('cpus:5;mem:20').plus(sharedDisk(900)));
  withClients(s, 'c').allocated('c', AGENT, r('cpus:10;mem:6').plus(sharedDisk(900)));
  assert.deepEqual(s.sort(), ['b', 'c']); // both .9
  withClients(s, 'a').allocated('a', AGENT, r('cpus:50;mem:40').plus(sharedDisk(900)));
  assert.deepEqual(s.sort(), ['a', 'b', 'c']);
});

test('more copies of a shared resource do not change the share (Mesos SameSharedResourcesSameClient)', () => {
  const s = new DRFSorter();
  s.addAgent(AGENT, r('cpus:100;mem:100;disk(role1):950').plus(sharedDisk(50)).quantities());
  withClients(s, 'a').allocated('a', AGENT, r('cpus:2;mem:2').plus(sharedDisk(50)));
  withClients(s, 'b').allocated('b', AGENT, r('cpus:6;mem:6'));
  assert.deepEqual(s.sort(), ['a', 'b']); // a .05, b .06
  const share = s.share('a');
  s.allocated('a', AGENT, sharedDisk(50).plus(sharedDisk(50)).plus(sharedDisk(50)));
  assert.equal(s.share('a'), share);
  assert.deepEqual(s.sort(), ['a', 'b']);
  assert.equal(s.allocationOnAgent('a', AGENT).count(sharedDisk(50).toArray()[0]!), 4);
});

test('a shared resource stops counting only when its last copy goes (Mesos SharedResourcesUnallocated)', () => {
  const s = new DRFSorter();
  s.addAgent(AGENT, r('cpus:100;mem:100;disk(role1):900').plus(sharedDisk(100)).quantities());
  const three = sharedDisk(100).plus(sharedDisk(100)).plus(sharedDisk(100));
  withClients(s, 'a').allocated('a', AGENT, r('cpus:2;mem:2').plus(three));
  withClients(s, 'b').allocated('b', AGENT, r('cpus:6;mem:6'));
  assert.deepEqual(s.sort(), ['b', 'a']); // a .1
  s.unallocated('a', AGENT, sharedDisk(100));
  assert.deepEqual(s.sort(), ['b', 'a']);
  s.unallocated('a', AGENT, sharedDisk(100).plus(sharedDisk(100)));
  assert.deepEqual(s.sort(), ['a', 'b']); // a .02
});

test('a shared volume held by two frameworks of one role counts once for the role', () => {
  const s = new DRFSorter();
  s.addAgent(AGENT, r('cpus:100;mem:100').plus(sharedDisk(100)).quantities());
  withClients(s, 'r/f1', 'r/f2', 'other');
  s.allocated('r/f1', AGENT, sharedDisk(100));
  s.allocated('r/f2', AGENT, sharedDisk(100));
  assert.deepEqual(quantities(s.allocationScalarQuantities('r/f1')), { disk: 100 });
  assert.deepEqual(quantities(s.allocationScalarQuantities()), { disk: 100 });
  s.remove('r/f1');
  assert.deepEqual(quantities(s.allocationScalarQuantities()), { disk: 100 }, 'f2 still holds it');
  s.unallocated('r/f2', AGENT, sharedDisk(100));
  assert.deepEqual(quantities(s.allocationScalarQuantities()), {});
});

test('excluded resource names never decide a share (--fair_sharing_excluded_resource_names)', () => {
  const plain = withClients(new DRFSorter(), 'a', 'b');
  const excluding = withClients(new DRFSorter({ excludedResourceNames: ['gpus'] }), 'a', 'b');
  for (const s of [plain, excluding]) {
    s.addAgent(AGENT, q('cpus:100;mem:100;gpus:4'));
    s.allocated('a', AGENT, r('cpus:1;mem:1;gpus:4'));
    s.allocated('b', AGENT, r('cpus:10;mem:10'));
  }
  assert.deepEqual(plain.sort(), ['b', 'a']); // a 1.0 on gpus
  assert.deepEqual(excluding.sort(), ['a', 'b']); // a .01
  assert.equal(excluding.share('a'), 0.01);
  assert.deepEqual(quantities(excluding.allocationScalarQuantities('a')), { cpus: 1, gpus: 4, mem: 1 }, 'still tracked');
});

test('names with a zero or absent pool total are skipped; clients may come before agents', () => {
  const s = withClients(new DRFSorter(), 'a', 'b');
  s.allocated('a', AGENT, r('cpus:1;mem:50'));
  s.allocated('b', AGENT, r('cpus:2;mem:1'));
  assert.deepEqual(s.sort(), ['a', 'b'], 'no pool: every share is 0, the count ties, the name decides');
  assert.equal(s.share('b'), 0);
  s.addAgent(AGENT, q('cpus:10'));
  assert.deepEqual(s.sort(), ['a', 'b']); // mem is not in the pool: a .1, b .2
  s.addAgent('agent2', new Map([['cpus', 10], ['mem', 100]]));
  assert.deepEqual(s.sort(), ['b', 'a']); // a .5 on mem, b .1
});

test('share() is the leaf’s own weighted dominant share; sort() results are reused until the order changes', () => {
  const s = withClients(hundred(), 'a', 'a/b', 'c');
  s.updateWeight('a', 2);
  s.allocated('a', AGENT, r('cpus:10;mem:5'));
  s.allocated('a/b', AGENT, r('cpus:10'));
  s.allocated('c', AGENT, r('mem:30'));
  assert.equal(s.share('a'), 0.1, 'the virtual leaf a/. has weight 1');
  assert.equal(s.share('a/b'), 0.1);
  assert.equal(s.share('c'), 0.3);
  const first = s.sort();
  // Subtree a: cpus .2 / 2 = .1 < c .3. Inside a, a/. and a/b tie at .1 with one allocation
  // each, and '.' < 'b'.
  assert.deepEqual(first, ['a', 'a/b', 'c']);
  assert.equal(s.sort(), first, 'the same array while nothing changed');
  s.allocated('a/b', AGENT, r('cpus:50'));
  const second = s.sort();
  assert.notEqual(second, first);
  assert.deepEqual(second, ['c', 'a', 'a/b']); // subtree a .35
  assert.deepEqual(first, ['a', 'a/b', 'c'], 'a result already handed out never changes');
});
