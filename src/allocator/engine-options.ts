/** The engine's options: Mesos's allocator `Options` and master flags, plus injected time, randomness and policy. */
import { attributesEqual, type Attribute, type ResourceQuantities } from '../resources/index.ts';
import type { Policy } from '../policy/index.ts';
import { AllocatorError } from './errors.ts';
import { DEFAULT_MIN_ALLOCATABLE_RESOURCES, parseMinAllocatableResources } from './min-allocatable.ts';
import type { PolicyErrorReport } from './policy-runner.ts';
import type { RandomSource } from './random.ts';
import type { ResolvedOptions } from './state.ts';
import type { DomainInfo } from './types.ts';

export interface AllocatorOptions {
  /** `--allocation_interval`, default 1 s. */
  readonly allocationIntervalMs?: number;
  /** `--fair_sharing_excluded_resource_names`. */
  readonly fairnessExcludeResourceNames?: readonly string[];
  /** `--filter_gpu_resources`, default true. */
  readonly filterGpuResources?: boolean;
  /** The master's fault domain (REGION_AWARE). */
  readonly domain?: DomainInfo;
  /** `--min_allocatable_resources` text or parsed; default `cpus:0.01|mem:32`, as the master's flag. */
  readonly minAllocatableResources?: string | readonly ResourceQuantities[];
  /** `--allocator_recovery_timeout`, default 10 min. */
  readonly recoveryTimeoutMs?: number;
  /** `--allocator_agent_recovery_factor`, default 0.8. */
  readonly agentRecoveryFactor?: number;
  /** `--role_sorter` / `--framework_sorter`: `drf` (default) or `random`. */
  readonly sorter?: 'drf' | 'random';
  /** The clock (ms). Default: starts at 0 and only moves when the driver says so. */
  readonly clock?: () => number;
  /** Randomness (agent shuffles, resource shuffles, random sorter); default seeded with `seed`. */
  readonly random?: RandomSource;
  readonly seed?: number;
  readonly policy?: Policy;
  readonly onPolicyError?: (report: PolicyErrorReport) => void;
}

export function resolveOptions(o: AllocatorOptions): ResolvedOptions {
  const interval = o.allocationIntervalMs ?? 1000;
  if (!(interval > 0) || !Number.isFinite(interval)) throw new AllocatorError(`allocationIntervalMs must be a positive number, got ${interval}`);
  const factor = o.agentRecoveryFactor ?? 0.8;
  if (!(factor >= 0 && factor <= 1)) throw new AllocatorError(`agentRecoveryFactor must be within [0, 1], got ${factor}`);
  const min = o.minAllocatableResources ?? DEFAULT_MIN_ALLOCATABLE_RESOURCES;
  return {
    allocationIntervalMs: interval,
    fairnessExcludeResourceNames: new Set(o.fairnessExcludeResourceNames ?? []),
    filterGpuResources: o.filterGpuResources ?? true,
    domain: o.domain,
    minAllocatableResources: typeof min === 'string' ? parseMinAllocatableResources(min) : min,
    recoveryTimeoutMs: o.recoveryTimeoutMs ?? 10 * 60 * 1000,
    agentRecoveryFactor: factor,
  };
}

/** Mesos compares agent attributes as a multiset. */
export function sameAttributeSet(a: readonly Attribute[], b: readonly Attribute[]): boolean {
  if (a.length !== b.length) return false;
  return a.every((x) => b.some((y) => attributesEqual(x, y))) && b.every((y) => a.some((x) => attributesEqual(x, y)));
}
