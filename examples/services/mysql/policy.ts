/**
 * MySQL's allocation policy: the reservation steering, so the master's and each replica's
 * reserved resources and data volume are offered to the mysql framework only. Every instance
 * reserves port 3306, so the master and a replica never share a host either.
 *
 * In your own repository, import from 'mesos-policy' instead of the relative paths.
 */
import { definePolicy } from '../../../src/policy/index.ts';
import { withReservationSteering } from '../../../src/placement/index.ts';

export default definePolicy(withReservationSteering({ name: 'mysql' }));
