/**
 * The labels that mark a reservation as the service's (dcos-commons puts `resource_id` on every
 * reserved resource). Reconciliation finds a service's reservations in the cluster by them.
 */
import type { Label, Resource } from '../../resources/index.ts';

export const SERVICE_LABEL = 'service';
export const POD_INSTANCE_LABEL = 'pod_instance';
export const RESOURCE_ID_LABEL = 'resource_id';

export function reservationLabels(service: string, podInstance: string, resourceId: string): Label[] {
  return [
    { key: SERVICE_LABEL, value: service },
    { key: POD_INSTANCE_LABEL, value: podInstance },
    { key: RESOURCE_ID_LABEL, value: resourceId },
  ];
}

export function labelValue(labels: readonly Label[] | undefined, key: string): string | undefined {
  if (labels === undefined) return undefined;
  for (let i = 0; i < labels.length; i++) if (labels[i]!.key === key) return labels[i]!.value ?? '';
  return undefined;
}

/** The service labels on a resource's own (last) reservation, or undefined when it has no resource_id. */
export function ownerOf(r: Resource): { readonly service?: string; readonly podInstance?: string; readonly resourceId: string } | undefined {
  const n = r.reservations.length;
  if (n === 0) return undefined;
  const labels = r.reservations[n - 1]!.labels;
  const resourceId = labelValue(labels, RESOURCE_ID_LABEL);
  if (resourceId === undefined) return undefined;
  const service = labelValue(labels, SERVICE_LABEL);
  const podInstance = labelValue(labels, POD_INSTANCE_LABEL);
  return { resourceId, ...(service === undefined ? {} : { service }), ...(podInstance === undefined ? {} : { podInstance }) };
}
