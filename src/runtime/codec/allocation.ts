/**
 * Engine outputs → wire: the offers and inverse offers of the cycles a call ran (flattened to one
 * entry per (framework, role, agent) per cycle, as Mesos's offer callback gets them), inverse
 * offer statuses and explanations.
 */
import type { CycleResult, Explanation, InverseOfferStatus } from '../../allocator/index.ts';
import type { wire } from '../protocol.ts';
import { inverseOfferStatusToWire, unavailabilityToWire } from './maintenance.ts';
import { resourcesToWire } from './resources.ts';

export function allocationToWire(cycles: readonly CycleResult[]): wire.IAllocation {
  const offers: wire.IOfferEntry[] = [];
  const inverseOffers: wire.IInverseOfferEntry[] = [];
  let candidates = 0;
  for (const cycle of cycles) {
    candidates += cycle.candidates;
    for (const [frameworkId, byRole] of cycle.offers) {
      for (const [role, byAgent] of byRole) {
        // Every resource is tagged with the entry's role: the adapter relies on it.
        for (const [agentId, resources] of byAgent) offers.push({ frameworkId, role, agentId, resources: resourcesToWire(resources, role) });
      }
    }
    for (const [frameworkId, byAgent] of cycle.inverseOffers) {
      for (const [agentId, unavailability] of byAgent) inverseOffers.push({ frameworkId, agentId, unavailability: unavailabilityToWire(unavailability) });
    }
  }
  return { offers, inverseOffers, cycles: cycles.length, candidates };
}

export function inverseOfferStatusesToWire(statuses: ReadonlyMap<string, ReadonlyMap<string, InverseOfferStatus>>): wire.IInverseOfferStatuses {
  const agents: wire.InverseOfferStatuses.IEntry[] = [];
  for (const [agentId, byFramework] of statuses) agents.push({ agentId, statuses: [...byFramework.values()].map(inverseOfferStatusToWire) });
  return { agents };
}

export function explanationToWire(e: Explanation): wire.IExplanation {
  return {
    frameworkId: e.frameworkId,
    agentId: e.agentId,
    ...(e.cycleAt === undefined ? {} : { cycleAtMs: e.cycleAt }),
    reasons: e.reasons.map((r) => ({ code: r.code, message: r.message, ...(r.role === undefined ? {} : { role: r.role }) })),
  };
}
