// Undoing a half-made call operation by operation, and telling from an agent's resources
// whether an operation whose answer was lost was made.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyOperation, parseResources, Resources, type OfferOperation } from '../../../src/resources/index.ts';
import { inverseOperation, tookEffect, undoOperations } from '../../../src/placement/index.ts';

const labels = [{ key: 'service', value: 'db' }, { key: 'pod_instance', value: 'node-0' }, { key: 'resource_id', value: 'r-1' }];
const reservations = [{ type: 'DYNAMIC' as const, role: 'data', principal: 'db', labels }];
const reserved = Resources.of([{ name: 'disk', scalar: 100, reservations }]);
const volume = Resources.of([{ name: 'disk', scalar: 100, reservations, disk: { persistence: { id: 'vol-1', principal: 'db' }, volume: { containerPath: 'data', mode: 'RW' } } }]);
const applyOperations = (r: Resources, ops: readonly OfferOperation[]) => ops.reduce((acc, op) => applyOperation(acc, op), r);
const make: OfferOperation[] = [{ type: 'RESERVE', resources: reserved }, { type: 'CREATE', volumes: volume }];

test('the inverse of each operator operation, and undo in reverse order of what was applied', () => {
  assert.deepEqual(undoOperations(make, 2).map((o) => o.type), ['DESTROY', 'UNRESERVE']);
  assert.deepEqual(undoOperations(make, 1), [{ type: 'UNRESERVE', resources: reserved }]);
  assert.deepEqual(undoOperations(make, 0), []);
  assert.deepEqual(inverseOperation({ type: 'DESTROY', volumes: volume }), { type: 'CREATE', volumes: volume });
  assert.deepEqual(inverseOperation({ type: 'UNRESERVE', resources: reserved }), { type: 'RESERVE', resources: reserved });
  const source = Resources.of([{ name: 'disk', scalar: 100, reservations: [{ type: 'DYNAMIC', role: 'data' }] }]);
  assert.deepEqual(inverseOperation({ type: 'RESERVE', source, resources: reserved }), { type: 'RESERVE', source: reserved, resources: source }, 'a relabelling is relabelled back');
  assert.throws(() => inverseOperation({ type: 'SHRINK_VOLUME', volume: volume.toArray()[0]!, subtract: 1 }), /not an operator-API operation/);
});

test('undoing a made RESERVE + CREATE gives the agent back what it had', () => {
  const before = parseResources('cpus:4;disk:1000');
  const after = applyOperations(before, make);
  assert.ok(!after.equals(before));
  assert.ok(applyOperations(after, undoOperations(make, 2)).equals(before));
});

test('whether an operation is visible in the agent’s resources', () => {
  const before = parseResources('cpus:4;disk:1000');
  const afterReserve = applyOperations(before, [make[0]!]);
  const afterCreate = applyOperations(afterReserve, [make[1]!]);
  assert.equal(tookEffect(make[0]!, before), false);
  assert.equal(tookEffect(make[0]!, afterReserve), true);
  assert.equal(tookEffect(make[1]!, afterReserve), false);
  assert.equal(tookEffect(make[1]!, afterCreate), true);
  assert.equal(tookEffect({ type: 'DESTROY', volumes: volume }, afterCreate), false);
  assert.equal(tookEffect({ type: 'DESTROY', volumes: volume }, afterReserve), true);
  assert.equal(tookEffect({ type: 'UNRESERVE', resources: reserved }, afterReserve), false);
  assert.equal(tookEffect({ type: 'UNRESERVE', resources: reserved }, before), true);
  assert.equal(tookEffect({ type: 'RESERVE', resources: parseResources('cpus(data):1') }, before), undefined, 'no labelled ids: cannot tell');
});
