/**
 * The allocator's bookkeeping (hierarchical.cpp): agents, frameworks, the role tree, one role
 * sorter and one framework sorter per role with tracked frameworks, and the helpers that keep
 * them consistent (track/untrack allocations, track frameworks under roles, agent totals).
 */
import { Resources } from '../resources/index.ts';
import { AgentState } from './agent.ts';
import { FrameworkState } from './framework.ts';
import type { RandomSource } from './random.ts';
import { RoleTree } from './role-tree.ts';
import { addInto, scalarQuantities, subtractInto, type Quantities } from './quantities.ts';
import type { Sorter } from './sorter/sorter.ts';
import type { ScalarPool } from './sorter/pool.ts';
import type { ResourceQuantities } from '../resources/index.ts';
import type { DomainInfo } from './types.ts';

export interface ResolvedOptions {
  readonly allocationIntervalMs: number;
  readonly fairnessExcludeResourceNames: ReadonlySet<string>;
  readonly filterGpuResources: boolean;
  readonly domain: DomainInfo | undefined;
  readonly minAllocatableResources: readonly ResourceQuantities[] | undefined;
  readonly recoveryTimeoutMs: number;
  readonly agentRecoveryFactor: number;
}

/** `allocationsOf` (SorterOptions.allocationsOf) is given for the role sorter only. */
export type SorterFactory = (allocationsOf?: (client: string) => ReadonlyMap<string, Resources>) => Sorter;

/**
 * `resources.allocations()` (same groups, same order, same error for a resource without an
 * allocation role), without building anything when all share one role: every offer and decline.
 */
export function byAllocationRole(resources: Resources): Iterable<[string, Resources]> {
  const items = resources.itemsView();
  const role = items.length === 0 ? undefined : items[0]!.meta.allocationRole;
  if (role === undefined) return resources.allocations();
  for (let i = 1; i < items.length; i++) if (items[i]!.meta.allocationRole !== role) return resources.allocations();
  return [[role, resources]];
}

export class AllocatorState {
  readonly agents = new Map<string, AgentState>();
  readonly frameworks = new Map<string, FrameworkState>();
  readonly roleTree = new RoleTree();
  readonly roleSorter: Sorter;
  readonly frameworkSorters = new Map<string, Sorter>();
  /** Sum of all agents' scalar totals, in thousandths. */
  readonly totalScalarQuantities: Quantities = new Map();
  whitelist: ReadonlySet<string> | undefined;

  constructor(
    readonly options: ResolvedOptions,
    readonly random: RandomSource,
    roleSorterFactory: SorterFactory,
    private readonly frameworkSorterFactory: SorterFactory,
    /** The cluster's scalar totals, shared by every sorter (Mesos keeps one copy per sorter). */
    readonly pool: ScalarPool,
  ) {
    this.roleSorter = roleSorterFactory((role) => this.roleAllocation(role));
  }

  /**
   * What a role holds per agent, for the role sorter's `allocation()`: the sum of its frameworks'
   * books in its framework sorter (which the role sorter would otherwise duplicate on every offer).
   */
  private roleAllocation(role: string): Map<string, Resources> {
    const out = new Map<string, Resources>();
    const sorter = this.frameworkSorters.get(role);
    const node = this.roleTree.get(role);
    if (sorter === undefined || node === undefined) return out;
    for (const frameworkId of node.frameworks) {
      for (const [agentId, held] of sorter.allocation(frameworkId)) out.set(agentId, (out.get(agentId) ?? Resources.EMPTY).plus(held));
    }
    return out;
  }

  frameworkSorter(role: string): Sorter {
    const sorter = this.frameworkSorters.get(role);
    if (sorter === undefined) throw new Error(`internal: no framework sorter for role '${role}'`);
    return sorter;
  }

  isWhitelisted(agent: AgentState): boolean {
    return this.whitelist === undefined || this.whitelist.has(agent.info.hostname);
  }

  /** Mesos `isRemoteSlave`: the agent's region differs from the master's (no domain = local). */
  isRemote(agent: AgentState): boolean {
    const domain = agent.info.domain;
    if (domain === undefined || this.options.domain === undefined) return false;
    return domain.region !== this.options.domain.region;
  }

  isFrameworkTrackedUnderRole(frameworkId: string, role: string): boolean {
    return this.roleTree.get(role)?.frameworks.has(frameworkId) ?? false;
  }

  trackFrameworkUnderRole(framework: FrameworkState, role: string): void {
    const node = this.roleTree.node(role);
    if (node.frameworks.size === 0) {
      this.roleSorter.add(role);
      this.roleSorter.activate(role);
      this.frameworkSorters.set(role, this.frameworkSorterFactory());
    }
    node.frameworks.add(framework.id);
    this.frameworkSorter(role).add(framework.id);
  }

  /** Untracks unless the framework still holds resources in the role (then it stays tracked). */
  tryUntrackFrameworkUnderRole(framework: FrameworkState, role: string): boolean {
    const sorter = this.frameworkSorter(role);
    if (sorter.allocation(framework.id).size > 0) return false;
    const node = this.roleTree.node(role);
    node.frameworks.delete(framework.id);
    sorter.remove(framework.id);
    if (node.frameworks.size === 0) {
      this.roleSorter.remove(role);
      this.frameworkSorters.delete(role);
    }
    return true;
  }

  /** Offered or allocated resources enter the sorters and the role tree (one call per allocation role). */
  trackAllocated(agentId: string, frameworkId: string, allocated: Resources): void {
    const framework = this.frameworks.get(frameworkId)!;
    for (const [role, allocation] of byAllocationRole(allocated)) {
      if (!this.isFrameworkTrackedUnderRole(frameworkId, role)) this.trackFrameworkUnderRole(framework, role);
      this.roleTree.trackOfferedOrAllocated(agentId, role, allocation);
      this.roleSorter.allocated(role, agentId, allocation);
      this.frameworkSorter(role).allocated(frameworkId, agentId, allocation);
    }
  }

  /** `trackAllocated` for resources known to be allocated to `role` (the cycle's hot path). */
  trackAllocatedInRole(agentId: string, frameworkId: string, role: string, allocation: Resources): void {
    if (!this.isFrameworkTrackedUnderRole(frameworkId, role)) this.trackFrameworkUnderRole(this.frameworks.get(frameworkId)!, role);
    this.roleTree.trackOfferedOrAllocated(agentId, role, allocation);
    this.roleSorter.allocated(role, agentId, allocation);
    this.frameworkSorter(role).allocated(frameworkId, agentId, allocation);
  }

  untrackAllocated(agentId: string, frameworkId: string, allocated: Resources): void {
    const framework = this.frameworks.get(frameworkId)!;
    for (const [role, allocation] of byAllocationRole(allocated)) {
      this.roleTree.untrackOfferedOrAllocated(agentId, role, allocation);
      this.frameworkSorter(role).unallocated(frameworkId, agentId, allocation);
      this.roleSorter.unallocated(role, agentId, allocation);
      if (!framework.roles.has(role)) this.tryUntrackFrameworkUnderRole(framework, role);
    }
  }

  /** Mesos `updateSlaveTotal`: returns whether the total changed. */
  updateAgentTotal(agent: AgentState, total: Resources): boolean {
    const old = agent.total;
    if (old.equals(total)) return false;
    agent.updateTotal(total);
    this.roleTree.untrackReservations(old.reserved());
    this.roleTree.trackReservations(total.reserved());
    subtractInto(this.totalScalarQuantities, scalarQuantities(old.scalars()));
    addInto(this.totalScalarQuantities, scalarQuantities(total.scalars()));
    this.pool.removeAgent(agent.id);
    this.pool.addAgent(agent.id, total.scalars().quantities());
    return true;
  }

  removeFilters(agentId: string): void {
    for (const framework of this.frameworks.values()) framework.clearAgentFilters(agentId);
  }
}
