/**
 * What one instance of a pod takes from an agent, in the shape the capacity checks read: scalar
 * totals per resource name (ROOT volumes count as `disk`), MOUNT volumes (each a whole disk), and
 * the rare RANGES/SET resources (exact ports, …) checked by containment.
 */
import type { Resource } from '../../resources/index.ts';
import type { PodSpec, VolumeSpec } from '../service/index.ts';

export interface ScalarNeed {
  readonly name: string;
  readonly milli: number;
}

export interface VolumeNeed {
  readonly volume: VolumeSpec;
  /** The volume's index in the pod's `volumes`. */
  readonly position: number;
  readonly milli: number;
}

export interface PodDemand {
  readonly pod: PodSpec;
  /** The pod's own scalar resources, one per name, in the spec's order. */
  readonly scalars: readonly ScalarNeed[];
  /** The pod's RANGES and SET resources (unreserved). */
  readonly others: readonly Resource[];
  /** Largest first: placing big volumes first makes greedy disk choice succeed more often. */
  readonly rootVolumes: readonly VolumeNeed[];
  readonly mountVolumes: readonly VolumeNeed[];
  /** Scalar totals by name, the pod's resources plus ROOT volumes under `disk`: the fast fit check. */
  readonly totals: readonly ScalarNeed[];
}

export function toMilli(scalar: number): number {
  return Math.round(scalar * 1000);
}

export function podDemand(pod: PodSpec): PodDemand {
  const scalarMilli = new Map<string, number>();
  const others: Resource[] = [];
  for (const r of pod.resources) {
    if (r.type === 'SCALAR') scalarMilli.set(r.name, (scalarMilli.get(r.name) ?? 0) + toMilli(r.scalar!));
    else others.push(r);
  }
  const volumes = (type: 'ROOT' | 'MOUNT') =>
    pod.volumes
      .map((volume, position) => ({ volume, position, milli: toMilli(volume.sizeMb) }))
      .filter((v) => v.volume.disk === type)
      .sort((a, b) => b.milli - a.milli);
  const rootVolumes = volumes('ROOT');
  const totals = new Map(scalarMilli);
  const rootDisk = rootVolumes.reduce((sum, v) => sum + v.milli, 0);
  if (rootDisk > 0) totals.set('disk', (totals.get('disk') ?? 0) + rootDisk);
  const list = (m: Map<string, number>) => [...m].map(([name, milli]) => ({ name, milli }));
  return { pod, scalars: list(scalarMilli), others, rootVolumes, mountVolumes: volumes('MOUNT'), totals: list(totals) };
}

/** The scalar names any pod of the service asks for: the columns of the capacity table. */
export function demandNames(demands: readonly PodDemand[]): string[] {
  const names = new Set<string>();
  for (const d of demands) for (const t of d.totals) names.add(t.name);
  return [...names];
}
