/**
 * Plain data of placement constraints: what a service asks for (`Constraint`), the agents it is
 * placed on (`PlacementAgent`) and the verdicts (`ConstraintResult`). Marathon's operators keep
 * Marathon's names (docs/docs/constraints.md); SPREAD, SOFT, AND, OR and NOT go beyond Marathon.
 */
import type { DomainInfo } from '../../allocator/types.ts';
import type { Attribute } from '../../resources/index.ts';

/**
 * An agent attribute. Mesos agents only carry SCALAR, RANGES and TEXT (the project's
 * `Attribute`); SET is accepted because Marathon formats it (`{a,b}`) and frameworks can build
 * such attributes themselves.
 */
export type PlacementAttribute = Attribute | { readonly name: string; readonly type: 'SET'; readonly items: readonly string[] };

/** The agent of a placed instance, or a candidate for a new one. */
export interface PlacementAgent {
  readonly id: string;
  readonly hostname: string;
  readonly attributes: readonly PlacementAttribute[];
  /** The agent's fault domain, read by the `@region` and `@zone` fields. */
  readonly domain?: DomainInfo;
}

/**
 * `hostname` / `@hostname`, `@region`, `@zone`, or the name of an agent attribute (the first
 * attribute of that name counts, as in Marathon).
 */
export type ConstraintField = string;

export type MarathonOperator = 'UNIQUE' | 'CLUSTER' | 'GROUP_BY' | 'MAX_PER' | 'LIKE' | 'UNLIKE' | 'IS';

/** A constraint that filters (hard) unless wrapped in `SOFT`. */
export type Constraint =
  /** No other instance on the same field value. */
  | { readonly type: 'UNIQUE'; readonly field: ConstraintField }
  /** All instances on `value`, or (without a value) on the first placed instance's value. */
  | { readonly type: 'CLUSTER'; readonly field: ConstraintField; readonly value?: string }
  /** Even spread over `groups` values (Marathon 1.10 rule); without `groups`, over the values seen so far. */
  | { readonly type: 'GROUP_BY'; readonly field: ConstraintField; readonly groups?: number }
  /** At most `max` instances per field value. */
  | { readonly type: 'MAX_PER'; readonly field: ConstraintField; readonly max: number }
  /** The whole value matches the regular expression (Java `String.matches`). */
  | { readonly type: 'LIKE'; readonly field: ConstraintField; readonly pattern: string }
  /** The value does not match, or the field is missing. */
  | { readonly type: 'UNLIKE'; readonly field: ConstraintField; readonly pattern: string }
  /** The value equals `value` (scalars compared at three decimals). */
  | { readonly type: 'IS'; readonly field: ConstraintField; readonly value: string }
  /** Kubernetes topology spread: count(domain) + 1 - min count over eligible domains <= maxSkew. */
  | { readonly type: 'SPREAD'; readonly field: ConstraintField; readonly maxSkew: number }
  | { readonly type: 'AND'; readonly all: readonly Constraint[] }
  | { readonly type: 'OR'; readonly any: readonly Constraint[] }
  | { readonly type: 'NOT'; readonly not: Constraint }
  /** Never rejects; adds `weight` to the score when `constraint` holds. Top level only. */
  | { readonly type: 'SOFT'; readonly weight: number; readonly constraint: Constraint };

export type ConstraintType = Constraint['type'];

/** Why a placement was refused: the rule (`code`), a sentence with the counts, and the constraint. */
export interface ConstraintFailure {
  readonly ok: false;
  /** The failing rule: the operator, or `REGION` for Marathon's local-region rule. */
  readonly code: ConstraintType | 'REGION';
  readonly reason: string;
  /** The top-level constraint that failed (absent for `REGION`). */
  readonly constraint?: Constraint;
}

export interface ConstraintSuccess {
  readonly ok: true;
  /** Sum of the weights of the soft constraints that hold (0 without soft constraints). */
  readonly score: number;
  /** Sum of the weights of all soft constraints. */
  readonly maxScore: number;
}

export type ConstraintResult = ConstraintSuccess | ConstraintFailure;

/** One constraint's verdict in an explanation (every constraint is checked, none skipped). */
export interface ConstraintVerdict {
  readonly constraint: Constraint;
  readonly soft: boolean;
  readonly ok: boolean;
  /** Set when `ok` is false. */
  readonly reason?: string;
}
