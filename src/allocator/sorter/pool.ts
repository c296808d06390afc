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

export class ScalarPool {
  private readonly agents = new Map<string, ReadonlyMap<string, number>>();
  private readonly totals = new Map<string, number>();
  // The names that decide shares (not excluded, total > 0) and their totals as Mesos's doubles,
  // rebuilt when the pool changes so share computation is a tight loop.
  private basisNames: string[] = [];
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

  /**
   * Unweighted dominant share of `held` (milli quantities): the largest held / total over the
   * names that count. Names absent from the pool, excluded or with a zero total never count.
   */
  dominantShare(held: ReadonlyMap<string, number>): number {
    let share = 0;
    const names = this.basisNames;
    const totals = this.basisTotals;
    for (let i = 0; i < names.length; i++) {
      const m = held.get(names[i]!);
      if (m === undefined) continue;
      const s = fixedToDouble(m) / totals[i]!;
      if (s > share) share = s;
    }
    return share;
  }

  private rebuildBasis(): void {
    this.basisNames = [];
    this.basisTotals = [];
    for (const [name, m] of this.totals) {
      if (m <= 0 || this.excluded.has(name)) continue;
      this.basisNames.push(name);
      this.basisTotals.push(fixedToDouble(m));
    }
  }
}
