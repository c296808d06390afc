/** Allocator stages that offer a data service's reservations and volumes to their owner only. */
export { reservationOwner, OWNER_LABEL } from './owner.ts';
export { reservationSteering, withReservationSteering, type SteeringOptions, type SteeringStages } from './stages.ts';
