// A brute-force DRF order for the property test: it keeps only a plain record of what happened
// (clients, their holdings per agent, agents, weights, allocation counts per tree path) and
// recomputes the tree, every share and the whole order from scratch on each question.
import { Resources } from '../../../src/resources/index.ts';

/** Mesos's fixed-point to double conversion (integer part + thousandths), written out again here. */
const mesosDouble = (milli: number): number => Math.trunc(milli / 1000) + (milli % 1000) / 1000;
const milli = (value: number): number => Math.round(value * 1000);

const parentOf = (path: string): string => {
  const i = path.lastIndexOf('/');
  return i < 0 ? '' : path.slice(0, i);
};
const nameOf = (path: string): string => path.slice(path.lastIndexOf('/') + 1);

export class ReferenceDRF {
  readonly active = new Map<string, boolean>();
  readonly holdings = new Map<string, Map<string, Resources>>();
  readonly agents = new Map<string, Map<string, number>>();
  readonly weights = new Map<string, number>();
  /** Allocation count per tree node path (virtual leaves end in `/.`). */
  private counts = new Map<string, number>();

  constructor(private readonly excluded: ReadonlySet<string>) {}

  /** Tree nodes implied by the clients: every proper prefix is internal; a client's leaf is `C/.` if C is internal. */
  private nodes(clients: Iterable<string>): Map<string, 'internal' | 'leaf'> {
    const list = [...clients];
    const internal = new Set<string>();
    for (const c of list) {
      const parts = c.split('/');
      for (let i = 1; i < parts.length; i++) internal.add(parts.slice(0, i).join('/'));
    }
    const nodes = new Map<string, 'internal' | 'leaf'>();
    for (const p of internal) nodes.set(p, 'internal');
    for (const c of list) nodes.set(internal.has(c) ? `${c}/.` : c, 'leaf');
    return nodes;
  }

  leafOf(client: string): string {
    return this.nodes(this.active.keys()).has(`${client}/.`) ? `${client}/.` : client;
  }

  /** Applies a change of the client set, carrying counts over as node identities survive. */
  private restructure(change: () => void): void {
    const before = this.nodes(this.active.keys());
    change();
    const after = this.nodes(this.active.keys());
    const counts = new Map<string, number>();
    for (const path of after.keys()) {
      if (before.has(path)) counts.set(path, this.counts.get(path) ?? 0);
      // A leaf that got a child hands its count to its new virtual leaf.
      else if (path.endsWith('/.') && before.get(parentOf(path)) === 'leaf') counts.set(path, this.counts.get(parentOf(path)) ?? 0);
      else counts.set(path, 0);
    }
    this.counts = counts;
  }

  add(client: string): void {
    this.restructure(() => {
      this.active.set(client, false);
      this.holdings.set(client, new Map());
    });
  }

  remove(client: string): void {
    this.restructure(() => {
      this.active.delete(client);
      this.holdings.delete(client);
    });
  }

  allocated(client: string, agent: string, resources: Resources): void {
    const held = this.holdings.get(client)!;
    held.set(agent, (held.get(agent) ?? Resources.EMPTY).plus(resources));
    const leaf = this.leafOf(client);
    const parts = client.split('/');
    const path = parts.map((_, i) => parts.slice(0, i + 1).join('/'));
    if (leaf !== client) path.push(leaf);
    for (const p of path) this.counts.set(p, (this.counts.get(p) ?? 0) + 1);
  }

  unallocated(client: string, agent: string, resources: Resources): void {
    const held = this.holdings.get(client)!;
    held.set(agent, held.get(agent)!.minus(resources));
  }

  update(client: string, agent: string, oldAllocation: Resources, newAllocation: Resources): void {
    const held = this.holdings.get(client)!;
    held.set(agent, held.get(agent)!.minus(oldAllocation).plus(newAllocation));
  }

  count(client: string): number {
    return this.counts.get(this.leafOf(client)) ?? 0;
  }

  /** Clients whose holdings count for a node. */
  private members(node: string, kind: 'internal' | 'leaf'): string[] {
    if (kind === 'leaf') return [node.endsWith('/.') ? parentOf(node) : node];
    return [...this.active.keys()].filter((c) => c === node || c.startsWith(`${node}/`));
  }

  /** Scalar quantities (milli) of a set of clients: non-shared summed, each shared resource once per agent. */
  quantities(clients: readonly string[]): Map<string, number> {
    const byAgent = new Map<string, Resources>();
    for (const c of clients) {
      for (const [agent, res] of this.holdings.get(c)!) byAgent.set(agent, (byAgent.get(agent) ?? Resources.EMPTY).plus(res));
    }
    const out = new Map<string, number>();
    const add = (name: string, value: number) => out.set(name, (out.get(name) ?? 0) + milli(value));
    for (const res of byAgent.values()) {
      for (const [name, value] of res.nonShared().scalars().quantities()) add(name, value);
      for (const item of res.shared().scalars()) add(item.name, item.scalar!);
    }
    for (const [name, m] of out) if (m === 0) out.delete(name);
    return out;
  }

  clientQuantities(client: string): Map<string, number> {
    return this.quantities([client]);
  }

  shareOfNode(node: string, kind: 'internal' | 'leaf'): number {
    const totals = new Map<string, number>();
    for (const q of this.agents.values()) for (const [name, v] of q) totals.set(name, (totals.get(name) ?? 0) + milli(v));
    const held = this.quantities(this.members(node, kind));
    let share = 0;
    for (const [name, total] of totals) {
      if (this.excluded.has(name) || total <= 0) continue;
      share = Math.max(share, mesosDouble(held.get(name) ?? 0) / mesosDouble(total));
    }
    return share / (this.weights.get(node) ?? 1);
  }

  share(client: string): number {
    return this.shareOfNode(this.leafOf(client), 'leaf');
  }

  /** The whole order, naively: sort every level by (share, count, name), walk pre-order. */
  sort(): string[] {
    const nodes = this.nodes(this.active.keys());
    const out: string[] = [];
    const visit = (parent: string) => {
      const children = [...nodes]
        .filter(([path]) => parentOf(path) === parent && path !== '')
        .filter(([path, kind]) => kind === 'internal' || this.active.get(path.endsWith('/.') ? parentOf(path) : path) === true)
        .map(([path, kind]) => ({ path, kind, share: this.shareOfNode(path, kind), count: this.counts.get(path) ?? 0, name: nameOf(path) }));
      children.sort((a, b) => a.share - b.share || a.count - b.count || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      for (const c of children) {
        if (c.kind === 'leaf') out.push(c.path.endsWith('/.') ? parentOf(c.path) : c.path);
        else visit(c.path);
      }
    };
    visit('');
    return out;
  }
}
