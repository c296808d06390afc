/**
 * `Resources`: an immutable bag of Mesos resources with Mesos's arithmetic
 * (src/common/resources.cpp). Objects with the same identity combine (scalars add, ranges
 * coalesce, sets unite); MOUNT/BLOCK disks, persistent volumes and shared resources stay
 * distinct. Subtraction never goes below zero; empty objects vanish.
 */
import { ResourceError } from './errors.ts';
import { formatMesos } from './format.ts';
import { checkedSum, Item, type ItemMeta } from './item.ts';
import { coalesceRanges, rangesCount, rangesUnion, type Range } from './ranges.ts';
import { isStrictSubroleOf } from './roles.ts';
import { itemFromInput } from './validate.ts';
import type { ReservationInfo, Resource, ResourceInput } from './types.ts';

/** Mesos's `Resources::add` on a private, mutable array. */
function addItem(items: Item[], item: Item): void {
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
function subtractItem(items: Item[], item: Item): void {
  for (let i = 0; i < items.length; i++) {
    const existing = items[i]!;
    if (existing.subtractable(item)) {
      const rest = existing.minus(item);
      if (rest.isEmpty()) {
        items[i] = items[items.length - 1]!;
        items.pop();
      } else {
        items[i] = rest;
      }
      return;
    }
  }
}

/** `subtractItem` of `item` taken with the identity `meta` (its value unchanged). */
function subtractItemAs(items: Item[], item: Item, meta: ItemMeta): void {
  for (let i = 0; i < items.length; i++) {
    const existing = items[i]!;
    // existing.subtractable(item with meta), spelled out.
    if (!existing.meta.sameIdentity(meta) || (existing.meta.exclusive && !existing.valueEquals(item))) continue;
    const rest = existing.minus(item);
    if (rest.isEmpty()) {
      items[i] = items[items.length - 1]!;
      items.pop();
    } else {
      items[i] = rest;
    }
    return;
  }
}

/** Combines items of one (non-exclusive) identity at once: scalars summed, ranges and sets merged by sorting. */
function mergeAll(group: readonly Item[]): Item {
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

function containsItem(items: readonly Item[], item: Item): boolean {
  for (let i = 0; i < items.length; i++) if (items[i]!.contains(item)) return true;
  return false;
}

export class Resources implements Iterable<Resource> {
  static readonly EMPTY = new Resources([]);

  /** Use `Resources.of`, `parseResources` or arithmetic; items are trusted to be valid and non-empty. */
  private constructor(private readonly items: readonly Item[]) {}

  /** Validates and combines plain resources; throws ResourceError for anything Mesos would reject. */
  static of(resources: Iterable<ResourceInput | Resource> = []): Resources {
    if (resources instanceof Resources) return resources;
    if (resources === null || typeof resources !== 'object' || typeof (resources as Iterable<unknown>)[Symbol.iterator] !== 'function') {
      throw new ResourceError('resources must be a Resources value or an iterable of resource objects');
    }
    const items: Item[] = [];
    let index = 0;
    for (const r of resources) {
      addItem(items, r instanceof Item ? r : itemFromInput(r, `resource #${index} ('${String((r as ResourceInput)?.name)}')`));
      index++;
    }
    return new Resources(items);
  }

  /**
   * @internal Built by the parser and operations from already validated items. Objects of one
   * identity are combined in one pass per identity, so building from n objects takes
   * O(n log n), not the O(n²) of adding them one by one.
   */
  static fromItems(items: Iterable<Item>): Resources {
    const list = Array.isArray(items) ? (items as Item[]) : [...items];
    if (list.length <= 16) {
      const combined: Item[] = [];
      for (const item of list) addItem(combined, item);
      return new Resources(combined);
    }
    const groups = new Map<string, Item[]>();
    for (const item of list) {
      if (item.isEmpty()) continue;
      const group = groups.get(item.meta.key);
      if (group === undefined) groups.set(item.meta.key, [item]);
      else group.push(item);
    }
    const combined: Item[] = [];
    for (const group of groups.values()) {
      const first = group[0]!;
      if (group.length === 1) combined.push(first);
      else if (first.meta.exclusive) for (const item of group) addItem(combined, item); // rare: volumes, MOUNT disks
      else combined.push(mergeAll(group));
    }
    return new Resources(combined);
  }

  /** @internal */
  itemsView(): readonly Item[] {
    return this.items;
  }

  get size(): number {
    return this.items.length;
  }

  isEmpty(): boolean {
    return this.items.length === 0;
  }

  [Symbol.iterator](): Iterator<Resource> {
    return this.items[Symbol.iterator]();
  }

  /** Plain objects; a shared resource held N times appears N times. */
  toArray(): Resource[] {
    const out: Resource[] = [];
    for (const item of this.items) {
      const plain = item.toPlain();
      const copies = item.meta.shared ? item.sharedCount : 1;
      for (let i = 0; i < copies; i++) out.push(plain);
    }
    return out;
  }

  plus(other: Resources | Iterable<ResourceInput>): Resources {
    const that = Resources.of(other);
    if (that.items.length === 0) return this;
    if (this.items.length === 0) return that;
    const items = this.items.slice();
    for (const item of that.items) addItem(items, item);
    return new Resources(items);
  }

  minus(other: Resources | Iterable<ResourceInput>): Resources {
    const that = Resources.of(other);
    if (that.items.length === 0 || this.items.length === 0) return this;
    const items = this.items.slice();
    for (const item of that.items) subtractItem(items, item);
    return items.length === 0 ? Resources.EMPTY : new Resources(items);
  }

  /**
   * @internal `this.minus(other.unallocate())` without building the unallocated copy: the
   * allocator takes every offer out of the agent's available resources this way. When `other`'s
   * items share one allocation role, unallocating them combines nothing, so each can be
   * subtracted under its unallocated identity directly.
   */
  minusUnallocated(other: Resources): Resources {
    const from = commonAllocationRole(other.items);
    if (from === undefined) return this.minus(other);
    if (from === MIXED || other.items.length > 16) return this.minus(other.unallocate());
    if (this.items.length === 0) return this;
    const items = this.items.slice();
    for (const item of other.items) subtractItemAs(items, item, item.meta.withAllocationRole(undefined));
    return items.length === 0 ? Resources.EMPTY : new Resources(items);
  }

  /** Mesos `Resources::contains`: every object of `other` fits, persistent volumes counted one by one. */
  contains(other: Resources | Iterable<ResourceInput>): boolean {
    const that = Resources.of(other);
    let remaining = this.items;
    let copied = false;
    for (const item of that.items) {
      if (!containsItem(remaining, item)) return false;
      if (item.meta.persistentVolume) {
        if (!copied) {
          remaining = remaining.slice();
          copied = true;
        }
        subtractItem(remaining as Item[], item);
      }
    }
    return true;
  }

  /** Mesos `==`: each contains the other. */
  equals(other: Resources | Iterable<ResourceInput>): boolean {
    const that = Resources.of(other);
    return this.contains(that) && that.contains(this);
  }

  /** How many copies of this exact resource are held (shared resources may be held many times). */
  count(resource: ResourceInput | Resource): number {
    const probe = resource instanceof Item ? resource : itemFromInput(resource);
    for (const item of this.items) {
      if (item.equals(probe)) return item.meta.shared ? item.sharedCount : 1;
    }
    return 0;
  }

  filter(predicate: (resource: Resource) => boolean): Resources {
    const kept = this.items.filter((item) => predicate(item));
    return kept.length === this.items.length ? this : new Resources(kept);
  }

  /** Resources reserved (to `role`, when given: the reservation role, i.e. the last entry of the stack). */
  reserved(role?: string): Resources {
    return this.filter((r) => isReserved(r, role));
  }

  unreserved(): Resources {
    return this.filter((r) => r.reservations.length === 0);
  }

  /** Mesos `isAllocatableTo`: unreserved, or reserved to `role` or one of its ancestors. */
  allocatableTo(role: string): Resources {
    // Unreserved resources are allocatable to every role: no need to filter those.
    let reserved = false;
    for (const item of this.items) {
      if (item.meta.reservations.length > 0) {
        reserved = true;
        break;
      }
    }
    return reserved ? this.filter((r) => isAllocatableTo(r, role)) : this;
  }

  /** Reserved to `role` or to one of its descendants. */
  reservedToRoleSubtree(role: string): Resources {
    return this.filter((r) => {
      const reservationRole = reservationRoleOf(r);
      return reservationRole !== undefined && (reservationRole === role || isStrictSubroleOf(reservationRole, role));
    });
  }

  /** Allocated to `role` or to one of its descendants. */
  allocatedToRoleSubtree(role: string): Resources {
    return this.filter((r) => r.allocationRole !== undefined && (r.allocationRole === role || isStrictSubroleOf(r.allocationRole, role)));
  }

  /** Reserved resources grouped by reservation role. */
  reservations(): Map<string, Resources> {
    return this.groupBy(reservationRoleOf);
  }

  /** Resources grouped by allocation role; every resource must carry one. */
  allocations(): Map<string, Resources> {
    for (const item of this.items) {
      if (item.meta.allocationRole === undefined) throw new ResourceError(`resource ${item.name} has no allocation role`);
    }
    return this.groupBy((r) => r.allocationRole);
  }

  revocable(): Resources {
    return this.filter((r) => r.revocable === true);
  }

  nonRevocable(): Resources {
    return this.filter((r) => r.revocable !== true);
  }

  /** Whether any object is a shared resource (cheaper than `!shared().isEmpty()`). */
  hasShared(): boolean {
    for (const item of this.items) if (item.meta.shared) return true;
    return false;
  }

  shared(): Resources {
    return this.filter((r) => r.shared === true);
  }

  nonShared(): Resources {
    return this.filter((r) => r.shared !== true);
  }

  persistentVolumes(): Resources {
    return this.filter((r) => r.disk?.persistence !== undefined);
  }

  scalars(): Resources {
    return this.filter((r) => r.type === 'SCALAR');
  }

  /** The resources named `name`. */
  named(name: string): Resources {
    return this.filter((r) => r.name === name);
  }

  names(): Set<string> {
    return new Set(this.items.map((i) => i.name));
  }

  /** Total of a scalar resource across reservations, or undefined when absent (Mesos `Resources::get<Scalar>`). */
  scalar(name: string): number | undefined {
    let milli = 0;
    let found = false;
    for (const item of this.items) {
      if (item.meta.name === name && item.meta.type === 'SCALAR') {
        milli += item.milli;
        found = true;
      }
    }
    return found ? milli / 1000 : undefined;
  }

  cpus(): number | undefined {
    return this.scalar('cpus');
  }
  mem(): number | undefined {
    return this.scalar('mem');
  }
  disk(): number | undefined {
    return this.scalar('disk');
  }
  gpus(): number | undefined {
    return this.scalar('gpus');
  }

  /** Union of every `ports` range, whatever its reservation. */
  ports(): Range[] | undefined {
    let result: Range[] | undefined;
    for (const item of this.items) {
      if (item.meta.name === 'ports' && item.meta.type === 'RANGES') result = rangesUnion(result ?? [], item.rangesValue!);
    }
    return result;
  }

  /** Mesos ResourceQuantities: scalars summed, ranges counted by element, sets by item. */
  quantities(): Map<string, number> {
    const milli = new Map<string, number>();
    for (const item of this.items) {
      const m = item.meta;
      const n = m.type === 'SCALAR' ? item.milli : (m.type === 'RANGES' ? rangesCount(item.rangesValue!) : item.setValue!.length) * 1000;
      milli.set(m.name, (milli.get(m.name) ?? 0) + n);
    }
    const result = new Map<string, number>();
    for (const [name, m] of milli) result.set(name, m / 1000);
    return result;
  }

  /**
   * Mesos `Resources::contains(ResourceQuantities)`: for every name, the resources of that
   * name add up to at least the quantity (ranges counted by element, sets by item), whatever
   * their reservations. Used by the min-allocatable rule.
   */
  containsQuantities(quantities: ReadonlyMap<string, number>): boolean {
    for (const [name, amount] of quantities) {
      let remaining = Math.round(amount * 1000);
      for (const item of this.items) {
        if (remaining <= 0) break;
        if (item.meta.name !== name) continue;
        const m = item.meta;
        remaining -= m.type === 'SCALAR' ? item.milli : (m.type === 'RANGES' ? rangesCount(item.rangesValue!) : item.setValue!.length) * 1000;
      }
      if (remaining > 0) return false;
    }
    return true;
  }

  /** Mesos `createStrippedScalarQuantity`: scalars only, without reservations or other metadata. */
  toStrippedScalarQuantity(): Resources {
    return Resources.fromItems(
      this.items
        .filter((i) => i.meta.type === 'SCALAR')
        .map((i) => itemFromInput({ name: i.meta.name, scalar: i.milli / 1000 })),
    );
  }

  /** Every resource with `allocation_info.role` set to `role` (Mesos `Resources::allocate`). */
  allocate(role: string): Resources {
    const items = this.items;
    const from = commonAllocationRole(items);
    if (from === role) return this;
    const allocated = items.map((i) => i.withMeta(i.meta.withAllocationRole(role)));
    // Items of one allocation role are already combined and stay distinct when it changes.
    return new Resources(from === MIXED ? combine(allocated) : allocated);
  }

  /** Every resource with its allocation role cleared. */
  unallocate(): Resources {
    const items = this.items;
    const from = commonAllocationRole(items);
    if (from === undefined) return this;
    const unallocated = items.map((i) => i.withMeta(i.meta.withAllocationRole(undefined)));
    // One allocation role: nothing to combine (and fromItems would keep this order up to 16 items).
    return from !== MIXED && items.length <= 16 ? new Resources(unallocated) : Resources.fromItems(unallocated);
  }

  /**
   * Pushes a DYNAMIC reservation onto every resource: a reservation of unreserved resources,
   * or a refinement to a strict subrole of the current reservation role.
   */
  pushReservation(reservation: ReservationInfo): Resources {
    return Resources.fromItems(
      this.items.map((item) => {
        const input = { ...item.toPlain(), reservations: [...item.reservations, reservation] };
        const pushed = itemFromInput(input, `reserving '${item.name}' for '${reservation.role}'`);
        return new Item(pushed.meta, item.milli, item.rangesValue, item.setValue, item.sharedCount);
      }),
    );
  }

  /** Pops the last reservation of every resource; throws if one is unreserved. */
  popReservation(): Resources {
    return Resources.fromItems(
      this.items.map((item) => {
        if (item.reservations.length === 0) throw new ResourceError(`resource ${item.name} is not reserved`);
        return item.withMeta(item.meta.with({ reservations: item.reservations.slice(0, -1) }));
      }),
    );
  }

  /** Every resource with its whole reservation stack removed. */
  toUnreserved(): Resources {
    if (this.items.every((i) => i.reservations.length === 0)) return this;
    return Resources.fromItems(this.items.map((i) => (i.reservations.length === 0 ? i : i.withMeta(i.meta.with({ reservations: [] })))));
  }

  private groupBy(keyOf: (r: Resource) => string | undefined): Map<string, Resources> {
    const groups = new Map<string, Item[]>();
    for (const item of this.items) {
      const key = keyOf(item);
      if (key === undefined) continue;
      let group = groups.get(key);
      if (group === undefined) groups.set(key, (group = []));
      group.push(item);
    }
    const result = new Map<string, Resources>();
    for (const [key, items] of groups) result.set(key, new Resources(items));
    return result;
  }

  /** Mesos's rendering, e.g. `cpus(reservations: [(STATIC,prod)]):8; mem:1024`. */
  toString(): string {
    return formatMesos(this);
  }

  toJSON(): Resource[] {
    return this.toArray();
  }
}

const MIXED: unique symbol = Symbol('mixed allocation roles');

/** The allocation role all items share (undefined: none has one; also for no items), or MIXED. */
function commonAllocationRole(items: readonly Item[]): string | undefined | typeof MIXED {
  if (items.length === 0) return undefined;
  const role = items[0]!.meta.allocationRole;
  for (let i = 1; i < items.length; i++) if (items[i]!.meta.allocationRole !== role) return MIXED;
  return role;
}

/** Re-adds items so objects that became addable (e.g. after a role change) combine. */
function combine(items: readonly Item[]): Item[] {
  const out: Item[] = [];
  for (const item of items) addItem(out, item);
  return out;
}

export function reservationRoleOf(r: Resource): string | undefined {
  const n = r.reservations.length;
  return n === 0 ? undefined : r.reservations[n - 1]!.role;
}

export function isReserved(r: Resource, role?: string): boolean {
  const reservationRole = reservationRoleOf(r);
  return reservationRole !== undefined && (role === undefined || role === reservationRole);
}

export function isAllocatableTo(r: Resource, role: string): boolean {
  const reservationRole = reservationRoleOf(r);
  return reservationRole === undefined || role === reservationRole || isStrictSubroleOf(role, reservationRole);
}

export function isDynamicallyReserved(r: Resource): boolean {
  const n = r.reservations.length;
  return n > 0 && r.reservations[n - 1]!.type === 'DYNAMIC';
}

export function isPersistentVolume(r: Resource): boolean {
  return r.disk?.persistence !== undefined;
}
