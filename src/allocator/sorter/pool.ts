/**
 * The pool a sorter measures shares against: the sum of the scalar quantities of every agent it
 * was told about, kept per agent so an agent can be taken out again.
 *
 * Quantities are kept in Mesos's fixed point (integer thousandths, "milli"), so sums never drift;
 * `fixedToDouble` turns them into the same doubles Mesos divides, so shares compare (and tie)
 * exactly as they do in Mesos.
 */
import { SorterError } from './sorter.ts';

/** Mesos's convertToFixed: a quantity in thousandths. */
export function toMilli(value: number): number {
  return Math.round(value * 1000);
}

/**
 * Mesos's convertToFloating: integer part plus thousandths, as two separate doubles. Not the same
 * as `milli / 1000` in the last bit for some values, and shares must tie where Mesos's tie.
 */
export function fixedToDouble(milli: number): number {
  const whole = Math.trunc(milli / 1000);
  return whole + (milli - whole * 1000) / 1000;
}

/** Thousandths back to the unit value callers see. */
export function milliMapToUnits(milli: ReadonlyMap<string, number>): Map<string, number> {
  const out = new Map<string, number>();
  for (const [name, m] of milli) if (m !== 0) out.set(name, m / 1000);
  return out;
}

/**
 * Resource names as small integers: the sorters keep what each node holds in arrays indexed by
 * them, since an offer updates a few quantities on every node of two paths and `Map` reads and
 * writes by name were most of that cost. Ids are handed out on first sight, never reused.
 */
export class ResourceNames {
  private readonly ids = new Map<string, number>();
  private readonly names: string[] = [];

  get size(): number {
    return this.names.length;
  }

  id(name: string): number {
    let id = this.ids.get(name);
    if (id === undefined) {
      id = this.names.length;
      this.ids.set(name, id);
      this.names.push(name);
    }
    return id;
  }

  name(id: number): string {
    return this.names[id]!;
  }
}

/** Quantities in thousandths indexed by `ResourceNames` id; missing or zero entries mean none. */
export type HeldQuantities = number[];

export class ScalarPool {
  /** The ids of the names in the pool and in every allocation measured against it. */
  readonly names = new ResourceNames();
  private readonly agents = new Map<string, ReadonlyMap<string, number>>();
  private readonly totals = new Map<string, number>();
  // The ids of the names that decide shares (not excluded, total > 0) and their totals as Mesos's
  // doubles, rebuilt when the pool changes so share computation is a tight loop.
  private basisIds: number[] = [];
  private basisTotals: number[] = [];
  /** Goes up on every change, so sorters sharing this pool know when to re-sort. */
  version = 0;

  constructor(private readonly excluded: ReadonlySet<string>) {}

  addAgent(agentId: string, scalarQuantities: ReadonlyMap<string, number>): void {
    if (this.agents.has(agentId)) throw new SorterError(`agent '${agentId}' was already added to the sorter`);
    const milli = new Map<string, number>();
    for (const [name, value] of scalarQuantities) {
      if (!Number.isFinite(value) || value < 0) {
        throw new SorterError(`agent '${agentId}': quantity of '${name}' must be a finite number >= 0, got ${value}`);
      }
      const m = toMilli(value);
      if (m > 0) milli.set(name, (milli.get(name) ?? 0) + m);
    }
    this.agents.set(agentId, milli);
    for (const [name, m] of milli) this.totals.set(name, (this.totals.get(name) ?? 0) + m);
    this.rebuildBasis();
    this.version++;
  }

  removeAgent(agentId: string): void {
    const milli = this.agents.get(agentId);
    if (milli === undefined) throw new SorterError(`agent '${agentId}' is not in the sorter`);
    this.agents.delete(agentId);
    for (const [name, m] of milli) {
      const rest = (this.totals.get(name) ?? 0) - m;
      if (rest > 0) this.totals.set(name, rest);
      else this.totals.delete(name);
    }
    this.rebuildBasis();
    this.version++;
  }

  /** The pool's scalar quantities (units). */
  total(): Map<string, number> {
    return milliMapToUnits(this.totals);
  }

  /** Held quantities (thousandths by id) as units by name, without the zero ones. */
  toUnits(held: Readonly<HeldQuantities>): Map<string, number> {
    const out = new Map<string, number>();
    for (let id = 0; id < held.length; id++) {
      const m = held[id];
      if (m !== undefined && m !== 0) out.set(this.names.name(id), m / 1000);
    }
    return out;
  }

  /**
   * Unweighted dominant share of `held`: the largest held / total over the names that count.
   * Names absent from the pool, excluded or with a zero total never count.
   */
  dominantShare(held: Readonly<HeldQuantities>): number {
    let share = 0;
    const ids = this.basisIds;
    const totals = this.basisTotals;
    for (let i = 0; i < ids.length; i++) {
      const m = held[ids[i]!];
      if (m === undefined || m === 0) continue;
      const s = fixedToDouble(m) / totals[i]!;
      if (s > share) share = s;
    }
    return share;
  }

  private rebuildBasis(): void {
    this.basisIds = [];
    this.basisTotals = [];
    for (const [name, m] of this.totals) {
      if (m <= 0 || this.excluded.has(name)) continue;
      this.basisIds.push(this.names.id(name));
      this.basisTotals.push(fixedToDouble(m));
    }
  }
}
