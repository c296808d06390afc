/**
 * Mesos's value syntax (src/common/values.cpp `values::parse`), shared by `--resources` and
 * `--attributes`: spaces are removed, `[a-b,c-d]` is RANGES, `{x,y}` is SET, a non-negative
 * finite decimal is SCALAR, anything else is TEXT. Written as a linear scanner so that no
 * input, however long, takes super-linear time.
 */
import { coalesceRanges, type Range } from './ranges.ts';
import { MAX_MILLI, MAX_SCALAR } from './scalar.ts';
import { sortedUnique } from './sets.ts';

export type ParsedValue =
  | { readonly type: 'SCALAR'; readonly scalar: number }
  | { readonly type: 'RANGES'; readonly ranges: Range[] }
  | { readonly type: 'SET'; readonly set: string[] }
  | { readonly type: 'TEXT'; readonly text: string };

/** Thrown inside this module only; callers turn it into a ResourceParseError with the token. */
export class ValueSyntaxError extends Error {}

function bracketsMatch(s: string): boolean {
  const stack: string[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === '[' || c === '{' || c === '(') stack.push(c);
    else if (c === ']' || c === '}' || c === ')') {
      const open = stack.pop();
      if (open === undefined || '[{('.indexOf(open) !== ']})'.indexOf(c)) return false;
    }
  }
  return stack.length === 0;
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

/**
 * A decimal as boost::lexical_cast<double> reads it (`8`, `1.5`, `.5`, `1e3`, `+2`), or
 * undefined. Negative, infinite, NaN and hexadecimal values are not scalars in Mesos.
 */
function decimal(s: string): number | undefined {
  let i = 0;
  if (s.charCodeAt(i) === 43 /* + */) i++;
  let digits = 0;
  while (i < s.length && isDigit(s.charCodeAt(i))) {
    i++;
    digits++;
  }
  if (s.charCodeAt(i) === 46 /* . */) {
    i++;
    while (i < s.length && isDigit(s.charCodeAt(i))) {
      i++;
      digits++;
    }
  }
  if (digits === 0) return undefined;
  const e = s.charCodeAt(i);
  if (e === 101 || e === 69 /* e E */) {
    i++;
    const sign = s.charCodeAt(i);
    if (sign === 43 || sign === 45) i++;
    const start = i;
    while (i < s.length && isDigit(s.charCodeAt(i))) i++;
    if (i === start) return undefined;
  }
  if (i !== s.length) return undefined;
  const value = Number(s);
  return Number.isFinite(value) ? value : undefined;
}

function nonNegativeInteger(s: string): number {
  if (s.length === 0) throw new ValueSyntaxError('expecting one or more "ranges" of the form [begin-end]');
  for (let i = 0; i < s.length; i++) {
    if (!isDigit(s.charCodeAt(i))) throw new ValueSyntaxError(`expecting non-negative integers in '${s}'`);
  }
  const n = Number(s);
  if (!Number.isSafeInteger(n)) throw new ValueSyntaxError(`range bound '${s}' is too large (maximum ${Number.MAX_SAFE_INTEGER})`);
  return n;
}

function parseRanges(s: string): Range[] {
  if (s[s.length - 1] !== ']') throw new ValueSyntaxError("unexpected text after ']'");
  const body = s.slice(1, -1);
  if (body.length === 0) return [];
  const ranges: Range[] = [];
  for (const part of body.split(',')) {
    const dash = part.indexOf('-');
    if (dash < 0 || part.indexOf('-', dash + 1) >= 0) {
      throw new ValueSyntaxError(`expecting a range of the form begin-end, got '${part}'`);
    }
    const begin = nonNegativeInteger(part.slice(0, dash));
    const end = nonNegativeInteger(part.slice(dash + 1));
    if (begin > end) throw new ValueSyntaxError(`invalid ranges, begin > end in [${begin}-${end}]`);
    ranges.push({ begin, end });
  }
  // Overlapping and adjacent ranges coalesce (observed on Mesos: [1-10,5-20] is [1-20]).
  return coalesceRanges(ranges);
}

function parseSet(s: string): string[] {
  if (s[s.length - 1] !== '}') throw new ValueSyntaxError("unexpected text after '}'");
  const items = s
    .slice(1, -1)
    .split(/[,\n]/)
    .filter((item) => item.length > 0);
  for (const item of items) {
    if (/[{}[\]]/.test(item)) throw new ValueSyntaxError(`unexpected bracket in set item '${item}'`);
  }
  const unique = sortedUnique(items);
  if (unique.duplicate !== undefined) throw new ValueSyntaxError(`duplicated set elements ('${unique.duplicate}')`);
  return unique.items;
}

export function parseValue(raw: string): ParsedValue {
  const s = raw.split(' ').join('');
  if (s.length === 0) throw new ValueSyntaxError('expecting a non-empty value');
  if (!bracketsMatch(s)) throw new ValueSyntaxError('mismatched brackets');
  const bracket = s.indexOf('[');
  if (bracket === 0) return { type: 'RANGES', ranges: parseRanges(s) };
  if (bracket > 0) throw new ValueSyntaxError("unexpected '[' found");
  const brace = s.indexOf('{');
  if (brace === 0) return { type: 'SET', set: parseSet(s) };
  if (brace > 0) throw new ValueSyntaxError("unexpected '{' found");
  const scalar = decimal(s);
  if (scalar !== undefined) {
    if (Math.round(scalar * 1000) > MAX_MILLI) throw new ValueSyntaxError(`scalar value too large (maximum ${MAX_SCALAR})`);
    return { type: 'SCALAR', scalar };
  }
  return { type: 'TEXT', text: s };
}
