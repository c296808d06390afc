/**
 * Which instances a scale-down stops. Unplaced instances go first (nothing to undo), then
 * Marathon's rule (`selectInstancesToKill`: keep GROUP_BY / SPREAD even), then, when the pod has
 * no such constraint or the rule stops early, the highest indices (dcos-commons decommissions
 * from the end).
 */
import { selectInstancesToKill, type PlacedInstance } from '../constraints/index.ts';
import type { PodSpec } from '../service/index.ts';

export interface ScaleCandidate {
  readonly name: string;
  readonly index: number;
  /** Undefined while not placed. */
  readonly agent: PlacedInstance['agent'] | undefined;
}

export function chooseScaleDown(pod: PodSpec, candidates: readonly ScaleCandidate[], count: number): string[] {
  const byIndexDesc = [...candidates].sort((a, b) => b.index - a.index);
  const chosen: string[] = [];
  for (const c of byIndexDesc) if (chosen.length < count && c.agent === undefined) chosen.push(c.name);
  const placed: PlacedInstance[] = candidates.filter((c) => c.agent !== undefined).map((c) => ({ id: c.name, agent: c.agent! }));
  const left = count - chosen.length;
  if (left > 0 && placed.length > 0) {
    for (const k of selectInstancesToKill(pod.constraints, placed, Math.min(left, placed.length))) chosen.push(k.id);
  }
  for (const c of byIndexDesc) if (chosen.length < count && !chosen.includes(c.name)) chosen.push(c.name);
  return chosen;
}
