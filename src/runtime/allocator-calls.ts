/**
 * One handler per AllocatorCall case (except `initialize`, which the service owns): decode the
 * message completely first, so a bad request changes nothing, then call the engine method of
 * the same Mesos name.
 */
import type { AllocatorEngine, CycleResult } from '../allocator/index.ts';
import { Resources } from '../resources/index.ts';
import {
  agentCapabilitiesFromWire, agentInfoFromWire, conversionsFromWire, encodeAllocation, explanationToWire, filtersFromWire, frameworkInfoFromWire,
  encodeOperatorCall, inverseOfferStatusesToWire, inverseOfferStatusFromWire, offerConstraintsFromWire, operationsFromWire, operatorCallResultFromWire,
  quotaConfigFromWire, quotasFromWire, resourceItemsFromWire, resourcesFromWire, unavailabilityFromWire, weightsFromWire,
} from './codec/index.ts';
import { CodecError, decoding } from './codec/errors.ts';
import { canonicalId } from './codec/ids.ts';
import { list, opt } from './codec/presence.ts';
import type { Counters } from './counters.ts';
import type { OfferMemo } from './offer-memo.ts';
import type { wire } from './protocol.ts';
import type { AllocatorReplyOut } from './response-bytes.ts';

export interface CallContext {
  readonly engine: AllocatorEngine;
  /** The request's time (the engine's clock reads the same). */
  readonly now: number;
  /** The allocation interval the engine was initialized with. */
  readonly intervalMs: number;
  /** The recent offers, to recognise resources coming back as exactly what was offered. */
  readonly offers: OfferMemo;
  /** The runtime's Stats counters. */
  readonly counters: Counters;
}

/** A reply without `next_cycle_at_ms` (the service adds it); a Promise only for calls the engine answers with one. */
export type Outcome = AllocatorReplyOut | Promise<AllocatorReplyOut>;

export type AllocatorCallCase = NonNullable<wire.AllocatorCall['call']>;

type Handler<K extends AllocatorCallCase> = (message: NonNullable<wire.IAllocatorCall[K]>, ctx: CallContext) => Outcome;

export const DONE: wire.IAllocatorReply = Object.freeze({ done: {} });

function id<T extends object, K extends keyof T>(message: T, field: K, where: string): string {
  const value = opt(message, field);
  if (typeof value !== 'string' || value === '') throw new CodecError(where, 'is required');
  return canonicalId(value);
}

/** UsedResources per agent or framework; an id given twice adds up. */
function usedFromWire(used: readonly wire.IUsedResources[] | null | undefined, field: string): Map<string, Resources> {
  const out = new Map<string, Resources>();
  list(used).forEach((u, i) => {
    const key = id(u, 'id', `${field}[${i}].id`);
    const resources = resourcesFromWire(u.resources, `${field}[${i}].resources`);
    const before = out.get(key);
    out.set(key, before === undefined ? resources : before.plus(resources));
  });
  return out;
}

function frameworkOptionsFromWire(o: wire.IFrameworkOptions | null | undefined, field: string): { suppressedRoles: readonly string[]; offerConstraints?: unknown } {
  if (o === null || o === undefined) return { suppressedRoles: [] };
  const constraints = opt(o, 'offerConstraints');
  return {
    suppressedRoles: list(o.suppressedRoles),
    ...(constraints === undefined ? {} : { offerConstraints: offerConstraintsFromWire(constraints, `${field}.offer_constraints`) }),
  };
}

/**
 * Resources a framework gives back on an agent: the very offered `Resources` when they are exactly
 * what was offered (offer-memo.ts), else decoded as usual.
 */
function offeredFromWire(offers: OfferMemo, frameworkId: string, agentId: string, messages: readonly wire.IResource[] | null | undefined, field: string): Resources {
  const wireList = list(messages);
  if (wireList.length === 0) return Resources.EMPTY;
  const items = resourceItemsFromWire(wireList, field);
  return offers.match(frameworkId, agentId, items, wireList) ?? decoding(field, () => Resources.of(items));
}

/** Stats counters: operator calls handed to the host in allocate replies, and the results it sent back. */
export const OPERATOR_CALLS_HANDED_OUT = 'allocator/operator_calls/handed_out';
export const OPERATOR_CALLS_SUCCEEDED = 'allocator/operator_calls/succeeded';
export const OPERATOR_CALLS_FAILED = 'allocator/operator_calls/failed';

/**
 * The cycles' operator calls, encoded, in the order they are to be made; undefined when none. A
 * call that cannot be encoded (the engine checked it, so this is not expected) fails back to the
 * policy unsent rather than failing the reply, which would lose the cycles' offers.
 */
function operatorCallsOf(cycles: readonly CycleResult[], { engine, counters }: CallContext): Uint8Array[] | undefined {
  let out: Uint8Array[] | undefined;
  for (const cycle of cycles) {
    for (const call of cycle.operatorCalls) {
      let bytes: Uint8Array;
      try {
        bytes = encodeOperatorCall(call);
      } catch (e) {
        counters.increment(OPERATOR_CALLS_FAILED);
        engine.operatorCallResult({ id: call.id, ok: false, applied: 0, httpStatus: 0, message: `not sent: it could not be encoded: ${e instanceof Error ? e.message : String(e)}` });
        continue;
      }
      (out ??= []).push(bytes);
    }
  }
  return out;
}

/** How many due cycles `allocate` runs at their own times before it treats the host as late. */
export const MAX_CATCH_UP_CYCLES = 4;

/**
 * Runs the cycles due at `now`: each at its own time, in order, as the engine's `advanceTo` does
 * offline (an on-time host has at most two due: a triggered one and the periodic one). A host
 * further behind (the runtime was busy, the host stalled) gets the rest as ONE cycle now rather
 * than a catch-up burst of periodic cycles, as Mesos's own timer would.
 */
function runDueCycles(ctx: CallContext, force: boolean): CycleResult[] {
  const { engine, now } = ctx;
  if (force) return [engine.allocate(now)];
  const cycles: CycleResult[] = [];
  for (let due = engine.nextCycleAt(); due <= now && cycles.length < MAX_CATCH_UP_CYCLES; due = engine.nextCycleAt()) cycles.push(engine.allocate(due));
  if (engine.nextCycleAt() <= now) cycles.push(engine.allocate(now));
  // Nothing is due any more; this ends a recovery pause whose timeout has passed, as advanceTo does.
  cycles.push(...engine.advanceTo(now));
  return cycles;
}

export const ALLOCATOR_CALLS: { readonly [K in Exclude<AllocatorCallCase, 'initialize'>]: Handler<K> } = {
  recover(m, { engine }) {
    engine.recover(m.expectedAgentCount ?? 0, quotasFromWire(m.quotas, 'recover.quotas'));
    return DONE;
  },
  addFramework(m, { engine }) {
    const frameworkId = id(m, 'frameworkId', 'add_framework.framework_id');
    const info = frameworkInfoFromWire(opt(m, 'frameworkInfo'), 'add_framework.framework_info');
    const used = usedFromWire(m.used, 'add_framework.used');
    const options = frameworkOptionsFromWire(opt(m, 'options'), 'add_framework.options');
    engine.addFramework(frameworkId, info, used, m.active ?? false, options);
    return DONE;
  },
  removeFramework(m, { engine }) {
    engine.removeFramework(id(m, 'frameworkId', 'remove_framework.framework_id'));
    return DONE;
  },
  activateFramework(m, { engine }) {
    engine.activateFramework(id(m, 'frameworkId', 'activate_framework.framework_id'));
    return DONE;
  },
  deactivateFramework(m, { engine }) {
    engine.deactivateFramework(id(m, 'frameworkId', 'deactivate_framework.framework_id'));
    return DONE;
  },
  updateFramework(m, { engine }) {
    const frameworkId = id(m, 'frameworkId', 'update_framework.framework_id');
    const info = frameworkInfoFromWire(opt(m, 'frameworkInfo'), 'update_framework.framework_info');
    engine.updateFramework(frameworkId, info, frameworkOptionsFromWire(opt(m, 'options'), 'update_framework.options'));
    return DONE;
  },
  addAgent(m, { engine }) {
    const agentId = id(m, 'agentId', 'add_agent.agent_id');
    const info = agentInfoFromWire(opt(m, 'agentInfo'), 'add_agent.agent_info');
    const capabilities = agentCapabilitiesFromWire(m.capabilities);
    const unavailability = unavailabilityFromWire(opt(m, 'unavailability'), 'add_agent.unavailability');
    const total = resourcesFromWire(m.total, 'add_agent.total');
    const used = usedFromWire(m.used, 'add_agent.used');
    engine.addAgent(agentId, info, capabilities, unavailability, total, used);
    return DONE;
  },
  removeAgent(m, { engine }) {
    engine.removeAgent(id(m, 'agentId', 'remove_agent.agent_id'));
    return DONE;
  },
  updateAgent(m, { engine }) {
    const agentId = id(m, 'agentId', 'update_agent.agent_id');
    const info = agentInfoFromWire(opt(m, 'agentInfo'), 'update_agent.agent_info');
    const total = m.hasTotal === true ? resourcesFromWire(m.total, 'update_agent.total') : undefined;
    const capabilities = m.hasCapabilities === true ? agentCapabilitiesFromWire(m.capabilities) : undefined;
    engine.updateAgent(agentId, info, total, capabilities);
    return DONE;
  },
  addResourceProvider(m, { engine }) {
    const agentId = id(m, 'agentId', 'add_resource_provider.agent_id');
    const total = resourcesFromWire(m.total, 'add_resource_provider.total');
    engine.addResourceProvider(agentId, total, usedFromWire(m.used, 'add_resource_provider.used'));
    return DONE;
  },
  activateAgent(m, { engine }) {
    engine.activateAgent(id(m, 'agentId', 'activate_agent.agent_id'));
    return DONE;
  },
  deactivateAgent(m, { engine }) {
    engine.deactivateAgent(id(m, 'agentId', 'deactivate_agent.agent_id'));
    return DONE;
  },
  updateWhitelist(m, { engine }) {
    engine.updateWhitelist(m.hasWhitelist === true ? list(m.hostnames) : undefined);
    return DONE;
  },
  requestResources(m, { engine }) {
    engine.requestResources(id(m, 'frameworkId', 'request_resources.framework_id'), []);
    return DONE;
  },
  updateAllocation(m, { engine }) {
    const frameworkId = id(m, 'frameworkId', 'update_allocation.framework_id');
    const agentId = id(m, 'agentId', 'update_allocation.agent_id');
    const offered = resourcesFromWire(m.offeredResources, 'update_allocation.offered_resources');
    engine.updateAllocation(frameworkId, agentId, offered, conversionsFromWire(m.conversions, 'update_allocation.conversions'));
    return DONE;
  },
  updateAvailable(m, { engine }) {
    const agentId = id(m, 'agentId', 'update_available.agent_id');
    // The synchronous core of Mesos's future: an operation that does not apply throws
    // (REJECTED, the master's 409) and changes nothing.
    engine.applyAvailable(agentId, operationsFromWire(m.operations, 'update_available.operations'));
    return DONE;
  },
  updateUnavailability(m, { engine }) {
    const agentId = id(m, 'agentId', 'update_unavailability.agent_id');
    engine.updateUnavailability(agentId, unavailabilityFromWire(opt(m, 'unavailability'), 'update_unavailability.unavailability'));
    return DONE;
  },
  updateInverseOffer(m, { engine }) {
    const agentId = id(m, 'agentId', 'update_inverse_offer.agent_id');
    const frameworkId = id(m, 'frameworkId', 'update_inverse_offer.framework_id');
    const status = inverseOfferStatusFromWire(opt(m, 'status'), 'update_inverse_offer.status');
    engine.updateInverseOffer(agentId, frameworkId, status, filtersFromWire(opt(m, 'filters')));
    return DONE;
  },
  getInverseOfferStatuses(_m, { engine }) {
    // The engine computes the statuses now and hands them over in a resolved Promise.
    return engine.getInverseOfferStatuses().then((statuses) => ({ inverseOfferStatuses: inverseOfferStatusesToWire(statuses) }));
  },
  transitionOfferedToAllocated(m, { engine }) {
    const agentId = id(m, 'agentId', 'transition_offered_to_allocated.agent_id');
    engine.transitionOfferedToAllocated(agentId, resourcesFromWire(m.resources, 'transition_offered_to_allocated.resources'));
    return DONE;
  },
  recoverResources(m, { engine, offers }) {
    const frameworkId = id(m, 'frameworkId', 'recover_resources.framework_id');
    const agentId = id(m, 'agentId', 'recover_resources.agent_id');
    const resources = offeredFromWire(offers, frameworkId, agentId, m.resources, 'recover_resources.resources');
    engine.recoverResources(frameworkId, agentId, resources, filtersFromWire(opt(m, 'filters')), m.isAllocated ?? false);
    return DONE;
  },
  suppressOffers(m, { engine }) {
    engine.suppressOffers(id(m, 'frameworkId', 'suppress_offers.framework_id'), list(m.roles));
    return DONE;
  },
  reviveOffers(m, { engine }) {
    engine.reviveOffers(id(m, 'frameworkId', 'revive_offers.framework_id'), list(m.roles));
    return DONE;
  },
  updateQuota(m, { engine }) {
    const { role, quota } = quotaConfigFromWire(opt(m, 'quota'), 'update_quota.quota');
    engine.updateQuota(role, quota);
    return DONE;
  },
  updateWeights(m, { engine }) {
    engine.updateWeights(weightsFromWire(m.weights, 'update_weights.weights'));
    return DONE;
  },
  pause(_m, { engine }) {
    engine.pause();
    return DONE;
  },
  resume(_m, { engine }) {
    engine.resume();
    return DONE;
  },
  allocate(m, ctx) {
    const cycles = runDueCycles(ctx, m.force === true);
    ctx.offers.record(cycles);
    // The hot path: thousands of offers go straight to bytes (codec/allocation-bytes.ts).
    const allocationBytes = encodeAllocation(cycles);
    const operatorCallBytes = operatorCallsOf(cycles, ctx);
    if (operatorCallBytes === undefined) return { allocationBytes };
    ctx.counters.increment(OPERATOR_CALLS_HANDED_OUT, operatorCallBytes.length);
    return { allocationBytes, operatorCallBytes };
  },
  operatorCallResult(m, { engine, counters }) {
    const result = operatorCallResultFromWire(m, 'operator_call_result');
    counters.increment(result.ok ? OPERATOR_CALLS_SUCCEEDED : OPERATOR_CALLS_FAILED);
    engine.operatorCallResult(result);
    return DONE;
  },
  explain(m, { engine }) {
    const frameworkId = id(m, 'frameworkId', 'explain.framework_id');
    const agentId = id(m, 'agentId', 'explain.agent_id');
    return { explanation: explanationToWire(engine.explain(frameworkId, agentId)) };
  },
};
