/**
 * Engine outputs → wire: the offers and inverse offers of the cycles a call ran (flattened to one
 * entry per (framework, role, agent) per cycle, as Mesos's offer callback gets them), inverse
 * offer statuses and explanations.
 */
import type { CycleResult, Explanation, InverseOfferStatus } from '../../allocator/index.ts';
import type { wire } from '../protocol.ts';
import { CodecError } from './errors.ts';
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

/**
 * The resources offer entry `entry` of `allocation` carries: its own `resources`, or the shared list
 * its `shared_resources` names (1-based; 0 or absent: its own). A reference to no list, or an entry
 * with both, is a CodecError: the offer's resources are unknown.
 */
export function offerResources(allocation: wire.IAllocation, entry: wire.IOfferEntry): wire.IResource[] {
  const index = entry.sharedResources ?? 0;
  // (An entry's framework and role may be carried over from the one before: see expandOffers.)
  if (index === 0) return entry.resources ?? [];
  const where = `allocation.offers(framework '${entry.frameworkId ?? ''}', role '${entry.role ?? ''}', agent '${entry.agentId ?? ''}').shared_resources`;
  const lists = allocation.sharedResources ?? [];
  if (!Number.isInteger(index) || index < 1 || index > lists.length) throw new CodecError(where, `names shared list ${index}, but the allocation has ${lists.length}`);
  if ((entry.resources ?? []).length > 0) throw new CodecError(where, 'an offer names a shared list and lists resources of its own');
  return lists[index - 1]!.resources ?? [];
}

/**
 * Every offer entry of a decoded `allocation` complete, for readers that look at offers one by one:
 * its framework and role (carried over from the entry before when left out, protocol 3) and its
 * resources in `resources` (a shared list's copied in by reference, `shared_resources` cleared).
 * Checks every entry first: on a bad one it throws and changes nothing.
 */
export function expandOffers<A extends wire.IAllocation>(allocation: A): A {
  const offers = allocation.offers ?? [];
  const frameworks: string[] = [];
  const roles: string[] = [];
  let frameworkId = '';
  let role = '';
  offers.forEach((entry, i) => {
    frameworkId = entry.frameworkId || frameworkId;
    role = entry.role || role;
    if (frameworkId === '' || role === '') {
      throw new CodecError(`allocation.offers[${i}] (agent '${entry.agentId ?? ''}')`, 'has no framework_id or role, and no entry before it to carry them over from');
    }
    frameworks.push(frameworkId);
    roles.push(role);
  });
  const expanded = offers.map((entry) => ((entry.sharedResources ?? 0) === 0 ? undefined : offerResources(allocation, entry)));
  offers.forEach((entry, i) => {
    entry.frameworkId = frameworks[i]!;
    entry.role = roles[i]!;
    const resources = expanded[i];
    if (resources === undefined) return;
    entry.resources = resources;
    delete entry.sharedResources; // absent, i.e. 0 (a decoded message's default)
  });
  return allocation;
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
