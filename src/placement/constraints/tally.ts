/**
 * The placement tally: a service's placed instances and, per constraint field, how many sit on
 * each value. Updated as instances are placed and removed, so that evaluating a constraint
 * against one agent reads a count instead of scanning the placed instances (O(1); GROUP_BY and
 * SPREAD read small aggregates kept beside the counts).
 */
import { ConstraintUsageError } from './errors.ts';
import { fieldReader, type FieldReader } from './field-value.ts';
import type { PlacementAgent } from './types.ts';

/** Instance counts per value of one field. */
export class FieldTally {
  readonly field: string;
  readonly #counts = new Map<string, number>();
  #missing = 0;
  /** #histogram[c] = number of values holding exactly c instances (c >= 1). */
  readonly #histogram: number[] = [0];
  #maxCount = 0;
  /** Smallest count among present values, or undefined when it must be recomputed. */
  #minPresent: number | undefined = 0;

  constructor(field: string) {
    this.field = field;
  }

  /** Instances on agents whose field is `value`. */
  count(value: string): number {
    return this.#counts.get(value) ?? 0;
  }

  /** Instances on agents that lack the field. */
  get missing(): number {
    return this.#missing;
  }

  /** Values holding at least one instance. */
  get distinct(): number {
    return this.#counts.size;
  }

  /** Marathon's groups (Scala `groupBy` on an Option): the values, plus one group for "lacks the field". */
  get groups(): number {
    return this.#counts.size + (this.#missing > 0 ? 1 : 0);
  }

  /** Fewest instances on a present value; 0 when no value holds any. */
  minPresent(): number {
    if (this.#minPresent === undefined) {
      let c = 1;
      while (c <= this.#maxCount && (this.#histogram[c] ?? 0) === 0) c++;
      this.#minPresent = c > this.#maxCount ? 0 : c;
    }
    return this.#minPresent;
  }

  /** Fewest instances in a group, the "lacks the field" group included; 0 without groups. */
  minGroup(): number {
    const present = this.minPresent();
    if (this.#missing === 0) return present;
    return present === 0 ? this.#missing : Math.min(present, this.#missing);
  }

  /** Sum over groups (missing included) of max(0, count - k): Marathon's "remainder consumed". */
  excessAbove(k: number): number {
    let sum = this.#missing > k ? this.#missing - k : 0;
    for (let c = Math.max(k + 1, 1); c <= this.#maxCount; c++) sum += (c - k) * (this.#histogram[c] ?? 0);
    return sum;
  }

  /** The values and their counts, in first-placement order. */
  entries(): IterableIterator<[string, number]> {
    return this.#counts.entries();
  }

  /** @internal */
  add(value: string | undefined): void {
    if (value === undefined) {
      this.#missing++;
      return;
    }
    const before = this.#counts.get(value) ?? 0;
    const after = before + 1;
    this.#counts.set(value, after);
    if (before > 0) this.#histogram[before]!--;
    this.#histogram[after] = (this.#histogram[after] ?? 0) + 1;
    if (after > this.#maxCount) this.#maxCount = after;
    if (before === 0) this.#minPresent = 1;
    else if (this.#minPresent === before && this.#histogram[before] === 0) this.#minPresent = after;
  }

  /** @internal */
  remove(value: string | undefined): void {
    if (value === undefined) {
      this.#missing--;
      return;
    }
    const before = this.#counts.get(value)!;
    const after = before - 1;
    this.#histogram[before]!--;
    if (after === 0) this.#counts.delete(value);
    else {
      this.#counts.set(value, after);
      this.#histogram[after]!++;
    }
    while (this.#maxCount > 0 && (this.#histogram[this.#maxCount] ?? 0) === 0) this.#maxCount--;
    if (after > 0) {
      if (this.#minPresent !== undefined && after < this.#minPresent) this.#minPresent = after;
    } else if (this.#minPresent === before && this.#histogram[before] === 0) {
      this.#minPresent = undefined; // the last value at the minimum left: recompute on demand
    }
  }
}

/** A placed instance: its id and the agent it runs on. */
export interface PlacedInstance {
  readonly id: string;
  readonly agent: PlacementAgent;
}

/** The placed instances of one service and their counts per field value. */
export class PlacementTally {
  readonly #instances = new Map<string, PlacementAgent>();
  readonly #fields = new Map<string, { readonly read: FieldReader; readonly tally: FieldTally }>();
  #version = 0;
  #nextId = 0;

  /** Starts from `placed`, one agent per instance (ids `#0`, `#1`, …). */
  constructor(placed: Iterable<PlacementAgent> = []) {
    for (const agent of placed) this.add(agent);
  }

  /** Number of placed instances. */
  get size(): number {
    return this.#instances.size;
  }

  /** Changes on every add and remove; lets readers cache what they derive from the tally. */
  get version(): number {
    return this.#version;
  }

  /** Records an instance on `agent`; returns its id (generated when not given). */
  add(agent: PlacementAgent, instanceId?: string): string {
    let id = instanceId;
    if (id === undefined) {
      do id = `#${this.#nextId++}`;
      while (this.#instances.has(id));
    } else if (this.#instances.has(id)) {
      throw new ConstraintUsageError(`instance ${id} is already placed (on agent ${this.#instances.get(id)!.id})`);
    }
    this.#instances.set(id, agent);
    for (const { read, tally } of this.#fields.values()) tally.add(read(agent));
    this.#version++;
    return id;
  }

  /** Forgets an instance; false when there was none with that id. */
  remove(instanceId: string): boolean {
    const agent = this.#instances.get(instanceId);
    if (agent === undefined) return false;
    this.#instances.delete(instanceId);
    for (const { read, tally } of this.#fields.values()) tally.remove(read(agent));
    this.#version++;
    return true;
  }

  has(instanceId: string): boolean {
    return this.#instances.has(instanceId);
  }

  /** The agent of an instance. */
  agentOf(instanceId: string): PlacementAgent | undefined {
    return this.#instances.get(instanceId);
  }

  /** The earliest placed instance still present (CLUSTER without a value follows it). */
  first(): PlacementAgent | undefined {
    for (const agent of this.#instances.values()) return agent;
    return undefined;
  }

  /** The placed instances, in placement order. */
  instances(): PlacedInstance[] {
    return [...this.#instances].map(([id, agent]) => ({ id, agent }));
  }

  /** Counts per value of `field`; the first call for a field counts the instances once. */
  field(field: string): FieldTally {
    let entry = this.#fields.get(field);
    if (entry === undefined) {
      entry = { read: fieldReader(field), tally: new FieldTally(field) };
      for (const agent of this.#instances.values()) entry.tally.add(entry.read(agent));
      this.#fields.set(field, entry);
    }
    return entry.tally;
  }

  /** An independent copy (same ids), for what-if planning. */
  clone(): PlacementTally {
    const copy = new PlacementTally();
    for (const [id, agent] of this.#instances) copy.add(agent, id);
    copy.#nextId = this.#nextId;
    return copy;
  }
}
