// RandomSorter against Mesos's sorter tests (src/tests/sorter_tests.cpp): the typed common cases
// and the probability tables of WeightedShuffleTest / RandomSorterTest, with a seeded source.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RandomSorter, SorterError } from '../../../src/allocator/sorter/index.ts';
import { seededRandom } from '../../../src/allocator/random.ts';
import { commonSorterTests, q, r } from './common-sorter-tests.ts';

commonSorterTests('RandomSorter', () => new RandomSorter(seededRandom(7)));

/** How often each client lands in each position over `runs` sorts. */
function positions(sorter: RandomSorter, clients: readonly string[], runs: number): number[][] {
  const counts = clients.map(() => clients.map(() => 0));
  for (let run = 0; run < runs; run++) {
    sorter.sort().forEach((client, position) => counts[clients.indexOf(client)]![position]!++);
  }
  return counts.map((row) => row.map((n) => n / runs));
}

function assertNear(actual: number[][], expected: number[][], tolerance: number): void {
  expected.forEach((row, i) =>
    row.forEach((p, j) => assert.ok(Math.abs(actual[i]![j]! - p) < tolerance, `client ${i} at position ${j}: ${actual[i]![j]} vs ${p}`)),
  );
}

test('weighted shuffle of flat clients follows the weights (Mesos RandomSorterTest.ProbabilityDistribution, WeightedShuffleTest)', () => {
  const s = new RandomSorter(seededRandom(0));
  const clients = ['0', '1', '2', '3', '4'];
  clients.forEach((c, i) => {
    s.add(c);
    s.activate(c);
    s.updateWeight(c, i + 1);
  });
  // Mesos's table (rows: weight 1..5; columns: positions), within an absolute 5%.
  assertNear(
    positions(s, clients, 1000),
    [
      [0.07, 0.08, 0.12, 0.2, 0.54],
      [0.13, 0.16, 0.2, 0.28, 0.23],
      [0.2, 0.22, 0.24, 0.22, 0.12],
      [0.27, 0.26, 0.23, 0.17, 0.07],
      [0.33, 0.28, 0.21, 0.13, 0.04],
    ],
    0.05,
  );
});

test('hierarchical weights multiply down the tree (Mesos RandomSorterTest.HierarchicalProbabilityDistribution)', () => {
  // Tree: a (1) with . (1) and b (2); c (2) with d (1) and e (2).
  const s = new RandomSorter(seededRandom(42));
  const clients = ['a', 'a/b', 'c/d', 'c/e'];
  for (const c of clients) {
    s.add(c);
    s.activate(c);
  }
  for (const [path, w] of [['a', 1], ['a/b', 2], ['c', 2], ['c/d', 1], ['c/e', 2]] as const) s.updateWeight(path, w);
  assertNear(
    positions(s, clients, 10000),
    [
      [0.11, 0.15, 0.23, 0.51],
      [0.22, 0.27, 0.3, 0.21],
      [0.22, 0.27, 0.3, 0.21],
      [0.44, 0.31, 0.18, 0.07],
    ],
    0.05,
  );
});

test('only active clients are drawn; a subtree with no active leaf takes no weight', () => {
  const s = new RandomSorter(seededRandom(3));
  for (const c of ['a', 'b/x', 'b/y', 'c']) s.add(c);
  s.activate('a');
  s.activate('c');
  s.updateWeight('b', 100);
  const first = positions(s, ['a', 'c'], 2000);
  assert.ok(Math.abs(first[0]![0]! - 0.5) < 0.05, 'b is inactive, so a and c are even');
  s.activate('b/y');
  const withB = positions(s, ['a', 'c', 'b/y'], 2000);
  assert.ok(withB[2]![0]! > 0.95, 'the heavy subtree b now comes first almost always');
  s.deactivate('b/y');
  for (let i = 0; i < 50; i++) assert.deepEqual([...s.sort()].sort(), ['a', 'c']);
});

test('a subtree is not kept together: its leaves interleave with others', () => {
  const s = new RandomSorter(seededRandom(11));
  for (const c of ['a/x', 'a/y', 'b']) {
    s.add(c);
    s.activate(c);
  }
  let split = 0;
  for (let i = 0; i < 500; i++) if (s.sort()[1] === 'b') split++;
  assert.ok(split > 50, `b came between a/x and a/y ${split} times in 500`);
});

test('the same seed gives the same orders; allocations and the pool do not change them', () => {
  const build = (allocate: boolean) => {
    const s = new RandomSorter(seededRandom(2024));
    for (const c of ['a', 'b', 'c', 'd/e', 'd/f']) {
      s.add(c);
      s.activate(c);
    }
    if (allocate) {
      s.addAgent('agent', q('cpus:10;mem:100'));
      s.allocated('a', 'agent', r('cpus:9;mem:90'));
    }
    return Array.from({ length: 20 }, () => s.sort().join(','));
  };
  const plain = build(false);
  assert.deepEqual(build(false), plain);
  assert.deepEqual(build(true), plain);
  assert.ok(new Set(plain).size > 5, 'each sort draws afresh');
});

test('share() reports the weighted dominant share although the order ignores it', () => {
  const s = new RandomSorter(seededRandom(1), { excludedResourceNames: ['gpus'] });
  s.add('a');
  s.updateWeight('a', 2);
  s.addAgent('agent', q('cpus:10;mem:100;gpus:1'));
  s.allocated('a', 'agent', r('cpus:4;mem:10;gpus:1'));
  assert.equal(s.share('a'), 0.2);
  assert.equal(s.allocationCount('a'), 1);
});

test('a bad random source is refused', () => {
  assert.throws(() => new RandomSorter(undefined as unknown as () => number), SorterError);
  const s = new RandomSorter(() => 1);
  s.add('a');
  s.activate('a');
  assert.throws(() => s.sort(), /not a number in \[0, 1\)/);
});

test('seededRandom: reproducible, in [0, 1), roughly uniform', () => {
  const a = seededRandom(123);
  const b = seededRandom(123);
  const c = seededRandom(124);
  const xs = Array.from({ length: 10000 }, () => a());
  assert.deepEqual(Array.from({ length: 10000 }, () => b()), xs);
  assert.notEqual(c(), xs[0]);
  assert.ok(xs.every((x) => x >= 0 && x < 1));
  const mean = xs.reduce((sum, x) => sum + x, 0) / xs.length;
  assert.ok(Math.abs(mean - 0.5) < 0.01);
  const buckets = new Array(10).fill(0);
  for (const x of xs) buckets[Math.floor(x * 10)]++;
  assert.ok(buckets.every((n) => n > 900 && n < 1100), `buckets ${buckets}`);
});
