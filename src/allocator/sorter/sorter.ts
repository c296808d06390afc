/**
 * The allocator's sorter: the order in which roles (the role sorter) or the frameworks of one
 * role (a framework sorter) are offered resources. Mesos keeps this separate from the allocator
 * (src/master/allocator/mesos/sorter/sorter.hpp) and so do we: the engine only tells a sorter what
 * was allocated and asks it for an order.
 *
 * Clients are strings: role paths such as `eng/backend` (a tree by `/`) or framework ids. A client
 * is added inactive; only active clients are returned by `sort()`, but inactive ones keep their
 * allocations and count towards their ancestors' shares.
 */
import type { Resources } from '../../resources/index.ts';

/** A sorter was asked about a client or agent it does not know, or given a value it cannot use. */
export class SorterError extends Error {
  override readonly name = 'SorterError';
}

export interface SorterOptions {
  /**
   * Resource names left out of fair sharing (the master's `--fair_sharing_excluded_resource_names`,
   * e.g. `gpus`): they are still tracked as allocated but never decide a share.
   */
  readonly excludedResourceNames?: Iterable<string>;
  /**
   * A pool of agent totals shared by many sorters (the engine's role sorter and every framework
   * sorter measure against the same cluster). Its owner adds and removes agents; the sorter's own
   * `addAgent` / `removeAgent` then do nothing, and it notices pool changes by the pool's version.
   * `excludedResourceNames` is the pool's then.
   */
  readonly pool?: import('./pool.ts').ScalarPool;
  /**
   * Whoever passes this keeps the per-agent resources of every client and answers `allocation()`
   * from them; the sorter then keeps only quantities and counts. The engine's role sorter uses it:
   * a role's resources per agent are the sum of its framework sorter's books, and a copy kept here
   * cost a `Resources` addition on every offer. The sorter then no longer checks that what is
   * unallocated was held (the framework sorter, told first, does).
   */
  readonly allocationsOf?: (client: string) => ReadonlyMap<string, Resources>;
}

/** What `order()` returns: the clients one at a time, and for the DRF sorter a shortcut. */
export interface SorterOrder extends IterableIterator<string> {
  /**
   * Of the given active clients, those this reader has not yielded yet, in the order it will yield
   * them, without reading on: the engine asks for the few frameworks an agent visit must still
   * consider when it knows the others will be skipped (remembered policy rejections). Undefined
   * when it cannot tell without reading on; absent from readers that never can (the random
   * sorter's order is drawn at once). Throws for a client that is unknown or not active.
   */
  unreadInOrder?(clients: readonly string[]): readonly string[] | undefined;
}

export interface Sorter {
  /** Adds an inactive client. Throws if it is already there. */
  add(client: string): void;
  /** Removes a client with whatever it still holds (its ancestors stop counting it). */
  remove(client: string): void;
  /** Makes a client eligible for `sort()`; a no-op when already active. */
  activate(client: string): void;
  /** Keeps the client and its allocations but leaves it out of `sort()`; a no-op when inactive. */
  deactivate(client: string): void;
  /**
   * Sets the weight of a path (default 1.0), for clients there now or added later. A weight
   * compares a node with its siblings only: `eng`'s weight matters against `ops`, not inside `eng`.
   */
  updateWeight(path: string, weight: number): void;

  /** Records that `resources` on `agentId` were offered or allocated to `client`. */
  allocated(client: string, agentId: string, resources: Resources): void;
  /** Replaces part of an allocation (offer operations: reserve, create volume, …); not a new allocation. */
  update(client: string, agentId: string, oldAllocation: Resources, newAllocation: Resources): void;
  /** Records that `resources` on `agentId` went back from `client`. */
  unallocated(client: string, agentId: string, resources: Resources): void;

  /** What `client` holds, per agent id. A live, read-only view: copy it to keep it. */
  allocation(client: string): ReadonlyMap<string, Resources>;
  /** What `client` holds on one agent (empty when nothing). */
  allocationOnAgent(client: string, agentId: string): Resources;
  /** Scalar quantities held by `client`, or by all clients when no client is given (shared resources counted once per agent). */
  allocationScalarQuantities(client?: string): ReadonlyMap<string, number>;
  /** How many times `client` was allocated to; only ever grows (the tie-breaker between equal shares). */
  allocationCount(client: string): number;
  /**
   * The client's weighted dominant share: max over the pool's resource names (minus excluded ones)
   * of held / pool total, divided by the client's weight. Metric
   * `allocator/mesos/roles/<role>/shares/dominant`.
   */
  share(client: string): number;

  /** Adds an agent's scalar quantities to the pool that shares are measured against. */
  addAgent(agentId: string, scalarQuantities: ReadonlyMap<string, number>): void;
  /** Takes an agent's quantities out of the pool (allocations on it are the caller's business). */
  removeAgent(agentId: string): void;

  /** Active clients in the order they should be offered resources. Do not mutate the result. */
  sort(): readonly string[];
  /**
   * The clients `sort()` would return now, in the same order, read one at a time: what Mesos's
   * allocator does with the vector `sort()` returns at the start of a role's visit. The order is
   * fixed by this call, whatever happens to the sorter while it is read (an allocation to a client
   * already read, typically). Unlike `sort()` it builds no array, so starting it and reading the
   * first few clients cost next to nothing when only those are needed.
   *
   * Read it with `for … of` (breaking out ends it) or call `return()` when done early: the DRF
   * sorter keeps track of one unfinished reader at a time, and copies for it what a change would
   * otherwise reorder (nothing, in the usual case of allocations to clients already read in a
   * flat tree).
   */
  order(): SorterOrder;
  /**
   * Changes whenever the set of active clients may have changed (add, remove, activate,
   * deactivate, a client node splitting or collapsing); never on allocations. Lets a caller keep
   * something it derived from the set of active clients.
   */
  readonly membershipVersion: number;
  /** Whether `client` is in the sorter, active or not. */
  contains(client: string): boolean;
  /** Whether `client` is in the sorter and active (one that `sort()` and `order()` yield). */
  isActive(client: string): boolean;
  /** The number of clients, active or not. */
  count(): number;
}
