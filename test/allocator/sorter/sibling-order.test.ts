// The chunked sibling list under DRFSorter: random inserts, moves and removals against a plain
// sorted array, with the chunk invariants checked after every step.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { SorterNode } from '../../../src/allocator/sorter/client-tree.ts';
import { compare, SiblingOrder } from '../../../src/allocator/sorter/sibling-order.ts';

function node(name: string): SorterNode {
  return new SorterNode(name, name, name, 'active', undefined, 1);
}

function check(order: SiblingOrder, expected: readonly SorterNode[]): void {
  assert.equal(order.size, expected.length);
  for (const chunk of order.chunks) {
    assert.ok(chunk.length > 0, 'no empty chunk');
    assert.ok(chunk.length <= 64, 'no chunk above 64');
  }
  assert.deepEqual(order.chunks.flat().map((n) => n.name), expected.map((n) => n.name));
  expected.forEach((n, k) => {
    order.locate(n);
    assert.equal(order.chunks[order.c]![order.i], n);
    assert.equal(order.indexOf(order.c, order.i), k);
  });
}

// Few distinct keys, so inserts pile up in one chunk and split it; removals of a stretch merge.
const share = fc.oneof(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 20 }));
const step = fc.oneof(
  { weight: 3, arbitrary: fc.record({ t: fc.constant('insert' as const), share, count: fc.nat(2) }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('remove' as const), k: fc.nat(10_000) }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('move' as const), k: fc.nat(10_000), share }) },
);

test('SiblingOrder keeps its nodes sorted in bounded, non-empty chunks and finds each where it is', () => {
  fc.assert(
    fc.property(fc.nat(200), fc.array(step, { maxLength: 400, size: 'max' }), (initial, steps) => {
      let names = 0;
      const fresh = (share: number, count: number) => {
        const n = node(`n${String(names++).padStart(4, '0')}`);
        n.keyShare = share / 10;
        n.keyCount = count;
        return n;
      };
      const start = Array.from({ length: initial }, (_, k) => fresh(k % 7, k % 3)).sort(compare);
      const order = SiblingOrder.of(start.slice());
      let expected = start.slice();
      check(order, expected);
      for (const s of steps) {
        if (s.t === 'insert') {
          const n = fresh(s.share, s.count);
          order.insert(n);
          assert.equal(order.chunks[order.c]![order.i], n, 'insert reports where the node went');
          expected.push(n);
        } else if (expected.length > 0) {
          const n = expected[s.k % expected.length]!;
          order.locate(n);
          order.removeAt(order.c, order.i);
          expected = expected.filter((x) => x !== n);
          if (s.t === 'move') {
            n.keyShare = s.share / 10;
            order.insert(n);
            // Located right after the move, as the sorter does when it allocates again.
            order.locate(n);
            assert.equal(order.chunks[order.c]![order.i], n);
            expected.push(n);
          }
        }
        expected.sort(compare);
        check(order, expected);
      }
    }),
    { numRuns: 200 },
  );
});
