/**
 * GROUP_BY: an even spread over the values of a field.
 *
 * With a count n (Marathon 1.10+, Constraints.checkGroupBy): with T target instances each group
 * should hold k = floor(T / n), and T % n groups may hold one more. A value that already holds
 * instances accepts another while it holds fewer than k, or exactly k while the remainder is not
 * used up (remainder consumed = sum over groups of max(0, count - k)). A new value is accepted
 * only while fewer than n groups are in use. Instances on agents lacking the field form a group
 * of their own, as Scala's `groupBy` on an Option makes them.
 *
 * Without a count, the groups are the values seen so far (docs/docs/constraints.md): a new value
 * is always accepted, a used one only while it is among the smallest groups. (Marathon 1.10's
 * code divides by the count, zero here, so this follows the documented and pre-1.10 behaviour.)
 */
import { fieldReader, missingFieldReason } from '../field-value.ts';
import type { Constraint } from '../types.ts';
import { countsReader, instances, shown, type Rule } from './rule.ts';

type GroupBy = Extract<Constraint, { type: 'GROUP_BY' }>;

export function groupByRule(constraint: GroupBy): Rule {
  const { field, groups } = constraint;
  const read = fieldReader(field);
  const rule = groups === undefined ? 'GROUP_BY' : `GROUP_BY ${groups}`;
  const target = (size: number, targetInstances: number | undefined): number => (size === 0 ? 1 : (targetInstances ?? size + 1));
  const countsOf = countsReader(field);
  return {
    constraint,
    accepts(agent, tally, options) {
      const value = read(agent);
      if (value === undefined) return false;
      const counts = countsOf(tally);
      const count = counts.count(value);
      if (groups === undefined) return count === 0 || count === counts.minGroup();
      if (count === 0) return counts.groups < groups;
      const total = target(tally.size, options.targetInstances);
      const perGroup = Math.floor(total / groups);
      if (count < perGroup) return true;
      return count === perGroup && (total % groups) - counts.excessAbove(perGroup) > 0;
    },
    reason(agent, tally, options) {
      const value = read(agent);
      if (value === undefined) return missingFieldReason(agent, field, rule);
      const counts = tally.field(field);
      const count = counts.count(value);
      const here = `${shown(field, value)} already holds ${instances(count)}`;
      if (groups === undefined) return `${here}, more than the smallest group (${instances(counts.minGroup())}) (${rule})`;
      if (count === 0) return `${shown(field, value)} would be a new group, but ${counts.groups} of ${groups} groups are in use (${rule})`;
      const total = target(tally.size, options.targetInstances);
      const perGroup = Math.floor(total / groups);
      const remainder = total % groups;
      const used = Math.min(remainder, counts.excessAbove(perGroup));
      return `${here}; ${total} instances over ${groups} groups allow ${perGroup} per group and ${remainder} extra, ${used} of them used (${rule})`;
    },
  };
}
