/**
 * Constraints back to text: the JSON form (Marathon triples plus the extension objects) and the
 * mesos/kafka string form. `parseConstraints(formatConstraints(cs))` equals `cs`.
 */
import { valueOf } from './build.ts';
import { ConstraintUsageError } from './errors.ts';
import type { Constraint } from './types.ts';

type Json = string | number | Json[] | { [key: string]: Json };

function toJson(c: Constraint): Json {
  switch (c.type) {
    case 'AND':
      return { and: c.all.map(toJson) };
    case 'OR':
      return { or: c.any.map(toJson) };
    case 'NOT':
      return { not: toJson(c.not) };
    case 'SOFT':
      return { soft: toJson(c.constraint), weight: c.weight };
    default: {
      const value = valueOf(c);
      return value === undefined ? [c.field, c.type] : [c.field, c.type, value];
    }
  }
}

/** As Marathon writes constraints (`[["rack","GROUP_BY","3"]]`), with the extensions as objects. */
export function formatConstraintsJson(constraints: readonly Constraint[]): string {
  return JSON.stringify(constraints.map(toJson));
}

const STRING_OPERATORS: Readonly<Record<string, string>> = {
  UNIQUE: 'unique',
  CLUSTER: 'cluster',
  GROUP_BY: 'groupBy',
  MAX_PER: 'maxPer',
  LIKE: 'like',
  UNLIKE: 'unlike',
  IS: 'is',
  SPREAD: 'spread',
};

function escape(text: string): string {
  return text.replace(/[\\,=]/g, (c) => `\\${c}`);
}

/**
 * The mesos/kafka form (`hostname=unique,rack=groupBy:3`). Throws ConstraintUsageError for what
 * that form cannot say: AND/OR/NOT/SOFT, and fields or values with surrounding whitespace.
 */
export function formatConstraintsString(constraints: readonly Constraint[]): string {
  return constraints
    .map((c) => {
      const name = STRING_OPERATORS[c.type];
      if (name === undefined || !('field' in c)) throw new ConstraintUsageError(`${c.type} has no mesos/kafka string form; use formatConstraintsJson`);
      const value = valueOf(c);
      for (const text of [c.field, value ?? '']) {
        if (text.trim() !== text) throw new ConstraintUsageError(`${JSON.stringify(text)} has surrounding whitespace, which the string form trims`);
      }
      return `${escape(c.field)}=${name}${value === undefined ? '' : `:${escape(value)}`}`;
    })
    .join(',');
}

/** Short text of one constraint for reasons and logs: `rack MAX_PER 2`, `OR(…)`. */
export function describeConstraint(c: Constraint): string {
  switch (c.type) {
    case 'AND':
      return `AND(${c.all.map(describeConstraint).join(', ')})`;
    case 'OR':
      return `OR(${c.any.map(describeConstraint).join(', ')})`;
    case 'NOT':
      return `NOT(${describeConstraint(c.not)})`;
    case 'SOFT':
      return `SOFT(${describeConstraint(c.constraint)}, weight ${c.weight})`;
    default: {
      const value = valueOf(c);
      return value === undefined ? `${c.field} ${c.type}` : `${c.field} ${c.type} ${value}`;
    }
  }
}
