/** `npm run bench`: every benchmark, figures printed for the README. Not part of the test run. */
import { cpus } from 'node:os';
import { printTable } from './harness.ts';
import { runResourcesBench } from './resources.bench.ts';

const minMs = Number(process.env.BENCH_MS ?? 1000);
console.log(`mesos-policy benchmarks — Node ${process.version}, ${cpus()[0]?.model ?? 'unknown CPU'} × ${cpus().length}, ${minMs} ms per case`);
printTable('Resources (typical agent: cpus, mem, disk, ports, two labelled dynamic reservations, one persistent volume)', runResourcesBench(minMs));
