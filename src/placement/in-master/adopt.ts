/**
 * A restarted master (or a reloaded policy) learns what its services hold from the cluster, not
 * from memory: every reservation in the agents' totals whose own reservation carries the
 * service's `service`, `pod_instance` and `resource_id` labels is recorded in the ledger as it
 * stands, so the controller starts those instances `idle` on their agents instead of reserving
 * again (Mesos has no "list my reservations" call; the allocator's agents are that list).
 *
 * An instance found on several agents (a replacement whose old reservations were not yet
 * destroyed when the master stopped) keeps the agent where its reservations are allocated (a task
 * or an offer), else the first by agent id where it is complete, else the first by agent id; the
 * others are recorded retired (`recordRetired`: beside it even with the same resource ids, as a
 * plan made while their agent was away can draw them), and the controller destroys them after
 * its grace period. Reservations that cannot be recorded (no pod instance
 * label, a name that is not `<pod>-<index>`, an id recorded twice) are reported and left alone.
 *
 * What is found is compared with what the spec says the instance must have (`completion.ts`): a
 * volume's reservation without its `disk.persistence`, or reservations of the instance missing
 * (a restart between a RESERVE and its CREATE), record the instance incomplete; reservations
 * that no longer match the spec (a size changed) are reported.
 */
import type { AgentView, FrameworkView } from '../../policy/index.ts';
import type { Resources } from '../../resources/index.ts';
import type { PlacementAgent } from '../constraints/index.ts';
import { clusterReservations, LedgerError, type ClusterReservation, type ReservationLedger } from '../ledger/index.ts';
import { ownerOf, type Placement } from '../plan/index.ts';
import { parsePodInstanceName, type ServiceSpec } from '../service/index.ts';
import { compareWithSpec, drawLimit, foundAsPlanned, idsOnAgents, plannedPersistenceIds, type SpecComparison } from './completion.ts';

export interface AdoptionReport {
  readonly service: string;
  /** Pod instances recorded, with their current agent. */
  readonly adopted: ReadonlyMap<string, string>;
  /** Pod instance → agents whose reservations were recorded retired. */
  readonly retired: ReadonlyMap<string, readonly string[]>;
  /** What was left alone, and why. */
  readonly skipped: readonly string[];
  /**
   * Pod instance → what its current placement lacks of what the spec asks (a restart between a
   * RESERVE and its CREATE): recorded incomplete in the ledger, not launchable until completed.
   */
  readonly incomplete: ReadonlyMap<string, readonly string[]>;
  /** Pod instance → where its reservations no longer match the spec (a size changed): reported, left alone. */
  readonly mismatched: ReadonlyMap<string, readonly string[]>;
}

export function placementAgent(view: AgentView): PlacementAgent {
  return { id: view.id, hostname: view.hostname, attributes: view.attributes, ...(view.domain === undefined ? {} : { domain: view.domain }) };
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

export interface AdoptionOptions {
  /**
   * The seed the service's plans draw their ids from: a volume found without its volume gets the
   * persistence id its plan drew (`plannedPersistenceIds`), held in the ledger until created.
   */
  readonly seed?: number;
  /** Where a persistence id not found in `seed`'s stream is drawn from (this policy instance's own stream, `ServiceSeeds.own`); default `seed`. */
  readonly freshSeed?: number;
}

export function adoptReservations(
  ledger: ReservationLedger,
  spec: ServiceSpec,
  agents: readonly AgentView[],
  frameworks: readonly FrameworkView[],
  options: AdoptionOptions = {},
): AdoptionReport {
  const adopted = new Map<string, string>();
  const retired = new Map<string, string[]>();
  const skipped: string[] = [];
  const incomplete = new Map<string, readonly string[]>();
  const mismatched = new Map<string, readonly string[]>();
  const toComplete = new Map<string, SpecComparison>();
  const byId = new Map(agents.map((a) => [a.id, a]));
  // pod instance → agent → its reservations there
  const found = new Map<string, Map<string, ClusterReservation[]>>();
  for (const r of clusterReservations(agents.map((a) => ({ id: a.id, resources: a.total })), new Set([spec.name]))) {
    if (ledger.entry(r.resourceId, r.agentId) !== undefined) continue; // already known (a ledger that survived)
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
    const pod = spec.pods.find((p) => p.type === name.podType);
    const complete = (a: string) => pod !== undefined && compareWithSpec(pod, perAgent.get(a)!).missing.length === 0;
    // In use first; else a complete placement (a replacement stopped before its CREATE, or an old
    // one whose DESTROY was made, must not win over the one that holds the volume).
    const current =
      agentIds.find((a) => allocatedSomewhere(a, new Set(perAgent.get(a)!.map((r) => r.resourceId)), frameworks)) ??
      (agentIds.length > 1 ? agentIds.find(complete) : undefined) ??
      agentIds[0]!;
    // The current placement first (another if it cannot be recorded); the others are recorded
    // retired beside it, keyed by agent and resource_id: a copy a plan made again with the same
    // ids while its agent was away is no second live record of them.
    let placedOn: string | undefined;
    for (const agentId of [current, ...agentIds.filter((a) => a !== current)]) {
      const placement: Placement = {
        podInstance,
        podType: name.podType,
        index: name.index,
        agent: placementAgent(byId.get(agentId)!),
        score: 0,
        reservations: perAgent.get(agentId)!.map(foundAsPlanned),
        operations: [],
      };
      try {
        if (placedOn === undefined) {
          ledger.apply({ service: spec.name, role: spec.role, principal: spec.principal, placements: [placement], kept: [], lost: [], surplus: [], unplaced: [], complete: true });
          placedOn = agentId;
          continue;
        }
        ledger.recordRetired(spec.name, podInstance, name.podType, agentId, placement.reservations);
      } catch (e) {
        if (!(e instanceof LedgerError)) throw e;
        skipped.push(`${spec.name}/${podInstance} on ${agentId}: ${e.message}`);
        continue;
      }
      retired.set(podInstance, [...(retired.get(podInstance) ?? []), agentId]);
    }
    if (placedOn === undefined) continue;
    adopted.set(podInstance, placedOn);
    if (pod === undefined) continue; // a pod no longer in the spec: decommissioned, nothing to complete
    const comparison = compareWithSpec(pod, perAgent.get(placedOn)!);
    if (comparison.missing.length > 0) toComplete.set(podInstance, comparison);
    if (comparison.mismatches.length > 0) mismatched.set(podInstance, comparison.mismatches);
  }
  // The volumes' persistence ids, drawn again in one pass, held in the ledger with what is missing.
  const volumes = [...toComplete.values()].flatMap((c) => c.toCreate.map((v) => v.resourceId));
  const inCluster = volumes.length === 0 ? new Set<string>() : idsOnAgents(agents);
  const drawn = volumes.length === 0 ? new Map<string, string>() : plannedPersistenceIds(options.seed ?? 0, volumes, (id) => ledger.hasId(id) || inCluster.has(id), drawLimit(ledger.size * 2 + inCluster.size), options.freshSeed ?? options.seed ?? 0);
  for (const [podInstance, c] of toComplete) {
    const persistenceIds = new Map(c.toCreate.map((v) => [v.resourceId, drawn.get(v.resourceId)!]));
    try {
      ledger.markIncomplete(spec.name, podInstance, { missing: c.missing, persistenceIds });
    } catch (e) {
      if (!(e instanceof LedgerError)) throw e;
      ledger.markIncomplete(spec.name, podInstance, { missing: c.missing, persistenceIds: new Map() });
      skipped.push(`${spec.name}/${podInstance}: ${e.message}`);
    }
    incomplete.set(podInstance, c.missing);
  }
  return { service: spec.name, adopted, retired, skipped, incomplete, mismatched };
}
