// Incomplete placements on their own: what an instance's reservations lack of its spec, the
// persistence id its plan drew (found again from the seeded id stream), and the CREATE on the
// reservation as found. (The ledger's side, markIncomplete and amend: test/placement/ledger.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clusterReservations, executeOperations, parseServiceSpec, planService } from '../../../src/placement/index.ts';
import { compareWithSpec, createVolumes, plannedPersistenceIds } from '../../../src/placement/in-master/completion.ts';
import { Resources } from '../../../src/resources/index.ts';
import { agent } from '../plan/helpers.ts';

const spec = (sizeMb = 1000) => parseServiceSpec({
  name: 'db', role: 'data', principal: 'db',
  pods: [{ type: 'node', count: 2, resources: 'cpus:1;mem:512', volumes: [{ containerPath: 'data', sizeMb }] }],
});

/** node-0 planned on agent a with seed 7, with the first `applied` of its operations made. */
function halfMade(applied: number) {
  const a = agent('a');
  const plan = planService(spec(), [a], { seed: 7 });
  const placement = plan.placements.find((p) => p.podInstance === 'node-0')!;
  const after = executeOperations(new Map([['a', a.resources]]), [{ agentId: 'a', operations: placement.operations.slice(0, applied) }]).get('a')!;
  const found = clusterReservations(new Map([['a', after]]), new Set(['db'])).filter((r) => r.podInstance === 'node-0');
  return { plan, placement, after, found };
}

test('compareWithSpec: complete; RESERVE made without its CREATE; a volume size changed; reservations the spec no longer names', () => {
  const pod = spec().pods[0]!;
  assert.deepEqual(compareWithSpec(pod, halfMade(2).found).missing, []);
  const half = compareWithSpec(pod, halfMade(1).found);
  assert.deepEqual(half.missing, ['volume data: reserved, not created (CREATE)']);
  assert.equal(half.toCreate.length, 1);
  assert.equal(half.toCreate[0]!.reserved.scalar, 1000);
  assert.deepEqual(half.mismatches, []);
  const bigger = compareWithSpec(spec(2000).pods[0]!, halfMade(1).found);
  assert.deepEqual(bigger.toCreate, []);
  assert.match(bigger.mismatches[0]!, /^volume data: the spec asks ROOT 2000 MB, its reservation \S+ holds ROOT 1000 MB \(no volume created\)$/);
  const createdBigger = compareWithSpec(spec(2000).pods[0]!, halfMade(2).found);
  assert.deepEqual(createdBigger.missing, []);
  assert.match(createdBigger.mismatches[0]!, /^volume data: the spec asks ROOT 2000 MB, volume \S+ holds ROOT 1000 MB$/);
  const noMem = compareWithSpec({ ...pod, resources: Resources.of([{ name: 'cpus', scalar: 1 }]) }, halfMade(2).found);
  assert.deepEqual(noMem.missing, []);
  assert.match(noMem.mismatches[0]!, /is nothing the spec asks for$/);
  const none = compareWithSpec(pod, []);
  assert.deepEqual(none.missing, ['volume data: not reserved (RESERVE, CREATE)', 'cpus: not reserved (RESERVE)', 'mem: not reserved (RESERVE)']);
  assert.ok(none.toReserve.equals(pod.resources));
});

test('plannedPersistenceIds finds the id the plan drew after the volume’s resource_id, skipping ids in use; an unknown resource_id gets a fresh one', () => {
  const { plan, placement, found } = halfMade(1);
  const volume = placement.reservations.find((r) => r.volume !== undefined)!;
  const inUse = new Set(plan.placements.flatMap((p) => p.reservations.map((r) => r.resourceId)));
  const drawn = plannedPersistenceIds(7, [volume.resourceId, 'not-drawn'], (id) => inUse.has(id), 4096);
  assert.equal(drawn.get(volume.resourceId), volume.volume!.persistenceId);
  assert.ok(drawn.get('not-drawn') !== undefined && drawn.get('not-drawn') !== volume.volume!.persistenceId);
  // With another seed the resource_id is not found: a fresh, unused id all the same.
  const other = plannedPersistenceIds(8, [volume.resourceId], (id) => inUse.has(id), 4096);
  assert.notEqual(other.get(volume.resourceId), volume.volume!.persistenceId);
  // CREATE on the reservation as found gives what the plan's CREATE gives.
  const half = compareWithSpec(spec().pods[0]!, found);
  const { operation, reservations } = createVolumes(half.toCreate, drawn, 'db');
  assert.deepEqual(Resources.of((operation as { volumes: Resources }).volumes).toArray(), Resources.of((placement.operations[1] as { volumes: Resources }).volumes).toArray());
  assert.deepEqual(reservations[0]!.volume, volume.volume);
});
