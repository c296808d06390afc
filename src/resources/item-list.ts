/**
 * Arithmetic on the private, mutable item arrays `Resources` builds its values from (Mesos's
 * `Resources::add` / `subtract` on the underlying repeated field), kept apart from the immutable
 * value class that uses it.
 */
import { checkedSum, Item, type ItemMeta } from './item.ts';
import { coalesceRanges } from './ranges.ts';

/** Mesos's `Resources::add` on a private, mutable array. */
export function addItem(items: Item[], item: Item): void {
  if (item.isEmpty()) return;
  for (let i = 0; i < items.length; i++) {
    const existing = items[i]!;
    if (existing.addable(item)) {
      items[i] = existing.plus(item);
      return;
    }
  }
  items.push(item);
}

/** Mesos's `Resources::subtract`: the first subtractable object loses the value; empty or negative objects go. */
export function subtractItem(items: Item[], item: Item): void {
  for (let i = 0; i < items.length; i++) {
    const existing = items[i]!;
    if (existing.subtractable(item)) {
      subtractAt(items, i, item);
      return;
    }
  }
}

/**
 * Takes `item` out of `items[i]`. When nothing is left (what an offer of everything does to the
 * agent's available resources) the object goes without building the empty rest.
 */
function subtractAt(items: Item[], i: number, item: Item): void {
  const existing = items[i]!;
  const rest = existing.usedUpBy(item) ? undefined : existing.minus(item);
  if (rest === undefined || rest.isEmpty()) {
    items[i] = items[items.length - 1]!;
    items.pop();
  } else {
    items[i] = rest;
  }
}

/** `subtractItem` of `item` taken with the identity `meta` (its value unchanged). */
export function subtractItemAs(items: Item[], item: Item, meta: ItemMeta): void {
  for (let i = 0; i < items.length; i++) {
    const existing = items[i]!;
    // existing.subtractable(item with meta), spelled out.
    if (!existing.meta.sameIdentity(meta) || (existing.meta.exclusive && !existing.valueEquals(item))) continue;
    subtractAt(items, i, item);
    return;
  }
}

/** Combines items of one (non-exclusive) identity at once: scalars summed, ranges and sets merged by sorting. */
export function mergeAll(group: readonly Item[]): Item {
  const first = group[0]!;
  switch (first.meta.type) {
    case 'SCALAR': {
      let milli = 0;
      for (const item of group) milli += item.milli;
      return new Item(first.meta, checkedSum(first.meta.name, milli), undefined, undefined, 1);
    }
    case 'RANGES':
      return new Item(first.meta, 0, coalesceRanges(group.flatMap((i) => i.rangesValue!)), undefined, 1);
    case 'SET':
      return new Item(first.meta, 0, undefined, [...new Set(group.flatMap((i) => i.setValue!))].sort(), 1);
  }
}

export function containsItem(items: readonly Item[], item: Item): boolean {
  for (let i = 0; i < items.length; i++) if (items[i]!.contains(item)) return true;
  return false;
}

export const MIXED: unique symbol = Symbol('mixed allocation roles');

/** The allocation role all items share (undefined: none has one; also for no items), or MIXED. */
export function commonAllocationRole(items: readonly Item[]): string | undefined | typeof MIXED {
  if (items.length === 0) return undefined;
  const role = items[0]!.meta.allocationRole;
  for (let i = 1; i < items.length; i++) if (items[i]!.meta.allocationRole !== role) return MIXED;
  return role;
}

/**
 * Whether each of `items` is used up by the object at the same index of `allocated` taken
 * unallocated (the same identity object, which `allocate` and `unallocate` keep): an offer of
 * everything an agent has, subtracted from it, answered without building anything.
 */
export function usesUpInOrder(items: readonly Item[], allocated: readonly Item[]): boolean {
  if (items.length !== allocated.length) return false;
  for (let i = 0; i < items.length; i++) {
    const item = items[i]!;
    const other = allocated[i]!;
    if (other.meta.unallocatedMeta !== item.meta || item.meta.exclusive || !item.usedUpBy(other)) return false;
  }
  return true;
}

/** Re-adds items so objects that became addable (e.g. after a role change) combine. */
export function combine(items: readonly Item[]): Item[] {
  const out: Item[] = [];
  for (const item of items) addItem(out, item);
  return out;
}
