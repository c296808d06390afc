/**
 * UNIQUE and MAX_PER: limits on the instances already on the agent's value.
 * UNIQUE: none yet. MAX_PER n: fewer than n (Marathon accepts a value with no instance even
 * for n <= 0, so MAX_PER 0 behaves as UNIQUE).
 */
import { fieldReader, missingFieldReason } from '../field-value.ts';
import type { Constraint } from '../types.ts';
import { countsReader, instances, shown, type Rule } from './rule.ts';

type Unique = Extract<Constraint, { type: 'UNIQUE' }>;
type MaxPer = Extract<Constraint, { type: 'MAX_PER' }>;

export function uniqueRule(constraint: Unique): Rule {
  const { field } = constraint;
  const read = fieldReader(field);
  const countsOf = countsReader(field);
  return {
    constraint,
    accepts(agent, tally) {
      const value = read(agent);
      return value !== undefined && countsOf(tally).count(value) === 0;
    },
    reason(agent, tally) {
      const value = read(agent);
      if (value === undefined) return missingFieldReason(agent, field, 'UNIQUE');
      return `${shown(field, value)} already holds ${instances(tally.field(field).count(value))} (UNIQUE)`;
    },
  };
}

export function maxPerRule(constraint: MaxPer): Rule {
  const { field, max } = constraint;
  const read = fieldReader(field);
  const rule = `MAX_PER ${max}`;
  const countsOf = countsReader(field);
  return {
    constraint,
    accepts(agent, tally) {
      const value = read(agent);
      if (value === undefined) return false;
      const count = countsOf(tally).count(value);
      return count === 0 || count < max;
    },
    reason(agent, tally) {
      const value = read(agent);
      if (value === undefined) return missingFieldReason(agent, field, rule);
      return `${shown(field, value)} already holds ${instances(tally.field(field).count(value))} (${rule})`;
    },
  };
}
