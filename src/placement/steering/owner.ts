/**
 * Who a reserved resource belongs to: the `service` label the planner puts on every reservation
 * it makes (dcos-commons puts its service name and `resource_id` there too), or an `owner` label
 * written by hand (examples/policies/data-service.ts). Only the resource's own (last)
 * reservation counts: a refinement of a pre-reserved role belongs to whoever refined it.
 */
import type { Resource } from '../../resources/index.ts';
import { SERVICE_LABEL } from '../plan/index.ts';

export const OWNER_LABEL = 'owner';

export function reservationOwner(r: Resource): string | undefined {
  const n = r.reservations.length;
  if (n === 0) return undefined;
  const labels = r.reservations[n - 1]!.labels;
  if (labels === undefined) return undefined;
  let owner: string | undefined;
  for (let i = 0; i < labels.length; i++) {
    const l = labels[i]!;
    if (l.key === SERVICE_LABEL) return l.value ?? '';
    if (l.key === OWNER_LABEL) owner = l.value ?? '';
  }
  return owner;
}
