/**
 * Incomplete placements: an instance whose reservations on its agent lack part of what the spec
 * asks. The planner holds an instance with RESERVE… then CREATE (`placementOperations`), and the
 * operator API makes them one at a time, so a master that stops between them leaves a
 * reservation labelled with the volume's `resource_id` but no `disk.persistence` (or, with
 * several RESERVEs, some of the instance's reservations made and others not). The restarted
 * policy finds it in the agents' totals; a data service must never start without its volume, so
 * such an instance is recorded incomplete (not launchable) until the missing operations are made.
 *
 * Pure: what is found is compared with the pod's spec here; the driver (`complete-instances.ts`)
 * makes the calls.
 */
import type { AgentView } from '../../policy/index.ts';
import type { OfferOperation, Resource, ResourceInput, Resources } from '../../resources/index.ts';
import { Resources as ResourcesClass } from '../../resources/index.ts';
import type { ClusterReservation } from '../ledger/index.ts';
import { ownerOf, planService, seededIds, type ClusterAgent, type Placement, type PlannedReservation, type Unplaced } from '../plan/index.ts';
import type { PodSpec, ServiceSpec, VolumeSpec } from '../service/index.ts';

/** A found reservation as the ledger records it (volumes with their persistence id and path). */
export function foundAsPlanned(found: Pick<ClusterReservation, 'resourceId' | 'resources'>): PlannedReservation {
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

/** A volume's reservation found without its volume: CREATE on it. */
export interface VolumeToCreate {
  readonly resourceId: string;
  /** The reserved disk, as found (one resource object). */
  readonly reserved: Resource;
  readonly volume: VolumeSpec;
}

export interface SpecComparison {
  readonly toCreate: readonly VolumeToCreate[];
  /** The pod's resources with no reservation (unreserved form): RESERVE them on the agent. */
  readonly toReserve: Resources;
  /** Volumes with neither a volume nor a reservation: RESERVE and CREATE. */
  readonly volumesToReserve: readonly VolumeSpec[];
  /** What is missing, in words (empty: complete). */
  readonly missing: readonly string[];
  /** Where what is found does not match the spec (a size changed, something the spec no longer names). */
  readonly mismatches: readonly string[];
}

const isMount = (r: Resource) => r.disk?.source?.type === 'MOUNT';

function volumeFits(r: Resource, v: VolumeSpec): boolean {
  const size = r.scalar ?? 0;
  return v.disk === 'MOUNT' ? isMount(r) && size >= v.sizeMb : !isMount(r) && size === v.sizeMb;
}

/** Compares the reservations found for one instance on its agent with its pod's spec. */
export function compareWithSpec(pod: PodSpec, found: readonly Pick<ClusterReservation, 'resourceId' | 'resources'>[]): SpecComparison {
  const volumes = new Map<string, { resourceId: string; volume: Resource }>();
  const plain: Array<{ resourceId: string; resources: Resources; names: Set<string> }> = [];
  for (const f of found) {
    const volume = f.resources.toArray().find((r) => r.disk?.persistence !== undefined);
    if (volume !== undefined) volumes.set(volume.disk!.volume?.containerPath ?? '', { resourceId: f.resourceId, volume });
    else plain.push({ resourceId: f.resourceId, resources: f.resources, names: f.resources.names() });
  }
  const unclaimed = new Set(plain);
  const missing: string[] = [];
  const mismatches: string[] = [];
  const toCreate: VolumeToCreate[] = [];
  const volumesToReserve: VolumeSpec[] = [];
  let toReserve: Resources = ResourcesClass.EMPTY;

  // The pod's own resources: one reservation per name, holding exactly what the spec asks.
  const names = [...pod.resources.names()];
  const unmatched: string[] = [];
  for (const name of names) {
    const want = pod.resources.named(name);
    const exact = [...unclaimed].find((p) => p.names.size === 1 && p.names.has(name) && !p.resources.toArray().some(isMount) && p.resources.toUnreserved().equals(want));
    if (exact !== undefined) unclaimed.delete(exact);
    else unmatched.push(name);
  }
  // Volumes: created ones are checked; a lone disk reservation of the right kind is a volume's, waiting for its CREATE.
  for (const v of pod.volumes) {
    const made = volumes.get(v.containerPath);
    if (made !== undefined) {
      volumes.delete(v.containerPath);
      if (!volumeFits(made.volume, v)) mismatches.push(`volume ${v.containerPath}: the spec asks ${v.disk} ${v.sizeMb} MB, volume ${made.volume.disk!.persistence!.id} holds ${isMount(made.volume) ? 'MOUNT' : 'ROOT'} ${made.volume.scalar} MB`);
      continue;
    }
    const candidates = [...unclaimed].filter((p) => p.names.size === 1 && p.names.has('disk') && p.resources.size === 1 && isMount(p.resources.toArray()[0]!) === (v.disk === 'MOUNT'));
    const fit = candidates.find((p) => volumeFits(p.resources.toArray()[0]!, v));
    const chosen = fit ?? (unmatched.includes('disk') ? undefined : candidates[0]);
    if (chosen === undefined) {
      volumesToReserve.push(v);
      missing.push(`volume ${v.containerPath}: not reserved (RESERVE, CREATE)`);
      continue;
    }
    unclaimed.delete(chosen);
    const reserved = chosen.resources.toArray()[0]!;
    if (fit === undefined) {
      mismatches.push(`volume ${v.containerPath}: the spec asks ${v.disk} ${v.sizeMb} MB, its reservation ${chosen.resourceId} holds ${isMount(reserved) ? 'MOUNT' : 'ROOT'} ${reserved.scalar} MB (no volume created)`);
      missing.push(`volume ${v.containerPath}: reserved, not created`);
    } else {
      toCreate.push({ resourceId: chosen.resourceId, reserved, volume: v });
      missing.push(`volume ${v.containerPath}: reserved, not created (CREATE)`);
    }
  }
  // Pod resources without an exact reservation: another size is a changed spec; none at all is missing.
  for (const name of unmatched) {
    const other = [...unclaimed].find((p) => p.names.size === 1 && p.names.has(name));
    if (other !== undefined) {
      unclaimed.delete(other);
      mismatches.push(`${name}: the spec asks ${pod.resources.named(name)}, reservation ${other.resourceId} holds ${other.resources.toUnreserved()}`);
      continue;
    }
    toReserve = toReserve.plus(pod.resources.named(name));
    missing.push(`${name}: not reserved (RESERVE)`);
  }
  for (const p of unclaimed) mismatches.push(`reservation ${p.resourceId} (${p.resources.toUnreserved()}) is nothing the spec asks for`);
  for (const [path, v] of volumes) mismatches.push(`volume ${path} (${v.volume.disk!.persistence!.id}) is not in the spec`);
  return { toCreate, toReserve, volumesToReserve, missing, mismatches };
}

/**
 * The persistence ids the plan gave volumes reserved as `resourceIds`. The planner draws a
 * volume's persistence id from its seeded id stream right after the volume's resource_id, and
 * skips ids in use; each plan starts the stream afresh. Drawing the stream again with the same
 * seed finds each resource_id, and after it the first id not in use now: the plan's persistence
 * id, unless an id in use at plan time was released since (then another fresh id, as unique).
 * Resource ids not found within `limit` draws (another seed) get fresh ids of `freshSeed`'s
 * stream (default: the same), skipping ids in use.
 */
export function plannedPersistenceIds(seed: number, resourceIds: readonly string[], inUse: (id: string) => boolean, limit: number, freshSeed = seed): Map<string, string> {
  const wanted = new Set(resourceIds);
  const out = new Map<string, string>();
  const chosen = new Set<string>();
  const free = (id: string) => !inUse(id) && !chosen.has(id) && !wanted.has(id);
  const draw = seededIds(seed);
  const waiting: string[] = []; // resource ids found, their persistence id not drawn yet
  for (let n = 0; n < limit && out.size < wanted.size; n++) {
    const id = draw();
    if (wanted.has(id) && !out.has(id)) {
      waiting.push(id);
      continue;
    }
    if (waiting.length > 0 && free(id)) {
      out.set(waiting.shift()!, id);
      chosen.add(id);
    }
  }
  const fresh = seededIds(freshSeed, (id) => !free(id));
  for (const id of resourceIds) {
    if (out.has(id)) continue;
    const p = fresh();
    out.set(id, p);
    chosen.add(p);
  }
  return out;
}

/** The CREATE for the volumes, on their reservations as found (owner labels intact), and the volumes as the ledger records them. */
export function createVolumes(toCreate: readonly VolumeToCreate[], persistenceIds: ReadonlyMap<string, string>, principal: string): { operation: OfferOperation; reservations: PlannedReservation[] } {
  const volumes: ResourceInput[] = [];
  const reservations: PlannedReservation[] = [];
  for (const c of toCreate) {
    const source = c.reserved.disk?.source;
    const volume: ResourceInput = {
      name: c.reserved.name,
      scalar: c.reserved.scalar!,
      reservations: c.reserved.reservations,
      disk: { persistence: { id: persistenceIds.get(c.resourceId)!, principal }, volume: { containerPath: c.volume.containerPath, mode: 'RW' }, ...(source === undefined ? {} : { source }) },
    };
    volumes.push(volume);
    reservations.push(foundAsPlanned({ resourceId: c.resourceId, resources: ResourcesClass.of([volume]) }));
  }
  return { operation: { type: 'CREATE', volumes }, reservations };
}

/**
 * The seed a completion's plan draws its ids from: not the service's, whose stream the
 * controller's plans draw from in the same cycle (before their ids are in the ledger); one per
 * instance and attempt.
 */
export function completionSeed(seed: number, podInstance: string, attempt: number): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  const text = `${podInstance}#complete#${attempt}`;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/**
 * The missing reservations (and the volumes on them) planned on the instance's own agent: the
 * planner with a pod of only what is missing and no constraints (the instance already counts
 * where it is), so the RESERVEs and CREATE are the plan's own, owner labels included; its ids
 * come from `seed` (`completionSeed`), skipping those `hasId` says are in use.
 */
export function planMissing(
  spec: ServiceSpec,
  pod: PodSpec,
  index: number,
  comparison: SpecComparison,
  agent: ClusterAgent,
  seed: number,
  hasId: (id: string) => boolean,
): Placement | Unplaced {
  const part: PodSpec = { type: pod.type, count: index + 1, resources: comparison.toReserve, volumes: comparison.volumesToReserve, constraints: [] };
  const plan = planService({ ...spec, pods: [part] }, [agent], { ledger: { placed: () => [], hasId }, seed, indices: { [pod.type]: [index] } });
  return plan.placements[0] ?? plan.unplaced[0]!;
}

/** Every resource_id and persistence id on the agents (any service's, or none). */
export function idsOnAgents(agents: Iterable<Pick<AgentView, 'total'>>): Set<string> {
  const ids = new Set<string>();
  for (const a of agents) {
    for (const r of a.total) {
      const owner = r.reservations.length === 0 ? undefined : ownerOf(r);
      if (owner !== undefined) ids.add(owner.resourceId);
      if (r.disk?.persistence !== undefined) ids.add(r.disk.persistence.id);
    }
  }
  return ids;
}

/** How far the id stream is drawn again: each plan draws from its start, skipping the ids in use. */
export function drawLimit(idsInUse: number): number {
  return 2 * idsInUse + 4096;
}
