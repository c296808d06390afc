/**
 * The placement hold: planning sees an agent's unallocated resources (and what is offered to the
 * service's own framework), so in a cluster whose frameworks are offered every agent every cycle
 * — many frameworks, each declining with a short filter — a service with instances left unplaced
 * could wait forever (measured: 1 of 20 brokers placed in 8 cycles on 200 agents with 100 other
 * frameworks). So while a service has instances the last tick could not place, a window of agents
 * (rotating over the active agents that hold none of its instances) is kept from other
 * frameworks' offers for a cycle: their unreserved resources are cut from those offers, so the
 * next cycle's plan finds them unallocated. Reservations are never cut, and the service's own
 * framework is offered as usual. The window is bounded (`agentsPerInstance` per unplaced
 * instance, at most `maxAgents` and half the agents), so other frameworks lose at most that many
 * agents for a cycle; and when holding places nothing (the instances fail their constraints, not
 * for want of resources) the hold backs off: it is taken every 2nd, 4th, … up to every 64th cycle.
 */
import type { AgentView, OfferContext, Rejection } from '../../policy/index.ts';

export interface PlacementHoldOptions {
  /** Agents held per unplaced instance (default 3). */
  readonly agentsPerInstance?: number;
  /** At most this many agents held per service (default 64). 0 turns the hold off. */
  readonly maxAgents?: number;
}

export class PlacementHold {
  readonly #perInstance: number;
  readonly #max: number;
  #cursor = 0;
  #held: ReadonlySet<string> = new Set();
  /** Unplaced instances when the last hold was taken (undefined: no hold), and holds in a row that placed nothing. */
  #heldFor: number | undefined;
  #fruitless = 0;
  #skip = 0;
  #lastUnplaced = 0;

  constructor(readonly service: string, options: PlacementHoldOptions = {}) {
    this.#perInstance = options.agentsPerInstance ?? 3;
    this.#max = options.maxAgents ?? 64;
  }

  get held(): ReadonlySet<string> {
    return this.#held;
  }

  /** After a tick: `unplaced` instances wait for resources; `occupied` agents hold the service's instances. */
  update(agents: readonly AgentView[], unplaced: number, occupied: ReadonlySet<string>): void {
    const want = Math.min(this.#max, Math.floor(agents.length / 2), unplaced * this.#perInstance);
    if (this.#heldFor !== undefined) this.#fruitless = unplaced >= this.#heldFor ? this.#fruitless + 1 : 0;
    if (unplaced < this.#lastUnplaced) {
      this.#fruitless = 0; // progress, held or not: hold again at once
      this.#skip = 0;
    }
    this.#lastUnplaced = unplaced;
    this.#heldFor = undefined;
    this.#held = new Set();
    if (want === 0) {
      this.#fruitless = 0;
      this.#skip = 0;
      return;
    }
    if (this.#skip > 0) {
      this.#skip--;
      return;
    }
    this.#skip = 2 ** Math.min(this.#fruitless, 6) - 1;
    this.#heldFor = unplaced;
    const held = new Set<string>();
    const n = agents.length;
    let i = 0;
    for (; i < n && held.size < want; i++) {
      const agent = agents[(this.#cursor + i) % n]!;
      if (!occupied.has(agent.id)) held.add(agent.id);
    }
    this.#cursor = (this.#cursor + i) % n;
    this.#held = held;
  }

  /** The offer without the agent's unreserved resources, for a framework that does not run the service. */
  cut(ctx: OfferContext, owner: boolean): OfferContext {
    if (owner || !this.#held.has(ctx.agent.id)) return ctx;
    const kept = ctx.offer.filter((r) => r.reservations.length > 0);
    return kept.size === ctx.offer.size ? ctx : { ...ctx, offer: kept };
  }

  rejection(): Rejection {
    return { reason: `held-for-placement:${this.service}` };
  }
}
