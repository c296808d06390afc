// The hot-path encoder of allocation replies gives the same message as protobufjs encoding the
// plain-object form, for any offers; and the little writer under it writes valid protobuf.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { CycleResult } from '../../src/allocator/index.ts';
import type { Resources } from '../../src/resources/index.ts';
import { allocationToWire, encodeAllocation } from '../../src/runtime/codec/index.ts';
import { varintSize, WireWriter } from '../../src/runtime/codec/wire-writer.ts';
import { protocol } from '../../src/runtime/protocol.ts';
import { resources as arbitraryResources } from './fixtures/arbitraries.ts';

const id = fc.oneof(fc.constantFrom('f1', 'agent-7', 'róle', '*', 'a/b'), fc.string({ minLength: 1, maxLength: 12 }), fc.string({ unit: 'grapheme', minLength: 1, maxLength: 4 }));

const cycle: fc.Arbitrary<CycleResult> = fc
  .record({
    offers: fc.array(fc.tuple(id, id, id, arbitraryResources), { maxLength: 6 }),
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
    return { offers: byFramework, inverseOffers, candidates, periodic: true };
  });

test('property: encodeAllocation decodes to what protobufjs makes of allocationToWire', () => {
  fc.assert(
    fc.property(fc.array(cycle, { maxLength: 3 }), (cycles) => {
      const fast = protocol.Allocation.decode(encodeAllocation(cycles));
      const reference = protocol.Allocation.decode(protocol.Allocation.encode(allocationToWire(cycles)).finish());
      assert.deepEqual(fast, reference);
    }),
    { numRuns: 300 },
  );
});

test('the identity cache follows the role an entry asks for', () => {
  const [c] = fc.sample(cycle.filter((x) => x.offers.size > 0), { numRuns: 1, seed: 3 });
  const first = protocol.Allocation.decode(encodeAllocation([c!]));
  const again = protocol.Allocation.decode(encodeAllocation([c!]));
  assert.deepEqual(again, first, 'cached identities give the same bytes');
  for (const entry of first.offers) for (const r of entry.resources ?? []) assert.equal(r.allocationInfo?.role, entry.role);
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

test('WireWriter: a field closed with endLen has a canonical prefix for bodies of any size', () => {
  for (const length of [0, 1, 127, 128, 300, 16383, 16384, 70000, 2_100_000]) {
    const w = new WireWriter(0);
    const start = w.beginLen(1);
    w.raw(new Uint8Array(length).fill(0x61));
    w.endLen(start);
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
