/**
 * The reservation steering: a service's reservations and volumes are offered to its own framework
 * only. Mesos offers a role's reservations to every framework of the role (§4.6), so two data
 * services sharing a role would see each other's disks; Marathon and dcos-commons only avoid
 * misuse by checking labels on their side. Here the allocator never offers them: the steering is
 * the engine's `reservationOwners` stage (a reservation's owner is its `service` or `owner` label,
 * reservationOwner), so another owner's reservations are left out of an offer before any other
 * stage looks, a framework that would get nothing else there is passed over with the reason
 * `reserved-for-another-owner:<owner>`, and where an agent holds nothing but owned reservations a
 * visit asks only the owners (src/allocator/reservation-owners.ts).
 *
 * Why a stage of its own rather than `filter` + `size` (the first version): the engine checks
 * refuse filters against the offer it would make, so a framework that declined an agent's
 * unreserved rest with a filter is not offered it again (with `size` cutting after the check, the
 * filter was compared with the uncut offer and never held); and with 100 services in one role the
 * engine skips the non-owners without a call, instead of asking each once per agent content.
 */
import type { FrameworkView, Policy, ReservationOwners } from '../../policy/index.ts';
import { reservationOwner } from './owner.ts';

export interface SteeringOptions {
  /**
   * Whether `framework` is the owner named on a reservation. Default: the framework's name or id
   * is the service name (dcos-commons registers a service under its name). Must depend only on the
   * framework's info and the owner (the engine keeps its answers until the framework is updated).
   */
  readonly owns?: (framework: FrameworkView, owner: string) => boolean;
}

const defaultOwns = (framework: FrameworkView, owner: string) => owner === framework.name || owner === framework.id;

/** The steering as the engine's `reservationOwners` stage. */
export function ownedReservations(options: SteeringOptions = {}): ReservationOwners {
  return { owner: reservationOwner, owns: options.owns ?? defaultOwns };
}

/** The policy with the steering in front: its own stages see offers without other owners' reservations. */
export function withReservationSteering<P extends Policy>(policy: P, options: SteeringOptions = {}): P & { readonly reservationOwners: ReservationOwners } {
  return { ...policy, reservationOwners: ownedReservations(options) };
}
