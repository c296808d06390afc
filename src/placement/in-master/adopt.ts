/**
 * A restarted master (or a reloaded policy) learns what its services hold from the cluster, not
 * from memory: every reservation in the agents' totals whose own reservation carries the
 * service's `service`, `pod_instance` and `resource_id` labels is recorded in the ledger as it
 * stands, so the controller starts those instances `idle` on their agents instead of reserving
 * again (Mesos has no "list my reservations" call; the allocator's agents are that list).
 *
 * An instance found on several agents (a replacement whose old reservations were not yet
 * destroyed when the master stopped) keeps the agent where its reservations are allocated (a task
 * or an offer), else the first by agent id; the others are recorded retired, and the controller
 * destroys them after its grace period. Reservations that cannot be recorded (no pod instance
 * label, a name that is not `<pod>-<index>`, an id recorded twice) are reported and left alone.
 */
import type { AgentView, FrameworkView } from '../../policy/index.ts';
import type { Resource, Resources } from '../../resources/index.ts';
import type { PlacementAgent } from '../constraints/index.ts';
import { clusterReservations, LedgerError, type ClusterReservation, type ReservationLedger } from '../ledger/index.ts';
import { ownerOf, type Placement, type PlannedReservation } from '../plan/index.ts';
import { parsePodInstanceName, type ServiceSpec } from '../service/index.ts';

export interface AdoptionReport {
  readonly service: string;
  /** Pod instances recorded, with their current agent. */
  readonly adopted: ReadonlyMap<string, string>;
  /** Pod instance → agents whose reservations were recorded retired. */
  readonly retired: ReadonlyMap<string, readonly string[]>;
  /** What was left alone, and why. */
  readonly skipped: readonly string[];
}

export function placementAgent(view: AgentView): PlacementAgent {
  return { id: view.id, hostname: view.hostname, attributes: view.attributes, ...(view.domain === undefined ? {} : { domain: view.domain }) };
}

function planned(found: ClusterReservation): PlannedReservation {
  const items = found.resources.toArray();
  const volume = items.find((r: Resource) => r.disk?.persistence !== undefined);
  if (volume === undefined) {
    const names = new Set(items.map((r) => r.name));
    return { resourceId: found.resourceId, kind: names.size === 1 ? [...names][0]! : [...names].sort().join('+'), resources: items };
  }
  const source = volume.disk!.source;
  return {
    resourceId: found.resourceId,
    kind: 'volume',
    resources: items,
    volume: {
      persistenceId: volume.disk!.persistence!.id,
      containerPath: volume.disk!.volume?.containerPath ?? '',
      disk: source?.type === 'MOUNT' ? 'MOUNT' : 'ROOT',
      sizeMb: volume.scalar ?? 0,
      ...(source?.root === undefined ? {} : { root: source.root }),
    },
  };
}

/** Whether any of the reservations is allocated to a framework on the agent (a task, or an offer). */
function allocatedSomewhere(agentId: string, ids: ReadonlySet<string>, frameworks: readonly FrameworkView[]): boolean {
  for (const f of frameworks) {
    const held: Resources | undefined = f.allocation.get(agentId);
    if (held === undefined) continue;
    for (const r of held) {
      const id = r.reservations.length === 0 ? undefined : ownerOf(r)?.resourceId;
      if (id !== undefined && ids.has(id)) return true;
    }
  }
  return false;
}

export function adoptReservations(
  ledger: ReservationLedger,
  spec: ServiceSpec,
  agents: readonly AgentView[],
  frameworks: readonly FrameworkView[],
): AdoptionReport {
  const adopted = new Map<string, string>();
  const retired = new Map<string, string[]>();
  const skipped: string[] = [];
  const byId = new Map(agents.map((a) => [a.id, a]));
  // pod instance → agent → its reservations there
  const found = new Map<string, Map<string, ClusterReservation[]>>();
  for (const r of clusterReservations(agents.map((a) => ({ id: a.id, resources: a.total })), new Set([spec.name]))) {
    if (ledger.hasId(r.resourceId)) continue; // already known (a ledger that survived)
    if (r.podInstance === undefined) {
      skipped.push(`resource_id ${r.resourceId} on ${r.agentId}: no pod_instance label`);
      continue;
    }
    let perAgent = found.get(r.podInstance);
    if (perAgent === undefined) found.set(r.podInstance, (perAgent = new Map()));
    const list = perAgent.get(r.agentId);
    if (list === undefined) perAgent.set(r.agentId, [r]);
    else list.push(r);
  }
  for (const [podInstance, perAgent] of found) {
    const name = parsePodInstanceName(podInstance);
    if (name === undefined) {
      skipped.push(`${spec.name}/${podInstance}: not a <pod>-<index> name`);
      continue;
    }
    if (ledger.instance(spec.name, podInstance) !== undefined) {
      skipped.push(`${spec.name}/${podInstance}: the ledger already places it; reservations on ${[...perAgent.keys()].join(', ')} left alone`);
      continue;
    }
    const agentIds = [...perAgent.keys()].sort();
    const current = agentIds.find((a) => allocatedSomewhere(a, new Set(perAgent.get(a)!.map((r) => r.resourceId)), frameworks)) ?? agentIds[0]!;
    // Older placements first, the current one last: each later one retires the one before.
    const order = [...agentIds.filter((a) => a !== current), current];
    let previous: string | undefined;
    for (const agentId of order) {
      const placement: Placement = {
        podInstance,
        podType: name.podType,
        index: name.index,
        agent: placementAgent(byId.get(agentId)!),
        score: 0,
        ...(previous === undefined ? {} : { replaces: previous }),
        reservations: perAgent.get(agentId)!.map(planned),
        operations: [],
      };
      try {
        ledger.apply({ service: spec.name, role: spec.role, principal: spec.principal, placements: [placement], kept: [], lost: [], surplus: [], unplaced: [], complete: true });
      } catch (e) {
        if (!(e instanceof LedgerError)) throw e;
        skipped.push(`${spec.name}/${podInstance} on ${agentId}: ${e.message}`);
        continue;
      }
      if (previous !== undefined) retired.set(podInstance, [...(retired.get(podInstance) ?? []), previous]);
      previous = agentId;
    }
    if (previous !== undefined) adopted.set(podInstance, previous);
  }
  return { service: spec.name, adopted, retired, skipped };
}
