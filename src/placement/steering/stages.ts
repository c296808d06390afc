/**
 * The steering stages: a service's reservations and volumes are offered to its own framework
 * only. Mesos offers a role's reservations to every framework of the role (§4.6), so two data
 * services sharing a role would see each other's disks; Marathon and dcos-commons only avoid
 * misuse by checking labels on their side. Here the allocator never offers them: `size` cuts out
 * resources whose reservation names another owner, and `filter` refuses, with a reason, an
 * agent where nothing would be left. Hot path: an offer without labelled reservations is
 * returned as it is (no allocation beyond the iteration), and `filter`'s work is reused by the
 * `size` call that follows it for the same context.
 *
 * Cost: a filter rejection installs no refuse filter, so without more every framework of the
 * role that does not own an idle reservation would be asked again each cycle: O(frameworks of
 * the role × agents with idle reservations) calls per cycle with many services in one role. So
 * the rejection says `until: 'agent-changes'` when it cannot depend on anything but the agent and
 * the framework — nothing allocatable to the role on the whole agent is the framework's, so no
 * quota headroom, stage or earlier offer of the cycle could have left it something — and the
 * engine remembers it until the agent's resources change (and, with most of a role remembered on an
 * agent, asks only the role's other frameworks there: skip plans). When only the offer (cut by quota, or
 * by shared resources already offered) holds nothing of the framework's, it is asked again. With
 * a role per service (the usual layout) Mesos's role rules already keep services apart and the
 * stages only pay a scan of the offer (see bench/placement-cycle.bench.ts).
 */
import type { AllocatorPolicy, FrameworkView, OfferContext, Policy, Rejection } from '../../policy/index.ts';
import type { Resource } from '../../resources/index.ts';
import { reservationOwner } from './owner.ts';

export interface SteeringOptions {
  /**
   * Whether `framework` is the owner named on a reservation. Default: the framework's name or id
   * is the service name (dcos-commons registers a service under its name).
   */
  readonly owns?: (framework: FrameworkView, owner: string) => boolean;
}

export type SteeringStages = Required<Pick<AllocatorPolicy, 'filter' | 'size'>>;

const defaultOwns = (framework: FrameworkView, owner: string) => owner === framework.name || owner === framework.id;

/** Whether the offer names another owner (the first one seen, for the reason) and whether anything would be left. */
interface Steered {
  readonly foreign: string | undefined;
  readonly anyLeft: boolean;
}

const CLEAN: Steered = { foreign: undefined, anyLeft: true };

export function reservationSteering(options: SteeringOptions = {}): SteeringStages {
  const owns = options.owns ?? defaultOwns;
  // filter and size see the same context object one after the other: scan once. No allocation
  // unless the offer holds another owner's reservation and something else is left to offer.
  let lastCtx: OfferContext | undefined;
  let last: Steered = CLEAN;
  // One rejection object per foreign owner and kind, shared: the engine keeps every remembered one
  // (~100k with 100 services in one role), and a fresh reason string and object per ask were garbage
  // in the first cycles and live objects for the collector to mark after. Rejections are read, never changed.
  const rememberable = new Map<string, Rejection>();
  const once = new Map<string, Rejection>();
  const rejection = (owner: string, untilAgentChanges: boolean): Rejection => {
    const kept = untilAgentChanges ? rememberable : once;
    let r = kept.get(owner);
    if (r === undefined) {
      const reason = `reserved-for-another-owner:${owner}`;
      r = Object.freeze(untilAgentChanges ? { reason, until: 'agent-changes' as const } : { reason });
      kept.set(owner, r);
    }
    return r;
  };

  const mine = (ctx: OfferContext, r: Resource): boolean => {
    if (r.reservations.length === 0) return true;
    const owner = reservationOwner(r);
    return owner === undefined || owns(ctx.framework, owner);
  };

  /** Whether nothing the role may get on the agent, before quota and this cycle's offers, is the framework's. */
  const nothingMineOnAgent = (ctx: OfferContext): boolean => {
    for (const r of ctx.agent.available.allocatableTo(ctx.role)) if (mine(ctx, r)) return false;
    return true;
  };

  const steer = (ctx: OfferContext): Steered => {
    if (ctx === lastCtx) return last;
    let foreign: string | undefined;
    let anyLeft = false;
    for (const r of ctx.offer) {
      if (mine(ctx, r)) anyLeft = true;
      else foreign ??= reservationOwner(r);
      if (anyLeft && foreign !== undefined) break;
    }
    lastCtx = ctx;
    last = foreign === undefined ? CLEAN : { foreign, anyLeft };
    return last;
  };

  return {
    filter(ctx): true | Rejection {
      const s = steer(ctx);
      if (s.anyLeft) return true;
      return rejection(s.foreign ?? '', nothingMineOnAgent(ctx));
    },
    size(ctx) {
      const s = steer(ctx);
      if (s.foreign === undefined) return ctx.offer;
      return ctx.offer.filter((r: Resource) => mine(ctx, r));
    },
  };
}

/**
 * A policy with the steering in front of its own filter and size: the user's filter runs only
 * on agents steering lets through, the user's size sees (and must stay within) the steered offer.
 */
export function withReservationSteering<P extends Policy>(policy: P, options: SteeringOptions = {}): P & SteeringStages {
  const steering = reservationSteering(options);
  const userFilter = policy.filter?.bind(policy);
  const userSize = policy.size?.bind(policy);
  return {
    ...policy,
    filter(ctx: OfferContext) {
      const verdict = steering.filter(ctx);
      if (verdict !== true) return verdict;
      return userFilter === undefined ? true : userFilter({ ...ctx, offer: steering.size(ctx) ?? ctx.offer });
    },
    size(ctx: OfferContext) {
      const steered = steering.size(ctx) ?? ctx.offer;
      if (userSize === undefined) return steered;
      return userSize(steered === ctx.offer ? ctx : { ...ctx, offer: steered }) ?? steered;
    },
  };
}
