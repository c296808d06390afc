// The range and set primitives behind RANGES and SET values.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { coalesceRanges, rangesUnion, rangesDifference, rangesContain, rangesCount, isNormalized } from '../../src/resources/ranges.ts';
import { setUnion, setDifference, setContains } from '../../src/resources/sets.ts';

const R = (...pairs: Array<[number, number]>) => pairs.map(([begin, end]) => ({ begin, end }));

test('coalesce sorts and joins overlapping and adjacent ranges', () => {
  assert.deepEqual(coalesceRanges(R([11, 20], [1, 10], [30, 31], [25, 29])), R([1, 20], [25, 31]));
  assert.deepEqual(coalesceRanges(R([5, 9], [1, 3])), R([1, 3], [5, 9]));
  assert.deepEqual(coalesceRanges(R([1, 10], [2, 3])), R([1, 10]));
  assert.ok(isNormalized(coalesceRanges(R([7, 8], [1, 2], [4, 5], [3, 3]))));
});

test('union, difference and containment', () => {
  assert.deepEqual(rangesUnion(R([1, 5], [20, 30]), R([6, 8], [25, 40])), R([1, 8], [20, 40]));
  assert.deepEqual(rangesDifference(R([1, 20]), R([5, 6], [10, 12])), R([1, 4], [7, 9], [13, 20]));
  assert.deepEqual(rangesDifference(R([1, 5], [10, 15]), R([3, 12])), R([1, 2], [13, 15]));
  assert.deepEqual(rangesDifference(R([1, 5]), R([0, 100])), []);
  assert.ok(rangesContain(R([1, 10], [20, 30]), R([2, 3], [20, 30])));
  assert.ok(!rangesContain(R([1, 10], [12, 30]), R([9, 12])));
  assert.equal(rangesCount(R([0, 0], [5, 9])), 6);
});

test('sets', () => {
  assert.deepEqual(setUnion(['a', 'c'], ['b', 'c']), ['a', 'b', 'c']);
  assert.deepEqual(setDifference(['a', 'b', 'c'], ['b', 'x']), ['a', 'c']);
  assert.ok(setContains(['a', 'b', 'c'], ['a', 'c']));
  assert.ok(!setContains(['a'], ['b']));
});
