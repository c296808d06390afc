/**
 * What may launch now: idle instances with no intent to leave, on agents that are up, out of
 * their own current reservations (sticky: the same agent and volume every time). Under the
 * serial strategy a pod launches only once every earlier pod in the spec runs (Cassandra's seeds
 * first, HDFS's journal → name → data).
 */
import { Resources } from '../../resources/index.ts';
import type { ReservationLedger } from '../ledger/index.ts';
import { podInstanceName, type ServiceSpec } from '../service/index.ts';
import type { ServiceState } from './state.ts';
import type { DeployStrategy, LaunchRequest } from './types.ts';

/** Pod types that may launch under the serial strategy: each earlier pod fully running. */
function serialGate(state: ServiceState, spec: ServiceSpec): Set<string> {
  const open = new Set<string>();
  for (const pod of spec.pods) {
    open.add(pod.type);
    const wanted = state.wanted.get(pod.type) ?? new Set<number>();
    const allRunning = [...wanted].every((i) => state.instances.get(podInstanceName(pod.type, i))?.phase === 'running');
    if (!allRunning) break;
  }
  return open;
}

export function launchRequests(state: ServiceState, ledger: ReservationLedger, spec: ServiceSpec, deploy: DeployStrategy, agentId?: string): LaunchRequest[] {
  const out: LaunchRequest[] = [];
  const gate = deploy === 'serial' ? serialGate(state, spec) : undefined;
  for (const inst of state.instances.values()) {
    if (inst.phase !== 'idle' || inst.intent !== undefined || inst.agentId === undefined) continue;
    if (agentId !== undefined && inst.agentId !== agentId) continue;
    if (state.down.has(inst.agentId)) continue;
    if (gate !== undefined && !gate.has(inst.podType)) continue;
    const entries = ledger.byInstance(spec.name, inst.name);
    if (entries.length === 0) continue;
    const resources = Resources.of(entries.flatMap((e) => e.resources.toArray()));
    out.push({ podInstance: inst.name, podType: inst.podType, agentId: inst.agentId, taskId: `${spec.name}.${inst.name}.${inst.attempts}`, resources, relaunch: inst.launches > 0 });
  }
  return out;
}
