/**
 * `Resources`: an immutable bag of Mesos resources with Mesos's arithmetic
 * (src/common/resources.cpp). Objects with the same identity combine (scalars add, ranges
 * coalesce, sets unite); MOUNT/BLOCK disks, persistent volumes and shared resources stay
 * distinct. Subtraction never goes below zero; empty objects vanish.
 */
import { ResourceError } from './errors.ts';
import { formatMesos } from './format.ts';
import { Item } from './item.ts';
import { addItem, combine, commonAllocationRole, containsItem, mergeAll, MIXED, subtractItem, subtractItemAs, usesUpInOrder } from './item-list.ts';
import { rangesCount, rangesUnion, type Range } from './ranges.ts';
import { isStrictSubroleOf } from './roles.ts';
import { itemFromInput } from './validate.ts';
import type { ReservationInfo, Resource, ResourceInput } from './types.ts';

export class Resources implements Iterable<Resource> {
  static readonly EMPTY = new Resources([]);

  /**
   * Memos of `allocate` (for the last role asked) and `unallocate`. The allocator allocates an
   * agent's available resources for every offer, and a declined offer comes back unallocated (to
   * the agent and into a refuse filter): the memos make a round trip give back the very objects it
   * started from instead of new copies, which the garbage collector then had to carry.
   */
  // ES private fields: invisible to deep equality and enumeration, as the values' users expect.
  #allocatedMemo: Resources | undefined;
  /** The role of `#allocatedMemo`, kept here so that a hit reads nothing else. */
  #allocatedMemoRole: string | undefined;
  #unallocatedMemo: Resources | undefined;
  /** A consumer's value derived from this one (`derived`); its owner says whose. */
  #derivedOwner: object | undefined;
  #derived: unknown;

  /** Use `Resources.of`, `parseResources` or arithmetic; items are trusted to be valid and non-empty. */
  private constructor(private readonly items: readonly Item[]) {}

  /**
   * What `owner` derived from this (immutable) value and kept with it (`keepDerived`), if it was the
   * last to: one slot, read as a field. For a hot path that meets the same values again and again —
   * the bridge's encoding of an agent's offered resources, 10,000 offers a cycle — where a WeakMap
   * lookup per value cost more than the rest of the work.
   */
  derived<T>(owner: object): T | undefined {
    return this.#derivedOwner === owner ? (this.#derived as T) : undefined;
  }

  /** Keeps `value` for `owner` (replacing whatever another owner kept). */
  keepDerived(owner: object, value: unknown): void {
    this.#derivedOwner = owner;
    this.#derived = value;
  }

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
    if (usesUpInOrder(this.items, other.items)) return Resources.EMPTY;
    const items = this.items.slice();
    for (const item of other.items) subtractItemAs(items, item, item.meta.withAllocationRole(undefined));
    return items.length === 0 ? Resources.EMPTY : new Resources(items);
  }

  /** Mesos `Resources::contains`: every object of `other` fits, persistent volumes counted one by one. */
  contains(other: Resources | Iterable<ResourceInput>): boolean {
    if (other === this) return true;
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

  /** Whether `allocatableTo(role)` would hold anything, without making it. */
  anyAllocatableTo(role: string): boolean {
    for (const item of this.items) if (item.meta.reservations.length === 0 || isAllocatableTo(item, role)) return true;
    return false;
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
    // By key, not by entry: an entry is an array allocated per name, on the allocator's hot path.
    for (const name of quantities.keys()) {
      let remaining = Math.round(quantities.get(name)! * 1000);
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
    // A memo exists only for unallocated resources, which `role` changes.
    if (this.#allocatedMemoRole === role) return this.#allocatedMemo!;
    const items = this.items;
    const from = commonAllocationRole(items);
    if (from === role) return this;
    const allocated = new Array<Item>(items.length);
    for (let i = 0; i < items.length; i++) allocated[i] = items[i]!.withMeta(items[i]!.meta.withAllocationRole(role));
    // Items of one allocation role are already combined and stay distinct when it changes.
    const result = new Resources(from === MIXED ? combine(allocated) : allocated);
    if (from === undefined && items.length > 0 && items.length <= 16) {
      // Unallocating the result gives back these very items (the allocated identities remember
      // their unallocated ones), in this order: `unallocate` may answer with this object.
      this.#allocatedMemo = result;
      this.#allocatedMemoRole = role;
      result.#unallocatedMemo = this;
    }
    return result;
  }

  /** Every resource with its allocation role cleared. */
  unallocate(): Resources {
    const items = this.items;
    const from = commonAllocationRole(items);
    if (from === undefined) return this;
    if (this.#unallocatedMemo !== undefined) return this.#unallocatedMemo;
    const unallocated = items.map((i) => i.withMeta(i.meta.withAllocationRole(undefined)));
    // One allocation role: nothing to combine (and fromItems would keep this order up to 16 items).
    this.#unallocatedMemo = from !== MIXED && items.length <= 16 ? new Resources(unallocated) : Resources.fromItems(unallocated);
    return this.#unallocatedMemo;
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
