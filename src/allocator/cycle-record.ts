/** The record a cycle leaves for `explain`: who got which agent, and why others were passed over. */
import type { AllocationStage } from '../policy/index.ts';

export interface OfferNote {
  readonly frameworkId: string;
  readonly role: string;
  readonly stage: AllocationStage;
}

/** What the last cycle did, kept for `explain`. */
export interface CycleRecord {
  readonly at: number;
  readonly candidates: ReadonlySet<string>;
  /** Per agent, the offers in the order they were made. */
  readonly offersOn: Map<string, OfferNote[]>;
  /** `${frameworkId}\0${agentId}` → the policy's rejection in the last cycle. */
  readonly policyRejections: Map<string, PolicyRejectionNote>;
  /** Per agent, the frameworks visited and skipped, with the rule that skipped them (read them with `skipsOf`). */
  readonly skips: Map<string, AgentSkips>;
  /** Roles found at their quota limits during the fair-share stage (passed over on plain agents without a visit). */
  readonly saturatedRoles: Set<string>;
  /** Why `frameworkId` was passed over on `agentId`, once per visit that passed it, in visit order. */
  skipsOf(agentId: string, frameworkId: string): Array<{ readonly role: string; readonly code: SkipCode; readonly note?: PolicyRejectionNote }>;
}

/** The skips on one agent: parallel arrays (cheap to fill), and runs of remembered rejections noted at once. */
export interface AgentSkips {
  readonly frameworks: string[];
  readonly roles: string[];
  readonly codes: SkipCode[];
  /**
   * A visit that skipped a set of frameworks for their remembered rejections at once notes the set
   * (a skip plan's, never changed afterwards) less `except` (those the visit had passed before),
   * with `at`: how many single skips came before.
   */
  runs: SkipRun[] | undefined;
}

/** Frameworks skipped at once in a role (code 'policy'), but `except`; `note` says why when the plan knew (owned reservations). */
export interface SkipRun {
  readonly at: number;
  readonly role: string;
  readonly frameworks: ReadonlySet<string>;
  readonly except: readonly string[];
  readonly note: PolicyRejectionNote | undefined;
}

export interface PolicyRejectionNote {
  readonly role: string;
  readonly stage: AllocationStage;
  readonly reason: string;
  /** The policy stage that rejected, when not `filter`. */
  readonly by?: 'reservationOwners';
  /** Set when the policy was not asked: its earlier rejection (`until`) still held; `at` is when it was given. */
  readonly remembered?: { readonly at: number };
}

/** Why the cycle passed over a framework on an agent. */
export type SkipCode =
  | 'offer-constraints'
  | 'gpu-agent'
  | 'remote-region'
  | 'below-min-allocatable'
  | 'no-guarantee-progress'
  | 'over-quota-limit'
  | 'implicit-filter'
  | 'filtered'
  | 'policy'
  | 'policy-sized-to-nothing';

/**
 * The record as the cycle fills it. Offers are logged in flat parallel arrays (a cycle makes one
 * per agent or more, and a map entry, an array and an object per offer were a measurable part of
 * the cycle); `offersOn` is built from them the first time `explain` asks.
 */
export class CycleLog implements CycleRecord {
  readonly saturatedRoles = new Set<string>();
  private readonly offerAgents: string[] = [];
  private readonly offerFrameworks: string[] = [];
  private readonly offerRoles: string[] = [];
  private readonly offerStages: AllocationStage[] = [];
  private offersOnValue: Map<string, OfferNote[]> | undefined;
  /** Policy rejections likewise (with many frameworks in a role there can be one per framework and agent). */
  private readonly rejectionFrameworks: string[] = [];
  private readonly rejectionAgents: string[] = [];
  private readonly rejectionNotes: PolicyRejectionNote[] = [];
  private policyRejectionsValue: Map<string, PolicyRejectionNote> | undefined;
  /**
   * Skips likewise, for the whole cycle (a cycle with many frameworks per role skips thousands,
   * and an object and three arrays per agent were most of the record's garbage); `runs[i].at` is
   * the number of single skips logged before run i. `skips` is built from them when asked.
   */
  private readonly skipAgents: string[] = [];
  private readonly skipFrameworks: string[] = [];
  private readonly skipRoles: string[] = [];
  private readonly skipCodes: SkipCode[] = [];
  private readonly runAgents: string[] = [];
  private readonly runs: SkipRun[] = [];
  private skipsValue: Map<string, AgentSkips> | undefined;

  constructor(
    readonly at: number,
    readonly candidates: ReadonlySet<string>,
  ) {}

  get offersOn(): Map<string, OfferNote[]> {
    if (this.offersOnValue === undefined) {
      const byAgent = new Map<string, OfferNote[]>();
      for (let i = 0; i < this.offerAgents.length; i++) {
        const agentId = this.offerAgents[i]!;
        let notes = byAgent.get(agentId);
        if (notes === undefined) byAgent.set(agentId, (notes = []));
        notes.push({ frameworkId: this.offerFrameworks[i]!, role: this.offerRoles[i]!, stage: this.offerStages[i]! });
      }
      this.offersOnValue = byAgent;
    }
    return this.offersOnValue;
  }

  get policyRejections(): Map<string, PolicyRejectionNote> {
    if (this.policyRejectionsValue === undefined) {
      const map = new Map<string, PolicyRejectionNote>();
      for (let i = 0; i < this.rejectionFrameworks.length; i++) map.set(`${this.rejectionFrameworks[i]!}\0${this.rejectionAgents[i]!}`, this.rejectionNotes[i]!);
      this.policyRejectionsValue = map;
    }
    return this.policyRejectionsValue;
  }

  rejected(agentId: string, frameworkId: string, note: PolicyRejectionNote): void {
    this.policyRejectionsValue = undefined;
    this.rejectionFrameworks.push(frameworkId);
    this.rejectionAgents.push(agentId);
    this.rejectionNotes.push(note);
  }

  offered(agentId: string, frameworkId: string, role: string, stage: AllocationStage): void {
    this.offersOnValue = undefined;
    this.offerAgents.push(agentId);
    this.offerFrameworks.push(frameworkId);
    this.offerRoles.push(role);
    this.offerStages.push(stage);
  }

  get skips(): Map<string, AgentSkips> {
    if (this.skipsValue === undefined) {
      const byAgent = new Map<string, AgentSkips>();
      const on = (agentId: string): AgentSkips => {
        let skips = byAgent.get(agentId);
        if (skips === undefined) byAgent.set(agentId, (skips = { frameworks: [], roles: [], codes: [], runs: undefined }));
        return skips;
      };
      let run = 0;
      for (let i = 0; i <= this.skipAgents.length; i++) {
        for (; run < this.runs.length && this.runs[run]!.at === i; run++) {
          const skips = on(this.runAgents[run]!);
          (skips.runs ??= []).push({ ...this.runs[run]!, at: skips.frameworks.length });
        }
        if (i === this.skipAgents.length) break;
        const skips = on(this.skipAgents[i]!);
        skips.frameworks.push(this.skipFrameworks[i]!);
        skips.roles.push(this.skipRoles[i]!);
        skips.codes.push(this.skipCodes[i]!);
      }
      this.skipsValue = byAgent;
    }
    return this.skipsValue;
  }

  skipped(agentId: string, frameworkId: string, role: string, code: SkipCode): void {
    this.skipsValue = undefined;
    this.skipAgents.push(agentId);
    this.skipFrameworks.push(frameworkId);
    this.skipRoles.push(role);
    this.skipCodes.push(code);
  }

  /**
   * `frameworks` but `except` were skipped in `role` (code 'policy') for their remembered rejections,
   * or for `note` (the owners' plan); neither set is changed afterwards.
   */
  skippedRemembered(agentId: string, role: string, frameworks: ReadonlySet<string>, except: readonly string[], note?: PolicyRejectionNote): void {
    this.skipsValue = undefined;
    this.runAgents.push(agentId);
    this.runs.push({ at: this.skipAgents.length, role, frameworks, except, note });
  }

  skipsOf(agentId: string, frameworkId: string): Array<{ readonly role: string; readonly code: SkipCode; readonly note?: PolicyRejectionNote }> {
    const out: Array<{ readonly role: string; readonly code: SkipCode; readonly note?: PolicyRejectionNote }> = [];
    const skips = this.skips.get(agentId);
    if (skips === undefined) return out;
    let run = 0;
    const runs = skips.runs ?? [];
    for (let i = 0; i <= skips.frameworks.length; i++) {
      for (; run < runs.length && runs[run]!.at === i; run++) {
        const r = runs[run]!;
        if (r.frameworks.has(frameworkId) && !r.except.includes(frameworkId)) out.push(r.note === undefined ? { role: r.role, code: 'policy' } : { role: r.role, code: 'policy', note: r.note });
      }
      if (i < skips.frameworks.length && skips.frameworks[i] === frameworkId) out.push({ role: skips.roles[i]!, code: skips.codes[i]! });
    }
    return out;
  }
}
