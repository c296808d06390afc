/**
 * Placement planning at Fenzo's scale and beyond: 1,000 pod instances with three constraints
 * over 10,000 agents (goal ≤ 100 ms for the whole plan). Fenzo's TestLotsOfTasks places 200 tasks
 * on 10,000 hosts in 56–246 ms per scheduleOnce. Each figure is the median of several runs of
 * `planService` from the spec and the cluster view to the finished Plan (operations included);
 * executing the plan on the simulated cluster is timed apart.
 */
import { loadavg } from 'node:os';
import { parseAttributes, parseResources, type Resources } from '../src/resources/index.ts';
import { executePlan, parseServiceSpec, planService, type ClusterAgent, type ServiceSpec } from '../src/placement/index.ts';

export interface PlacementFigure {
  readonly name: string;
  readonly agents: number;
  readonly instances: number;
  readonly placed: number;
  readonly medianMs: number;
  readonly minMs: number;
  readonly maxMs: number;
  /** Median CPU time of the process per run (user + system, GC threads included). */
  readonly medianCpuMs: number;
}

/** `agents` agents in 200 racks, the racks of every other block of 200 agents with SSDs, each agent with one 500 GB MOUNT disk. */
export function benchCluster(agents: number): ClusterAgent[] {
  const out: ClusterAgent[] = [];
  const base: Resources = parseResources('cpus:32;mem:131072;disk:400000;ports:[31000-32000]');
  const withMount = base.plus([{ name: 'disk', scalar: 500000, disk: { source: { type: 'MOUNT', root: '/mnt/data0' } } }]);
  for (let i = 0; i < agents; i++) {
    out.push({
      id: `agent-${i}`,
      hostname: `host-${i}.dc1`,
      attributes: parseAttributes(`rack:r${i % 200};disk_type:${Math.floor(i / 200) % 2 === 0 ? 'ssd' : 'hdd'};level:${i % 7}`),
      domain: { region: 'us-east', zone: `us-east-${i % 3}` },
      resources: withMount,
    });
  }
  return out;
}

export function benchSpec(instances: number, constraints: unknown): ServiceSpec {
  return parseServiceSpec({
    name: 'kafka',
    role: 'kafka',
    principal: 'kafka',
    pods: [
      {
        type: 'broker',
        count: instances,
        resources: 'cpus:2;mem:8192',
        volumes: [{ containerPath: 'data', sizeMb: 100000, disk: 'MOUNT' }, { containerPath: 'log', sizeMb: 2048 }],
        constraints,
      },
    ],
  });
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1]!;
}

const WARM_UP = 2;

/** `runs` timed runs after two warm-up runs (JIT); each run plans from scratch with its own seed. */
export function measure(name: string, spec: ServiceSpec, cluster: readonly ClusterAgent[], runs: number, execute = false): PlacementFigure {
  const times: number[] = [];
  const cpu: number[] = [];
  let placed = 0;
  for (let i = 0; i < runs + WARM_UP; i++) {
    const cpuStart = process.cpuUsage();
    const start = process.hrtime.bigint();
    const plan = planService(spec, cluster, { seed: i });
    if (execute) executePlan(new Map(cluster.map((a) => [a.id, a.resources])), plan);
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    const used = process.cpuUsage(cpuStart);
    if (i >= WARM_UP) {
      times.push(ms);
      cpu.push((used.user + used.system) / 1000);
    }
    placed = plan.placements.length;
  }
  const instances = spec.pods.reduce((n, p) => n + p.count, 0);
  return { name, agents: cluster.length, instances, placed, medianMs: median(times), minMs: Math.min(...times), maxMs: Math.max(...times), medianCpuMs: median(cpu) };
}

export function formatPlacementFigure(f: PlacementFigure): string {
  return `  ${f.name.padEnd(58)} ${String(f.instances).padStart(5)} on ${String(f.agents).padStart(6)} agents: placed ${String(f.placed).padStart(5)}, median ${f.medianMs.toFixed(1).padStart(6)} ms (min ${f.minMs.toFixed(1)}, max ${f.maxMs.toFixed(1)}; CPU ${f.medianCpuMs.toFixed(1)} ms)`;
}

/** The figures for the README; `runs` timed runs per case (default 9). `quick` runs the executed case 3 times. */
export function runPlacementBench(runs = 9, quick = false): PlacementFigure[] {
  const cluster = benchCluster(10_000);
  const three = '[["hostname","UNIQUE"],["rack","MAX_PER","5"],["disk_type","LIKE","ssd"]]';
  const figures = [
    measure('hostname UNIQUE, rack MAX_PER 5, disk_type LIKE ssd', benchSpec(1000, three), cluster, runs),
    measure('hostname UNIQUE, rack GROUP_BY 200, disk_type LIKE ssd', benchSpec(1000, '[["hostname","UNIQUE"],["rack","GROUP_BY","200"],["disk_type","LIKE","ssd"]]'), cluster, runs),
    measure('hostname UNIQUE, @zone SPREAD 1, level UNLIKE 0', benchSpec(1000, '[["hostname","UNIQUE"],["@zone","SPREAD","1"],["level","UNLIKE","0"]]'), cluster, runs),
    measure('as the first, plus soft rack LIKE r1.* (weight 1)', benchSpec(1000, '[["hostname","UNIQUE"],["rack","MAX_PER","5"],["disk_type","LIKE","ssd"],{"soft":["rack","LIKE","r1.*"],"weight":1}]'), cluster, runs),
    measure('as the first, planned and executed (applyOperation)', benchSpec(1000, three), cluster, quick ? 3 : runs, true),
    measure('Fenzo shape: 200 instances, hostname UNIQUE only', benchSpec(200, '[["hostname","UNIQUE"]]'), cluster, runs),
  ];
  return figures;
}

/** The title line for the table, with the load average: figures from a busy machine say so. */
export function placementBenchTitle(): string {
  return `Placement planning (planService from spec and cluster view to the finished Plan, operations included; median of timed runs after ${WARM_UP} warm-ups; load average ${loadavg()[0]!.toFixed(1)})`;
}

if (process.argv[1]?.endsWith('placement.bench.ts')) {
  console.log(placementBenchTitle());
  for (const f of runPlacementBench(Number(process.env.BENCH_RUNS ?? 9))) console.log(formatPlacementFigure(f));
}
