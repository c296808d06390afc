/**
 * Scalar quantity arithmetic for quota and headroom, in integer thousandths (Mesos's fixed
 * point) so that sums are exact. A `Quantities` map never holds zero or negative amounts.
 */
import type { ResourceQuantities, Resources } from '../resources/index.ts';

export type Quantities = Map<string, number>;

/** Scalar quantities of `resources` (name → thousandths), whatever their reservations. */
export function scalarQuantities(resources: Resources): Quantities {
  const q: Quantities = new Map();
  for (const r of resources) {
    if (r.type !== 'SCALAR') continue;
    q.set(r.name, (q.get(r.name) ?? 0) + Math.round(r.scalar! * 1000));
  }
  return q;
}

export function fromResourceQuantities(q: ResourceQuantities | undefined): Quantities {
  const out: Quantities = new Map();
  if (q === undefined) return out;
  for (const [name, amount] of q) {
    const milli = Math.round(amount * 1000);
    if (milli > 0) out.set(name, milli);
  }
  return out;
}

/** Limits keep zero ("none of it"); absent means unlimited. */
export function fromResourceLimits(q: ResourceQuantities | undefined): Quantities {
  const out: Quantities = new Map();
  if (q === undefined) return out;
  for (const [name, amount] of q) out.set(name, Math.max(0, Math.round(amount * 1000)));
  return out;
}

export function addInto(target: Quantities, q: ReadonlyMap<string, number>): void {
  for (const [name, amount] of q) target.set(name, (target.get(name) ?? 0) + amount);
}

/** Subtraction that never goes below zero; zero amounts vanish. */
export function subtractInto(target: Quantities, q: ReadonlyMap<string, number>): void {
  for (const [name, amount] of q) {
    const left = (target.get(name) ?? 0) - amount;
    if (left > 0) target.set(name, left);
    else target.delete(name);
  }
}

export function minus(a: ReadonlyMap<string, number>, b: ReadonlyMap<string, number>): Quantities {
  const out = new Map(a);
  subtractInto(out, b);
  return out;
}

/** Limits minus consumption: every limited name stays (possibly at zero). */
export function limitsMinus(limits: ReadonlyMap<string, number>, consumed: ReadonlyMap<string, number>): Quantities {
  const out: Quantities = new Map();
  for (const [name, limit] of limits) out.set(name, Math.max(0, limit - (consumed.get(name) ?? 0)));
  return out;
}

export function toNatural(q: ReadonlyMap<string, number>): Map<string, number> {
  const out = new Map<string, number>();
  for (const [name, milli] of q) out.set(name, milli / 1000);
  return out;
}
