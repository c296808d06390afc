/**
 * What each agent still has for the service during one planning pass. A flat table of free
 * scalars (agents × resource names, in thousandths) answers "does the instance fit?" without
 * touching `Resources`; the agent's usable resource objects ("pieces") are only listed for the
 * agents an instance actually goes to. Capacity only shrinks during a pass, so an agent that
 * does not fit a pod never fits it again.
 */
import { Resources, type Resource } from '../../resources/index.ts';
import { toMilli, type PodDemand, type VolumeNeed } from './demand.ts';
import { classify, isMount, kindOf, left, newPiece, plainValue, touch, valueOf, type Piece, type Take, type TakenPiece } from './pieces.ts';
import type { ClusterAgent } from './types.ts';

export class ClusterCapacity {
  readonly agents: readonly ClusterAgent[];
  readonly role: string;
  readonly #slot: Map<string, number>;
  readonly #width: number;
  /** agents × names, free thousandths. */
  readonly #free: Float64Array;
  /** Usable ROOT disk objects per agent (capped at 2): with at most one, every ROOT volume that fits the total fits the object. */
  readonly #rootDisks: Uint8Array;
  /** MOUNT disks, flat (no object per disk): agent a's are [#mountStart[a], #mountStart[a + 1]). */
  readonly #mountStart: Int32Array;
  readonly #mountResource: Resource[] = [];
  readonly #mountMilli: number[] = [];
  readonly #mountPriority: number[] = [];
  readonly #mountTaken: Uint8Array;
  /** The planTake epoch that chose the disk. */
  readonly #mountEpoch: Uint32Array;
  readonly #pieces: Array<Piece[] | undefined>;
  #epoch = 0;

  constructor(agents: readonly ClusterAgent[], role: string, names: readonly string[]) {
    this.agents = agents;
    this.role = role;
    this.#slot = new Map(names.map((n, i) => [n, i]));
    this.#width = names.length;
    this.#free = new Float64Array(agents.length * names.length);
    this.#rootDisks = new Uint8Array(agents.length);
    this.#mountStart = new Int32Array(agents.length + 1);
    this.#pieces = new Array(agents.length);
    for (let a = 0; a < agents.length; a++) {
      const base = a * this.#width;
      this.#mountStart[a] = this.#mountResource.length;
      for (const r of agents[a]!.resources) {
        const priority = classify(r, role);
        if (priority < 0) continue;
        if (r.name === 'disk') {
          if (isMount(r)) {
            this.#mountResource.push(r);
            this.#mountMilli.push(toMilli(r.scalar!));
            this.#mountPriority.push(priority);
            continue;
          }
          if (this.#rootDisks[a]! < 2) this.#rootDisks[a]!++;
        }
        if (r.type !== 'SCALAR') continue;
        const slot = this.#slot.get(r.name);
        if (slot !== undefined) this.#free[base + slot]! += toMilli(r.scalar!);
      }
    }
    this.#mountStart[agents.length] = this.#mountResource.length;
    this.#mountTaken = new Uint8Array(this.#mountResource.length);
    this.#mountEpoch = new Uint32Array(this.#mountResource.length);
  }

  /** Free thousandths of `name` on agent `a` (ROOT disk only for `disk`). */
  free(a: number, name: string): number {
    const slot = this.#slot.get(name);
    return slot === undefined ? 0 : this.#free[a * this.#width + slot]!;
  }

  #slotOf(name: string): number {
    const slot = this.#slot.get(name);
    if (slot === undefined) throw new Error(`internal: resource ${name} has no capacity column`);
    return slot;
  }

  /**
   * How many more instances of the pod the agent could hold, by its scarcest scalar (and MOUNT
   * disks): the "most free" order that spreads instances over the emptiest agents.
   */
  headroom(a: number, demand: PodDemand): number {
    const base = a * this.#width;
    let h = Infinity;
    const totals = demand.totals;
    for (let i = 0; i < totals.length; i++) {
      const t = totals[i]!;
      const r = this.#free[base + this.#slotOf(t.name)]! / t.milli;
      if (r < h) h = r;
    }
    const volumes = demand.mountVolumes;
    if (volumes.length > 0) {
      const smallest = volumes[volumes.length - 1]!.milli;
      let n = 0;
      for (let i = this.#mountStart[a]!, end = this.#mountStart[a + 1]!; i < end; i++) if (this.#mountTaken[i] === 0 && this.#mountMilli[i]! >= smallest) n++;
      const r = n / volumes.length;
      if (r < h) h = r;
    }
    return h;
  }

  /** Scalar totals; the first that falls short, or undefined. */
  #lacking(a: number, demand: PodDemand): string | undefined {
    const base = a * this.#width;
    const totals = demand.totals;
    for (let i = 0; i < totals.length; i++) {
      const t = totals[i]!;
      if (this.#free[base + this.#slotOf(t.name)]! < t.milli) return t.name;
    }
    return undefined;
  }

  /** MOUNT volumes, largest first, each on the smallest free disk that holds it (optimal for "size ≥ need"). */
  #chooseMounts(a: number, demand: PodDemand, epoch: number, out: Array<{ need: VolumeNeed; taken: TakenPiece }> | undefined): VolumeNeed | undefined {
    const needs = demand.mountVolumes;
    const start = this.#mountStart[a]!;
    const end = this.#mountStart[a + 1]!;
    for (let v = 0; v < needs.length; v++) {
      const need = needs[v]!;
      let best = -1;
      for (let i = start; i < end; i++) {
        if (this.#mountTaken[i] !== 0 || this.#mountEpoch[i] === epoch || this.#mountMilli[i]! < need.milli) continue;
        if (best < 0 || this.#mountPriority[i]! < this.#mountPriority[best]! || (this.#mountPriority[i] === this.#mountPriority[best] && this.#mountMilli[i]! < this.#mountMilli[best]!)) best = i;
      }
      if (best < 0) return need;
      this.#mountEpoch[best] = epoch;
      if (out !== undefined) {
        const priority = this.#mountPriority[best]!;
        out[need.position] = { need, taken: { piece: newPiece(this.#mountResource[best]!, kindOf(priority), priority, best), milli: this.#mountMilli[best]! } };
      }
    }
    return undefined;
  }

  /** Whether one more instance fits; exact, and allocation-free unless ROOT disk is split or RANGES/SETs are asked for. */
  fits(a: number, demand: PodDemand): boolean {
    if (this.#lacking(a, demand) !== undefined) return false;
    if (demand.mountVolumes.length > 0 && this.#chooseMounts(a, demand, ++this.#epoch, undefined) !== undefined) return false;
    if (demand.others.length === 0 && (demand.rootVolumes.length === 0 || this.#rootDisks[a]! <= 1)) return true;
    return typeof this.planTake(a, demand) !== 'string';
  }

  /** The agent's usable resource objects other than MOUNT disks, listed on first use, preferred first. */
  pieces(a: number): Piece[] {
    let pieces = this.#pieces[a];
    if (pieces === undefined) {
      pieces = [];
      for (const r of this.agents[a]!.resources) {
        if (isMount(r)) continue;
        const priority = classify(r, this.role);
        if (priority >= 0) pieces.push(newPiece(r, kindOf(priority), priority, -1));
      }
      // Insertion sort: a handful of objects, and Array#sort allocates.
      for (let i = 1; i < pieces.length; i++) {
        const p = pieces[i]!;
        let j = i - 1;
        for (; j >= 0 && pieces[j]!.priority > p.priority; j--) pieces[j + 1] = pieces[j]!;
        pieces[j + 1] = p;
      }
      this.#pieces[a] = pieces;
    }
    return pieces;
  }

  /**
   * Which resource objects one instance would take, or why it does not fit (`lack mem 8192`).
   * Changes nothing; `commit` takes them.
   */
  planTake(a: number, demand: PodDemand): Take | string {
    const short = this.#lacking(a, demand);
    if (short !== undefined) return `lack ${short} ${demand.totals.find((t) => t.name === short)!.milli / 1000}`;
    const epoch = ++this.#epoch;
    // Indexed by the volume's position in the pod, so the take lists volumes in the spec's order.
    const volumes = new Array<{ need: VolumeNeed; taken: TakenPiece }>(demand.pod.volumes.length);
    const noMount = this.#chooseMounts(a, demand, epoch, volumes);
    if (noMount !== undefined) return `lack a MOUNT disk of ${noMount.volume.sizeMb} MB for volume ${noMount.volume.containerPath}`;
    const pieces = this.pieces(a);
    for (const need of demand.rootVolumes) {
      // A volume is one resource object, so it cannot straddle two reservations.
      let piece: Piece | undefined;
      for (let i = 0; i < pieces.length && piece === undefined; i++) {
        const p = pieces[i]!;
        if (p.resource.name === 'disk' && p.resource.type === 'SCALAR' && left(p, epoch) >= need.milli) piece = p;
      }
      if (piece === undefined) return `lack ${need.volume.sizeMb} MB of ROOT disk in one reservation for volume ${need.volume.containerPath}`;
      touch(piece, epoch);
      piece.pending += need.milli;
      volumes[need.position] = { need, taken: { piece, milli: need.milli } };
    }
    const resources: Array<{ name: string; pieces: TakenPiece[] }> = [];
    for (const s of demand.scalars) {
      let remaining = s.milli;
      const taken: TakenPiece[] = [];
      for (const p of pieces) {
        if (remaining === 0) break;
        if (p.resource.name !== s.name || p.resource.type !== 'SCALAR') continue;
        const n = Math.min(remaining, left(p, epoch));
        if (n <= 0) continue;
        touch(p, epoch);
        p.pending += n;
        taken.push({ piece: p, milli: n });
        remaining -= n;
      }
      if (remaining > 0) return `lack ${s.name} ${s.milli / 1000}`;
      resources.push({ name: s.name, pieces: taken });
    }
    for (const need of demand.others) {
      const wanted = plainValue(need);
      const piece = pieces.find((p) => p.resource.name === need.name && p.resource.type === need.type && !(p.epoch === epoch && p.chosen) && valueOf(p).contains(wanted));
      if (piece === undefined) return `lack ${need.name} ${Resources.of(wanted).toString().slice(need.name.length + 1)}`;
      touch(piece, epoch);
      piece.chosen = true; // one RANGES/SET need per object per instance keeps the bookkeeping exact
      resources.push({ name: need.name, pieces: [{ piece, milli: 0, value: need }] });
    }
    return { resources, volumes };
  }

  /** Takes what `planTake` chose. */
  commit(a: number, take: Take): void {
    for (const { pieces } of take.resources) {
      for (const t of pieces) {
        if (t.value === undefined) this.#takeScalar(a, t);
        else t.piece.value = valueOf(t.piece).minus(plainValue(t.value));
      }
    }
    for (const v of take.volumes) this.#takeScalar(a, v.taken);
  }

  #takeScalar(a: number, t: TakenPiece): void {
    if (t.piece.mount >= 0) {
      this.#mountTaken[t.piece.mount] = 1;
      return;
    }
    t.piece.milli -= t.milli;
    const slot = this.#slot.get(t.piece.resource.name);
    if (slot !== undefined) this.#free[a * this.#width + slot]! -= t.milli;
  }
}
