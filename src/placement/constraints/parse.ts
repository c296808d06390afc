/**
 * Constraints from Marathon's JSON form, with this project's extensions, or from the
 * mesos/kafka string form (parse-string.ts):
 *
 *   [["hostname","UNIQUE"], ["rack","GROUP_BY","3"], ["rack","MAX_PER",2]]     Marathon triples
 *   ["@zone","SPREAD","1"]                                                     topology spread (maxSkew)
 *   {"and":[…]}  {"or":[…]}  {"not": c}                                         composition
 *   {"soft": c, "weight": 2}                                                    scoring, top level only
 *   {"fieldName":"rack","operator":"GROUP_BY","value":"3"}                      Marathon's pod form
 *   {"type":"MAX_PER","field":"rack","max":2}                                   the plain data itself
 *
 * Operator names are case-insensitive (Marathon upper-cases them); a value may be a JSON number.
 */
import { fieldConstraint, operatorOf, valueOf, type Fail } from './build.ts';
import { ConstraintParseError } from './errors.ts';
import { parseConstraintString } from './parse-string.ts';
import type { Constraint } from './types.ts';

/**
 * Parses constraints. A string that starts with `[` or `{` is JSON, any other string is the
 * mesos/kafka form; a non-string is taken as already-decoded JSON. Throws ConstraintParseError.
 */
export function parseConstraints(input: unknown): Constraint[] {
  if (typeof input === 'string') {
    const trimmed = input.trim();
    if (!trimmed.startsWith('[') && !trimmed.startsWith('{')) return parseConstraintString(input);
    let json: unknown;
    try {
      json = JSON.parse(trimmed);
    } catch (e) {
      throw new ConstraintParseError(trimmed, '$', `not valid JSON (${(e as Error).message})`);
    }
    return parseConstraintsJson(json);
  }
  return parseConstraintsJson(input);
}

function show(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

function parseConstraintsJson(json: unknown): Constraint[] {
  if (!Array.isArray(json)) throw new ConstraintParseError(show(json), '$', 'constraints must be an array of constraints');
  if (json.length > 0 && typeof json[0] === 'string') {
    throw new ConstraintParseError(show(json), '$', 'constraints must be an array of constraints, e.g. [["hostname","UNIQUE"]], not a single triple');
  }
  return json.map((c, i) => parseOne(c, `[${i}]`, true));
}

/** A JSON value of a triple: strings as they are, finite numbers as Java would print an int or as written. */
function valueText(v: unknown, fail: Fail): string | undefined {
  if (v === undefined) return undefined;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return fail(`the value must be a string or a number, got ${show(v)}`);
}

function parseTriple(c: readonly unknown[], fail: Fail): Constraint {
  if (c.length < 2 || c.length > 3) fail('each constraint must have either 2 or 3 fields');
  const [field, op, value] = c;
  if (typeof field !== 'string') return fail('the field must be a string');
  if (typeof op !== 'string') return fail('the operator must be a string');
  const operator = operatorOf(op);
  if (operator === undefined) return fail(`operator must be one of UNIQUE, CLUSTER, GROUP_BY, LIKE, MAX_PER, UNLIKE, IS or SPREAD, got ${JSON.stringify(op)}`);
  return fieldConstraint(field, operator, valueText(value, fail), fail);
}

function onlyKeys(o: Record<string, unknown>, keys: readonly string[], fail: Fail): void {
  for (const k of Object.keys(o)) if (!keys.includes(k)) fail(`unknown key ${JSON.stringify(k)} (expected ${keys.join(', ')})`);
}

function parseList(v: unknown, path: string, fail: Fail): Constraint[] {
  if (!Array.isArray(v) || v.length === 0) return fail('needs a non-empty array of constraints');
  return v.map((c, i) => parseOne(c, `${path}[${i}]`, false));
}

function parseOne(c: unknown, path: string, topLevel: boolean): Constraint {
  const fail: Fail = (problem) => {
    throw new ConstraintParseError(show(c), path, problem);
  };
  if (Array.isArray(c)) return parseTriple(c, fail);
  if (typeof c !== 'object' || c === null) return fail('expected a [field, operator, value?] triple or an {and|or|not|soft} object');
  const o = c as Record<string, unknown>;
  if ('type' in o) return parseTyped(o, path, topLevel, fail);
  if ('fieldName' in o) {
    // Marathon's pod form: {"fieldName": "rack", "operator": "GROUP_BY", "value": "3"}
    onlyKeys(o, ['fieldName', 'operator', 'value'], fail);
    return parseTriple(o['value'] === undefined ? [o['fieldName'], o['operator']] : [o['fieldName'], o['operator'], o['value']], fail);
  }
  if ('and' in o) {
    onlyKeys(o, ['and'], fail);
    return { type: 'AND', all: parseList(o['and'], `${path}.and`, fail) };
  }
  if ('or' in o) {
    onlyKeys(o, ['or'], fail);
    return { type: 'OR', any: parseList(o['or'], `${path}.or`, fail) };
  }
  if ('not' in o) {
    onlyKeys(o, ['not'], fail);
    return { type: 'NOT', not: parseOne(o['not'], `${path}.not`, false) };
  }
  if ('soft' in o) {
    onlyKeys(o, ['soft', 'weight'], fail);
    return soft(parseOne(o['soft'], `${path}.soft`, false), o['weight'] ?? 1, topLevel, fail);
  }
  return fail('expected a [field, operator, value?] triple or an {and|or|not|soft} object');
}

function soft(constraint: Constraint, weight: unknown, topLevel: boolean, fail: Fail): Constraint {
  if (!topLevel) fail('a soft constraint may only appear at the top level');
  if (typeof weight !== 'number' || !Number.isFinite(weight) || weight <= 0) fail('the weight of a soft constraint must be a finite number > 0');
  if (constraint.type === 'SOFT') fail('a soft constraint cannot wrap another soft constraint');
  return { type: 'SOFT', weight: weight as number, constraint };
}

/** The plain `Constraint` objects themselves, validated like every other form. */
function parseTyped(o: Record<string, unknown>, path: string, topLevel: boolean, fail: Fail): Constraint {
  const type = o['type'];
  switch (type) {
    case 'AND':
      onlyKeys(o, ['type', 'all'], fail);
      return { type, all: parseList(o['all'], `${path}.all`, fail) };
    case 'OR':
      onlyKeys(o, ['type', 'any'], fail);
      return { type, any: parseList(o['any'], `${path}.any`, fail) };
    case 'NOT':
      onlyKeys(o, ['type', 'not'], fail);
      return { type, not: parseOne(o['not'], `${path}.not`, false) };
    case 'SOFT':
      onlyKeys(o, ['type', 'weight', 'constraint'], fail);
      return soft(parseOne(o['constraint'], `${path}.constraint`, false), o['weight'], topLevel, fail);
  }
  const operator = typeof type === 'string' && type === type.toUpperCase() ? operatorOf(type) : undefined;
  if (operator === undefined) return fail(`unknown constraint type ${show(type)}`);
  const key = { UNIQUE: undefined, CLUSTER: 'value', GROUP_BY: 'groups', MAX_PER: 'max', LIKE: 'pattern', UNLIKE: 'pattern', IS: 'value', SPREAD: 'maxSkew' }[operator];
  onlyKeys(o, key === undefined ? ['type', 'field'] : ['type', 'field', key], fail);
  if (typeof o['field'] !== 'string') return fail('the field must be a string');
  const raw = key === undefined ? undefined : o[key];
  if (raw !== undefined && typeof raw !== (key === 'value' || key === 'pattern' ? 'string' : 'number')) {
    fail(`${key} must be a ${key === 'value' || key === 'pattern' ? 'string' : 'number'}`);
  }
  const built = fieldConstraint(o['field'], operator, raw === undefined ? undefined : String(raw), fail);
  if (valueOf(built) !== (raw === undefined ? undefined : String(raw))) fail(`${key} ${show(raw)} is not in normal form`);
  return built;
}
