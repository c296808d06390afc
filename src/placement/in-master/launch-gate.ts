/**
 * The launch gate: a service's reservations are offered only while the controller says the
 * instance may launch (`launchable`: idle, on its agent, not leaving, the serial gate open).
 * The allocator cannot kill a task or stop a framework from launching, but it decides what is
 * offered: the reservations of an instance being replaced, moved or decommissioned, of one
 * whose task was just seen running, and retired reservations waiting for their DESTROY are
 * withheld, so a framework that simply launches each instance out of the offer that carries its
 * reservations never starts one the controller is taking away.
 *
 * The verdict depends on the controllers' state, not only on the agent, so a refusal is never
 * remembered (`until` is not set).
 */
import type { OfferContext, Rejection } from '../../policy/index.ts';
import type { Resource } from '../../resources/index.ts';
import { ownerOf } from '../plan/index.ts';

export interface LaunchGate {
  filter(ctx: OfferContext): true | Rejection;
  /** The offer without the withheld reservations (the same object when nothing is withheld). */
  cut(ctx: OfferContext): OfferContext;
}

/**
 * `services`: the gated services; `allowed()`: the reservations that may be offered now, as
 * resource_id → the agent they are on (asked once per change, the caller caches). A reservation
 * goes by its agent and resource_id: an id is unique among the live reservations, but an agent
 * back after a restart may carry an old copy with an id a later plan drew again, and that copy is
 * never offered for the live one.
 */
export function launchGate(services: ReadonlySet<string>, allowed: () => ReadonlyMap<string, string>): LaunchGate {
  const withheld = (r: Resource, agentId: string): string | undefined => {
    if (r.reservations.length === 0) return undefined;
    const owner = ownerOf(r);
    if (owner?.service === undefined || !services.has(owner.service)) return undefined;
    return allowed().get(owner.resourceId) === agentId ? undefined : `${owner.service}/${owner.podInstance ?? '?'}`;
  };
  let lastCtx: OfferContext | undefined;
  let lastCut: OfferContext | undefined;
  let lastReason: string | undefined;
  const cut = (ctx: OfferContext): OfferContext => {
    if (ctx === lastCtx) return lastCut!;
    let first: string | undefined;
    for (const r of ctx.offer) {
      first = withheld(r, ctx.agent.id);
      if (first !== undefined) break;
    }
    lastCtx = ctx;
    lastReason = first;
    lastCut = first === undefined ? ctx : { ...ctx, offer: ctx.offer.filter((r) => withheld(r, ctx.agent.id) === undefined) };
    return lastCut;
  };
  return {
    cut,
    filter(ctx) {
      const gated = cut(ctx);
      if (gated === ctx || !gated.offer.isEmpty()) return true;
      return { reason: `not-launchable:${lastReason ?? ''}` };
    },
  };
}
