/**
 * Calls the user's policy stages safely: a stage that throws or returns something unusable gets
 * Mesos's default for that call, and the error is counted and reported, never propagated into
 * the engine (the engine's own invariants do not depend on what a policy returns).
 */
import type { Resource, Resources } from '../resources/index.ts';
import { RememberedRejections } from './remembered-rejections.ts';
import { ReservationOwnership } from './reservation-owners.ts';
import type { AllocatorState } from './state.ts';
import type { FrameworkView, OfferContext, Policy, Rejection, SortFrameworksContext, SortRolesContext } from '../policy/index.ts';

export type PolicyStage = 'sortRoles' | 'sortFrameworks' | 'reservationOwners' | 'filter' | 'score' | 'size' | 'callback';

export interface PolicyErrorReport {
  readonly stage: PolicyStage;
  readonly message: string;
}

export class PolicyRunner {
  readonly errors = new Map<PolicyStage, number>();
  /** Rejections this policy allowed the engine to remember; replacing the policy (the runner) drops them. */
  readonly remembered = new RememberedRejections();
  lastError: PolicyErrorReport | undefined;
  private malformedOwnersReported = false;
  /** The reservationOwners stage with its kept answers; null: the policy has none. */
  private ownershipValue: ReservationOwnership | null | undefined;

  constructor(
    readonly policy: Policy,
    private readonly onError: (report: PolicyErrorReport) => void = () => {},
  ) {}

  get hasScore(): boolean {
    return typeof this.policy.score === 'function';
  }

  /** Whether the policy has a usable `reservationOwners` stage (both functions); one without them is an error, counted once, and ignored. */
  get hasReservationOwners(): boolean {
    const stage = this.policy.reservationOwners;
    if (stage === undefined) return false;
    if (typeof stage?.owner === 'function' && typeof stage.owns === 'function') return true;
    if (!this.malformedOwnersReported) {
      this.malformedOwnersReported = true;
      this.fail('reservationOwners', new Error('reservationOwners must be { owner(resource), owns(framework, owner) }'));
    }
    return false;
  }

  /** The `reservationOwners` stage with its answers kept (made on first use; the engine's one state). */
  ownership(state: AllocatorState): ReservationOwnership | undefined {
    if (this.ownershipValue === undefined) this.ownershipValue = this.hasReservationOwners ? new ReservationOwnership(this, state) : null;
    return this.ownershipValue ?? undefined;
  }

  /** The owner the policy names for a reserved resource; undefined (the role's, as in Mesos) when none or on error. */
  reservationOwner(resource: Resource): string | undefined {
    try {
      const owner = this.policy.reservationOwners!.owner(resource);
      if (owner === undefined || typeof owner === 'string') return owner;
      throw new Error(`reservationOwners.owner returned ${JSON.stringify(owner)}; expected a string or undefined`);
    } catch (e) {
      this.fail('reservationOwners', e);
      return undefined;
    }
  }

  /** Whether the framework is the owner; on error it is (the resource stays the role's, as in Mesos). */
  owns(framework: FrameworkView, owner: string): boolean {
    try {
      const owns = this.policy.reservationOwners!.owns(framework, owner);
      if (typeof owns === 'boolean') return owns;
      throw new Error(`reservationOwners.owns returned ${JSON.stringify(owns)}; expected a boolean`);
    } catch (e) {
      this.fail('reservationOwners', e);
      return true;
    }
  }

  private fail(stage: PolicyStage, error: unknown): void {
    this.errors.set(stage, (this.errors.get(stage) ?? 0) + 1);
    const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    this.lastError = { stage, message };
    this.onError(this.lastError);
  }

  sortRoles(ctx: SortRolesContext): readonly string[] {
    if (this.policy.sortRoles === undefined) return ctx.roles;
    try {
      const order = this.policy.sortRoles(ctx);
      if (!isPermutation(order, ctx.roles)) throw new Error('sortRoles must return a permutation of ctx.roles');
      return order;
    } catch (e) {
      this.fail('sortRoles', e);
      return ctx.roles;
    }
  }

  sortFrameworks(ctx: SortFrameworksContext): readonly string[] {
    if (this.policy.sortFrameworks === undefined) return ctx.frameworks;
    try {
      const order = this.policy.sortFrameworks(ctx);
      if (!isPermutation(order, ctx.frameworks)) throw new Error('sortFrameworks must return a permutation of ctx.frameworks');
      return order;
    } catch (e) {
      this.fail('sortFrameworks', e);
      return ctx.frameworks;
    }
  }

  /** undefined when allowed, else the rejection. */
  filter(ctx: OfferContext): Rejection | undefined {
    if (this.policy.filter === undefined) return undefined;
    try {
      const verdict = this.policy.filter(ctx);
      if (verdict === undefined || verdict === true) return undefined;
      if (verdict === false) return { reason: 'rejected' };
      if (typeof verdict === 'object' && verdict !== null && typeof verdict.reason === 'string') {
        if (verdict.until === undefined || verdict.until === 'agent-changes') return verdict;
        throw new Error(`filter returned until: ${JSON.stringify(verdict.until)}; expected 'agent-changes' or nothing`);
      }
      throw new Error(`filter returned ${JSON.stringify(verdict)}; expected true, false, undefined or { reason, until? }`);
    } catch (e) {
      this.fail('filter', e);
      return undefined;
    }
  }

  score(ctx: OfferContext): number {
    if (this.policy.score === undefined) return 0;
    try {
      const score = this.policy.score(ctx);
      if (typeof score !== 'number' || Number.isNaN(score)) throw new Error(`score returned ${String(score)}; expected a number`);
      return score;
    } catch (e) {
      this.fail('score', e);
      return 0;
    }
  }

  /** What to offer: the policy's slice when it is a non-empty part of the offer, else the whole offer. */
  size(ctx: OfferContext): Resources {
    if (this.policy.size === undefined) return ctx.offer;
    try {
      const sized = this.policy.size(ctx);
      if (sized === undefined || sized === ctx.offer) return ctx.offer;
      if (typeof (sized as Resources)?.contains !== 'function') throw new Error('size must return Resources or undefined');
      if (!ctx.offer.contains(sized)) throw new Error(`size returned ${String(sized)}, which is not part of the offer ${String(ctx.offer)}`);
      return sized;
    } catch (e) {
      this.fail('size', e);
      return ctx.offer;
    }
  }

  callback(invoke: (policy: Policy) => void): void {
    try {
      invoke(this.policy);
    } catch (e) {
      this.fail('callback', e);
    }
  }
}

function isPermutation(order: unknown, of: readonly string[]): order is readonly string[] {
  if (!Array.isArray(order) || order.length !== of.length) return false;
  if (order === of) return true;
  const expected = new Set(of);
  const seen = new Set<string>();
  for (const x of order) {
    if (typeof x !== 'string' || !expected.has(x) || seen.has(x)) return false;
    seen.add(x);
  }
  return true;
}
