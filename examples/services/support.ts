// What the worked examples' tests share: loading an example's scenario (spec files beside it) and
// reading where each pod instance lives from the simulation's reservation ledger.
import { readFileSync } from 'node:fs';
import { parseScenario, type Scenario } from '../../src/sim/scenario.ts';
import type { ServiceSimulation } from '../../src/sim/service-simulation.ts';
import type { LifecycleEvent } from '../../src/placement/index.ts';

/** The example's `scenario.json` (and the spec files it names), `dir` being the example's folder URL. */
export function exampleScenario(dir: URL): { read: (name: string) => unknown; scenario: () => Scenario } {
  const read = (name: string): unknown => JSON.parse(readFileSync(new URL(name, dir), 'utf8'));
  return { read, scenario: () => parseScenario(read('scenario.json'), { readSpec: read }) };
}

/** Pod instance → its agent and volume (persistence id), from the live (not retired) ledger entries. */
export function instancesOf(sim: ServiceSimulation, service: string): Map<string, { agent: string; volume: string }> {
  const out = new Map<string, { agent: string; volume: string }>();
  for (const e of sim.ledger.entries({ service, retired: false })) if (e.persistenceId !== undefined) out.set(e.podInstance, { agent: e.agentId, volume: e.persistenceId });
  return out;
}

/** Runs `n` simulation steps; the lifecycle events they produced. */
export const steps = (sim: ServiceSimulation, n: number): LifecycleEvent[] => Array.from({ length: n }, () => sim.step().events).flat();
