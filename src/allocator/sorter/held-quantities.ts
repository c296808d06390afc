/**
 * How the sorter tree's nodes count what their subtrees hold: non-shared scalars add up; a shared
 * resource counts once per agent however many copies are held there (Mesos's sorter rule).
 * Quantities are thousandths in arrays indexed by the pool's resource-name ids (`HeldQuantities`).
 */
import type { Resources } from '../../resources/index.ts';
import { toMilli, type HeldQuantities, type ResourceNames } from './pool.ts';

/** Holdings that have both kinds: quantities, and shared resources per agent. */
export interface Holder {
  quantities: HeldQuantities;
  shared: Map<string, Resources> | undefined;
}

/** Zeros for the `n` names known so far: a new node starts with all of them and rarely grows. */
export function zeroQuantities(n: number): HeldQuantities {
  const quantities: HeldQuantities = [];
  for (let id = 0; id < n; id++) quantities.push(0);
  return quantities;
}

/** Adds `milli` to entry `id`, growing the array with zeros (never holes) as needed. */
function addAt(quantities: HeldQuantities, id: number, milli: number): void {
  while (quantities.length <= id) quantities.push(0);
  quantities[id] = quantities[id]! + milli;
}

/** Adds `sign` × the non-shared scalars of `resources`. */
export function addScalars(quantities: HeldQuantities, names: ResourceNames, resources: Resources, sign: 1 | -1): void {
  for (const r of resources) {
    if (r.type !== 'SCALAR' || r.shared === true) continue;
    addAt(quantities, names.id(r.name), sign * toMilli(r.scalar!));
  }
}

export function hasShared(resources: Resources): boolean {
  for (const r of resources) if (r.shared === true) return true;
  return false;
}

/** The non-shared scalars of some resources as (name id, thousandths) pairs, and whether any is shared. */
export interface ScalarDelta {
  /** How many pairs: the arrays are reused and may be longer. */
  readonly length: number;
  readonly ids: readonly number[];
  readonly milli: readonly number[];
  readonly shared: boolean;
}

// The delta of the last resources seen: an allocation updates every node on a path, and the engine
// hands the same (immutable) object to the role sorter and then to the role's framework sorter
// (which share one pool, hence one set of ids). The arrays are overwritten, never truncated:
// setting `length = 0` drops their backing stores, which then cost an allocation on every offer.
let lastResources: Resources | undefined;
let lastNames: ResourceNames | undefined;
const lastDelta = { length: 0, ids: [] as number[], milli: [] as number[], shared: false };

/** The delta of `resources`, valid until the next call. */
export function deltaOf(resources: Resources, names: ResourceNames): ScalarDelta {
  if (resources === lastResources && names === lastNames) return lastDelta;
  const { ids, milli } = lastDelta;
  let n = 0;
  let shared = false;
  // Straight on the items (thousandths already): this runs for every offer and every decline.
  const items = resources.itemsView();
  for (let i = 0; i < items.length; i++) {
    const item = items[i]!;
    const meta = item.meta;
    if (meta.shared) shared = true;
    else if (meta.type === 'SCALAR') {
      if (n < ids.length) {
        ids[n] = names.id(meta.name);
        milli[n] = item.milli;
      } else {
        ids.push(names.id(meta.name));
        milli.push(item.milli);
      }
      n++;
    }
  }
  lastDelta.length = n;
  lastDelta.shared = shared;
  lastResources = resources;
  lastNames = names;
  return lastDelta;
}

/** Adds `sign` × a precomputed delta. */
export function addDelta(quantities: HeldQuantities, delta: ScalarDelta, sign: 1 | -1): void {
  const { ids, milli } = delta;
  for (let k = 0; k < delta.length; k++) {
    const id = ids[k]!;
    if (id < quantities.length) quantities[id] = quantities[id]! + sign * milli[k]!;
    else addAt(quantities, id, sign * milli[k]!);
  }
}

/** Shared resources join the node's holdings; a scalar one adds quantity only if not already held there. */
export function addShared(node: Holder, names: ResourceNames, agentId: string, shared: Resources): void {
  node.shared ??= new Map();
  const held = node.shared.get(agentId);
  for (const r of shared) {
    if (r.type === 'SCALAR' && (held === undefined || held.count(r) === 0)) addAt(node.quantities, names.id(r.name), toMilli(r.scalar!));
  }
  node.shared.set(agentId, held === undefined ? shared : held.plus(shared));
}

/** Shared resources leave the node's holdings; quantity goes only when no copy is left there. */
export function subtractShared(node: Holder, names: ResourceNames, agentId: string, shared: Resources): void {
  const held = node.shared?.get(agentId);
  if (held === undefined) return;
  const rest = held.minus(shared);
  for (const r of shared) {
    if (r.type === 'SCALAR' && rest.count(r) === 0) addAt(node.quantities, names.id(r.name), -toMilli(r.scalar!));
  }
  if (rest.isEmpty()) node.shared!.delete(agentId);
  else node.shared!.set(agentId, rest);
}
