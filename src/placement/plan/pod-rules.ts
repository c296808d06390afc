/**
 * A pod's constraints prepared for a planning pass: the full compiled set (what decides), the
 * agent-only part (LIKE/UNLIKE/IS and compositions of them) that filters candidates once per
 * pass, and whether a refusal is final. Within a pass instances are only added, so a refusal by
 * UNIQUE, MAX_PER, CLUSTER, GROUP_BY with a count or an agent-only rule never turns into an
 * acceptance; the planner then drops the agent for good instead of asking again for every
 * instance (what keeps a pass O((instances + agents) log agents) rather than O(instances × agents)).
 */
import { compileConstraints, type CompiledConstraints, type Constraint } from '../constraints/index.ts';
import type { PodSpec } from '../service/index.ts';

function agentOnly(c: Constraint): boolean {
  switch (c.type) {
    case 'LIKE':
    case 'UNLIKE':
    case 'IS':
      return true;
    case 'AND':
      return c.all.every(agentOnly);
    case 'OR':
      return c.any.every(agentOnly);
    case 'NOT':
      return agentOnly(c.not);
    default:
      return false;
  }
}

/** A refusal stays a refusal while instances are only added. */
function refusalIsFinal(c: Constraint): boolean {
  switch (c.type) {
    case 'UNIQUE':
    case 'MAX_PER':
    case 'CLUSTER':
      return true;
    case 'GROUP_BY':
      return c.groups !== undefined; // without a count, a used value reopens when the others catch up
    case 'AND':
      return c.all.every(refusalIsFinal);
    case 'OR':
      return c.any.every(refusalIsFinal);
    case 'SOFT':
      return true; // never refuses
    default:
      return agentOnly(c); // SPREAD reopens as the emptiest domain fills; NOT of a count flips
  }
}

export interface PodRules {
  readonly compiled: CompiledConstraints;
  /** Only the agent-only hard constraints: evaluated once per agent and pass. */
  readonly agentOnly: CompiledConstraints;
  /** Soft constraints on the agent alone: their score is fixed per agent and orders the heap. */
  readonly staticSoft: CompiledConstraints | undefined;
  /** Soft constraints that read the tally: scored per candidate. */
  readonly dynamicSoft: CompiledConstraints | undefined;
  readonly finalRefusals: boolean;
}

const cache = new WeakMap<PodSpec, PodRules>();

export function podRules(pod: PodSpec): PodRules {
  let rules = cache.get(pod);
  if (rules === undefined) {
    const constraints = pod.constraints;
    const soft = (fixed: boolean) => {
      const list = constraints.filter((c) => c.type === 'SOFT' && agentOnly(c.constraint) === fixed);
      return list.length === 0 ? undefined : compileConstraints(list);
    };
    rules = {
      compiled: compileConstraints(constraints),
      agentOnly: compileConstraints(constraints.filter(agentOnly)),
      staticSoft: soft(true),
      dynamicSoft: soft(false),
      finalRefusals: constraints.every(refusalIsFinal),
    };
    cache.set(pod, rules);
  }
  return rules;
}
