// Property: whatever sequence of sorter calls the engine makes, DRFSorter's incrementally kept
// order equals the order a brute-force reference computes from scratch (drf-reference.ts), and so
// do shares, counts and quantities.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Resources, type ResourceInput } from '../../../src/resources/index.ts';
import { DRFSorter } from '../../../src/allocator/sorter/index.ts';
import { ReferenceDRF } from './drf-reference.ts';

// Paths chosen to exercise virtual leaves (a with a/b, a/b with a/b/c), deep chains, and the
// plain-string name order (framework10 < framework2).
const CLIENTS = ['a', 'b', 'a/b', 'a/c', 'a/b/c', 'b/x', 'framework10', 'framework2', 'c/d/e'];
const WEIGHT_PATHS = ['a', 'b', 'a/b', 'c', 'c/d', 'framework2', 'a/b/c'];
const AGENTS = ['agent1', 'agent2', 'agent3'];
// Thirds and tenths as well as whole numbers, so shares hit Mesos's floating-point corners.
const AMOUNTS = [0, 1, 2, 3, 5, 0.1, 0.5, 0.333, 10];

const sharedVolume = (id: string): ResourceInput => ({
  name: 'disk',
  scalar: id === 'v1' ? 4 : 2,
  reservations: [{ type: 'STATIC', role: 'r' }],
  disk: { persistence: { id }, volume: { containerPath: 'data', mode: 'RW' } },
  shared: true,
});

function resourcesOf(cpus: number, mem: number, disk: number, shared: number): Resources {
  const items: ResourceInput[] = [];
  if (cpus > 0) items.push({ name: 'cpus', scalar: cpus });
  if (mem > 0) items.push({ name: 'mem', scalar: mem * 10 });
  if (disk > 0) items.push({ name: 'disk', scalar: disk, reservations: [{ type: 'STATIC', role: 'r' }] });
  if (shared === 1) items.push(sharedVolume('v1'));
  if (shared === 2) items.push(sharedVolume('v2'));
  return Resources.of(items);
}

const amount = fc.constantFrom(...AMOUNTS);
const index = fc.nat(100);
const op = fc.oneof(
  { weight: 3, arbitrary: fc.record({ t: fc.constant('add' as const), c: index }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('remove' as const), c: index }) },
  { weight: 3, arbitrary: fc.record({ t: fc.constant('activate' as const), c: index }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('deactivate' as const), c: index }) },
  {
    weight: 6,
    arbitrary: fc.record({ t: fc.constant('allocated' as const), c: index, a: index, cpus: amount, mem: amount, disk: amount, shared: fc.nat(4) }),
  },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('unallocated' as const), k: index }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('update' as const), k: index, cpus: amount, mem: amount }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('addAgent' as const), a: index, cpus: amount, mem: amount, disk: amount }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('removeAgent' as const), a: index }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('weight' as const), p: index, w: fc.constantFrom(0.5, 1, 2, 3, 0.1) }) },
);
type Op = typeof op extends fc.Arbitrary<infer T> ? T : never;
const step = fc.record({ op, check: fc.boolean() });

interface Chunk {
  client: string;
  agent: string;
  res: Resources;
}

interface Start {
  /** Clients added (and activated) before the random steps, so most steps meet a populated tree. */
  readonly clients: readonly string[];
  readonly agents: number;
  readonly excludeDisk: boolean;
}

const start = fc.record({ clients: fc.subarray(CLIENTS, { minLength: 2 }), agents: fc.integer({ min: 0, max: 2 }), excludeDisk: fc.boolean() });

function run(begin: Start, steps: readonly { op: Op; check: boolean }[]): void {
  const excluded = begin.excludeDisk ? ['disk'] : [];
  const sorter = new DRFSorter({ excludedResourceNames: excluded });
  const ref = new ReferenceDRF(new Set(excluded));
  // What was allocated, piece by piece, so unallocations and updates give back real pieces.
  let chunks: Chunk[] = [];
  const pick = <T>(list: readonly T[], i: number): T => list[i % list.length]!;

  for (const c of begin.clients) {
    sorter.add(c);
    ref.add(c);
    sorter.activate(c);
    ref.active.set(c, true);
  }
  for (const agent of AGENTS.slice(0, begin.agents)) {
    const quantities = new Map([['cpus', 16], ['mem', 160], ['disk', 12]]);
    sorter.addAgent(agent, quantities);
    ref.agents.set(agent, quantities);
  }

  // A result handed out earlier must never change, whatever happens afterwards.
  let handedOut: { result: readonly string[]; copy: string[] } | undefined;
  const check = (where: string) => {
    if (handedOut !== undefined) assert.deepEqual(handedOut.result, handedOut.copy, `an earlier sort() result changed by ${where}`);
    const result = sorter.sort();
    handedOut = { result, copy: [...result] };
    assert.deepEqual(result, ref.sort(), `order after ${where}`);
    for (const c of ref.active.keys()) {
      assert.equal(sorter.allocationCount(c), ref.count(c), `count of ${c} after ${where}`);
      assert.equal(sorter.share(c), ref.share(c), `share of ${c} after ${where}`);
      const expected = new Map([...ref.clientQuantities(c)].map(([n, m]) => [n, m / 1000]));
      assert.deepEqual(sorter.allocationScalarQuantities(c), expected, `quantities of ${c} after ${where}`);
    }
    assert.equal(sorter.count(), ref.active.size);
  };

  steps.forEach(({ op, check: checkNow }, i) => {
    const where = `step ${i} ${JSON.stringify(op)}`;
    switch (op.t) {
      case 'add': {
        const c = pick(CLIENTS, op.c);
        if (ref.active.has(c)) return;
        sorter.add(c);
        ref.add(c);
        break;
      }
      case 'remove': {
        const clients = [...ref.active.keys()];
        if (clients.length === 0) return;
        const c = pick(clients, op.c);
        sorter.remove(c);
        ref.remove(c);
        chunks = chunks.filter((k) => k.client !== c);
        break;
      }
      case 'activate':
      case 'deactivate': {
        const clients = [...ref.active.keys()];
        if (clients.length === 0) return;
        const c = pick(clients, op.c);
        sorter[op.t](c);
        ref.active.set(c, op.t === 'activate');
        break;
      }
      case 'allocated': {
        const clients = [...ref.active.keys()];
        if (clients.length === 0) return;
        const c = pick(clients, op.c);
        const agent = pick(AGENTS, op.a);
        const res = resourcesOf(op.cpus, op.mem, op.disk, op.shared);
        sorter.allocated(c, agent, res);
        ref.allocated(c, agent, res);
        if (!res.isEmpty()) chunks.push({ client: c, agent, res });
        break;
      }
      case 'unallocated': {
        if (chunks.length === 0) return;
        const k = op.k % chunks.length;
        const { client, agent, res } = chunks[k]!;
        chunks.splice(k, 1);
        sorter.unallocated(client, agent, res);
        ref.unallocated(client, agent, res);
        break;
      }
      case 'update': {
        if (chunks.length === 0) return;
        const k = op.k % chunks.length;
        const chunk = chunks[k]!;
        const next = resourcesOf(op.cpus, op.mem, 0, 0);
        sorter.update(chunk.client, chunk.agent, chunk.res, next);
        ref.update(chunk.client, chunk.agent, chunk.res, next);
        if (next.isEmpty()) chunks.splice(k, 1);
        else chunk.res = next;
        break;
      }
      case 'addAgent': {
        const agent = pick(AGENTS, op.a);
        if (ref.agents.has(agent)) return;
        const quantities = new Map([['cpus', op.cpus * 4], ['mem', op.mem * 40], ['disk', op.disk * 3]]);
        sorter.addAgent(agent, quantities);
        ref.agents.set(agent, quantities);
        break;
      }
      case 'removeAgent': {
        const agent = pick(AGENTS, op.a);
        if (!ref.agents.has(agent)) return;
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
    if (checkNow) check(where);
  });
  check('the last step');
}

test('DRFSorter order, shares, counts and quantities equal a from-scratch reference over random call sequences', () => {
  fc.assert(
    fc.property(start, fc.array(step, { minLength: 1, maxLength: 60, size: 'max' }), run),
    { numRuns: 1000 },
  );
});
