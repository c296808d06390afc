/**
 * Data services keep their data: an agent that holds reservations or persistent volumes of a
 * role is visited by that role first, so a restarted broker or node gets its own disk back
 * before anyone else sees the agent; and a persistent volume labelled with an owner
 * (reservation label `owner`, or the volume's persistence principal) is offered to that owner
 * only — other frameworks of the same role get the rest of the offer without it.
 *
 * In your own repository, import from 'mesos-policy' instead of the relative path.
 */
import { definePolicy, type Resource } from '../../src/index.ts';

function ownerOf(r: Resource): string | undefined {
  for (let i = r.reservations.length - 1; i >= 0; i--) {
    const label = r.reservations[i]!.labels?.find((l) => l.key === 'owner');
    if (label?.value !== undefined) return label.value;
  }
  return r.disk?.persistence?.principal;
}

function isVolume(r: Resource): boolean {
  return r.disk?.persistence !== undefined;
}

/** The framework a volume belongs to: matched by framework name or principal. */
function owns(framework: { name?: string; principal?: string; id: string }, owner: string): boolean {
  return owner === framework.name || owner === framework.principal || owner === framework.id;
}

export default definePolicy({
  name: 'data-service',

  /** Roles that own reservations or volumes on this agent first, in DRF order among themselves. */
  sortRoles(ctx) {
    const owners = new Set<string>();
    for (const r of ctx.agent.total) {
      const n = r.reservations.length;
      if (n > 0) owners.add(r.reservations[n - 1]!.role);
    }
    const first = ctx.roles.filter((role) => [...owners].some((owner) => role === owner || role.startsWith(`${owner}/`)));
    return [...first, ...ctx.roles.filter((role) => !first.includes(role))];
  },

  /** An offer made only of other frameworks' volumes is not offered at all. */
  filter(ctx) {
    const offer = [...ctx.offer];
    const foreign = offer.filter((r) => isVolume(r) && ownerOf(r) !== undefined && !owns(ctx.framework, ownerOf(r)!));
    if (foreign.length > 0 && foreign.length === offer.length) return { reason: `volumes owned by ${ownerOf(foreign[0]!)}` };
    return true;
  },

  /** Other frameworks' volumes are cut out of the offer. */
  size(ctx) {
    return ctx.offer.filter((r) => !(isVolume(r) && ownerOf(r) !== undefined && !owns(ctx.framework, ownerOf(r)!)));
  },
});

