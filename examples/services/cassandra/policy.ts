/**
 * Cassandra's allocation policy: the reservation steering (a node's reserved cpus, mem, ports
 * and MOUNT volume are offered to the cassandra framework only), and hosts that hold a Cassandra
 * reservation are visited by role `cassandra` first, so a restarting node gets its host back
 * before another role's framework takes the unreserved remainder.
 *
 * In your own repository, import from 'mesos-policy' instead of the relative paths.
 */
import { definePolicy } from '../../../src/policy/index.ts';
import { reservationOwner, withReservationSteering } from '../../../src/placement/index.ts';

export default definePolicy(withReservationSteering({
  name: 'cassandra',
  sortRoles(ctx) {
    let owned = false;
    for (const r of ctx.agent.total) if (reservationOwner(r) === 'cassandra') owned = true;
    if (!owned || !ctx.roles.includes('cassandra')) return ctx.roles;
    return ['cassandra', ...ctx.roles.filter((role) => role !== 'cassandra')];
  },
}));
