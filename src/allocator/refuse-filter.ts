/**
 * Refused-offer filters (Mesos `RefusedOfferFilter`): a framework that declines resources with
 * `Filters.refuse_seconds` is not offered them again on that agent, in that role, until the
 * filter expires. A later offer is hidden only if the refused resources contain it (a bigger
 * or different offer gets through).
 */
import type { Resources } from '../resources/index.ts';

/** `Filters.refuse_seconds` default in mesos.proto. */
export const DEFAULT_REFUSE_SECONDS = 5;
/** Longer filters are cut to 365 days. */
export const MAX_REFUSE_SECONDS = 365 * 24 * 60 * 60;

/**
 * How long a refuse filter lasts, in milliseconds, or undefined for no filter: over 365 days
 * becomes 365 days; negative or not a number becomes the 5 s default; 0 installs no filter;
 * anything else lasts at least one allocation interval, so it survives one cycle (MESOS-4302).
 * `refuseSeconds` undefined means `Filters` was given without it (the default applies).
 */
export function refuseFilterDurationMs(refuseSeconds: number | undefined, allocationIntervalMs: number): number | undefined {
  let seconds = refuseSeconds ?? DEFAULT_REFUSE_SECONDS;
  if (seconds > MAX_REFUSE_SECONDS) seconds = MAX_REFUSE_SECONDS;
  else if (!(seconds >= 0)) seconds = DEFAULT_REFUSE_SECONDS; // negative or NaN
  if (seconds === 0) return undefined;
  return Math.max(allocationIntervalMs, seconds * 1000);
}

export interface RefusedOfferFilter {
  /** The refused resources, without allocation info. */
  readonly resources: Resources;
  readonly createdAt: number;
  readonly expiresAt: number;
  /** True when refuse_seconds was shorter than the allocation interval and got stretched to it. */
  readonly stretched: boolean;
}

/** The filter a decline with `refuseSeconds` installs at `now`, or undefined for none. */
export function createRefusedOfferFilter(resources: Resources, refuseSeconds: number | undefined, allocationIntervalMs: number, now: number): RefusedOfferFilter | undefined {
  const duration = refuseFilterDurationMs(refuseSeconds, allocationIntervalMs);
  if (duration === undefined) return undefined;
  return { resources: resources.unallocate(), createdAt: now, expiresAt: now + duration, stretched: duration === allocationIntervalMs };
}

/**
 * Observed on Mesos: a filter stretched to the allocation interval is still seen by the periodic
 * cycle at exactly its expiry (that cycle was scheduled first); a longer one is gone by then.
 */
export function isFilterExpired(filter: RefusedOfferFilter, now: number): boolean {
  return filter.stretched ? now > filter.expiresAt : now >= filter.expiresAt;
}

/** Mesos `RefusedOfferFilter::filter`: the refused resources are a superset of the candidate offer. */
export function filtersOffer(filter: RefusedOfferFilter, offer: Resources): boolean {
  return filter.resources.contains(offer);
}
