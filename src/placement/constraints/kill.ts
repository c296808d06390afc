/**
 * Scale-down: which instances to stop so that GROUP_BY spreads stay even (Marathon's
 * Constraints.selectInstancesToKill). Top-level SPREAD constraints take part the same way.
 *
 * Each such constraint groups the running instances by field value (instances lacking the field
 * form one group). Its difference is max - min of the group sizes (emptied groups count as 0).
 * Repeatedly: order the constraints by current difference, largest first; try the instances of
 * their largest groups (only where sizes differ), then every other instance; take the first
 * candidate after whose removal every constraint's difference is <= 1 or smaller than at the
 * start. Stop when none qualifies. The result may hold fewer than asked (none at all without
 * such constraints); the caller picks the rest. Killing all returns all.
 */
import { ConstraintUsageError } from './errors.ts';
import { fieldReader } from './field-value.ts';
import type { PlacedInstance } from './tally.ts';
import type { Constraint } from './types.ts';

const MISSING = Symbol('missing');

class Distribution {
  /** Members of each group, in first-appearance order; live sizes beside them. */
  readonly groups: PlacedInstance[][] = [];
  readonly live: number[] = [];
  readonly groupOf = new Map<PlacedInstance, number>();
  readonly initial: number;

  constructor(field: string, running: readonly PlacedInstance[]) {
    const read = fieldReader(field);
    const index = new Map<string | typeof MISSING, number>();
    for (const instance of running) {
      const key = read(instance.agent) ?? MISSING;
      let g = index.get(key);
      if (g === undefined) {
        g = this.groups.length;
        index.set(key, g);
        this.groups.push([]);
        this.live.push(0);
      }
      this.groups[g]!.push(instance);
      this.live[g]!++;
      this.groupOf.set(instance, g);
    }
    this.initial = this.difference();
  }

  difference(): number {
    let max = -Infinity;
    let min = Infinity;
    for (const size of this.live) {
      if (size > max) max = size;
      if (size < min) min = size;
    }
    return this.live.length === 0 ? 0 : max - min;
  }

  /** Marathon's isMoreEvenWithout for the kills so far plus `candidate`. */
  moreEvenWithout(candidate: PlacedInstance): boolean {
    const g = this.groupOf.get(candidate)!;
    this.live[g]!--;
    const after = this.difference();
    this.live[g]!++;
    return after <= 1 || this.initial > after;
  }

  /** Live members of the largest groups, or none when all groups are the same size. */
  *largestGroupMembers(killed: ReadonlySet<PlacedInstance>): Generator<PlacedInstance> {
    const max = Math.max(...this.live);
    if (this.live.every((size) => size === max)) return;
    for (let g = 0; g < this.groups.length; g++) {
      if (this.live[g] !== max) continue;
      for (const instance of this.groups[g]!) if (!killed.has(instance)) yield instance;
    }
  }

  kill(instance: PlacedInstance): void {
    this.live[this.groupOf.get(instance)!]!--;
  }
}

/**
 * Up to `count` of `running` to stop, chosen to keep the GROUP_BY (and SPREAD) spreads even.
 * Throws ConstraintUsageError when `count` is not an integer in 0..running.length.
 */
export function selectInstancesToKill(constraints: readonly Constraint[], running: readonly PlacedInstance[], count: number): PlacedInstance[] {
  if (!Number.isInteger(count) || count < 0 || count > running.length) {
    throw new ConstraintUsageError(`cannot kill ${count} of ${running.length} running instances`);
  }
  if (count === running.length) return [...running];
  const distributions = constraints
    .filter((c): c is Extract<Constraint, { type: 'GROUP_BY' | 'SPREAD' }> => c.type === 'GROUP_BY' || c.type === 'SPREAD')
    .map((c) => new Distribution(c.field, running));
  if (distributions.length === 0) return [];

  const killed = new Set<PlacedInstance>();
  const order: PlacedInstance[] = [];
  function* candidates(): Generator<PlacedInstance> {
    // Stable sort, largest difference first, as Marathon's sortBy with a reversed ordering.
    const sorted = distributions.map((d, i) => ({ d, i, diff: d.difference() })).sort((a, b) => b.diff - a.diff || a.i - b.i);
    for (const { d } of sorted) yield* d.largestGroupMembers(killed);
    for (const instance of running) if (!killed.has(instance)) yield instance;
  }
  while (order.length < count) {
    let chosen: PlacedInstance | undefined;
    for (const candidate of candidates()) {
      if (distributions.every((d) => d.moreEvenWithout(candidate))) {
        chosen = candidate;
        break;
      }
    }
    if (chosen === undefined) break;
    killed.add(chosen);
    order.push(chosen);
    for (const d of distributions) d.kill(chosen);
  }
  return order;
}
