/**
 * Calls the user's policy stages safely: a stage that throws or returns something unusable gets
 * Mesos's default for that call, and the error is counted and reported, never propagated into
 * the engine (the engine's own invariants do not depend on what a policy returns).
 */
import type { Resources } from '../resources/index.ts';
import { RememberedRejections } from './remembered-rejections.ts';
import type { OfferContext, Policy, Rejection, SortFrameworksContext, SortRolesContext } from '../policy/index.ts';

export type PolicyStage = 'sortRoles' | 'sortFrameworks' | 'filter' | 'score' | 'size' | 'callback';

export interface PolicyErrorReport {
  readonly stage: PolicyStage;
  readonly message: string;
}

export class PolicyRunner {
  readonly errors = new Map<PolicyStage, number>();
  /** Rejections this policy allowed the engine to remember; replacing the policy (the runner) drops them. */
  readonly remembered = new RememberedRejections();
  lastError: PolicyErrorReport | undefined;

  constructor(
    readonly policy: Policy,
    private readonly onError: (report: PolicyErrorReport) => void = () => {},
  ) {}

  get hasScore(): boolean {
    return typeof this.policy.score === 'function';
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
