/**
 * The minimum allocatable resources rule (Mesos `HierarchicalAllocatorProcess::allocatable`):
 * an offer must contain at least one of the configured quantity sets. The master flag
 * `--min_allocatable_resources` separates alternatives with `|` and quantities with `;`
 * (default `cpus:0.01|mem:32`); a framework's per-role `offer_filters` override it.
 */
import { parseResourceQuantities, type ResourceQuantities, type Resources } from '../resources/index.ts';

/** Mesos's default for `--min_allocatable_resources`. */
export const DEFAULT_MIN_ALLOCATABLE_RESOURCES = 'cpus:0.01|mem:32';

/** `cpus:0.01|mem:32` → [{cpus: 0.01}, {mem: 32}]. */
export function parseMinAllocatableResources(flag: string): ResourceQuantities[] {
  return flag
    .split('|')
    .filter((alternative) => alternative.trim().length > 0)
    .map((alternative) => parseResourceQuantities(alternative));
}

/**
 * Whether `resources` may be offered: never when empty; always when no minimum is configured
 * (undefined or an empty list); otherwise when they contain one of the alternatives.
 * `frameworkMinimum` (the framework's per-role override) wins over `globalMinimum`.
 */
export function isAllocatable(
  resources: Resources,
  globalMinimum: readonly ResourceQuantities[] | undefined,
  frameworkMinimum?: readonly ResourceQuantities[],
): boolean {
  if (resources.isEmpty()) return false;
  const minimum = frameworkMinimum ?? globalMinimum;
  if (minimum === undefined || minimum.length === 0) return true;
  // A loop rather than `some`: this runs for every agent visit, and the closure was an allocation each time.
  for (let i = 0; i < minimum.length; i++) if (resources.containsQuantities(minimum[i]!)) return true;
  return false;
}
