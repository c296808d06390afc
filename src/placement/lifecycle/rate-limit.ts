/**
 * At most N automatic replacements per failure domain per sliding window: a rack that loses
 * power must not make the controller move every replica out of it at once (and a flapping
 * switch must not churn volumes). Explicit operator replaces bypass it.
 */
import type { ReplaceRateLimit } from './types.ts';

export class ReplacementBudget {
  readonly #limit: ReplaceRateLimit;
  readonly #taken = new Map<string, number[]>();

  constructor(limit: ReplaceRateLimit) {
    if (!Number.isInteger(limit.perDomain) || limit.perDomain < 1) throw new RangeError(`replaceRateLimit.perDomain must be a positive integer, got ${limit.perDomain}`);
    if (!(limit.windowMs >= 0)) throw new RangeError(`replaceRateLimit.windowMs must be non-negative, got ${limit.windowMs}`);
    this.#limit = limit;
  }

  #recent(domain: string, now: number): number[] {
    const list = (this.#taken.get(domain) ?? []).filter((t) => now - t < this.#limit.windowMs);
    this.#taken.set(domain, list);
    return list;
  }

  allows(domain: string, now: number): boolean {
    return this.#recent(domain, now).length < this.#limit.perDomain;
  }

  take(domain: string, now: number): void {
    this.#recent(domain, now).push(now);
  }

  /** When the domain's next replacement is allowed. */
  nextAt(domain: string, now: number): number {
    const list = this.#recent(domain, now);
    return list.length < this.#limit.perDomain ? now : list[list.length - this.#limit.perDomain]! + this.#limit.windowMs;
  }
}
