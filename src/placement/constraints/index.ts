/**
 * Marathon-compatible placement constraints: may a new instance of a service go on this agent,
 * given where its instances already run? Marathon's operators with Marathon's semantics
 * (UNIQUE, CLUSTER, GROUP_BY, MAX_PER, LIKE, UNLIKE, IS over hostname, @region, @zone and
 * attributes), plus topology spread (maxSkew), soft constraints and AND/OR/NOT. Every refusal
 * carries a code and a reason with the counts.
 *
 *   const compiled = compileConstraints(parseConstraints('hostname=unique,rack=groupBy:3'));
 *   const tally = compiled.tally(placedAgents);
 *   compiled.evaluate(agent, tally, { targetInstances: 9 });  // { ok: false, code: 'UNIQUE', reason: … }
 *   tally.add(agent);                                          // after placing
 */
export type {
  Constraint, ConstraintField, ConstraintType, MarathonOperator, PlacementAgent, PlacementAttribute,
  ConstraintResult, ConstraintSuccess, ConstraintFailure, ConstraintVerdict,
} from './types.ts';
export { ConstraintParseError, ConstraintUsageError } from './errors.ts';
export { parseConstraints } from './parse.ts';
export { formatConstraintsJson, formatConstraintsString, describeConstraint } from './format.ts';
export { CompiledConstraints, compileConstraints } from './compile.ts';
export type { EvaluationOptions } from './operators/rule.ts';
export { evaluate, explain, type PlacementContext } from './evaluate.ts';
export { PlacementTally, FieldTally, type PlacedInstance } from './tally.ts';
export { selectInstancesToKill } from './kill.ts';
export { fieldValue, attributeText } from './field-value.ts';
export { formatDecimal } from './decimal-format.ts';
