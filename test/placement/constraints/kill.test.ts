// Scale-down selection, from Marathon's ConstraintsTest "Select tasks to kill" cases.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConstraintUsageError, fieldValue, parseConstraints, selectInstancesToKill, type PlacedInstance } from '../../../src/placement/constraints/index.ts';
import { agent } from './helpers.ts';

function running(specs: ReadonlyArray<[host: string, attributes: string]>): PlacedInstance[] {
  return specs.map(([host, attributes], i) => ({ id: `i${i}`, agent: agent(host, attributes) }));
}

function countBy(instances: readonly PlacedInstance[], field: string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const i of instances) {
    const v = fieldValue(i.agent, field) ?? '(none)';
    counts[v] = (counts[v] ?? 0) + 1;
  }
  return counts;
}

test('a single GROUP_BY: 20 instances evenly on 2 hosts, kill 10 → 5 from each', () => {
  const instances = running(Array.from({ length: 20 }, (_, n) => [`${n % 2}`, ''] as [string, string]));
  const result = selectInstancesToKill(parseConstraints([['@hostname', 'GROUP_BY']]), instances, 10);
  assert.equal(result.length, 10);
  assert.deepEqual(countBy(result, 'hostname'), { 0: 5, 1: 5 });
});

test('an unbalanced distribution: 20 on host 1, 10 on host 2, kill 10 → all from host 1', () => {
  const instances = running([...Array.from({ length: 20 }, () => ['1', ''] as [string, string]), ...Array.from({ length: 10 }, () => ['2', ''] as [string, string])]);
  const result = selectInstancesToKill(parseConstraints([['@hostname', 'GROUP_BY']]), instances, 10);
  assert.equal(result.length, 10);
  assert.deepEqual(countBy(result, 'hostname'), { 1: 10 });
});

test('two GROUP_BYs: 40 instances over rack × color, kill 20 → 10 per rack and 10 per color', () => {
  const combos = ['rack:rack-1;color:blue', 'rack:rack-1;color:green', 'rack:rack-2;color:blue', 'rack:rack-2;color:green'];
  const instances = running(combos.flatMap((attrs) => Array.from({ length: 10 }, () => ['h', attrs] as [string, string])));
  const result = selectInstancesToKill(parseConstraints([['rack', 'GROUP_BY'], ['color', 'GROUP_BY']]), instances, 20);
  assert.equal(result.length, 20);
  assert.deepEqual(countBy(result, 'rack'), { 'rack-1': 10, 'rack-2': 10 });
  assert.deepEqual(countBy(result, 'color'), { blue: 10, green: 10 });
});

test('no GROUP_BY: nothing is selected (the caller picks), unless all are to go', () => {
  const instances = running(Array.from({ length: 10 }, () => ['h', 'rack:rack-1;color:blue'] as [string, string]));
  assert.deepEqual(selectInstancesToKill([], instances, 5), []);
  assert.deepEqual(selectInstancesToKill(parseConstraints('hostname=unique'), instances, 5), []);
  assert.deepEqual(selectInstancesToKill([], instances, 10), instances);
  assert.deepEqual(selectInstancesToKill(parseConstraints('rack=groupBy'), instances, 0), []);
});

test('SPREAD takes part like GROUP_BY; instances lacking the field are one group', () => {
  const instances = running([
    ['a', 'rack:r1'], ['b', 'rack:r1'], ['c', 'rack:r1'], ['d', 'rack:r2'], ['e', ''], ['f', ''],
  ]);
  const result = selectInstancesToKill(parseConstraints('rack=spread:1'), instances, 2);
  assert.deepEqual(countBy(result, 'rack'), { r1: 2 });
  const spreadMissing = selectInstancesToKill(parseConstraints('rack=groupBy'), running([['a', ''], ['b', ''], ['c', ''], ['d', 'rack:r1']]), 2);
  assert.deepEqual(countBy(spreadMissing, 'rack'), { '(none)': 2 });
});

test('killing more than run, a negative or a fractional count is a usage error', () => {
  const instances = running([['a', ''], ['b', '']]);
  for (const n of [3, -1, 0.5]) assert.throws(() => selectInstancesToKill([], instances, n), ConstraintUsageError);
});
