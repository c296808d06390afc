/**
 * What the DRF and random sorters have in common: the client tree, the pool of agent totals, and
 * the read-only questions about allocations. Subclasses decide the order.
 */
import { Resources } from '../../resources/index.ts';
import { ClientTree, type SorterNode, type TreeListener } from './client-tree.ts';
import { ScalarPool } from './pool.ts';
import { SorterError, type Sorter, type SorterOptions, type SorterOrder } from './sorter.ts';

export function checkWeight(path: string, weight: number): void {
  // The master only accepts positive weights; zero or NaN would make shares meaningless.
  if (typeof weight !== 'number' || !Number.isFinite(weight) || weight <= 0) {
    throw new SorterError(`weight of '${path}' must be a finite number > 0, got ${String(weight)}`);
  }
}

export abstract class TreeSorter implements Sorter {
  protected readonly tree: ClientTree;
  protected readonly pool: ScalarPool;
  /** False when the pool is shared and maintained by its owner. */
  protected readonly ownsPool: boolean;
  private readonly allocationsOf: ((client: string) => ReadonlyMap<string, Resources>) | undefined;
  /** Bumped by every change of the tree's shape or of a node's kind (which the tree reports). */
  membershipVersion = 0;

  protected constructor(options: SorterOptions) {
    const listener: TreeListener = {
      placed: (node) => {
        this.membershipVersion++;
        this.placed(node);
      },
      leaving: (node) => {
        this.membershipVersion++;
        this.leaving(node);
      },
    };
    this.allocationsOf = options.allocationsOf;
    this.ownsPool = options.pool === undefined;
    this.pool = options.pool ?? new ScalarPool(new Set(options.excludedResourceNames ?? []));
    this.tree = new ClientTree(listener, this.pool.names, this.allocationsOf);
  }

  /** The tree attached a node or changed its kind. */
  protected abstract placed(node: SorterNode): void;
  /** The tree is about to detach a node. */
  protected abstract leaving(node: SorterNode): void;

  abstract add(client: string): void;
  abstract remove(client: string): void;
  abstract activate(client: string): void;
  abstract deactivate(client: string): void;
  abstract updateWeight(path: string, weight: number): void;
  abstract allocated(client: string, agentId: string, resources: Resources): void;
  abstract update(client: string, agentId: string, oldAllocation: Resources, newAllocation: Resources): void;
  abstract unallocated(client: string, agentId: string, resources: Resources): void;
  abstract addAgent(agentId: string, scalarQuantities: ReadonlyMap<string, number>): void;
  abstract removeAgent(agentId: string): void;
  abstract sort(): readonly string[];
  abstract order(): SorterOrder;

  allocation(client: string): ReadonlyMap<string, Resources> {
    const leaf = this.tree.find(client);
    return this.allocationsOf === undefined ? leaf.resources! : this.allocationsOf(client);
  }

  allocationOnAgent(client: string, agentId: string): Resources {
    return this.allocation(client).get(agentId) ?? Resources.EMPTY;
  }

  allocationScalarQuantities(client?: string): ReadonlyMap<string, number> {
    const node = client === undefined ? this.tree.root : this.tree.find(client);
    return this.pool.toUnits(node.quantities);
  }

  allocationCount(client: string): number {
    return this.tree.find(client).count;
  }

  /** Computed afresh from the client's own leaf (for a client with children: what it holds itself). */
  share(client: string): number {
    return this.shareOf(this.tree.find(client));
  }

  contains(client: string): boolean {
    return this.tree.has(client);
  }

  isActive(client: string): boolean {
    return this.tree.has(client) && this.tree.find(client).kind === 'active';
  }

  count(): number {
    return this.tree.size;
  }

  protected shareOf(node: SorterNode): number {
    return this.pool.dominantShare(node.quantities) / node.weight;
  }
}
