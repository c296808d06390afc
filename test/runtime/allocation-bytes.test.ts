// The hot-path encoder of allocation replies gives the same message as protobufjs encoding the
// plain-object form, for any offers, once shared resource lists are expanded; each list is sent
// once, however many offers carry it; a bad reference is rejected; the little writer under it writes valid protobuf.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import protobuf from 'protobufjs/minimal.js';
import type { CycleResult } from '../../src/allocator/index.ts';
import { parseResources, type Resources } from '../../src/resources/index.ts';
import { allocationToWire, CodecError, encodeAllocation, expandOffers, offerResources } from '../../src/runtime/codec/index.ts';
import { varintSize, WireWriter } from '../../src/runtime/codec/wire-writer.ts';
import { protocol, type wire } from '../../src/runtime/protocol.ts';
import { decodeResponse, decodeResponseStream, type Decoded } from '../../src/runtime/requests.ts';
import { encodeResponse } from '../../src/runtime/response-bytes.ts';
import { resources as arbitraryResources } from './fixtures/arbitraries.ts';

// Short ASCII ids take the byte-by-byte path; long ones (past one entry's 127 bytes) and non-ASCII ones the writer's methods.
const id = fc.oneof(
  fc.constantFrom('f1', 'agent-7', 'róle', '*', 'a/b'),
  fc.string({ minLength: 1, maxLength: 12 }),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 4 }),
  fc.string({ minLength: 30, maxLength: 140 }),
);

// Some offers carry lists that others carry too (the same object or equal ones), so some are shared.
const offered = fc.oneof(arbitraryResources, fc.constantFrom('cpus:1;mem:32', 'cpus:2;ports:[1-3]').map(parseResources), fc.constant(parseResources('cpus:3')));
const roleIds = fc.oneof(id, fc.constantFrom('r', '*'));

const cycle: fc.Arbitrary<CycleResult> = fc
  .record({
    offers: fc.array(fc.tuple(id, roleIds, id, offered), { maxLength: 6 }),
    inverse: fc.array(fc.tuple(id, id, fc.integer({ min: 0, max: 2e12 }), fc.option(fc.integer({ min: 0, max: 1e9 }), { nil: undefined })), { maxLength: 2 }),
    candidates: fc.nat(20000),
  })
  .map(({ offers, inverse, candidates }) => {
    const byFramework = new Map<string, Map<string, Map<string, Resources>>>();
    for (const [framework, role, agent, r] of offers) {
      if (r.isEmpty()) continue;
      let byRole = byFramework.get(framework);
      if (byRole === undefined) byFramework.set(framework, (byRole = new Map()));
      let byAgent = byRole.get(role);
      if (byAgent === undefined) byRole.set(role, (byAgent = new Map()));
      byAgent.set(agent, r.allocate(role));
    }
    const inverseOffers = new Map<string, Map<string, { start: number; durationMs?: number }>>();
    for (const [framework, agent, start, durationMs] of inverse) {
      inverseOffers.set(framework, new Map([[agent, durationMs === undefined ? { start } : { start, durationMs }]]));
    }
    return { offers: byFramework, inverseOffers, candidates, periodic: true, operatorCalls: [] };
  });

/** Offers in cycle order: framework → role → agent → resources. */
function cycleOf(...offers: Array<[string, string, string, Resources]>): CycleResult {
  const byFramework = new Map<string, Map<string, Map<string, Resources>>>();
  for (const [framework, role, agent, r] of offers) {
    if (!byFramework.has(framework)) byFramework.set(framework, new Map());
    const byRole = byFramework.get(framework)!;
    if (!byRole.has(role)) byRole.set(role, new Map());
    byRole.get(role)!.set(agent, r);
  }
  return { offers: byFramework, inverseOffers: new Map(), candidates: offers.length, periodic: true, operatorCalls: [] };
}

const decode = (bytes: Uint8Array) => protocol.Allocation.decode(bytes) as Decoded<wire.Allocation>;

test('property: encodeAllocation, shared lists expanded, decodes to what protobufjs makes of allocationToWire', () => {
  let sharing = 0;
  fc.assert(
    fc.property(fc.array(cycle, { maxLength: 3 }), (cycles) => {
      const fast = decode(encodeAllocation(cycles));
      const reference = decode(protocol.Allocation.encode(allocationToWire(cycles)).finish());
      // Every offer names a shared list, every shared list is named, and no two hold the same bytes.
      const named = new Set(fast.offers.map((entry) => entry.sharedResources));
      assert.ok(fast.offers.every((entry) => entry.sharedResources > 0 && entry.resources.length === 0), 'every offer names its list');
      assert.equal(named.size, fast.sharedResources.length, 'every shared list is named');
      const lists = fast.sharedResources.map((list) => JSON.stringify(list));
      assert.equal(new Set(lists).size, lists.length, 'no list is sent twice');
      if (fast.offers.length > named.size) sharing++;
      assert.deepEqual(fast.offers.map((entry) => offerResources(fast, entry)), reference.offers.map((entry) => entry.resources));
      expandOffers(fast);
      fast.sharedResources = [];
      assert.deepEqual(fast, reference);
    }),
    { numRuns: 300 },
  );
  assert.ok(sharing > 10, `only ${sharing} runs shared a list`);
});

test('a list that several offers carry is sent once; a unique list has its own', () => {
  const alike = parseResources('cpus:8;mem:2082;disk:3072;ports:[31001-31061]');
  // Agents alike: distinct Resources objects with the same content, as the engine keeps them.
  const a1 = alike.plus(parseResources('')).allocate('*');
  const a2 = parseResources('cpus:8;mem:2082;disk:3072;ports:[31001-31061]').allocate('*');
  assert.notEqual(a1, a2);
  const unique = parseResources('cpus:1;mem:10').allocate('*');
  const web = alike.allocate('web');
  const cycles = [cycleOf(['f1', '*', 'a1', a1], ['f2', '*', 'a2', a2], ['f2', '*', 'a3', unique], ['f3', 'web', 'a4', web]), cycleOf(['f4', '*', 'a1', a1])];
  for (let round = 0; round < 2; round++) {
    const bytes = encodeAllocation(cycles);
    const allocation = decode(bytes);
    assert.deepEqual(allocation.offers.map((e) => [e.agentId, e.sharedResources, e.resources.length]), [['a1', 1, 0], ['a2', 1, 0], ['a3', 2, 0], ['a4', 3, 0], ['a1', 1, 0]], `round ${round}`);
    assert.deepEqual(allocation.sharedResources.map((list) => list.resources.length), [4, 2, 4], 'three lists');
    const reference = decode(protocol.Allocation.encode(allocationToWire(cycles)).finish());
    assert.deepEqual(allocation.sharedResources[0]!.resources, reference.offers[0]!.resources, 'the shared list holds the offer\'s resources, tagged with its role');
    assert.ok(bytes.length < protocol.Allocation.encode(allocationToWire(cycles)).finish().length, 'smaller than listing every offer');
  }
  // The same content offered to another role is another list: the role is part of every resource.
  const other = decode(encodeAllocation([cycleOf(['f1', '*', 'a1', a1], ['f2', 'web', 'a2', web], ['f3', 'web', 'a3', alike.allocate('web')])]));
  assert.deepEqual(other.offers.map((e) => e.sharedResources), [1, 2, 2]);
  assert.equal(other.sharedResources[1]!.resources[0]!.allocationInfo!.role, 'web');
});

test('entries at the edges of the byte-by-byte path: index varints past one byte, ids around 127 bytes, non-ASCII ids', () => {
  const offers: Array<[string, string, string, Resources]> = [];
  // 300 distinct lists: shared_resources indices past 127 take two varint bytes.
  for (let i = 0; i < 300; i++) offers.push([`f${i % 7}`, 'r', `a${i}`, parseResources(`cpus:${i + 1}`).allocate('r')]);
  // Entries of 125…132 bytes, carried and not, and ids that are not ASCII.
  for (let n = 100; n < 120; n++) offers.push([`g${n}`, 'r', 'x'.repeat(n), parseResources('cpus:1').allocate('r')]);
  for (let n = 100; n < 120; n++) offers.push(['h', 'r', `${'y'.repeat(n)}${n}`, parseResources('cpus:1').allocate('r')]);
  offers.push(['fé', 'r', 'a1', parseResources('cpus:1').allocate('r')], ['fé', 'r', 'ägent', parseResources('cpus:2').allocate('r')]);
  const cycles = [cycleOf(...offers)];
  const fast = decode(encodeAllocation(cycles));
  const reference = decode(protocol.Allocation.encode(allocationToWire(cycles)).finish());
  assert.equal(fast.sharedResources.length, 300, "cpus:1 … cpus:300, each once");
  expandOffers(fast);
  fast.sharedResources = [];
  assert.deepEqual(fast, reference);
});

test('a bad shared-list reference is rejected by the decoder, which then changes nothing', () => {
  const list = { resources: [{ name: 'cpus', type: protocol.Value.Type.SCALAR, scalar: { value: 1 }, allocationInfo: { role: 'r' } }] };
  for (const [entry, why] of [
    [{ frameworkId: 'f', role: 'r', agentId: 'a', sharedResources: 2 }, /names shared list 2, but the allocation has 1/],
    [{ frameworkId: 'f', role: 'r', agentId: 'a', sharedResources: 1, resources: list.resources }, /resources of its own/],
  ] as const) {
    const allocation = decode(protocol.Allocation.encode({ offers: [{ frameworkId: 'g', role: 'r', agentId: 'b', sharedResources: 1 }, entry], sharedResources: [list] }).finish());
    const before = JSON.stringify(allocation);
    assert.throws(() => offerResources(allocation, allocation.offers[1]!), (e: unknown) => e instanceof CodecError && why.test(e.message) && e.message.includes("agent 'a'"));
    assert.throws(() => expandOffers(allocation), CodecError);
    assert.equal(JSON.stringify(allocation), before, 'nothing expanded');
  }
  const good = decode(protocol.Allocation.encode({ offers: [{ frameworkId: 'g', role: 'r', agentId: 'b', sharedResources: 1 }], sharedResources: [list] }).finish());
  assert.equal(expandOffers(good).offers[0]!.resources[0]!.scalar!.value, 1);
});

test('decodeResponse gives every offer its resources; a bad reference fails the decode', () => {
  const a = parseResources('cpus:2;mem:64').allocate('r');
  const cycles = [cycleOf(['f1', 'r', 'a1', a], ['f2', 'r', 'a2', parseResources('cpus:2;mem:64').allocate('r')])];
  const reference = decode(protocol.Allocation.encode(allocationToWire(cycles)).finish());
  const response = decodeResponse(encodeResponse({ allocator: { allocationBytes: encodeAllocation(cycles) } }));
  const allocation = response.allocator!.allocation!;
  assert.equal(allocation.sharedResources.length, 1, 'what was shared is still visible');
  assert.deepEqual(allocation.offers.map((e) => e.resources), reference.offers.map((e) => e.resources));
  assert.ok(allocation.offers.every((e) => e.sharedResources === 0));
  const batch = protocol.Response.encode({ allocatorBatch: { replies: [{ done: {} }, { allocation: { offers: [{ frameworkId: 'f', role: 'r', agentId: 'a', sharedResources: 1 }] } }] } }).finish();
  assert.throws(() => decodeResponse(batch), (e: unknown) => e instanceof CodecError && /shared list 1, but the allocation has 0/.test(e.message));
  const stream = protobuf.Writer.create().bytes(encodeResponse({ allocator: { allocationBytes: encodeAllocation(cycles) } })).finish();
  assert.deepEqual(decodeResponseStream(stream)[0]!.allocator!.allocation!.offers.map((e) => e.resources), reference.offers.map((e) => e.resources));
});

test('the identity cache follows the role an entry asks for', () => {
  const [c] = fc.sample(cycle.filter((x) => x.offers.size > 0), { numRuns: 1, seed: 3 });
  const first = decode(encodeAllocation([c!]));
  const again = decode(encodeAllocation([c!]));
  assert.deepEqual(again, first, 'cached identities give the same bytes');
  expandOffers(first);
  for (const entry of first.offers) for (const r of entry.resources) assert.equal(r.allocationInfo?.role, entry.role);
});

test('protocol 3: an entry leaves out the framework and role of the entry before; the decoder carries them over', () => {
  const r = (role: string) => parseResources('cpus:1;mem:8').allocate(role);
  const cycles = [cycleOf(['f1', '*', 'a1', r('*')], ['f1', '*', 'a2', r('*')], ['f1', 'web', 'a3', r('web')], ['f2', 'web', 'a4', r('web')]), cycleOf(['f2', 'web', 'a5', r('web')])];
  const allocation = decode(encodeAllocation(cycles));
  assert.deepEqual(allocation.offers.map((e) => [e.frameworkId, e.role, e.agentId]), [['f1', '*', 'a1'], ['', '', 'a2'], ['f1', 'web', 'a3'], ['f2', 'web', 'a4'], ['', '', 'a5']], 'written only when they change, across cycles too');
  expandOffers(allocation);
  const reference = decode(protocol.Allocation.encode(allocationToWire(cycles)).finish());
  assert.deepEqual(allocation.offers.map((e) => [e.frameworkId, e.role, e.agentId]), reference.offers.map((e) => [e.frameworkId, e.role, e.agentId]));
  // A first entry with nothing to carry over is malformed, and the decoder then changes nothing.
  const bad = decode(protocol.Allocation.encode({ offers: [{ agentId: 'a1', resources: [] }, { frameworkId: 'f', role: 'r', agentId: 'a2' }] }).finish());
  const before = JSON.stringify(bad);
  assert.throws(() => expandOffers(bad), (e: unknown) => e instanceof CodecError && /no entry before it to carry them over from/.test(e.message) && e.message.includes("agent 'a1'"));
  assert.equal(JSON.stringify(bad), before);
});

test('WireWriter: varints at every size boundary, up to 2^53', () => {
  const values = [0, 1, 127, 128, 16383, 16384, 2 ** 21 - 1, 2 ** 21, 2 ** 28 - 1, 2 ** 28, 2 ** 31 - 1, 2 ** 31, 2 ** 32, 2 ** 35, 2 ** 42 + 5, 2 ** 49, 2 ** 53 - 1];
  for (const v of values) {
    const w = new WireWriter(0);
    w.uintField(1, v);
    const bytes = w.finish();
    assert.equal(bytes.length, 1 + varintSize(v), String(v));
    const decoded = protocol.Value.Range.decode(bytes);
    assert.equal(decoded.begin, v);
  }
});

test('WireWriter: a field closed with endLen has a canonical prefix for bodies of any size, whatever the prefix reserved', () => {
  for (const reserved of [1, 2, 3]) for (const length of [0, 1, 127, 128, 300, 16383, 16384, 70000, 2_100_000]) {
    const w = new WireWriter(0);
    const start = w.beginLen(1, reserved);
    w.raw(new Uint8Array(length).fill(0x61));
    w.endLen(start, reserved);
    w.stringField(2, 'é✓😀');
    const bytes = w.finish();
    assert.equal(bytes.length, 1 + varintSize(length) + length + 1 + 1 + 9);
    const decoded = protocol.Label.decode(bytes);
    assert.equal(decoded.key.length, length);
    assert.equal(decoded.value, 'é✓😀');
  }
});

test('WireWriter: doubles as protobuf writes them', () => {
  for (const v of [0, -0, 0.001, 1e300, -5.5, Number.MAX_SAFE_INTEGER]) {
    const w = new WireWriter(0);
    w.doubleField(1, v);
    assert.deepEqual([...w.finish()], [...protocol.Value.Scalar.encode({ value: v }).finish()]);
  }
});

test('property: WireWriter.stringField writes what protobufjs writes, ASCII in one pass or not, of any length', () => {
  // Lone surrogates aside (protobufjs and TextEncoder write those differently; ids never hold them).
  const text = fc.oneof(
    fc.string({ maxLength: 300 }),
    fc.string({ unit: 'grapheme', maxLength: 40 }),
    fc.constantFrom('', 'a'.repeat(127), 'a'.repeat(128), `${'a'.repeat(126)}é`, 'agent-7', 'róle'),
  );
  fc.assert(
    fc.property(text, fc.option(text, { nil: undefined }), (key, value) => {
      const w = new WireWriter(0);
      w.stringField(1, key);
      if (value !== undefined) w.stringField(2, value);
      assert.deepEqual([...w.finish()], [...protocol.Label.encode(value === undefined ? { key } : { key, value }).finish()]);
    }),
    { numRuns: 500 },
  );
});
