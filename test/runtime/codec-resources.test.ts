// The resource codec: wire Resource ⇄ the model, through real protobuf bytes; the legacy
// role/reservation upgrade as Mesos's upgradeResource; invalid resources named.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseResources, Resources } from '../../src/resources/index.ts';
import { CodecError, resourcesFromWire, resourcesToWire } from '../../src/runtime/codec/index.ts';
import { protocol, type wire } from '../../src/runtime/protocol.ts';
import { resources as arbitraryResources } from './fixtures/arbitraries.ts';

/** Wire resources through bytes, as they arrive from the C++ side. */
function throughBytes(list: wire.IResource[]): wire.IResource[] {
  const bytes = protocol.TransitionOfferedToAllocated.encode({ agentId: 'a', resources: list }).finish();
  return protocol.TransitionOfferedToAllocated.decode(bytes).resources;
}

const roundTrip = (r: Resources): Resources => resourcesFromWire(throughBytes(resourcesToWire(r)), 'resources');

test('property: random resources → wire → model gives the same resources, object for object', () => {
  fc.assert(
    fc.property(arbitraryResources, (original) => {
      const back = roundTrip(original);
      assert.ok(back.equals(original), `${back} != ${original}`);
      assert.deepEqual(back.toArray(), original.toArray());
    }),
    { numRuns: 500 },
  );
});

test('a shared volume held twice goes out twice and comes back held twice', () => {
  const volume = { name: 'disk', scalar: 10, reservations: [{ type: 'DYNAMIC' as const, role: 'r' }], shared: true, disk: { persistence: { id: 'v' }, volume: { containerPath: 'd', mode: 'RW' as const } } };
  const twice = Resources.of([volume, volume]);
  const out = resourcesToWire(twice);
  assert.equal(out.length, 2);
  assert.equal(roundTrip(twice).count(volume), 2);
});

test('the text form round-trips: the seed agent', () => {
  const seed = parseResources('cpus(prod):8; cpus(stage):2; mem(*):15360; disk(*):710534; ports(*):[31000-32000]');
  assert.ok(roundTrip(seed).equals(seed));
  const wireForm = resourcesToWire(seed);
  assert.deepEqual(wireForm[0], { name: 'cpus', type: 0, scalar: { value: 8 }, reservations: [{ type: protocol.Resource.ReservationInfo.Type.STATIC, role: 'prod' }] });
});

test('allocation_info.role is written on every resource when asked', () => {
  const out = resourcesToWire(parseResources('cpus:1;mem:10;ports:[1-2]'), 'r');
  assert.deepEqual(out.map((r) => r.allocationInfo?.role), ['r', 'r', 'r']);
});

test('legacy role: STATIC reservation (upgradeResource)', () => {
  const r = resourcesFromWire(throughBytes([{ name: 'cpus', type: 0, scalar: { value: 2 }, role: 'prod' }]), 'total');
  assert.deepEqual([...r][0]!.reservations, [{ type: 'STATIC', role: 'prod' }]);
});

test("legacy role '*' or no role: unreserved", () => {
  const r = resourcesFromWire(throughBytes([{ name: 'cpus', type: 0, scalar: { value: 2 }, role: '*' }, { name: 'mem', type: 0, scalar: { value: 2 } }]), 'total');
  assert.ok([...r].every((x) => x.reservations.length === 0));
});

test('legacy role + reservation: DYNAMIC with the principal and labels', () => {
  const r = resourcesFromWire(throughBytes([{ name: 'cpus', type: 0, scalar: { value: 2 }, role: 'prod', reservation: { principal: 'ops', labels: { labels: [{ key: 'k', value: 'v' }] } } }]), 'total');
  assert.deepEqual([...r][0]!.reservations, [{ type: 'DYNAMIC', role: 'prod', principal: 'ops', labels: [{ key: 'k', value: 'v' }] }]);
});

test('post-refinement with matching legacy fields (a downgraded resource) keeps the stack', () => {
  const r = resourcesFromWire(throughBytes([{
    name: 'cpus', type: 0, scalar: { value: 2 }, role: 'prod', reservation: { principal: 'ops' },
    reservations: [{ type: protocol.Resource.ReservationInfo.Type.DYNAMIC, role: 'prod', principal: 'ops' }],
  }]), 'total');
  assert.deepEqual([...r][0]!.reservations, [{ type: 'DYNAMIC', role: 'prod', principal: 'ops' }]);
});

test('inconsistent legacy fields are refused, naming the field', () => {
  const cases: Array<[wire.IResource, RegExp]> = [
    [{ name: 'cpus', type: 0, scalar: { value: 1 }, role: '*', reservation: {} }, /role "\*" cannot be dynamically reserved/],
    [{ name: 'cpus', type: 0, scalar: { value: 1 }, role: 'a', reservations: [{ type: 1, role: 'b' }] }, /does not match the role 'b'/],
    [{ name: 'cpus', type: 0, scalar: { value: 1 }, role: 'a', reservation: { role: 'a' } }, /must not be set for the 'Resource.reservation' field/],
    [{ name: 'cpus', type: 0, scalar: { value: 1 }, reservations: [{ type: 1, role: 'a' }], reservation: {} }, /single reservation is STATIC/],
    [{ name: 'cpus', type: 0, scalar: { value: 1 }, reservations: [{ type: 2, role: 'a' }, { type: 2, role: 'a/b' }], role: 'a' }, /more than one reservation/],
    [{ name: 'cpus', type: 0, scalar: { value: 1 }, reservations: [{ role: 'a' }] }, /'type' must be STATIC or DYNAMIC/],
  ];
  for (const [resource, message] of cases) {
    assert.throws(() => resourcesFromWire(throughBytes([resource]), 'add_agent.total'), (e: unknown) => e instanceof CodecError && message.test(e.message) && e.message.startsWith('add_agent.total[0]'));
  }
});

test('what the model refuses is a CodecError at the field, with the model\'s reason', () => {
  const cases: Array<[wire.IResource, RegExp]> = [
    [{ name: 'cpus', type: 0, scalar: { value: -1 } }, /cpus/],
    [{ name: '', type: 0, scalar: { value: 1 } }, /empty resource name/],
    [{ name: 'ports', type: 1, ranges: { range: [{ begin: 5, end: 1 }] } }, /begin > end/],
    [{ name: 'cpus', type: 0, ranges: { range: [{ begin: 1, end: 2 }] } }, /scalar/],
    [{ name: 'x', type: 3 }, /TEXT/],
    [{ name: 'x', type: 9 as wire.Value.Type, scalar: { value: 1 } }, /unknown Value.Type 9/],
    [{ name: 'disk', type: 0, scalar: { value: 1 }, disk: { persistence: { id: 'v' }, volume: { containerPath: 'd', mode: 1 } } }, /unreserved/],
    [{ name: 'disk', type: 0, scalar: { value: 1 }, disk: { source: { type: 2, path: { root: '/x' } } } }, /MOUNT disk source with the other kind of root/],
  ];
  for (const [resource, message] of cases) {
    assert.throws(() => resourcesFromWire(throughBytes([resource]), 'recover_resources.resources'), (e: unknown) => {
      return e instanceof CodecError && message.test(e.message) && e.message.startsWith('recover_resources.resources');
    }, JSON.stringify(resource));
  }
});

test('a resource without a type takes it from its value field (type is required in Mesos, optional on this wire)', () => {
  const r = resourcesFromWire(throughBytes([{ name: 'ports', ranges: { range: [{ begin: 1, end: 3 }] } }]), 'x');
  assert.equal([...r][0]!.type, 'RANGES');
});
