/**
 * One field constraint from `field`, operator and optional value, validated as Marathon's API
 * validates it (SchedulingValidation.complyWithConstraintRules), shared by every syntax.
 */
import { compileWholeMatch } from './regex.ts';
import type { Constraint } from './types.ts';

/** Throws a ConstraintParseError for the constraint being built. */
export type Fail = (problem: string) => never;

/** Operator names, case-insensitive, `_` optional: `GROUP_BY`, `groupBy`, `group_by`. */
const OPERATORS: Readonly<Record<string, Constraint['type']>> = {
  UNIQUE: 'UNIQUE',
  CLUSTER: 'CLUSTER',
  GROUPBY: 'GROUP_BY',
  MAXPER: 'MAX_PER',
  LIKE: 'LIKE',
  UNLIKE: 'UNLIKE',
  IS: 'IS',
  SPREAD: 'SPREAD',
};

export type FieldOperator = 'UNIQUE' | 'CLUSTER' | 'GROUP_BY' | 'MAX_PER' | 'LIKE' | 'UNLIKE' | 'IS' | 'SPREAD';

export function operatorOf(name: string): FieldOperator | undefined {
  const key = name.toUpperCase().replace(/_/g, '');
  return Object.hasOwn(OPERATORS, key) ? (OPERATORS[key] as FieldOperator) : undefined;
}

/** Java's Integer.parseInt (what Marathon's `toInt` accepts): optional sign, digits, 32-bit. */
function javaInt(value: string): number | undefined {
  if (!/^[+-]?[0-9]+$/.test(value)) return undefined;
  const n = Number(value);
  return n >= -(2 ** 31) && n <= 2 ** 31 - 1 ? n : undefined;
}

/** Marathon's IS accepts Mesos text and scalar values only (SchedulingValidationMessages). */
const IS_VALUE = /^[a-zA-Z0-9_/.-]+$/;

export function fieldConstraint(field: string, operator: FieldOperator, value: string | undefined, fail: Fail): Constraint {
  if (field.length === 0) fail('missing field for constraint declaration');
  switch (operator) {
    case 'UNIQUE':
      if (value !== undefined) fail('UNIQUE does not accept a value');
      return { type: 'UNIQUE', field };
    case 'CLUSTER':
      // Marathon: an empty value is no value (the first instance picks it).
      return value === undefined || value === '' ? { type: 'CLUSTER', field } : { type: 'CLUSTER', field, value };
    case 'GROUP_BY': {
      if (value === undefined) return { type: 'GROUP_BY', field };
      const groups = javaInt(value);
      if (groups === undefined) fail('GROUP_BY must define an integer value or else no value at all');
      // Marathon accepts 0 and negatives here, then divides by zero when it matches an offer.
      if (groups! < 1) fail(`GROUP_BY needs at least one group, got ${value}`);
      return { type: 'GROUP_BY', field, groups: groups! };
    }
    case 'MAX_PER': {
      const max = value === undefined ? undefined : javaInt(value);
      if (max === undefined) fail('MAX_PER requires an integer value');
      return { type: 'MAX_PER', field, max: max! };
    }
    case 'LIKE':
    case 'UNLIKE': {
      if (value === undefined || value === '') fail(`${operator} requires a non-empty regular expression value`);
      const compiled = compileWholeMatch(value!);
      if (typeof compiled === 'string') fail(`${JSON.stringify(value)} is not a valid regular expression: ${compiled}`);
      return { type: operator, field, pattern: value! };
    }
    case 'IS':
      if (value === undefined || value === '') fail('IS requires a value');
      if (!IS_VALUE.test(value!)) fail('IS only supports Mesos text and scalar values ([a-zA-Z0-9_/.-])');
      return { type: 'IS', field, value: value! };
    case 'SPREAD': {
      const maxSkew = value === undefined ? undefined : javaInt(value);
      if (maxSkew === undefined || maxSkew < 1) fail('SPREAD requires a maximum skew, an integer >= 1');
      return { type: 'SPREAD', field, maxSkew: maxSkew! };
    }
  }
}

/** The value a field constraint is written with (inverse of fieldConstraint), or undefined. */
export function valueOf(constraint: Constraint): string | undefined {
  switch (constraint.type) {
    case 'CLUSTER':
      return constraint.value;
    case 'GROUP_BY':
      return constraint.groups === undefined ? undefined : String(constraint.groups);
    case 'MAX_PER':
      return String(constraint.max);
    case 'LIKE':
    case 'UNLIKE':
      return constraint.pattern;
    case 'IS':
      return constraint.value;
    case 'SPREAD':
      return String(constraint.maxSkew);
    default:
      return undefined;
  }
}
