/**
 * HDFS's allocation policy: the reservation steering, so a journal, name or data node's
 * reserved resources and MOUNT volume are offered to the hdfs framework only. Placement itself
 * is the spec's: each pod takes a whole MOUNT disk and every host has one, so no two HDFS pods
 * share a host (hdfs-mesos hard-coded that rule); the two name nodes (active and standby) are
 * on different hosts and racks, and data nodes fill every other host.
 *
 * In your own repository, import from 'mesos-policy' instead of the relative paths.
 */
import { definePolicy } from '../../../src/policy/index.ts';
import { withReservationSteering } from '../../../src/placement/index.ts';

export default definePolicy(withReservationSteering({ name: 'hdfs' }));
