/** A cycle's offers and operator calls, with lookups that read like the assertions tests want to make. */
import type { CycleResult } from '../allocator/types.ts';
import type { OperatorCall, OperatorCallResult, RescindedOffer } from '../policy/index.ts';
import { Resources } from '../resources/index.ts';

/** One of the policy's operator calls and, once it was made, how it ended. */
export interface OperatorCallEntry {
  readonly call: OperatorCall;
  readonly result?: OperatorCallResult;
}

export interface OfferEntry {
  readonly frameworkId: string;
  readonly role: string;
  readonly agentId: string;
  readonly resources: Resources;
}

export class CycleView {
  constructor(
    readonly result: CycleResult,
    readonly cluster?: unknown,
    /** The results of this cycle's operator calls that were made right after it (all of them, unless held). */
    readonly operatorCallResults: readonly OperatorCallResult[] = [],
  ) {}

  /** The policy's operator calls of this cycle, in order (checked by the engine; invalid ones are not here). */
  get operatorCalls(): readonly OperatorCall[] {
    return this.result.operatorCalls;
  }

  /** The call with this id and its result when it was made, or undefined. */
  operatorCall(id: string): OperatorCallEntry | undefined {
    const call = this.result.operatorCalls.find((c) => c.id === id);
    if (call === undefined) return undefined;
    const result = this.operatorCallResults.find((r) => r.id === id);
    return result === undefined ? { call } : { call, result };
  }

  /**
   * Offers the master rescinded to make this cycle's operator calls (made right after it); they
   * are no longer in `entries()` / `offered(...)`: the frameworks lost them.
   */
  get rescinded(): readonly RescindedOffer[] {
    return this.operatorCallResults.flatMap((r) => r.rescinded ?? []);
  }

  /** Every (framework, role, agent) offer of the cycle (without those rescinded since). */
  entries(): OfferEntry[] {
    const out: OfferEntry[] = [];
    for (const [frameworkId, byRole] of this.result.offers) {
      for (const [role, byAgent] of byRole) {
        for (const [agentId, resources] of byAgent) out.push({ frameworkId, role, agentId, resources });
      }
    }
    return out;
  }

  /** What `frameworkId` was offered on `agentId` (in `role`, when given), or undefined. */
  offered(frameworkId: string, agentId: string, role?: string): Resources | undefined {
    const byRole = this.result.offers.get(frameworkId);
    if (byRole === undefined) return undefined;
    let total: Resources | undefined;
    for (const [r, byAgent] of byRole) {
      if (role !== undefined && r !== role) continue;
      const resources = byAgent.get(agentId);
      if (resources !== undefined) total = (total ?? Resources.EMPTY).plus(resources);
    }
    return total;
  }

  /** Everything `frameworkId` was offered, across agents and roles. */
  offeredTo(frameworkId: string): Resources {
    let total = Resources.EMPTY;
    for (const e of this.entries()) if (e.frameworkId === frameworkId) total = total.plus(e.resources);
    return total;
  }

  /** The frameworks that got something on `agentId`. */
  frameworksOn(agentId: string): string[] {
    return this.entries().filter((e) => e.agentId === agentId).map((e) => e.frameworkId);
  }

  get offerCount(): number {
    return this.entries().length;
  }

  inverseOffered(frameworkId: string, agentId: string): boolean {
    return this.result.inverseOffers.get(frameworkId)?.has(agentId) ?? false;
  }
}
