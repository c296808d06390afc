/**
 * LIKE, UNLIKE and IS: the agent's own value decides, placed instances do not matter.
 * LIKE/UNLIKE match the whole value (Java `String.matches`); only UNLIKE holds when the agent
 * lacks the field. IS compares text, with scalar-looking values normalised as SCALAR attributes
 * are (`0.80` and `0.8001` both become `0.8`).
 */
import { normalizeIsValue } from '../decimal-format.ts';
import { fieldReader, missingFieldReason } from '../field-value.ts';
import { compileWholeMatch } from '../regex.ts';
import type { Constraint } from '../types.ts';
import { shown, type Rule } from './rule.ts';

type Like = Extract<Constraint, { type: 'LIKE' | 'UNLIKE' }>;
type Is = Extract<Constraint, { type: 'IS' }>;

export function likeRule(constraint: Like): Rule {
  const { field, pattern, type } = constraint;
  const read = fieldReader(field);
  const regex = compileWholeMatch(pattern) as RegExp; // validated when parsed
  const negate = type === 'UNLIKE';
  const rule = `${type} ${pattern}`;
  return {
    constraint,
    accepts(agent) {
      const value = read(agent);
      if (value === undefined) return negate;
      return regex.test(value) !== negate;
    },
    reason(agent) {
      const value = read(agent);
      if (value === undefined) return missingFieldReason(agent, field, rule);
      return `${shown(field, value)} ${negate ? 'matches' : 'does not match'} ${pattern} (${rule})`;
    },
  };
}

export function isRule(constraint: Is): Rule {
  const { field, value: expected } = constraint;
  const read = fieldReader(field);
  const target = normalizeIsValue(expected);
  const rule = `IS ${expected}`;
  return {
    constraint,
    accepts(agent) {
      return read(agent) === target;
    },
    reason(agent) {
      const value = read(agent);
      if (value === undefined) return missingFieldReason(agent, field, rule);
      return `${shown(field, value)} is not ${target} (${rule})`;
    },
  };
}
