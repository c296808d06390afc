/**
 * One resource object inside a `Resources` value (Mesos's `Resource_`), with Mesos's
 * identity rules (src/common/resources.cpp `addable` / `subtractable` / `contains`).
 *
 * Identity (everything but the value) lives in an `ItemMeta` that many items share; two
 * items have the same identity when their metas are the same object or have equal keys.
 */
import { ResourceError } from './errors.ts';
import { formatMilli, MAX_MILLI, MAX_SCALAR } from './scalar.ts';
import { rangesContain, rangesDifference, rangesEqual, rangesUnion, type Range } from './ranges.ts';
import { setContains, setDifference, setEqual, setUnion } from './sets.ts';
import type { DiskInfo, Label, ReservationInfo, Resource, ValueType } from './types.ts';

function labelsKey(labels: readonly Label[] | undefined): unknown {
  if (labels === undefined) return null;
  // Mesos compares Labels without regard to order, and an absent value equals ''.
  return labels
    .map((l): [string, string] => [l.key, l.value ?? ''])
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
}

function identityKey(meta: ItemMeta): string {
  const disk = meta.disk;
  return JSON.stringify([
    meta.name,
    meta.type,
    meta.allocationRole ?? null,
    meta.reservations.map((r) => [r.type, r.role, r.principal ?? null, labelsKey(r.labels)]),
    // Mesos's DiskInfo equality ignores `volume` and the persistence principal.
    disk === undefined
      ? null
      : [
          disk.persistence?.id ?? null,
          disk.source === undefined
            ? null
            : [
                disk.source.type,
                disk.source.root ?? null,
                disk.source.vendor ?? null,
                disk.source.id ?? null,
                labelsKey(disk.source.metadata),
                disk.source.profile ?? null,
              ],
        ],
    meta.revocable,
    meta.shared,
    meta.providerId ?? null,
  ]);
}

/** Sums stay exact integers of thousandths; past 2^53 they would silently lose precision. */
export function checkedSum(name: string, milli: number): number {
  if (milli > MAX_MILLI) throw new ResourceError(`the sum of '${name}' exceeds ${MAX_SCALAR} (the largest exact scalar)`);
  return milli;
}

/** The identity of a resource object: everything except its value. Immutable and shared. */
export class ItemMeta {
  readonly key: string;
  /** Never combined with another object of the same identity: MOUNT/BLOCK disks, RAW disks with an id, persistent volumes, shared resources. */
  readonly exclusive: boolean;
  readonly persistentVolume: boolean;
  private allocatedTo: Map<string, ItemMeta> | undefined;
  /** Set by the unallocated identity that allocated this one, or on first unallocate. */
  unallocatedMeta: ItemMeta | undefined;

  constructor(
    readonly name: string,
    readonly type: ValueType,
    readonly reservations: readonly ReservationInfo[],
    readonly allocationRole: string | undefined,
    readonly disk: DiskInfo | undefined,
    readonly revocable: boolean,
    readonly shared: boolean,
    readonly providerId: string | undefined,
  ) {
    this.key = identityKey(this);
    this.persistentVolume = disk?.persistence !== undefined;
    const source = disk?.source;
    this.exclusive =
      shared ||
      this.persistentVolume ||
      source?.type === 'MOUNT' ||
      source?.type === 'BLOCK' ||
      (source?.type === 'RAW' && source.id !== undefined);
  }

  /** The reservation role (last entry of the stack), or undefined when unreserved. */
  get reservationRole(): string | undefined {
    const n = this.reservations.length;
    return n === 0 ? undefined : this.reservations[n - 1]!.role;
  }

  sameIdentity(other: ItemMeta): boolean {
    return this === other || this.key === other.key;
  }

  /** This identity with `allocation_info.role` set (or cleared); memoised, since offers do it per cycle. */
  withAllocationRole(role: string | undefined): ItemMeta {
    if (role === this.allocationRole) return this;
    if (role === undefined) {
      this.unallocatedMeta ??= this.with({ allocationRole: undefined });
      return this.unallocatedMeta;
    }
    this.allocatedTo ??= new Map();
    let meta = this.allocatedTo.get(role);
    if (meta === undefined) {
      meta = this.with({ allocationRole: role });
      // Unallocating gives back this very object, so identity comparisons stay on the fast path.
      if (this.allocationRole === undefined) meta.unallocatedMeta = this;
      this.allocatedTo.set(role, meta);
    }
    return meta;
  }

  with(change: {
    reservations?: readonly ReservationInfo[];
    allocationRole?: string | undefined;
    disk?: DiskInfo | undefined;
    shared?: boolean;
  }): ItemMeta {
    return new ItemMeta(
      this.name,
      this.type,
      change.reservations ?? this.reservations,
      'allocationRole' in change ? change.allocationRole : this.allocationRole,
      'disk' in change ? change.disk : this.disk,
      this.revocable,
      change.shared ?? this.shared,
      this.providerId,
    );
  }
}

/**
 * A resource object: an identity plus a value. Scalars are kept as integer thousandths
 * (`milli`); shared resources also carry how many copies are held (`sharedCount`).
 */
export class Item implements Resource {
  constructor(
    readonly meta: ItemMeta,
    readonly milli: number,
    readonly rangesValue: readonly Range[] | undefined,
    readonly setValue: readonly string[] | undefined,
    readonly sharedCount: number,
  ) {}

  get name(): string {
    return this.meta.name;
  }
  get type(): ValueType {
    return this.meta.type;
  }
  get scalar(): number | undefined {
    return this.meta.type === 'SCALAR' ? this.milli / 1000 : undefined;
  }
  get ranges(): readonly Range[] | undefined {
    return this.rangesValue;
  }
  get set(): readonly string[] | undefined {
    return this.setValue;
  }
  get reservations(): readonly ReservationInfo[] {
    return this.meta.reservations;
  }
  get allocationRole(): string | undefined {
    return this.meta.allocationRole;
  }
  get disk(): DiskInfo | undefined {
    return this.meta.disk;
  }
  get revocable(): boolean {
    return this.meta.revocable;
  }
  get shared(): boolean {
    return this.meta.shared;
  }
  get providerId(): string | undefined {
    return this.meta.providerId;
  }

  /** A plain object copy (for JSON, structured clone, assertions). */
  toPlain(): Resource {
    const m = this.meta;
    const plain: {
      -readonly [K in keyof Resource]: Resource[K];
    } = { name: m.name, type: m.type, reservations: m.reservations };
    if (m.type === 'SCALAR') plain.scalar = this.milli / 1000;
    if (this.rangesValue !== undefined) plain.ranges = this.rangesValue;
    if (this.setValue !== undefined) plain.set = this.setValue;
    if (m.allocationRole !== undefined) plain.allocationRole = m.allocationRole;
    if (m.disk !== undefined) plain.disk = m.disk;
    if (m.revocable) plain.revocable = true;
    if (m.shared) plain.shared = true;
    if (m.providerId !== undefined) plain.providerId = m.providerId;
    return plain;
  }

  isEmpty(): boolean {
    if (this.meta.shared && this.sharedCount <= 0) return true;
    switch (this.meta.type) {
      case 'SCALAR':
        return this.milli <= 0;
      case 'RANGES':
        return this.rangesValue!.length === 0;
      case 'SET':
        return this.setValue!.length === 0;
    }
  }

  valueEquals(other: Item): boolean {
    switch (this.meta.type) {
      case 'SCALAR':
        return this.milli === other.milli;
      case 'RANGES':
        return rangesEqual(this.rangesValue!, other.rangesValue!);
      case 'SET':
        return setEqual(this.setValue!, other.setValue!);
    }
  }

  /** Mesos's Resource `==` (identity and value; the shared count is not part of it). */
  equals(other: Item): boolean {
    return this.meta.sameIdentity(other.meta) && this.valueEquals(other);
  }

  /** Mesos `addable`: combine into one object rather than keep two. */
  addable(other: Item): boolean {
    if (!this.meta.sameIdentity(other.meta)) return false;
    if (this.meta.shared) return this.valueEquals(other);
    return !this.meta.exclusive;
  }

  /** Mesos `subtractable`: exclusive objects subtract only from an equal object. */
  subtractable(other: Item): boolean {
    if (!this.meta.sameIdentity(other.meta)) return false;
    return !this.meta.exclusive || this.valueEquals(other);
  }

  /** Mesos `Resource_::contains`. */
  contains(other: Item): boolean {
    if (!this.subtractable(other)) return false;
    if (this.meta.shared) return this.sharedCount >= other.sharedCount;
    switch (this.meta.type) {
      case 'SCALAR':
        return other.milli <= this.milli;
      case 'RANGES':
        return rangesContain(this.rangesValue!, other.rangesValue!);
      case 'SET':
        return setContains(this.setValue!, other.setValue!);
    }
  }

  /** Combined value of two addable items. */
  plus(other: Item): Item {
    if (this.meta.shared) return new Item(this.meta, this.milli, this.rangesValue, this.setValue, this.sharedCount + other.sharedCount);
    switch (this.meta.type) {
      case 'SCALAR':
        return new Item(this.meta, checkedSum(this.meta.name, this.milli + other.milli), undefined, undefined, 1);
      case 'RANGES':
        return new Item(this.meta, 0, rangesUnion(this.rangesValue!, other.rangesValue!), undefined, 1);
      case 'SET':
        return new Item(this.meta, 0, undefined, setUnion(this.setValue!, other.setValue!), 1);
    }
  }

  /** Remaining value after subtracting a subtractable item; may be empty or (scalars) negative. */
  minus(other: Item): Item {
    if (this.meta.shared) return new Item(this.meta, this.milli, this.rangesValue, this.setValue, this.sharedCount - other.sharedCount);
    switch (this.meta.type) {
      case 'SCALAR':
        return new Item(this.meta, this.milli - other.milli, undefined, undefined, 1);
      case 'RANGES':
        return new Item(this.meta, 0, rangesDifference(this.rangesValue!, other.rangesValue!), undefined, 1);
      case 'SET':
        return new Item(this.meta, 0, undefined, setDifference(this.setValue!, other.setValue!), 1);
    }
  }

  /** Whether `this.minus(other)` would be empty, found without building it. */
  usedUpBy(other: Item): boolean {
    if (this.meta.shared) return this.sharedCount <= other.sharedCount;
    switch (this.meta.type) {
      case 'SCALAR':
        return this.milli <= other.milli;
      case 'RANGES':
        return this.rangesValue === other.rangesValue || rangesContain(other.rangesValue!, this.rangesValue!);
      case 'SET':
        return this.setValue === other.setValue || setContains(other.setValue!, this.setValue!);
    }
  }

  withMeta(meta: ItemMeta): Item {
    return meta === this.meta ? this : new Item(meta, this.milli, this.rangesValue, this.setValue, this.sharedCount);
  }

  withMilli(milli: number): Item {
    return new Item(this.meta, milli, undefined, undefined, this.sharedCount);
  }

  /** The value alone, as Mesos prints it: `8`, `[1-4, 7-20]`, `{a, b}`. */
  formatValue(rangeSeparator = ', ', setSeparator = ', '): string {
    switch (this.meta.type) {
      case 'SCALAR':
        return formatMilli(this.milli);
      case 'RANGES':
        return `[${this.rangesValue!.map((r) => `${r.begin}-${r.end}`).join(rangeSeparator)}]`;
      case 'SET':
        return `{${this.setValue!.join(setSeparator)}}`;
    }
  }
}
