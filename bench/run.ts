/**
 * `npm run bench`: every benchmark, figures printed for the README. Not part of the test run.
 * BENCH_MS sets the time per micro-benchmark case; BENCH_QUICK=1 skips the largest clusters.
 */
import { cpus } from 'node:os';
import { printTable } from './harness.ts';
import { runResourcesBench } from './resources.bench.ts';
import { runSorterBench } from './sorter.bench.ts';
import { declineOffers, suppressOffers, largeAndSmallQuota, formatFigure } from './allocator.bench.ts';
import { formatPlacementFigure, placementBenchTitle, runPlacementBench } from './placement.bench.ts';
import { formatBridgeFigures, runBridgeBench } from './bridge.bench.ts';
import { formatPlacementCycle, runPlacementCycleBench } from './placement-cycle.bench.ts';

const minMs = Number(process.env.BENCH_MS ?? 1000);
const quick = process.env.BENCH_QUICK === '1';
console.log(`mesos-policy benchmarks — Node ${process.version}, ${cpus()[0]?.model ?? 'unknown CPU'} × ${cpus().length}, ${minMs} ms per micro case`);
printTable('Resources (typical agent: cpus, mem, disk, ports, two labelled dynamic reservations, one persistent volume)', runResourcesBench(minMs));
printTable('Sorter (DRF)', runSorterBench(minMs));

console.log('\nAllocator cycles (shapes of Mesos\'s HierarchicalAllocator benchmarks; only allocate() is timed)');
const grid: Array<[number, number]> = quick ? [[1000, 100], [1000, 1000]] : [[1000, 100], [1000, 1000], [5000, 100], [5000, 1000], [10000, 100], [10000, 1000]];
for (const [agents, frameworks] of grid) console.log(formatFigure(declineOffers(agents, frameworks, 10)));
for (const [agents, frameworks] of grid) console.log(formatFigure(suppressOffers(agents, frameworks)));
console.log(formatFigure(quick ? largeAndSmallQuota(250, 50) : largeAndSmallQuota(2500, 500)));

console.log(`\n${placementBenchTitle()}`);
for (const figure of runPlacementBench(undefined, quick)) console.log(formatPlacementFigure(figure));

console.log('\nPlacement-aware filtering per allocation cycle (reservation steering vs the default policy; DeclineOffers shape)');
for (const layout of ['role-per-service', 'shared-role'] as const) {
  console.log(formatPlacementCycle(quick ? runPlacementCycleBench(layout, 1000, 100, 5, 1) : runPlacementCycleBench(layout)));
}

console.log('\nNative bridge (C++ host threads ⇄ embedded Node 18 runtime; build/native)');
console.log(formatBridgeFigures(await runBridgeBench(quick ? { agents: 1000, frameworks: 100, calls: 5000, runs: 1 } : {})));
