// Small data-service simulations for the lifecycle tests: agents in racks, one service, events.
import { parseScenario, type Scenario } from '../../../src/sim/scenario.ts';
import { ServiceSimulation } from '../../../src/sim/service-simulation.ts';
import type { LifecycleEvent } from '../../../src/placement/index.ts';

export interface SmallCluster {
  readonly hosts?: number;
  readonly racks?: number;
  readonly pods?: unknown[];
  readonly service?: Record<string, unknown>;
  readonly events?: unknown[];
  readonly extraServices?: unknown[];
  readonly frameworks?: unknown[];
  readonly resources?: string;
}

/** `hosts` agents `h-0…` with `rack:r{n%racks}`; one service `db` (role `data`) of `pods`. */
export function scenario(c: SmallCluster = {}): Scenario {
  return parseScenario({
    options: { allocationIntervalMs: 1000, seed: 1 },
    agents: [{ id: 'h', count: c.hosts ?? 6, resources: c.resources ?? 'cpus:8;mem:16384;disk:100000', attributes: `rack:r{n%${c.racks ?? 3}}` }],
    services: [
      {
        spec: { name: 'db', role: 'data', principal: 'db', pods: c.pods ?? [{ type: 'node', count: 3, resources: 'cpus:2;mem:2048', volumes: [{ containerPath: 'data', sizeMb: 10000 }], constraints: 'hostname=unique,rack=groupBy:3' }] },
        permanentFailureTimeoutMs: 60_000,
        destroyGraceMs: 30_000,
        failureDomain: 'rack',
        ...c.service,
      },
      ...(c.extraServices ?? []),
    ],
    frameworks: c.frameworks ?? [],
    events: c.events ?? [],
  });
}

export function run(sim: ServiceSimulation, cycles: number): LifecycleEvent[] {
  const events: LifecycleEvent[] = [];
  for (let i = 0; i < cycles; i++) events.push(...sim.step().events);
  return events;
}

/** podInstance → [agent, persistence ids] of the service's current reservations. */
export function where(sim: ServiceSimulation, service = 'db'): Map<string, { agent: string; volumes: string[] }> {
  const out = new Map<string, { agent: string; volumes: string[] }>();
  for (const e of sim.ledger.entries({ service, retired: false })) {
    const cur = out.get(e.podInstance) ?? { agent: e.agentId, volumes: [] };
    if (e.persistenceId !== undefined) cur.volumes.push(e.persistenceId);
    out.set(e.podInstance, cur);
  }
  return out;
}

export function rackOf(agentId: string, racks = 3): string {
  return `r${Number(agentId.slice(2)) % racks}`;
}

export function kinds(events: readonly LifecycleEvent[], kind: LifecycleEvent['kind']): LifecycleEvent[] {
  return events.filter((e) => e.kind === kind);
}
