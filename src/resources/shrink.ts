/**
 * Mesos `shrinkResources` (src/common/resources_utils.cpp): cut scalar resources down to a
 * target, visiting them in random order. With a quantities target an absent name means zero
 * (dropped); with a limits target an absent name means unlimited (kept whole). A resource that
 * cannot be split — a MOUNT or BLOCK disk, a persistent volume — is dropped when it does not fit.
 */
import { Item } from './item.ts';
import { Resources } from './resources.ts';

export type ShrinkTarget = { readonly kind: 'quantities' | 'limits'; readonly milli: ReadonlyMap<string, number> };

export function shrinkResources(resources: Resources, target: ShrinkTarget, random: () => number): Resources {
  if (target.milli.size === 0) return target.kind === 'quantities' ? Resources.EMPTY : resources;
  // Nothing can be kept: skip the shuffle (the common case for a role at its limit).
  let keepable = false;
  for (const item of resources.itemsView()) {
    const limit = target.milli.get(item.name);
    if (limit === undefined ? target.kind === 'limits' : limit > 0 && item.meta.type === 'SCALAR') {
      keepable = true;
      break;
    }
  }
  if (!keepable) return Resources.EMPTY;
  const items = resources.itemsView().slice();
  // Fisher–Yates with the injected random source (Mesos: std::random_shuffle).
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const t = items[i]!;
    items[i] = items[j]!;
    items[j] = t;
  }
  const remaining = new Map(target.milli);
  const kept: Item[] = [];
  for (const item of items) {
    const limit = remaining.get(item.name);
    if (limit === undefined) {
      if (target.kind === 'limits') kept.push(item);
      continue;
    }
    if (limit <= 0 || item.meta.type !== 'SCALAR') continue;
    let piece = item;
    if (item.milli > limit) {
      if (item.meta.exclusive) continue; // indivisible
      piece = item.withMilli(limit);
    }
    remaining.set(item.name, limit - piece.milli);
    kept.push(piece);
  }
  return Resources.fromItems(kept);
}
