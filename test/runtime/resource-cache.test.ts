// The decoding shortcuts of the bridge's hot paths: byte-identical Resource messages decode to the
// very objects decoded before, anything else decodes afresh and correctly; the caches are bounded;
// a decline of exactly what was offered is the offered Resources object; the encoders' caches
// and the in-place Response give the bytes protobufjs gives.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { CycleResult } from '../../src/allocator/index.ts';
import { parseResources, type Resources } from '../../src/resources/index.ts';
import { allocationToWire, encodeAllocation, expandOffers, resourceItemsFromWire, resourcesFromWire, resourcesToWire } from '../../src/runtime/codec/index.ts';
import { CAPACITY, Generations, installResourceDecodeCache, resourceDecodeCache, sampleHash } from '../../src/runtime/codec/resource-cache.ts';
import { KEPT_CYCLES, OfferMemo } from '../../src/runtime/offer-memo.ts';
import { protocol, type wire } from '../../src/runtime/protocol.ts';
import { encodeResponse } from '../../src/runtime/response-bytes.ts';
import { resources as arbitraryResources } from './fixtures/arbitraries.ts';

installResourceDecodeCache();

/** Wire resources through bytes, as they arrive from the C++ side. */
function throughBytes(list: wire.IResource[]): wire.IResource[] {
  const bytes = protocol.TransitionOfferedToAllocated.encode({ agentId: 'a', resources: list }).finish();
  return protocol.TransitionOfferedToAllocated.decode(bytes).resources;
}

const cycleOf = (framework: string, role: string, agent: string, offered: Resources): CycleResult => ({
  offers: new Map([[framework, new Map([[role, new Map([[agent, offered]])]])]]),
  inverseOffers: new Map(),
  candidates: 1,
  periodic: true,
  operatorCalls: [],
});

test('byte-identical resources decode to the same messages and the same items', () => {
  const wireList = resourcesToWire(parseResources('cpus(prod):2;mem:64;ports:[31000-31010];disk:100'), 'prod');
  const first = throughBytes(wireList);
  const second = throughBytes(wireList);
  assert.deepEqual(first.map((m, i) => m === second[i]), [true, true, true, true]);
  const a = resourceItemsFromWire(first, 'r');
  const b = resourceItemsFromWire(second, 'r');
  assert.deepEqual(a.map((item, i) => item === b[i]), [true, true, true, true]);
  // The shared messages are frozen: nobody can change what a later decode answers.
  assert.throws(() => {
    (first[0] as { name: string }).name = 'gpus';
  }, TypeError);
});

test('a different value or identity decodes to new, correct objects', () => {
  const before = resourceItemsFromWire(throughBytes(resourcesToWire(parseResources('cpus:2;mem:64'), 'r')), 'r');
  const other = resourcesFromWire(throughBytes(resourcesToWire(parseResources('cpus:3;mem(prod):64'), 'r')), 'r');
  const items = [...other];
  assert.notEqual(items[0], before[0]);
  assert.equal(items[0]!.scalar, 3);
  assert.deepEqual(items[1]!.reservations, [{ type: 'STATIC', role: 'prod' }]);
  assert.ok(other.equals(parseResources('cpus:3;mem(prod):64').allocate('r')));
});

test('property: random resources decode correctly through the cache, twice, to the same items', () => {
  fc.assert(
    fc.property(arbitraryResources, fc.constantFrom(undefined, 'r', 'a/b'), (original, role) => {
      const wireList = resourcesToWire(original, role);
      const expected = role === undefined ? original : original.allocate(role);
      const first = resourcesFromWire(throughBytes(wireList), 'r');
      assert.ok(first.equals(expected), `${first} != ${expected}`);
      assert.deepEqual(first.toArray(), expected.toArray());
      // Item for wire resource, before any combining: the same objects the second time.
      const items = resourceItemsFromWire(throughBytes(wireList), 'r');
      const again = resourceItemsFromWire(throughBytes(wireList), 'r');
      assert.deepEqual(again.map((item, i) => item === items[i]), items.map(() => true));
    }),
    { numRuns: 300 },
  );
});

test('invalid resources are refused the same way, and again when their bytes come back', () => {
  const bad = [{ name: 'cpus', type: 0, scalar: { value: 1 } }, { name: 'ports', type: 1, ranges: { range: [{ begin: 5, end: 1 }] } }];
  for (let i = 0; i < 2; i++) assert.throws(() => resourcesFromWire(throughBytes(bad), 'total'), /^CodecError: total: resource #1 \('ports'\): invalid ranges, begin > end in \[5-1\]$/);
});

test('the byte map is bounded: two generations, the older dropped as a whole', () => {
  const map = new Generations<number, number>(4);
  for (let i = 0; i < 20; i++) map.set(i, i);
  assert.ok(map.size <= 8);
  assert.equal(map.get(0), undefined);
  assert.equal(map.get(19), 19);
  // An old entry in use moves to the young generation and survives the next rotation.
  const kept = new Generations<string, number>(2);
  kept.set('a', 1);
  kept.set('b', 2);
  kept.set('c', 3); // a, b old
  assert.equal(kept.get('a'), 1); // promoted
  kept.set('d', 4); // rotation: a, c old
  assert.equal(kept.get('a'), 1);
  assert.equal(kept.get('b'), undefined);

  resourceDecodeCache.clear();
  for (let i = 0; i < 2 * CAPACITY + 100; i++) throughBytes([{ name: 'cpus', type: 0, scalar: { value: i + 1 } }]);
  assert.ok(resourceDecodeCache.size <= 2 * CAPACITY, `${resourceDecodeCache.size}`);
});

test('a decline of exactly the offer is the offered Resources object; anything else is decoded', () => {
  const offered = parseResources('cpus:4;mem:512;ports:[31000-31005]').allocate('r');
  const memo = new OfferMemo();
  memo.record([cycleOf('f', 'r', 'a', offered)]);
  const back = throughBytes(resourcesToWire(offered, 'r'));
  assert.equal(memo.match('f', 'a', resourceItemsFromWire(back, 'd'), back), offered);
  // Rebound: the same bytes now decode to the offered items themselves.
  assert.deepEqual(resourceItemsFromWire(back, 'd').map((item, i) => item === offered.itemsView()[i]), [true, true, true]);
  // Another framework or agent, a part of the offer, another value: no match.
  assert.equal(memo.match('g', 'a', resourceItemsFromWire(back, 'd'), back), undefined);
  assert.equal(memo.match('f', 'b', resourceItemsFromWire(back, 'd'), back), undefined);
  const part = throughBytes(resourcesToWire(parseResources('cpus:4;mem:512').allocate('r'), 'r'));
  assert.equal(memo.match('f', 'a', resourceItemsFromWire(part, 'd'), part), undefined);
  const more = throughBytes(resourcesToWire(parseResources('cpus:5;mem:512;ports:[31000-31005]').allocate('r'), 'r'));
  assert.equal(memo.match('f', 'a', resourceItemsFromWire(more, 'd'), more), undefined);
  // Bounded: offers older than KEPT_CYCLES allocate replies are forgotten.
  for (let i = 0; i < KEPT_CYCLES; i++) memo.record([cycleOf('f', 'r', `other${i}`, offered)]);
  assert.equal(memo.match('f', 'a', resourceItemsFromWire(back, 'd'), back), undefined);
});

test('an equal offer with a different volume (outside the identity key) is not taken for it', () => {
  const volume = (path: string) => ({ name: 'disk', scalar: 10, reservations: [{ type: 'DYNAMIC' as const, role: 'r' }], disk: { persistence: { id: 'v' }, volume: { containerPath: path, mode: 'RW' as const } } });
  const offered = parseResources('cpus:1').plus([volume('a')]).allocate('r');
  const memo = new OfferMemo();
  memo.record([cycleOf('f', 'r', 'a', offered)]);
  const other = throughBytes(resourcesToWire(parseResources('cpus:1').plus([volume('b')]).allocate('r'), 'r'));
  assert.equal(memo.match('f', 'a', resourceItemsFromWire(other, 'd'), other), undefined);
});

test('encodeAllocation twice (cached offers) and the in-place Response give what protobufjs gives', () => {
  const offered = parseResources('cpus:4;mem:512;ports:[31000-31005];disk(prod):5').allocate('r');
  const cycles = [cycleOf('f', 'r', 'a', offered), cycleOf('g', 'r', 'b', offered)];
  const expected = protocol.Allocation.decode(protocol.Allocation.encode(allocationToWire(cycles)).finish());
  // Both offers name one shared list (protocol 2): compared with every offer's resources in place.
  const expanded = (allocation: wire.IAllocation | null | undefined): wire.IAllocation => {
    assert.equal(allocation?.sharedResources?.length, 1, 'the offers share one list');
    expandOffers(allocation!).sharedResources = [];
    return allocation!;
  };
  for (let i = 0; i < 2; i++) {
    const bytes = encodeAllocation(cycles);
    assert.deepEqual(expanded(protocol.Allocation.decode(bytes)), expected);
    const response = protocol.Response.decode(encodeResponse({ allocator: { allocationBytes: bytes, nextCycleAtMs: 1234.5 } }));
    assert.equal(response.allocator?.nextCycleAtMs, 1234.5);
    assert.deepEqual(expanded(response.allocator!.allocation), expected);
    // The headroom is used once: a second Response of the same bytes is built by copying.
    const again = protocol.Response.decode(encodeResponse({ allocator: { allocationBytes: bytes } }));
    assert.deepEqual(expanded(again.allocator!.allocation), expected);
    assert.equal(again.allocator?.nextCycleAtMs, 0);
    // The allocation's own bytes are untouched by the Response written around them.
    assert.deepEqual(expanded(protocol.Allocation.decode(bytes)), expected);
  }
});

/** An Environment nested in a CommandInfo, decoded as the hook path decodes it (through the cache). */
function environmentThroughBytes(env: wire.IEnvironment): { message: wire.IEnvironment; bytes: Uint8Array } {
  const bytes = protocol.Environment.encode(env).finish();
  const command = protocol.CommandInfo.decode(protocol.CommandInfo.encode({ value: 'x', environment: env }).finish());
  return { message: command.environment!, bytes };
}

const kafkaEnvironment = (setting: string): wire.IEnvironment => ({
  variables: Array.from({ length: 24 }, (_, i) => ({ name: `KAFKA_OVERRIDE_SETTING_${i}`, type: protocol.Environment.Variable.Type.VALUE, value: i === 11 ? setting : `value-of-the-broker-setting-number-${i}` })),
});

test('long messages (environments): byte-identical ones decode to the same frozen message, others afresh', () => {
  const first = environmentThroughBytes(kafkaEnvironment('a'));
  const second = environmentThroughBytes(kafkaEnvironment('a'));
  assert.ok(first.message === second.message && Object.isFrozen(first.message), 'identical bytes: the message decoded before');
  const other = environmentThroughBytes(kafkaEnvironment('b'));
  assert.notEqual(other.message, first.message);
  assert.equal(other.message.variables![11]!.value, 'b');
});

test('long messages: one whose sampled bytes match a cached one but whose other bytes differ is not taken for it', () => {
  const base = kafkaEnvironment('value-of-the-broker-setting-number-11');
  const baseBytes = protocol.Environment.encode(base).finish();
  const key = sampleHash(baseBytes, 0, baseBytes.length);
  // The same length, one character changed where the sample does not look.
  let twin: wire.IEnvironment | undefined;
  for (let at = 0; at < 36 && twin === undefined; at++) {
    const value = 'value-of-the-broker-setting-number-11';
    const candidate = kafkaEnvironment(value.slice(0, at) + (value[at] === 'z' ? 'y' : 'z') + value.slice(at + 1));
    const bytes = protocol.Environment.encode(candidate).finish();
    if (bytes.length === baseBytes.length && sampleHash(bytes, 0, bytes.length) === key) twin = candidate;
  }
  assert.ok(twin !== undefined, 'a same-sample twin exists (the sample skips most bytes)');
  for (let round = 0; round < 2; round++) {
    for (const env of [base, twin]) {
      const decoded = environmentThroughBytes(env).message;
      assert.equal(decoded.variables![11]!.value, env.variables![11]!.value, `round ${round}: decoded as sent`);
    }
  }
});

test('property: random environments decode through the cache as protobufjs decodes them', () => {
  const variable = fc.record({ name: fc.string({ maxLength: 40 }), value: fc.string({ maxLength: 80 }), type: fc.constantFrom(1, 2) });
  fc.assert(
    fc.property(fc.array(variable, { minLength: 1, maxLength: 30 }), (variables) => {
      const env: wire.IEnvironment = { variables: variables.map((v) => (v.type === 2 ? { name: v.name, type: v.type } : { name: v.name, type: v.type, value: v.value })) };
      const { message, bytes } = environmentThroughBytes(env);
      assert.deepEqual(message, protocol.Environment.decode(bytes));
      assert.deepEqual(environmentThroughBytes(env).message, protocol.Environment.decode(bytes));
    }),
    { numRuns: 200 },
  );
});

test('identical agents: each decline matches its own agent offer, again and again, and never another agent offer of other value', () => {
  // Two agents offered equal resources (distinct objects, as each agent has its own): their declines
  // decode to the very same cached messages, so the messages alone cannot tell whose offer it is.
  const resources = 'cpus:4;mem:512;ports:[31000-31005]';
  const a = parseResources(resources).allocate('r');
  const b = parseResources(resources).allocate('r');
  const memo = new OfferMemo();
  memo.record([{ ...cycleOf('f', 'r', 'a', a), offers: new Map([['f', new Map([['r', new Map([['a', a], ['b', b]])]])]]) }]);
  for (let round = 0; round < 3; round++) {
    const back = throughBytes(resourcesToWire(a, 'r'));
    assert.equal(memo.match('f', 'a', resourceItemsFromWire(back, 'd'), back), a, `round ${round}: agent a's decline is a's offer`);
    assert.equal(memo.match('f', 'b', resourceItemsFromWire(back, 'd'), back), b, `round ${round}: agent b's decline is b's offer`);
  }
  // Agent b is offered something else next cycle: the same messages that matched its old offer do not match the new one.
  const c = parseResources('cpus:3;mem:512;ports:[31000-31005]').allocate('r');
  memo.record([cycleOf('f', 'r', 'b', c)]);
  const back = throughBytes(resourcesToWire(a, 'r'));
  assert.equal(memo.match('f', 'b', resourceItemsFromWire(back, 'd'), back), b, "b's older offer is still the one these bytes are");
  const other = new OfferMemo();
  other.record([cycleOf('f', 'r', 'b', c)]);
  assert.equal(other.match('f', 'b', resourceItemsFromWire(back, 'd'), back), undefined, 'bytes of another value match no offer');
});
