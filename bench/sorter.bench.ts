/**
 * Sorter benchmarks in the shape of Mesos's `CommonSorterTest.BENCHMARK_FullSort` and
 * `BENCHMARK_HierarchyFullSort` (src/tests/sorter_tests.cpp): 10,000 agents of
 * `cpus:24;mem:4096;disk:4096`, 1,000 clients, one allocation of `cpus:16;mem:2014;disk:1024` plus
 * 100 port ranges per agent, round-robin over the clients.
 *
 * - full sort: every share must be recomputed and every level re-sorted (what Mesos's "Full sort"
 *   measures; here forced by replacing one agent in the pool, which changes every share);
 * - hot path: the engine's per-agent step, the first client of the order gets an offer
 *   (`allocated()`), then the order is read again for the next agent: with `order()`, read lazily,
 *   which is what the engine does, and with `sort()`, which builds the whole array;
 * - `allocated()` + `unallocated()` without reading the order: what recovering resources costs;
 * - the same for clients arranged as trees of (height, branching) (3,32), (7,3), (10,2);
 * - one-shot timings (a single run, reported as one op) of the setup and tear-down steps Mesos prints.
 */
import { parseResources, type Resources } from '../src/resources/index.ts';
import { DRFSorter, RandomSorter, type Sorter } from '../src/allocator/sorter/index.ts';
import { seededRandom } from '../src/allocator/random.ts';
import { bench, type BenchResult } from './harness.ts';

const AGENTS = 10_000;
const CLIENTS = 1_000;
const AGENT_QUANTITIES = parseResources('cpus:24;mem:4096;disk:4096').quantities();

function fragmentedPorts(): string {
  const ranges: string[] = [];
  for (let i = 0; i < 100; i++) ranges.push(`${31000 + i * 10}-${31000 + i * 10 + 4}`);
  return `ports:[${ranges.join(',')}]`;
}
const ALLOCATED = parseResources(`cpus:16;mem:2014;disk:1024;${fragmentedPorts()}`);
const OFFER = parseResources('cpus:1;mem:128');

/** A single measured run, reported in the harness's format. */
function once(name: string, fn: () => unknown): BenchResult {
  const start = process.hrtime.bigint();
  fn();
  const ns = Number(process.hrtime.bigint() - start);
  return { name, opsPerSecond: 1e9 / ns, nsPerOp: ns };
}

/** Client paths of a full tree of the given height (root included) and branching, leaves first (as Mesos builds it). */
export function treeClients(height: number, branching: number): string[] {
  const out: string[] = [];
  const build = (path: string, depth: number) => {
    if (depth === 0) return;
    for (let i = 0; i < branching; i++) build(`${path}${i}/`, depth - 1);
    const client = path.replace(/\/$/, '');
    if (client !== '') out.push(client);
  };
  build('', height);
  return out;
}

interface Loaded {
  readonly sorter: Sorter;
  readonly agents: readonly string[];
  readonly setup: BenchResult[];
}

function load(label: string, sorter: Sorter, clients: readonly string[], allocation: Resources): Loaded {
  const agents = Array.from({ length: AGENTS }, (_, i) => `agent${i}`);
  const setup = [
    once(`${label}: add ${clients.length} clients`, () => {
      for (const c of clients) {
        sorter.add(c);
        sorter.activate(c);
      }
    }),
    once(`${label}: add ${AGENTS} agents`, () => {
      for (const a of agents) sorter.addAgent(a, AGENT_QUANTITIES);
    }),
    once(`${label}: allocations on ${AGENTS} agents`, () => {
      agents.forEach((a, i) => sorter.allocated(clients[i % clients.length]!, a, allocation));
    }),
  ];
  return { sorter, agents, setup };
}

function drfCases(label: string, clients: readonly string[], minMs: number): BenchResult[] {
  const { sorter, agents, setup } = load(label, new DRFSorter(), clients, ALLOCATED);
  const results = [...setup, once(`${label}: first full sort`, () => sorter.sort())];
  results.push(
    bench(
      `${label}: full sort (pool changed, all shares recomputed)`,
      () => {
        sorter.removeAgent('agent0');
        sorter.addAgent('agent0', AGENT_QUANTITIES);
        return sorter.sort().length;
      },
      minMs,
    ),
  );
  results.push(bench(`${label}: no-op sort (cached)`, () => sorter.sort().length, minMs));
  let k = 0;
  results.push(
    bench(
      `${label}: hot path: allocated() to the first client, then sort()`,
      () => {
        const first = sorter.sort()[0]!;
        sorter.allocated(first, agents[k++ % AGENTS]!, OFFER);
        return first.length;
      },
      minMs,
    ),
  );
  let u = 0;
  const allocateAndGiveBack = () => {
    const client = clients[u++ % clients.length]!;
    sorter.allocated(client, 'agent1', OFFER);
    sorter.unallocated(client, 'agent1', OFFER);
    return u;
  };
  // While sort() is in use, the sorter keeps its flattened order up to date on every move.
  results.push(bench(`${label}: allocated() + unallocated() on one client (no sort; after sort())`, allocateAndGiveBack, minMs));
  results.push(
    bench(
      `${label}: hot path (engine): allocated() to the first client read from order()`,
      () => {
        // As the engine does: the allocation happens while the order is being read.
        for (const first of sorter.order()) {
          sorter.allocated(first, agents[k++ % AGENTS]!, OFFER);
          return first.length;
        }
        return 0;
      },
      minMs,
    ),
  );
  results.push(bench(`${label}: allocated() + unallocated() on one client (no sort; after order())`, allocateAndGiveBack, minMs));
  // Mesos's benchmark ends by taking everything down again.
  results.push(
    once(`${label}: unallocate on ${AGENTS} agents`, () => {
      agents.forEach((a, i) => sorter.unallocated(clients[i % clients.length]!, a, ALLOCATED));
    }),
    once(`${label}: remove ${AGENTS} agents`, () => {
      for (const a of agents) sorter.removeAgent(a);
    }),
    once(`${label}: remove ${clients.length} clients`, () => {
      for (const c of clients) sorter.remove(c);
    }),
  );
  return results;
}

export function runSorterBench(minMs: number): BenchResult[] {
  const flat = Array.from({ length: CLIENTS }, (_, i) => String(i));
  const results = drfCases(`DRF ${AGENTS} agents × ${CLIENTS} clients`, flat, minMs);

  for (const [height, branching] of [[3, 32], [7, 3], [10, 2]] as const) {
    const clients = treeClients(height, branching);
    results.push(...drfCases(`DRF tree (${height},${branching}) ${clients.length} clients`, clients, minMs));
  }

  const random = load(`Random ${AGENTS} agents × ${CLIENTS} clients`, new RandomSorter(seededRandom(1)), flat, ALLOCATED);
  results.push(...random.setup, bench(`Random ${CLIENTS} clients: sort()`, () => random.sorter.sort().length, minMs));
  return results;
}
