/** AND, OR and NOT over compiled rules; reasons quote the inner rules' reasons. */
import { describeConstraint } from '../format.ts';
import type { Constraint } from '../types.ts';
import type { Rule } from './rule.ts';

type And = Extract<Constraint, { type: 'AND' }>;
type Or = Extract<Constraint, { type: 'OR' }>;
type Not = Extract<Constraint, { type: 'NOT' }>;

export function andRule(constraint: And, rules: readonly Rule[]): Rule {
  return {
    constraint,
    accepts(agent, tally, options) {
      for (const rule of rules) if (!rule.accepts(agent, tally, options)) return false;
      return true;
    },
    reason(agent, tally, options) {
      const failed = rules.find((rule) => !rule.accepts(agent, tally, options));
      return failed === undefined ? 'AND holds' : `AND: ${failed.reason(agent, tally, options)}`;
    },
  };
}

export function orRule(constraint: Or, rules: readonly Rule[]): Rule {
  return {
    constraint,
    accepts(agent, tally, options) {
      for (const rule of rules) if (rule.accepts(agent, tally, options)) return true;
      return false;
    },
    reason(agent, tally, options) {
      return `none of ${rules.length} alternatives holds (OR): ${rules.map((rule) => rule.reason(agent, tally, options)).join('; ')}`;
    },
  };
}

export function notRule(constraint: Not, inner: Rule): Rule {
  return {
    constraint,
    accepts(agent, tally, options) {
      return !inner.accepts(agent, tally, options);
    },
    reason(agent) {
      return `${describeConstraint(inner.constraint)} holds on agent ${agent.id} (NOT)`;
    },
  };
}
