/**
 * The mesos/kafka `--constraints` form (README "constraint examples"; Constraint.scala and
 * Util.parseMap): `field=condition` entries separated by `,`, key and condition trimmed, a
 * condition being `operator[:value]`:
 *
 *   hostname=unique,rack=like:1.*,rack=groupBy:3,rack=cluster:a,rack=maxPer:2,rack=unlike:x,rack=is:x
 *
 * Kafka's own operators are like, unlike, unique, cluster[:v] and groupBy[:n]; maxPer, is and
 * spread[:maxSkew] are added with the same shape. Operator names are case-insensitive and `_` is
 * optional (groupBy = GROUP_BY = group_by). Semantics are Marathon's, for every syntax.
 *
 * Escaping: `\,` `\=` and `\\` stand for `,` `=` and `\`. Kafka drops the backslash before any
 * other character too (so `\d` would become `d`); here any other backslash is kept, so regular
 * expressions such as `r\d+` or `a\.b` arrive as written. Unlike kafka (a map: the last entry per
 * field wins), every entry is kept, so `rack=like:r.*,rack=maxPer:2` means both.
 */
import { fieldConstraint, operatorOf, type Fail } from './build.ts';
import { ConstraintParseError } from './errors.ts';
import type { Constraint } from './types.ts';

const ESCAPABLE = new Set([',', '=', '\\']);

/** Splits at unescaped `sep`, keeping the escapes. */
function splitEscaped(text: string, sep: string): string[] {
  const parts: string[] = [];
  let part = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '\\' && i + 1 < text.length && ESCAPABLE.has(text[i + 1]!)) {
      part += c + text[i + 1]!;
      i++;
    } else if (c === sep) {
      parts.push(part);
      part = '';
    } else {
      part += c;
    }
  }
  parts.push(part);
  return parts;
}

/** `\,` `\=` `\\` → `,` `=` `\`; other backslashes stay. */
function unescape(text: string): string {
  return text.replace(/\\([,=\\])/g, '$1');
}

export function parseConstraintString(text: string): Constraint[] {
  if (text.trim().length === 0) return [];
  const entries = splitEscaped(text, ',');
  if (entries[entries.length - 1] === '') entries.pop(); // kafka ignores one trailing comma
  return entries.map((entry, index) => {
    const fail: Fail = (problem) => {
      throw new ConstraintParseError(entry.trim(), `entry ${index + 1}`, problem);
    };
    if (entry.trim().length === 0) fail('empty constraint (two commas in a row?)');
    const eq = firstUnescaped(entry, '=');
    if (eq < 0) fail('expected field=operator[:value], e.g. hostname=unique');
    const field = unescape(entry.slice(0, eq)).trim();
    const condition = unescape(entry.slice(eq + 1)).trim();
    const colon = condition.indexOf(':');
    const name = colon < 0 ? condition : condition.slice(0, colon);
    const value = colon < 0 ? undefined : condition.slice(colon + 1);
    const operator = operatorOf(name);
    if (operator === undefined) {
      return fail(`unknown operator ${JSON.stringify(name)} (expected unique, cluster, groupBy, maxPer, like, unlike, is or spread)`);
    }
    return fieldConstraint(field, operator, value, fail);
  });
}

function firstUnescaped(text: string, sep: string): number {
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '\\' && i + 1 < text.length && ESCAPABLE.has(text[i + 1]!)) i++;
    else if (c === sep) return i;
  }
  return -1;
}
