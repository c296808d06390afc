/** `Initialize` (mesos::allocator::Options and the master flags) → the engine's options. */
import type { AllocatorOptions } from '../../allocator/index.ts';
import type { wire } from '../protocol.ts';
import { domainFromWire } from './agent.ts';
import { CodecError } from './errors.ts';
import { quantitiesFromWire } from './framework.ts';
import { list, opt } from './presence.ts';

export type WireAllocatorOptions = Omit<AllocatorOptions, 'clock' | 'policy' | 'onPolicyError' | 'random'>;

/**
 * Absent fields take the engine's defaults (Mesos's flag defaults), except
 * `min_allocatable_resources`: the master always passes its parsed flag, and an empty list means
 * "no minimum" in Mesos's allocator Options, so it does here too.
 */
export function initializeFromWire(m: wire.IInitialize, field: string): WireAllocatorOptions {
  const out: { -readonly [K in keyof WireAllocatorOptions]: WireAllocatorOptions[K] } = {};
  const interval = opt(m, 'allocationIntervalMs');
  if (interval !== undefined) {
    if (!(interval > 0) || !Number.isFinite(interval)) throw new CodecError(`${field}.allocation_interval_ms`, `must be a positive number, got ${interval}`);
    out.allocationIntervalMs = interval;
  }
  const excluded = list(m.fairnessExcludeResourceNames);
  if (excluded.length > 0) out.fairnessExcludeResourceNames = excluded;
  const gpu = opt(m, 'filterGpuResources');
  if (gpu !== undefined) out.filterGpuResources = gpu;
  const domain = domainFromWire(opt(m, 'domain'));
  if (domain !== undefined) out.domain = domain;
  out.minAllocatableResources = list(m.minAllocatableResources).map((q, i) => quantitiesFromWire(q, `${field}.min_allocatable_resources[${i}]`));
  const recovery = opt(m, 'recoveryTimeoutMs');
  if (recovery !== undefined) {
    if (!(recovery >= 0) || !Number.isFinite(recovery)) throw new CodecError(`${field}.recovery_timeout_ms`, `must be a non-negative number, got ${recovery}`);
    out.recoveryTimeoutMs = recovery;
  }
  const factor = opt(m, 'agentRecoveryFactor');
  if (factor !== undefined) {
    if (!(factor >= 0 && factor <= 1)) throw new CodecError(`${field}.agent_recovery_factor`, `must be within [0, 1], got ${factor}`);
    out.agentRecoveryFactor = factor;
  }
  const sorter = opt(m, 'sorter');
  if (sorter !== undefined && sorter !== '') {
    if (sorter !== 'drf' && sorter !== 'random') throw new CodecError(`${field}.sorter`, `must be "drf" or "random", got ${JSON.stringify(sorter)}`);
    out.sorter = sorter;
  }
  const seed = opt(m, 'seed');
  if (seed !== undefined) out.seed = seed;
  return out;
}
