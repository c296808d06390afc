// DRFSorter.order(): the lazily read order. Whatever happens to the sorter while a reader is open,
// the reader yields exactly what sort() returned when order() was called (the brute-force
// reference's order at that moment), the way Mesos's allocator walks the vector sort() returned at
// the start of a role's visit. The property also runs DRFSorter's order against the reference with
// many siblings, so the chunked sibling lists split and merge.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Resources, type ResourceInput } from '../../../src/resources/index.ts';
import { DRFSorter, RandomSorter, type SorterOrder } from '../../../src/allocator/sorter/index.ts';
import { seededRandom } from '../../../src/allocator/random.ts';
import { ReferenceDRF } from './drf-reference.ts';
import { q, r, withClients } from './common-sorter-tests.ts';

const AGENT = 'agentId';

test('order() yields what sort() returns, and nothing after the end', () => {
  const s = withClients(new DRFSorter(), 'a', 'b/c', 'b/d', 'framework10', 'framework2');
  s.addAgent(AGENT, q('cpus:100;mem:100'));
  s.allocated('a', AGENT, r('cpus:6;mem:6'));
  s.allocated('b/c', AGENT, r('cpus:1;mem:1'));
  const reader = s.order();
  assert.deepEqual([...reader], s.sort());
  assert.deepEqual(reader.next(), { value: undefined, done: true });
  assert.deepEqual([...new DRFSorter().order()], []);
});

test('an allocation to the client just read does not change what the reader yields next (flat)', () => {
  const s = withClients(new DRFSorter(), 'f1', 'f2', 'f3', 'f4');
  s.addAgent(AGENT, q('cpus:100;mem:100'));
  const expected = s.sort();
  assert.deepEqual(expected, ['f1', 'f2', 'f3', 'f4']);
  const seen: string[] = [];
  const amounts: Record<string, string> = { f1: 'cpus:50', f2: 'cpus:10', f3: 'cpus:1' };
  for (const f of s.order()) {
    seen.push(f);
    // f1 moves behind everyone, then f2 behind f3 and f4: already read, they are not read again.
    if (amounts[f] !== undefined) s.allocated(f, AGENT, r(amounts[f]));
  }
  assert.deepEqual(seen, expected);
  assert.deepEqual(s.sort(), ['f4', 'f3', 'f2', 'f1']);
});

test('an allocation that moves a subtree with clients still to read does not reorder them (Mesos visits the vector)', () => {
  // a/x, a/y, b/z: allocating to a/x makes subtree a larger than b; the live order becomes
  // b/z, a/y, a/x, but the visit that began with a/x, a/y, b/z goes on with a/y, then b/z.
  const s = withClients(new DRFSorter(), 'a/x', 'a/y', 'b/z');
  s.addAgent(AGENT, q('cpus:100;mem:100'));
  const expected = s.sort();
  assert.deepEqual(expected, ['a/x', 'a/y', 'b/z']);
  const seen: string[] = [];
  for (const c of s.order()) {
    seen.push(c);
    if (c === 'a/x') s.allocated(c, AGENT, r('cpus:10'));
  }
  assert.deepEqual(seen, expected);
  assert.deepEqual(s.sort(), ['b/z', 'a/y', 'a/x']);
});

test('structural changes and pool changes while reading: the reader keeps the order it started with', () => {
  const s = withClients(new DRFSorter(), 'a', 'b', 'c/d', 'c/e');
  s.addAgent(AGENT, q('cpus:100;mem:100'));
  s.allocated('b', AGENT, r('cpus:5'));
  const expected = s.sort();
  const reader = s.order();
  assert.equal(reader.next().value, expected[0]);
  s.add('f');
  s.activate('f');
  s.deactivate(expected[1]!);
  s.remove(expected[2]!);
  s.addAgent('agent2', q('cpus:1;mem:1000'));
  s.updateWeight(expected[3]!, 0.1);
  assert.deepEqual([...reader], expected.slice(1));
  assert.ok(!s.sort().includes(expected[2]!) && s.sort().includes('f'));
});

test('a new order() leaves an unfinished reader with the order it started with', () => {
  const s = withClients(new DRFSorter(), 'a/x', 'a/y', 'b/z', 'c');
  s.addAgent(AGENT, q('cpus:100;mem:100'));
  const first = s.order();
  const expected = s.sort();
  assert.equal(first.next().value, 'a/x');
  const second = s.order();
  s.allocated('a/y', AGENT, r('cpus:30'));
  s.allocated('c', AGENT, r('cpus:1'));
  assert.deepEqual([...first], expected.slice(1));
  assert.deepEqual([...second], expected);
});

test('breaking out of a for-of or calling return() ends a reader', () => {
  const s = withClients(new DRFSorter(), 'a', 'b', 'c');
  s.addAgent(AGENT, q('cpus:100;mem:100'));
  const reader = s.order();
  for (const c of reader) {
    assert.equal(c, 'a');
    break;
  }
  assert.deepEqual(reader.next(), { value: undefined, done: true });
  const other = s.order();
  other.next();
  assert.deepEqual(other.return!(), { value: undefined, done: true });
  assert.deepEqual([...other], []);
});

test('order() after sort(): sort() results handed out never change, and sort() stays right', () => {
  const s = withClients(new DRFSorter(), 'a', 'b', 'c/d', 'c/e');
  s.addAgent(AGENT, q('cpus:100;mem:100'));
  const handed = s.sort();
  const copy = [...handed];
  for (const c of s.order()) {
    s.allocated(c, AGENT, r('cpus:3'));
    break;
  }
  s.allocated('c/e', AGENT, r('cpus:1'));
  assert.deepEqual(handed, copy);
  const ref = withClients(new DRFSorter(), 'a', 'b', 'c/d', 'c/e');
  ref.addAgent(AGENT, q('cpus:100;mem:100'));
  ref.allocated('a', AGENT, r('cpus:3'));
  ref.allocated('c/e', AGENT, r('cpus:1'));
  assert.deepEqual(s.sort(), ref.sort());
});

test('unreadInOrder: the given clients a reader has not yielded, in its order, without reading on', () => {
  const s = withClients(new DRFSorter(), 'f1', 'f2', 'f3', 'f4', 'f5');
  s.addAgent(AGENT, q('cpus:100;mem:100'));
  const reader = s.order();
  assert.deepEqual(reader.unreadInOrder!(['f4', 'f1', 'f3']), ['f1', 'f3', 'f4']);
  assert.equal(reader.next().value, 'f1');
  assert.equal(reader.next().value, 'f2');
  // Allocations to clients already read (the engine's offers) move them: the rest keep their order.
  s.allocated('f1', AGENT, r('cpus:50'));
  s.allocated('f2', AGENT, r('cpus:10'));
  s.allocated('f5', AGENT, r('cpus:1'));
  assert.deepEqual(s.sort(), ['f3', 'f4', 'f5', 'f2', 'f1']);
  assert.deepEqual(reader.unreadInOrder!(['f5', 'f2', 'f3', 'f1']), ['f3', 'f5']);
  assert.deepEqual(reader.unreadInOrder!([]), []);
  assert.throws(() => reader.unreadInOrder!(['nobody']), /unknown sorter client/);
  s.deactivate('f4');
  // A structural change made the reader copy the rest of its order: it no longer answers.
  assert.equal(reader.unreadInOrder!(['f3']), undefined);
  assert.deepEqual([...reader], ['f3', 'f4', 'f5']);
  assert.throws(() => s.order().unreadInOrder!(['f4']), /not active/);
});

test('unreadInOrder in a hierarchy: compared where the paths part; undefined once a subtree with clients to read moved', () => {
  const s = withClients(new DRFSorter(), 'a/x', 'a/y', 'b/z', 'c');
  s.addAgent(AGENT, q('cpus:100;mem:100'));
  s.allocated('c', AGENT, r('cpus:1'));
  const reader = s.order();
  assert.deepEqual(reader.unreadInOrder!(['c', 'b/z', 'a/y']), ['a/y', 'b/z', 'c']);
  assert.equal(reader.next().value, 'a/x');
  // Subtree a moves behind b and c while a/y is still to read: the reader keeps a copy of the root's children.
  s.allocated('a/x', AGENT, r('cpus:10'));
  assert.equal(reader.unreadInOrder!(['c', 'a/y']), undefined);
  assert.deepEqual([...reader], ['a/y', 'b/z', 'c']);
});

test('membershipVersion changes with the set of active clients, not with allocations', () => {
  for (const s of [new DRFSorter(), new RandomSorter(seededRandom(1))]) {
    s.addAgent(AGENT, q('cpus:100;mem:100'));
    const seen = [s.membershipVersion];
    const changed = (what: string) => {
      assert.notEqual(s.membershipVersion, seen[seen.length - 1], what);
      seen.push(s.membershipVersion);
    };
    s.add('f1');
    changed('add');
    s.activate('f1');
    changed('activate');
    s.allocated('f1', AGENT, r('cpus:1'));
    s.unallocated('f1', AGENT, r('cpus:1'));
    s.updateWeight('f1', 2);
    assert.equal(s.membershipVersion, seen[seen.length - 1], 'allocations and weights');
    s.add('f1/child');
    changed('a leaf becoming internal');
    s.activate('f1/child');
    changed('activate');
    s.deactivate('f1/child');
    changed('deactivate');
    s.deactivate('f1/child');
    assert.equal(s.membershipVersion, seen[seen.length - 1], 'deactivating an inactive client');
    s.remove('f1/child');
    changed('remove');
  }
});

test('RandomSorter.order() draws as sort() does', () => {
  const a = withClients(new RandomSorter(seededRandom(7)), 'a', 'b', 'c/d', 'c/e');
  const b = withClients(new RandomSorter(seededRandom(7)), 'a', 'b', 'c/d', 'c/e');
  for (let i = 0; i < 5; i++) assert.deepEqual([...a.order()], b.sort());
});

// The property: random call sequences with readers opened, read, allocated to and abandoned
// among them; every reader must yield the reference order of the moment it was opened.

/** Many flat siblings (chunks split above 64) next to small hierarchies and virtual leaves. */
const FLAT = Array.from({ length: 150 }, (_, i) => `f${i}`);
const NESTED = ['a', 'a/b', 'a/c', 'a/b/c', 'b/x', 'b/y', 'c/d/e', 'c/d/f', 'c/g'];
const WEIGHT_PATHS = ['a', 'b', 'a/b', 'c', 'c/d', 'f3', 'f77'];
const AGENTS = ['agent1', 'agent2', 'agent3'];
const AMOUNTS = [0, 1, 2, 3, 0.1, 0.5, 10];

const sharedVolume: ResourceInput = {
  name: 'disk',
  scalar: 2,
  reservations: [{ type: 'STATIC', role: 'r' }],
  disk: { persistence: { id: 'v1' }, volume: { containerPath: 'data', mode: 'RW' } },
  shared: true,
};

function resourcesOf(cpus: number, mem: number, shared: boolean): Resources {
  const items: ResourceInput[] = [];
  if (cpus > 0) items.push({ name: 'cpus', scalar: cpus });
  if (mem > 0) items.push({ name: 'mem', scalar: mem * 10 });
  if (shared) items.push(sharedVolume);
  return Resources.of(items);
}

const amount = fc.constantFrom(...AMOUNTS);
const index = fc.nat(1000);
const op = fc.oneof(
  { weight: 4, arbitrary: fc.record({ t: fc.constant('open' as const) }) },
  { weight: 8, arbitrary: fc.record({ t: fc.constant('read' as const), n: fc.integer({ min: 1, max: 4 }), reader: index }) },
  // The engine's pattern: allocate to the client a reader just yielded.
  { weight: 8, arbitrary: fc.record({ t: fc.constant('allocateRead' as const), reader: index, cpus: amount, mem: amount }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('close' as const), reader: index }) },
  // The engine's shortcut: which of some active clients a reader has still to yield, in its order.
  { weight: 3, arbitrary: fc.record({ t: fc.constant('unread' as const), reader: index, pick: fc.nat(6) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('sort' as const) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('add' as const), c: index }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('remove' as const), c: index }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('activate' as const), c: index }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('deactivate' as const), c: index }) },
  { weight: 6, arbitrary: fc.record({ t: fc.constant('allocated' as const), c: index, a: index, cpus: amount, mem: amount, shared: fc.boolean() }) },
  { weight: 3, arbitrary: fc.record({ t: fc.constant('unallocated' as const), k: index }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('update' as const), k: index, cpus: amount }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('addAgent' as const), a: index, cpus: amount }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('removeAgent' as const), a: index }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('weight' as const), p: index, w: fc.constantFrom(0.5, 1, 2, 3) }) },
);
type Op = typeof op extends fc.Arbitrary<infer T> ? T : never;

interface Open {
  readonly reader: SorterOrder;
  readonly expected: readonly string[];
  read: number;
  done: boolean;
}

function run(clients: readonly string[], steps: readonly Op[]): void {
  const sorter = new DRFSorter();
  const ref = new ReferenceDRF(new Set());
  let chunks: { client: string; agent: string; res: Resources }[] = [];
  const readers: Open[] = [];
  const pick = <T>(list: readonly T[], i: number): T => list[i % list.length]!;
  const allocate = (c: string, agent: string, res: Resources) => {
    sorter.allocated(c, agent, res);
    ref.allocated(c, agent, res);
    if (!res.isEmpty()) chunks.push({ client: c, agent, res });
  };
  const readFrom = (o: Open, n: number) => {
    for (let k = 0; k < n; k++) {
      const next = o.reader.next();
      if (o.read === o.expected.length) {
        assert.equal(next.done, true, 'a reader yields nothing after the order it started with');
        o.done = true;
        return;
      }
      assert.deepEqual(next, { value: o.expected[o.read], done: false }, `reader item ${o.read} of ${JSON.stringify(o.expected)}`);
      o.read++;
    }
  };

  for (const c of clients) {
    sorter.add(c);
    ref.add(c);
    sorter.activate(c);
    ref.active.set(c, true);
  }
  for (const agent of AGENTS.slice(0, 2)) {
    const quantities = new Map([['cpus', 16], ['mem', 160], ['disk', 12]]);
    sorter.addAgent(agent, quantities);
    ref.agents.set(agent, quantities);
  }

  for (const op of steps) {
    const live = readers.filter((o) => !o.done);
    switch (op.t) {
      case 'open':
        readers.push({ reader: sorter.order(), expected: ref.sort(), read: 0, done: false });
        break;
      case 'read':
        if (live.length > 0) readFrom(pick(live, op.reader), op.n);
        break;
      case 'allocateRead': {
        const o = live.length > 0 ? pick(live, op.reader) : undefined;
        if (o === undefined) break;
        readFrom(o, 1);
        const c = o.expected[o.read - 1];
        // The client may have been removed since the reader started.
        if (o.read > 0 && !o.done && ref.active.has(c!)) allocate(c!, AGENTS[o.read % 2]!, resourcesOf(op.cpus, op.mem, false));
        break;
      }
      case 'close':
        if (live.length > 0) {
          const o = pick(live, op.reader);
          o.reader.return!();
          o.done = true;
          assert.equal(o.reader.next().done, true);
        }
        break;
      case 'unread': {
        const o = live.length > 0 ? pick(live, op.reader) : undefined;
        if (o === undefined) break;
        // Some of the clients active now (in the reference's current order, so not in the reader's).
        const active = ref.sort();
        const some = active.filter((_, i) => (i * 7 + op.pick) % 3 === 0);
        const unread = o.reader.unreadInOrder!(some);
        // Undefined once the reader reads a copy; otherwise exactly what it will yield of them.
        if (unread !== undefined) assert.deepEqual(unread, o.expected.slice(o.read).filter((c) => some.includes(c)), `unread of ${JSON.stringify(some)}`);
        break;
      }
      case 'sort':
        assert.deepEqual(sorter.sort(), ref.sort());
        break;
      case 'add': {
        const c = pick([...FLAT, ...NESTED], op.c);
        if (ref.active.has(c)) break;
        sorter.add(c);
        ref.add(c);
        break;
      }
      case 'remove': {
        const all = [...ref.active.keys()];
        if (all.length === 0) break;
        const c = pick(all, op.c);
        sorter.remove(c);
        ref.remove(c);
        chunks = chunks.filter((k) => k.client !== c);
        break;
      }
      case 'activate':
      case 'deactivate': {
        const all = [...ref.active.keys()];
        if (all.length === 0) break;
        const c = pick(all, op.c);
        sorter[op.t](c);
        ref.active.set(c, op.t === 'activate');
        break;
      }
      case 'allocated': {
        const all = [...ref.active.keys()];
        if (all.length === 0) break;
        allocate(pick(all, op.c), pick(AGENTS, op.a), resourcesOf(op.cpus, op.mem, op.shared));
        break;
      }
      case 'unallocated': {
        if (chunks.length === 0) break;
        const k = op.k % chunks.length;
        const { client, agent, res } = chunks[k]!;
        chunks.splice(k, 1);
        sorter.unallocated(client, agent, res);
        ref.unallocated(client, agent, res);
        break;
      }
      case 'update': {
        if (chunks.length === 0) break;
        const k = op.k % chunks.length;
        const chunk = chunks[k]!;
        const next = resourcesOf(op.cpus, 0, false);
        sorter.update(chunk.client, chunk.agent, chunk.res, next);
        ref.update(chunk.client, chunk.agent, chunk.res, next);
        if (next.isEmpty()) chunks.splice(k, 1);
        else chunk.res = next;
        break;
      }
      case 'addAgent': {
        const agent = pick(AGENTS, op.a);
        if (ref.agents.has(agent)) break;
        const quantities = new Map([['cpus', op.cpus * 4 + 1], ['mem', 40], ['disk', 3]]);
        sorter.addAgent(agent, quantities);
        ref.agents.set(agent, quantities);
        break;
      }
      case 'removeAgent': {
        const agent = pick(AGENTS, op.a);
        if (!ref.agents.has(agent)) break;
        sorter.removeAgent(agent);
        ref.agents.delete(agent);
        break;
      }
      case 'weight': {
        const path = pick(WEIGHT_PATHS, op.p);
        sorter.updateWeight(path, op.w);
        ref.weights.set(path, op.w);
        break;
      }
    }
  }
  for (const o of readers) if (!o.done) readFrom(o, o.expected.length - o.read + 1);
  assert.deepEqual(sorter.sort(), ref.sort());
  assert.deepEqual([...sorter.order()], ref.sort());
}

const start = fc.oneof(
  // Small mixed trees: every corner of the hierarchy.
  fc.subarray([...NESTED, ...FLAT.slice(0, 6)], { minLength: 2 }),
  // Many flat siblings (several chunks) with a few nested clients.
  fc.tuple(fc.integer({ min: 60, max: 150 }), fc.subarray(NESTED)).map(([n, nested]) => [...FLAT.slice(0, n), ...nested]),
);

test('order() readers yield the order of the moment they were opened, whatever the sorter does meanwhile', () => {
  fc.assert(fc.property(start, fc.array(op, { minLength: 1, maxLength: 80, size: 'max' }), run), { numRuns: 300 });
});
