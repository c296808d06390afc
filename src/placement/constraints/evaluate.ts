/**
 * One-shot evaluation from plain data: constraints, a candidate agent and the agents of the
 * placed instances. Builds a tally from `placed` on every call (O(placed)); a placement pass
 * should compile once and keep a PlacementTally instead (compile.ts).
 */
import { CompiledConstraints } from './compile.ts';
import type { EvaluationOptions } from './operators/rule.ts';
import { PlacementTally } from './tally.ts';
import type { Constraint, ConstraintResult, ConstraintVerdict, PlacementAgent } from './types.ts';

export interface PlacementContext extends EvaluationOptions {
  /** The agents of the already placed instances, one entry per instance, in placement order. */
  readonly placed?: readonly PlacementAgent[];
  /** A kept tally, used instead of `placed`. */
  readonly tally?: PlacementTally;
}

// Compiling validates and builds regexes: remember it per constraints array.
const compiled = new WeakMap<readonly Constraint[], CompiledConstraints>();

function compile(constraints: readonly Constraint[] | CompiledConstraints): CompiledConstraints {
  if (constraints instanceof CompiledConstraints) return constraints;
  let c = compiled.get(constraints);
  if (c === undefined) {
    c = new CompiledConstraints(constraints);
    compiled.set(constraints, c);
  }
  return c;
}

function tallyOf(ctx: PlacementContext): PlacementTally {
  return ctx.tally ?? new PlacementTally(ctx.placed ?? []);
}

/** All hard constraints must hold on `agent`; soft ones make the score. */
export function evaluate(constraints: readonly Constraint[] | CompiledConstraints, agent: PlacementAgent, ctx: PlacementContext = {}): ConstraintResult {
  return compile(constraints).evaluate(agent, tallyOf(ctx), ctx);
}

/** Every constraint's verdict on `agent`. */
export function explain(constraints: readonly Constraint[] | CompiledConstraints, agent: PlacementAgent, ctx: PlacementContext = {}): ConstraintVerdict[] {
  return compile(constraints).explain(agent, tallyOf(ctx), ctx);
}
