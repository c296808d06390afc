/**
 * Compiled constraints: validated once (regexes compiled, fields resolved), then evaluated
 * against many agents with a PlacementTally. All hard constraints must hold; soft ones add
 * their weight to the score when they hold and never refuse.
 */
import { isFaultDomainField } from './field-value.ts';
import { andRule, notRule, orRule } from './operators/compose.ts';
import { clusterRule } from './operators/cluster.ts';
import { maxPerRule, uniqueRule } from './operators/counting.ts';
import { groupByRule } from './operators/group-by.ts';
import { isRule, likeRule } from './operators/match.ts';
import type { EvaluationOptions, Rule } from './operators/rule.ts';
import { spreadRule } from './operators/spread.ts';
import { parseConstraints } from './parse.ts';
import { PlacementTally } from './tally.ts';
import type { Constraint, ConstraintFailure, ConstraintResult, ConstraintSuccess, ConstraintVerdict, PlacementAgent } from './types.ts';

function compileRule(c: Constraint): Rule {
  switch (c.type) {
    case 'UNIQUE':
      return uniqueRule(c);
    case 'CLUSTER':
      return clusterRule(c);
    case 'GROUP_BY':
      return groupByRule(c);
    case 'MAX_PER':
      return maxPerRule(c);
    case 'LIKE':
    case 'UNLIKE':
      return likeRule(c);
    case 'IS':
      return isRule(c);
    case 'SPREAD':
      return spreadRule(c);
    case 'AND':
      return andRule(c, c.all.map(compileRule));
    case 'OR':
      return orRule(c, c.any.map(compileRule));
    case 'NOT':
      return notRule(c, compileRule(c.not));
    case 'SOFT':
      return compileRule(c.constraint); // only reached inside SOFT handling below
  }
}

function mentionsFaultDomain(c: Constraint): boolean {
  switch (c.type) {
    case 'AND':
      return c.all.some(mentionsFaultDomain);
    case 'OR':
      return c.any.some(mentionsFaultDomain);
    case 'NOT':
      return mentionsFaultDomain(c.not);
    case 'SOFT':
      return mentionsFaultDomain(c.constraint);
    default:
      return isFaultDomainField(c.field);
  }
}

const NO_OPTIONS: EvaluationOptions = {};

export class CompiledConstraints {
  /** The validated constraints, in the order given. */
  readonly constraints: readonly Constraint[];
  /** Sum of the soft constraints' weights. */
  readonly maxScore: number;
  readonly #hard: readonly Rule[];
  readonly #soft: ReadonlyArray<{ readonly rule: Rule; readonly weight: number }>;
  readonly #faultDomainAware: boolean;
  readonly #pass: ConstraintSuccess;

  /** Validates (as parseConstraints does) and compiles; throws ConstraintParseError. */
  constructor(constraints: readonly Constraint[]) {
    this.constraints = parseConstraints(constraints);
    const hard: Rule[] = [];
    const soft: Array<{ rule: Rule; weight: number }> = [];
    for (const c of this.constraints) {
      if (c.type === 'SOFT') soft.push({ rule: compileRule(c.constraint), weight: c.weight });
      else hard.push(compileRule(c));
    }
    this.#hard = hard;
    this.#soft = soft;
    this.maxScore = soft.reduce((sum, s) => sum + s.weight, 0);
    this.#faultDomainAware = this.constraints.some(mentionsFaultDomain);
    this.#pass = Object.freeze({ ok: true, score: 0, maxScore: this.maxScore });
  }

  /** A tally of `placed` (one agent per instance) to evaluate against and update. */
  tally(placed: Iterable<PlacementAgent> = []): PlacementTally {
    return new PlacementTally(placed);
  }

  #remote(agent: PlacementAgent, options: EvaluationOptions): boolean {
    const local = options.localRegion;
    return local !== undefined && !this.#faultDomainAware && agent.domain !== undefined && agent.domain.region !== local;
  }

  /** Whether every hard constraint holds; allocates nothing (the hot path of a placement pass). */
  accepts(agent: PlacementAgent, tally: PlacementTally, options: EvaluationOptions = NO_OPTIONS): boolean {
    if (this.#remote(agent, options)) return false;
    const hard = this.#hard;
    for (let i = 0; i < hard.length; i++) if (!hard[i]!.accepts(agent, tally, options)) return false;
    return true;
  }

  /** Sum of the weights of the soft constraints that hold on `agent`. */
  score(agent: PlacementAgent, tally: PlacementTally, options: EvaluationOptions = NO_OPTIONS): number {
    let score = 0;
    for (const { rule, weight } of this.#soft) if (rule.accepts(agent, tally, options)) score += weight;
    return score;
  }

  /** The verdict: the first failing hard constraint with its reason, or ok with the soft score. */
  evaluate(agent: PlacementAgent, tally: PlacementTally, options: EvaluationOptions = NO_OPTIONS): ConstraintResult {
    if (this.#remote(agent, options)) return remoteFailure(agent, options.localRegion!);
    for (const rule of this.#hard) {
      if (!rule.accepts(agent, tally, options)) {
        const c = rule.constraint;
        return { ok: false, code: c.type, reason: rule.reason(agent, tally, options), constraint: c } satisfies ConstraintFailure;
      }
    }
    if (this.#soft.length === 0) return this.#pass;
    return { ok: true, score: this.score(agent, tally, options), maxScore: this.maxScore };
  }

  /** Every constraint's verdict on `agent`, hard and soft, none skipped ("why not here?"). */
  explain(agent: PlacementAgent, tally: PlacementTally, options: EvaluationOptions = NO_OPTIONS): ConstraintVerdict[] {
    const verdicts: ConstraintVerdict[] = [];
    let h = 0;
    let s = 0;
    for (const c of this.constraints) {
      const soft = c.type === 'SOFT';
      const rule = soft ? this.#soft[s++]!.rule : this.#hard[h++]!;
      const ok = rule.accepts(agent, tally, options);
      verdicts.push(ok ? { constraint: c, soft, ok } : { constraint: c, soft, ok, reason: rule.reason(agent, tally, options) });
    }
    return verdicts;
  }
}

function remoteFailure(agent: PlacementAgent, local: string): ConstraintFailure {
  return {
    ok: false,
    code: 'REGION',
    reason: `agent ${agent.id} is in region ${agent.domain!.region}, not the local region ${local}; name @region or @zone in a constraint to place there`,
  };
}

/** Validates and compiles constraints for repeated evaluation. */
export function compileConstraints(constraints: readonly Constraint[]): CompiledConstraints {
  return new CompiledConstraints(constraints);
}
