/** The reservation steering: a data service's reservations and volumes offered to their owner only (the engine's reservationOwners stage). */
export { reservationOwner, OWNER_LABEL } from './owner.ts';
export { ownedReservations, withReservationSteering, type SteeringOptions } from './stages.ts';
