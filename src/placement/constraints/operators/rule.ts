/**
 * What every compiled constraint implements: a cheap yes/no for the hot path and, only when the
 * answer is no, the sentence that says why (with the counts), Kubernetes-Status style.
 */
import type { FieldTally, PlacementTally } from '../tally.ts';
import type { Constraint, PlacementAgent } from '../types.ts';

/** What an evaluation knows besides the agent. */
export interface EvaluationOptions {
  /**
   * The instance count the service is scaled to (Marathon's `instances`), read by GROUP_BY with a
   * count. Default: the placed instances plus the one being placed.
   */
  readonly targetInstances?: number;
  /**
   * The agents a placement pass chooses from. SPREAD takes its eligible domains from them (the
   * distinct values of its field); without them, from the placed instances. The domains are
   * read once per array: pass a new array when the candidates change.
   */
  readonly candidates?: readonly PlacementAgent[];
  /**
   * The scheduler's region. When set, agents in another region are refused unless some
   * constraint names `@region` or `@zone` (Marathon's fault-domain rule, ResourceMatcher).
   */
  readonly localRegion?: string;
}

export interface Rule {
  readonly constraint: Constraint;
  /** True when a new instance may go on `agent`. Allocates nothing. */
  accepts(agent: PlacementAgent, tally: PlacementTally, options: EvaluationOptions): boolean;
  /** Why `accepts` said no, naming the rule and the counts. Call only after a refusal. */
  reason(agent: PlacementAgent, tally: PlacementTally, options: EvaluationOptions): string;
}

/** `rack=r1`, `hostname=h1`, `@zone=a` */
export function shown(field: string, value: string): string {
  return `${field}=${value}`;
}

/** `1 instance`, `2 instances` */
export function instances(n: number): string {
  return n === 1 ? '1 instance' : `${n} instances`;
}

/**
 * `tally.field(field)` remembered for the last tally seen: rules run for every agent of a pass,
 * and the per-field lookup would cost as much as the count itself.
 */
export function countsReader(field: string): (tally: PlacementTally) => FieldTally {
  let last: PlacementTally | undefined;
  let counts: FieldTally | undefined;
  return (tally) => {
    if (tally !== last || counts === undefined) {
      counts = tally.field(field);
      last = tally;
    }
    return counts;
  };
}
