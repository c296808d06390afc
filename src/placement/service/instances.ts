/** Pod instance names, dcos-commons style: `${podType}-${index}`, e.g. `broker-3`. */
import type { PodInstance, ServiceSpec } from './types.ts';

export function podInstanceName(podType: string, index: number): string {
  return `${podType}-${index}`;
}

/**
 * The pod type and index of an instance name, or undefined when it is not one. Pod types may
 * contain dashes, so the index is what follows the last one.
 */
export function parsePodInstanceName(name: string): { readonly podType: string; readonly index: number } | undefined {
  const dash = name.lastIndexOf('-');
  if (dash <= 0) return undefined;
  const digits = name.slice(dash + 1);
  if (!/^(0|[1-9][0-9]*)$/.test(digits)) return undefined;
  return { podType: name.slice(0, dash), index: Number(digits) };
}

/** Every instance the spec asks for, pods in spec order, indexes ascending. */
export function podInstances(spec: ServiceSpec): PodInstance[] {
  const out: PodInstance[] = [];
  for (const pod of spec.pods) {
    for (let index = 0; index < pod.count; index++) out.push({ name: podInstanceName(pod.type, index), podType: pod.type, index, pod });
  }
  return out;
}
