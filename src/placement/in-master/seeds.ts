/**
 * The seeds a service's ids are drawn from. Plans draw uuid-shaped ids from a seeded stream,
 * skipping the ids the ledger holds; a policy instance that starts without some agent (down at a
 * restart, re-registering later) does not hold that agent's ids, so a plan from the same stream
 * would draw them again: double-booked once the agent is back. A policy instance that finds the
 * service in the cluster therefore plans from a stream of its own, the service's seed mixed with
 * its epoch (its first cycle's time). The first deploy keeps the service's stream: a restart
 * between its RESERVE and CREATE draws that stream again to find the volume's persistence id
 * (`plannedPersistenceIds`); one from a later instance's stream gets a fresh id (unique, and a
 * second CREATE on the same reserved disk is refused by Mesos).
 */

/** FNV-1a of `text` over `seed`. */
function mix(seed: number, text: string): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

export interface ServiceSeeds {
  /** The service's stream: what its first deploy drew from (and what adoption draws again). */
  readonly service: number;
  /** This policy instance's own stream (the epoch mixed in): ids no other instance drew. */
  readonly own: number;
  /** What the controller's plans draw from: `service` on a first deploy, else `own`. */
  readonly plans: number;
}

/** The policy instance's own stream: the service's seed with its epoch mixed in. */
export function ownSeed(service: number, epoch: string): number {
  return mix(service, `epoch:${epoch}`);
}

/** `found`: the policy instance found the service in the cluster at its first cycle. */
export function serviceSeeds(service: number, epoch: string, found: boolean): ServiceSeeds {
  const own = ownSeed(service, epoch);
  return { service, own, plans: found ? own : service };
}
