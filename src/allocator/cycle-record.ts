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
  /** Per agent, the frameworks visited and skipped, with the rule that skipped them (parallel arrays, cheap to fill). */
  readonly skips: Map<string, { readonly frameworks: string[]; readonly roles: string[]; readonly codes: SkipCode[] }>;
  /** Roles found at their quota limits during the fair-share stage (passed over on plain agents without a visit). */
  readonly saturatedRoles: Set<string>;
}

export interface PolicyRejectionNote {
  readonly role: string;
  readonly stage: AllocationStage;
  readonly reason: string;
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
  readonly skips: CycleRecord['skips'] = new Map();
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
  private lastSkipAgent: string | undefined;
  private lastSkips: { readonly frameworks: string[]; readonly roles: string[]; readonly codes: SkipCode[] } | undefined;

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

  skipped(agentId: string, frameworkId: string, role: string, code: SkipCode): void {
    // Skips come in runs on one agent (a visit walks a role's frameworks): keep its entry at hand.
    let skips = agentId === this.lastSkipAgent ? this.lastSkips : this.skips.get(agentId);
    if (skips === undefined) this.skips.set(agentId, (skips = { frameworks: [], roles: [], codes: [] }));
    this.lastSkipAgent = agentId;
    this.lastSkips = skips;
    skips.frameworks.push(frameworkId);
    skips.roles.push(role);
    skips.codes.push(code);
  }
}
