/**
 * Resource-model throughput on a typical agent: cpus, mem, disk, a ports range, two dynamic
 * reservations with labels and one persistent volume (issue goal: contains ≥ 1,000,000/s).
 */
import { parseResources, Resources, type ResourceInput } from '../src/index.ts';
import { bench, type BenchResult } from './harness.ts';

const label = (owner: string) => [{ key: 'owner', value: owner }, { key: 'team', value: 'data' }];
const kafka = [{ type: 'DYNAMIC' as const, role: 'kafka', principal: 'ops', labels: label('kafka-0') }];
const cassandra = [{ type: 'DYNAMIC' as const, role: 'cassandra', principal: 'ops', labels: label('cassandra-1') }];

export const TYPICAL_AGENT: ResourceInput[] = [
  { name: 'cpus', scalar: 24 },
  { name: 'mem', scalar: 65536 },
  { name: 'disk', scalar: 409600 },
  { name: 'ports', ranges: [{ begin: 31000, end: 32000 }] },
  { name: 'cpus', scalar: 4, reservations: kafka },
  { name: 'mem', scalar: 8192, reservations: cassandra },
  { name: 'disk', scalar: 102400, reservations: kafka, disk: { persistence: { id: 'kafka-0', principal: 'ops' }, volume: { containerPath: 'data', mode: 'RW' } } },
];

export const TYPICAL_RESOURCES_FLAG = 'cpus(prod):8; cpus(stage):2; mem(*):15360; disk(*):710534; ports(*):[31000-32000]';

export function runResourcesBench(minMs: number): BenchResult[] {
  const agent = Resources.of(TYPICAL_AGENT);
  const task = Resources.of([
    { name: 'cpus', scalar: 1 },
    { name: 'mem', scalar: 1024 },
    { name: 'ports', ranges: [{ begin: 31000, end: 31001 }] },
  ]);
  const taskWithVolume = task.plus([{ name: 'cpus', scalar: 1, reservations: kafka }, TYPICAL_AGENT[6]!]);
  const remaining = agent.minus(task);

  return [
    bench('plus (agent + task)', () => remaining.plus(task), minMs),
    bench('minus (agent - task)', () => agent.minus(task), minMs),
    bench('contains (agent ⊇ task)', () => agent.contains(task), minMs),
    bench('contains (agent ⊇ task + reserved cpus + volume)', () => agent.contains(taskWithVolume), minMs),
    bench('contains (agent ⊇ agent)', () => agent.contains(agent), minMs),
    bench('equals (agent == agent)', () => agent.equals(agent), minMs),
    bench('allocate(role) (offer tagging)', () => agent.allocate('kafka'), minMs),
    bench('parseResources (seed --resources)', () => parseResources(TYPICAL_RESOURCES_FLAG), minMs),
  ];
}
