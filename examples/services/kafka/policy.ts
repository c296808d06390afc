/**
 * Kafka's allocation policy: Mesos's own allocation with the reservation steering in front, so
 * a broker's reserved cpus, mem, port and data volume are offered to the kafka framework only —
 * another framework of role `kafka` (a second cluster, a mirror maker) never sees them, and a
 * broker that restarts finds its own disk in its next offer from that host.
 *
 * In your own repository, import from 'mesos-policy' instead of the relative paths.
 */
import { definePolicy } from '../../../src/policy/index.ts';
import { withReservationSteering } from '../../../src/placement/index.ts';

export default definePolicy(withReservationSteering({ name: 'kafka' }));
