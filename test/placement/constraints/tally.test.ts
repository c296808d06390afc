// The placement tally: counts per field value kept up to date as instances come and go.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConstraintUsageError, PlacementTally } from '../../../src/placement/constraints/index.ts';
import { agent } from './helpers.ts';

test('counts, groups (with the "lacks the field" group), minimum and excess follow adds and removes', () => {
  const r1 = agent('a', 'rack:r1');
  const r2 = agent('b', 'rack:r2');
  const none = agent('c', '');
  const tally = new PlacementTally([r1, r1, r2]);
  const rack = tally.field('rack');
  assert.equal(rack.count('r1'), 2);
  assert.equal(rack.count('r2'), 1);
  assert.equal(rack.count('r3'), 0);
  assert.equal(rack.groups, 2);
  assert.equal(rack.minPresent(), 1);
  assert.equal(rack.excessAbove(1), 1);
  const id = tally.add(none);
  assert.equal(rack.missing, 1);
  assert.equal(rack.groups, 3);
  assert.equal(rack.distinct, 2);
  tally.add(r2, 'x');
  assert.equal(rack.minPresent(), 2);
  assert.equal(rack.minGroup(), 1, 'the missing group holds 1');
  assert.equal(rack.excessAbove(0), 5);
  assert.equal(tally.remove(id), true);
  assert.equal(tally.remove(id), false);
  assert.equal(rack.groups, 2);
  assert.equal(tally.remove('x'), true);
  assert.equal(tally.remove('#2'), true); // r2's first instance
  assert.equal(rack.count('r2'), 0);
  assert.equal(rack.groups, 1);
  assert.equal(rack.minPresent(), 2);
  assert.deepEqual([...rack.entries()], [['r1', 2]]);
});

test('first() is the earliest instance still placed; a field asked late is counted from the instances', () => {
  const a = agent('a', 'rack:r1');
  const b = agent('b', 'rack:r2');
  const tally = new PlacementTally();
  const first = tally.add(a);
  tally.add(b);
  assert.equal(tally.first(), a);
  tally.remove(first);
  assert.equal(tally.first(), b);
  assert.equal(tally.field('@hostname').count('b'), 1);
  assert.equal(tally.size, 1);
});

test('ids: generated ones skip used ids, a used id is refused, clone is independent', () => {
  const tally = new PlacementTally();
  tally.add(agent('a'), '#0');
  assert.equal(tally.add(agent('b')), '#1');
  assert.throws(() => tally.add(agent('c'), '#1'), ConstraintUsageError);
  const copy = tally.clone();
  copy.add(agent('d'));
  assert.equal(tally.size, 2);
  assert.equal(copy.size, 3);
  assert.deepEqual(copy.instances().map((i) => i.id), ['#0', '#1', '#2']);
  const before = tally.version;
  tally.remove('#0');
  assert.notEqual(tally.version, before);
});
