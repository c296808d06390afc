/** The record a cycle leaves for `explain`: who got which agent, and why others were passed over. */
import type { AllocationStage } from '../policy/index.ts';

/** What the last cycle did, kept for `explain`. */
export interface CycleRecord {
  readonly at: number;
  readonly candidates: ReadonlySet<string>;
  /** Per agent, the offers in the order they were made. */
  readonly offersOn: Map<string, Array<{ readonly frameworkId: string; readonly role: string; readonly stage: AllocationStage }>>;
  /** `${frameworkId}\0${agentId}` → the policy's rejection in the last cycle. */
  readonly policyRejections: Map<string, { readonly role: string; readonly stage: AllocationStage; readonly reason: string }>;
  /** Per agent, the frameworks visited and skipped, with the rule that skipped them (parallel arrays, cheap to fill). */
  readonly skips: Map<string, { readonly frameworks: string[]; readonly roles: string[]; readonly codes: SkipCode[] }>;
  /** Roles found at their quota limits during the fair-share stage (passed over on plain agents without a visit). */
  readonly saturatedRoles: Set<string>;
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
