/** Hello (protocol versions, what the bundle serves), Health (heap) and Stats (counters). */
import { getHeapStatistics } from 'node:v8';
import type { Policy } from '../policy/index.ts';
import type { AllocatorService } from './allocator-service.ts';
import type { Counters } from './counters.ts';
import { CallError, ErrorCode } from './errors.ts';
import { PROTOCOL_VERSION, type wire } from './protocol.ts';
import { RUNTIME_VERSION } from './version.ts';

/** The allocator stages and callbacks of AllocatorPolicy (src/policy/policy.ts). */
const ALLOCATOR_STAGES = ['sortRoles', 'sortFrameworks', 'reservationOwners', 'filter', 'score', 'size', 'onAgentAdded', 'onAgentRemoved', 'onResourcesRecovered', 'onQuotaChanged', 'onWeightsChanged', 'operatorCalls', 'operatorCallResult'] as const;

/**
 * Whether the bundle is an allocator policy: it has a stage, or it has nothing else (an empty
 * policy is Mesos's DRF allocator). Allocator calls are served either way.
 */
export function hasAllocator(policy: Policy): boolean {
  return ALLOCATOR_STAGES.some((stage) => policy[stage] !== undefined) || (policy.hooks === undefined && policy.isolator === undefined);
}

export function hello(message: wire.IHello, policy: Policy, counters: Counters): wire.IHelloReply {
  const version = message.protocolVersion ?? 0;
  if (version !== PROTOCOL_VERSION) {
    throw new CallError(ErrorCode.VERSION_MISMATCH, `the host speaks bridge protocol version ${version}, this runtime (mesos-policy ${RUNTIME_VERSION}) speaks version ${PROTOCOL_VERSION}`);
  }
  counters.increment(`hello/${message.module === undefined || message.module === '' ? 'unknown' : message.module}`);
  return {
    protocolVersion: PROTOCOL_VERSION,
    runtimeVersion: RUNTIME_VERSION,
    policyName: typeof policy.name === 'string' ? policy.name : '',
    hasAllocator: hasAllocator(policy),
    hasHooks: policy.hooks !== undefined,
    hasIsolator: policy.isolator !== undefined,
  };
}

export function control(call: wire.ControlCall, counters: Counters, allocator: AllocatorService): wire.IControlReply {
  switch (call.call) {
    case 'health': {
      const heap = getHeapStatistics();
      return { health: { serving: true, heapUsedBytes: heap.used_heap_size, heapLimitBytes: heap.heap_size_limit } };
    }
    case 'stats': {
      const values = counters.entries();
      const metrics = allocator.metrics;
      if (metrics !== undefined) {
        // The engine's own counters, under Mesos's metric names.
        values.push(
          ['allocator/allocation_runs', metrics['allocationRuns'] ?? 0],
          ['allocator/allocation_run_ms', metrics['allocationRunMs'] ?? 0],
          ['allocator/offers_made', metrics['offersMade'] ?? 0],
          ['allocator/inverse_offers_made', metrics['inverseOffersMade'] ?? 0],
        );
      }
      return { stats: { counters: values.map(([name, value]) => ({ name, value })) } };
    }
    default:
      throw new CallError(ErrorCode.UNSUPPORTED, 'a ControlCall with no call this runtime knows');
  }
}
