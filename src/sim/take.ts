/**
 * How a simple simulated framework picks a task's resources out of an offer: by quantity,
 * reserved resources first, whole MOUNT disks and volumes only when wanted whole.
 */
import { Resources, type Range, type Resource, type ResourceInput } from '../resources/index.ts';

function rangeTake(ranges: readonly Range[], count: number): Range[] {
  const out: Range[] = [];
  let left = count;
  for (const r of ranges) {
    if (left <= 0) break;
    const n = Math.min(left, r.end - r.begin + 1);
    out.push({ begin: r.begin, end: r.begin + n - 1 });
    left -= n;
  }
  return out;
}

/** Resources out of `offer` covering `need` (name → quantity), or undefined when the offer is too small. */
export function takeQuantities(offer: Resources, need: ReadonlyMap<string, number>): Resources | undefined {
  const left = new Map(need);
  const picked: ResourceInput[] = [];
  const items = [...offer].sort((a, b) => b.reservations.length - a.reservations.length);
  for (const r of items) {
    const want = left.get(r.name);
    if (want === undefined || want <= 0) continue;
    const exclusive = r.disk !== undefined && (r.disk.persistence !== undefined || r.disk.source?.type === 'MOUNT' || r.disk.source?.type === 'BLOCK');
    if (r.type === 'SCALAR') {
      const amount = r.scalar!;
      if (exclusive) {
        if (amount > want + 1e-9) continue;
        picked.push(copy(r, { scalar: amount }));
        left.set(r.name, want - amount);
      } else {
        const take = Math.min(amount, want);
        picked.push(copy(r, { scalar: Math.round(take * 1000) / 1000 }));
        left.set(r.name, Math.round((want - take) * 1000) / 1000);
      }
    } else if (r.type === 'RANGES') {
      const ranges = rangeTake(r.ranges!, want);
      const got = ranges.reduce((n, x) => n + x.end - x.begin + 1, 0);
      if (got > 0) picked.push(copy(r, { ranges }));
      left.set(r.name, want - got);
    } else {
      const items = r.set!.slice(0, want);
      if (items.length > 0) picked.push(copy(r, { set: items }));
      left.set(r.name, want - items.length);
    }
  }
  for (const amount of left.values()) if (amount > 1e-9) return undefined;
  return Resources.of(picked);
}

function copy(r: Resource, value: Pick<ResourceInput, 'scalar' | 'ranges' | 'set'>): ResourceInput {
  return {
    name: r.name,
    ...value,
    reservations: r.reservations,
    ...(r.allocationRole === undefined ? {} : { allocationRole: r.allocationRole }),
    ...(r.disk === undefined ? {} : { disk: r.disk }),
    ...(r.revocable === true ? { revocable: true } : {}),
    ...(r.shared === true ? { shared: true } : {}),
    ...(r.providerId === undefined ? {} : { providerId: r.providerId }),
  };
}
