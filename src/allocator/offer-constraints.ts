/**
 * Offer constraints (Mesos 1.11 `OfferConstraintsFilter`, src/master/allocator/mesos/
 * offer_constraints_filter.cpp; messages `OfferConstraints` / `AttributeConstraint` in
 * scheduler.proto). A framework gives, per role, groups of attribute constraints: an agent is
 * offered to the role iff at least one group has all its constraints true (OR of ANDs). A role
 * without constraints never excludes an agent.
 */
import { formatAttributeValue, roleProblem, type Attribute } from '../resources/index.ts';

export type PseudoattributeType = 'HOSTNAME' | 'REGION' | 'ZONE';

/** `AttributeConstraint.Selector`: a pseudoattribute, or the FIRST agent attribute of that name. */
export type AttributeConstraintSelector =
  | { readonly pseudoattributeType: PseudoattributeType }
  | { readonly attributeName: string };

type EmptyMessage = Readonly<Record<string, never>>;

/** `AttributeConstraint.Predicate` (a protobuf oneof: exactly one key). Regexes are RE2, full match. */
export type AttributeConstraintPredicate =
  | { readonly exists: EmptyMessage }
  | { readonly notExists: EmptyMessage }
  | { readonly textEquals: { readonly value: string } }
  | { readonly textNotEquals: { readonly value: string } }
  | { readonly textMatches: { readonly regex: string } }
  | { readonly textNotMatches: { readonly regex: string } };

export interface AttributeConstraint {
  readonly selector: AttributeConstraintSelector;
  readonly predicate: AttributeConstraintPredicate;
}

/** `OfferConstraints.RoleConstraints.Group`: its constraints are ANDed. */
export interface RoleConstraintsGroup {
  readonly attributeConstraints: readonly AttributeConstraint[];
}

/** `OfferConstraints.RoleConstraints`: its groups are ORed. */
export interface RoleConstraints {
  readonly groups: readonly RoleConstraintsGroup[];
}

export interface OfferConstraints {
  readonly roleConstraints: Readonly<Record<string, RoleConstraints>>;
}

/** What the filter looks at (a subset of SlaveInfo); `domain` is the agent's fault domain. */
export interface OfferConstraintsAgent {
  readonly hostname: string;
  readonly attributes?: readonly Attribute[];
  readonly domain?: { readonly region: string; readonly zone: string };
}

/**
 * Stand-ins for the master flags `--offer_constraints_re2_max_program_size` (100) and
 * `--offer_constraints_re2_max_mem` (4096 B). JavaScript has no RE2, so neither can be measured:
 * `maxProgramSize` is compared with a LOWER BOUND of RE2's program size (about one instruction
 * per literal character or class, counted repetitions multiplied out, captures 2 each), so a regex
 * rejected here is one Mesos rejects too; `maxPatternLength` caps the pattern text outright. The
 * memory limit is not modelled (RE2 rejects e.g. `.{30}` or `\p{L}` on memory alone).
 */
export interface OfferConstraintsLimits {
  readonly maxProgramSize?: number;
  readonly maxPatternLength?: number;
}

export const DEFAULT_RE2_MAX_PROGRAM_SIZE = 100;
export const DEFAULT_MAX_PATTERN_LENGTH = 1000;

/** Invalid offer constraints; `field` is the path of the bad field, e.g. `roleConstraints["a"].groups`. */
export class OfferConstraintsError extends Error {
  override readonly name: string = 'OfferConstraintsError';
  readonly field: string;

  constructor(field: string, problem: string) {
    super(`${field}: ${problem}`);
    this.field = field;
  }
}

export interface OfferConstraintsFilter {
  /** Roles that have constraints; every other role is never excluded. */
  readonly roles: readonly string[];
  isAgentExcluded(role: string, agent: OfferConstraintsAgent): boolean;
  /** Why the agent is excluded for the role (the first failing constraint of each group), or undefined. */
  excludedBecause(role: string, agent: OfferConstraintsAgent): string | undefined;
}

type PredicateKind = 'exists' | 'notExists' | 'textEquals' | 'textNotEquals' | 'textMatches' | 'textNotMatches';
const PREDICATE_KINDS: readonly PredicateKind[] = ['exists', 'notExists', 'textEquals', 'textNotEquals', 'textMatches', 'textNotMatches'];
const PREDICATE_ARGUMENT: Readonly<Record<PredicateKind, 'value' | 'regex' | undefined>> = {
  exists: undefined, notExists: undefined, textEquals: 'value', textNotEquals: 'value', textMatches: 'regex', textNotMatches: 'regex',
};
/** Predicates that hold for a (pseudo)attribute that does not exist. */
const HOLDS_WHEN_ABSENT: ReadonlySet<PredicateKind> = new Set(['notExists', 'textNotEquals', 'textNotMatches']);

interface CompiledConstraint {
  readonly pseudoattribute: PseudoattributeType | undefined;
  readonly attributeName: string;
  readonly kind: PredicateKind;
  /** textEquals / textNotEquals value, or the regex source (for reasons). */
  readonly text: string;
  readonly regex: RegExp | undefined;
}

type Selected = string | Attribute | undefined;

function select(c: CompiledConstraint, agent: OfferConstraintsAgent): Selected {
  if (c.pseudoattribute === 'HOSTNAME') return agent.hostname;
  if (c.pseudoattribute !== undefined) return c.pseudoattribute === 'REGION' ? agent.domain?.region : agent.domain?.zone;
  const attributes = agent.attributes ?? [];
  for (let i = 0; i < attributes.length; i++) if (attributes[i]!.name === c.attributeName) return attributes[i];
  return undefined;
}

/** The first constraint of `group` that fails for the agent, or undefined when the group holds. */
function firstFailure(group: readonly CompiledConstraint[], agent: OfferConstraintsAgent): CompiledConstraint | undefined {
  for (let i = 0; i < group.length; i++) if (!holds(group[i]!, select(group[i]!, agent))) return group[i];
  return undefined;
}

function holds(c: CompiledConstraint, value: Selected): boolean {
  if (value === undefined) return HOLDS_WHEN_ABSENT.has(c.kind);
  if (c.kind === 'exists') return true;
  if (c.kind === 'notExists') return false;
  let text: string;
  if (typeof value === 'string') text = value;
  else if (value.type === 'TEXT') text = value.text;
  else return true; // SCALAR and RANGES satisfy every text predicate, negated ones too (scheduler.proto).
  if (c.kind === 'textEquals') return text === c.text;
  if (c.kind === 'textNotEquals') return text !== c.text;
  return c.regex!.test(text) === (c.kind === 'textMatches');
}

function describe(c: CompiledConstraint, value: Selected): string {
  const what = c.pseudoattribute === undefined ? `attribute ${JSON.stringify(c.attributeName)}` : c.pseudoattribute.toLowerCase();
  const shown = value === undefined ? 'absent' : typeof value === 'string' ? JSON.stringify(value)
    : value.type === 'TEXT' ? JSON.stringify(value.text) : formatAttributeValue(value);
  const predicate = c.kind.replace(/[A-Z]/g, (u) => `_${u.toLowerCase()}`);
  const operand = c.kind === 'exists' || c.kind === 'notExists' ? '' : ` ${JSON.stringify(c.text)}`;
  return `${what} (${shown}) fails ${predicate}${operand}`;
}

/**
 * The filter for `constraints`. Validates them at run time as Mesos does (the protobuf-JSON
 * snake_case form is accepted too) and compiles each regex once. Throws OfferConstraintsError.
 */
export function createOfferConstraintsFilter(constraints: OfferConstraints, limits: OfferConstraintsLimits = {}): OfferConstraintsFilter {
  const byRole = new Map<string, CompiledConstraint[][]>();
  for (const [role, groups] of Object.entries(normalize(constraints).roleConstraints)) {
    byRole.set(role, groups.groups.map((group, g) => group.attributeConstraints.map((constraint, i) =>
      compileConstraint(constraint, `roleConstraints[${JSON.stringify(role)}].groups[${g}].attributeConstraints[${i}]`, limits))));
  }
  return {
    roles: Object.freeze([...byRole.keys()]),
    isAgentExcluded(role, agent) {
      const groups = byRole.get(role);
      if (groups === undefined) return false;
      for (let g = 0; g < groups.length; g++) if (firstFailure(groups[g]!, agent) === undefined) return false;
      return true;
    },
    excludedBecause(role, agent) {
      const groups = byRole.get(role);
      if (groups === undefined) return undefined;
      const failures: string[] = [];
      for (const [g, group] of groups.entries()) {
        const failed = firstFailure(group, agent);
        if (failed === undefined) return undefined;
        failures.push(`group ${g}: ${describe(failed, select(failed, agent))}`);
      }
      return `offer constraints of role ${JSON.stringify(role)} not met: ${failures.join('; ')}`;
    },
  };
}

/** Mesos's default-constructed filter: no constraints, excludes nothing. */
export const NO_OFFER_CONSTRAINTS_FILTER: OfferConstraintsFilter = createOfferConstraintsFilter({ roleConstraints: {} });

/**
 * Validates offer constraints given as JSON (protobuf-JSON snake_case like Mesos's
 * `{"role_constraints": {...}}`, or camelCase) and returns them in camelCase. Stricter than Mesos
 * in one way: unknown fields are errors (Mesos ignores them, so a typo silently drops a constraint).
 */
export function parseOfferConstraints(json: unknown, limits: OfferConstraintsLimits = {}): OfferConstraints {
  const constraints = normalize(json);
  createOfferConstraintsFilter(constraints, limits); // regexes, limits
  return constraints;
}

/** Mesos master validation: constraints only for roles the framework is subscribed to. */
export function validateOfferConstraintsRoles(frameworkRoles: readonly string[], constraints: OfferConstraints): void {
  for (const role of Object.keys(constraints.roleConstraints)) {
    if (!frameworkRoles.includes(role)) {
      throw new OfferConstraintsError(`roleConstraints[${JSON.stringify(role)}]`, `role ${JSON.stringify(role)} is not one of the framework's roles`);
    }
  }
}

// ---- structure -------------------------------------------------------------------------------

function message(value: unknown, path: string, fields: readonly string[]): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new OfferConstraintsError(path, 'must be an object');
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    const camel = key.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
    if (!fields.includes(camel)) throw new OfferConstraintsError(`${path}.${key}`, `unknown field (expected one of ${fields.join(', ')})`);
    if (Object.hasOwn(out, camel)) throw new OfferConstraintsError(`${path}.${key}`, `given twice (camelCase and snake_case)`);
    out[camel] = v;
  }
  return out;
}

function nonEmptyArray(value: unknown, path: string, what: string): unknown[] {
  if (!Array.isArray(value)) throw new OfferConstraintsError(path, value === undefined ? `missing (${what} cannot be empty)` : 'must be an array');
  if (value.length === 0) throw new OfferConstraintsError(path, `${what} cannot be empty`);
  return value;
}

function string(value: unknown, path: string): string {
  if (typeof value !== 'string') throw new OfferConstraintsError(path, value === undefined ? 'missing (required string)' : 'must be a string');
  return value;
}

function oneof(fields: Record<string, unknown>, path: string, names: readonly string[]): string {
  const set = Object.keys(fields);
  if (set.length !== 1) throw new OfferConstraintsError(path, `exactly one of ${names.join(', ')} must be set${set.length > 1 ? ` (got ${set.join(', ')})` : ''}`);
  return set[0]!;
}

const PSEUDOATTRIBUTES: Readonly<Record<string, PseudoattributeType>> = { HOSTNAME: 'HOSTNAME', REGION: 'REGION', ZONE: 'ZONE', 1: 'HOSTNAME', 2: 'REGION', 3: 'ZONE' };

function normalize(json: unknown): OfferConstraints {
  const top = message(json, 'offerConstraints', ['roleConstraints']);
  const rolesJson = top['roleConstraints'] ?? {};
  if (typeof rolesJson !== 'object' || rolesJson === null || Array.isArray(rolesJson)) {
    throw new OfferConstraintsError('roleConstraints', 'must be an object (a map from role to RoleConstraints)');
  }
  const entries = Object.entries(rolesJson).map(([role, roleJson]): [string, RoleConstraints] => {
    const rolePath = `roleConstraints[${JSON.stringify(role)}]`;
    const problem = roleProblem(role);
    if (problem !== undefined) throw new OfferConstraintsError(rolePath, `invalid role: ${problem}`);
    const groups = nonEmptyArray(message(roleJson, rolePath, ['groups'])['groups'], `${rolePath}.groups`, 'RoleConstraints.groups');
    return [role, {
      groups: groups.map((groupJson, g) => {
        const groupPath = `${rolePath}.groups[${g}]`;
        const list = nonEmptyArray(message(groupJson, groupPath, ['attributeConstraints'])['attributeConstraints'],
          `${groupPath}.attributeConstraints`, 'a RoleConstraints.Group');
        return { attributeConstraints: list.map((c, i) => normalizeConstraint(c, `${groupPath}.attributeConstraints[${i}]`)) };
      }),
    }];
  });
  return { roleConstraints: Object.fromEntries(entries) };
}

function normalizeConstraint(json: unknown, path: string): AttributeConstraint {
  const fields = message(json, path, ['selector', 'predicate']);
  const selectorPath = `${path}.selector`;
  const selectorJson = message(fields['selector'] ?? missing(selectorPath), selectorPath, ['pseudoattributeType', 'attributeName']);
  let selector: AttributeConstraintSelector;
  if (oneof(selectorJson, selectorPath, ['pseudoattributeType', 'attributeName']) === 'attributeName') {
    selector = { attributeName: string(selectorJson['attributeName'], `${selectorPath}.attributeName`) };
  } else {
    const type = selectorJson['pseudoattributeType'];
    const known = typeof type === 'string' || typeof type === 'number' ? PSEUDOATTRIBUTES[type] : undefined;
    if (known === undefined) throw new OfferConstraintsError(`${selectorPath}.pseudoattributeType`, `unknown pseudoattribute type ${JSON.stringify(type)} (expected HOSTNAME, REGION or ZONE)`);
    selector = { pseudoattributeType: known };
  }
  const predicatePath = `${path}.predicate`;
  const predicateJson = message(fields['predicate'] ?? missing(predicatePath), predicatePath, PREDICATE_KINDS);
  const kind = oneof(predicateJson, predicatePath, PREDICATE_KINDS) as PredicateKind;
  const argField = PREDICATE_ARGUMENT[kind];
  const arg = message(predicateJson[kind], `${predicatePath}.${kind}`, argField === undefined ? [] : [argField]);
  const predicate = { [kind]: argField === undefined ? {} : { [argField]: string(arg[argField], `${predicatePath}.${kind}.${argField}`) } };
  return { selector, predicate: predicate as AttributeConstraintPredicate };
}

function missing(path: string): never {
  throw new OfferConstraintsError(path, 'missing (required)');
}

function compileConstraint(constraint: AttributeConstraint, path: string, limits: OfferConstraintsLimits): CompiledConstraint {
  const s = constraint.selector;
  const kind = PREDICATE_KINDS.find((k) => k in constraint.predicate)!;
  const arg = (constraint.predicate as Record<string, { value?: string; regex?: string }>)[kind]!;
  return {
    pseudoattribute: 'pseudoattributeType' in s ? s.pseudoattributeType : undefined,
    attributeName: 'attributeName' in s ? s.attributeName : '',
    kind,
    text: arg.value ?? arg.regex ?? '',
    regex: arg.regex === undefined ? undefined : compileRe2(arg.regex, `${path}.predicate.${kind}.regex`, limits),
  };
}

// ---- RE2 regexes in JavaScript -----------------------------------------------------------------

const RE2_MAX_REPEAT = 1000;
/** RE2's smallest program (`^$`) has 2 instructions. */
const RE2_BASE_PROGRAM_SIZE = 2;
const RE2_SPACE = '\\t\\n\\f\\r ';
/** `.`, `\D`, `\S`, `\W` span most of Unicode: 7+ UTF-8 instructions each (any character is 7). */
const RE2_BROAD_CLASS_SIZE = 6;

interface Frame {
  readonly capture: boolean;
  /** Largest finished alternative, current alternative, last atom (lower bounds of RE2 instructions). */
  best: number;
  seq: number;
  last: number;
}

/**
 * A RegExp (`^(?:…)$`, flag `u`) that full-matches what RE2 full-matches. Checked against RE2
 * 2020-07-06 (Mesos's bundled version) on random patterns: no pattern accepted here was refused by
 * RE2's parser, and accepted patterns matched alike. The pattern is rewritten where the engines
 * disagree on meaning (RE2's `.` and `\s` are narrower) or syntax (`\x{…}`, octal, `\A`, `\z`,
 * `(?P<name>`, escaped punctuation, literal `{` `}` `]`), and refused where RE2 would refuse it or
 * read it otherwise (lookaround, backreferences, `(?<name>`, `[[:alpha:]]`, `[]`, `[\b]`, counts
 * above 1000). Some RE2-only syntax is refused too: inline flags `(?i)`, `\p`, `\Q…\E`, `\C`.
 */
function compileRe2(pattern: string, path: string, limits: OfferConstraintsLimits): RegExp {
  const fail = (problem: string): never => {
    throw new OfferConstraintsError(path, `invalid regex ${JSON.stringify(pattern)}: ${problem}`);
  };
  const maxLength = limits.maxPatternLength ?? DEFAULT_MAX_PATTERN_LENGTH;
  if (pattern.length > maxLength) fail(`too complex: longer than ${maxLength} characters`);
  const stack: Frame[] = [{ capture: false, best: 0, seq: 0, last: 0 }];
  const names = new Set<string>();
  let out = '';
  const atom = (js: string, size: number): void => {
    const frame = stack[stack.length - 1]!;
    out += js;
    frame.seq += size;
    frame.last = size;
  };
  const escape = (at: number, inClass: boolean): [js: string, length: number] => {
    const e = pattern[at + 1];
    if (e === undefined) return fail('trailing backslash');
    if (e === 'k') return fail('named backreferences (\\k<name>) are not supported by RE2');
    if (e === 'p' || e === 'P') return fail(`Unicode classes (\\${e}) are not supported here (most exceed Mesos's RE2 memory limit)`);
    if (e === 'c' || e === 'u') return fail(`\\${e} escapes are not supported by RE2`);
    if (e === 'b' && inClass) return fail('\\b inside a class (backspace) is not supported by RE2');
    if (e === 's' && inClass && (pattern[at - 1] === '-' || pattern[at + 2] === '-')) return fail("\\s next to '-' in a class is not supported here");
    if (e === 's') return [inClass ? RE2_SPACE : `[${RE2_SPACE}]`, 2];
    if (e === 'S') return inClass ? fail('\\S inside a class is not supported here; use [^...] with \\t\\n\\f\\r and space') : [`[^${RE2_SPACE}]`, 2];
    if (e === 'x' && pattern[at + 2] === '{') {
      const close = pattern.indexOf('}', at);
      const hex = pattern.slice(at + 3, close);
      if (close < 0 || !/^[0-9A-Fa-f]{1,6}$/.test(hex)) return fail('bad \\x{...} escape');
      return [`\\u{${hex}}`, close - at + 1];
    }
    if (e === 'x') return /^[0-9A-Fa-f]{2}$/.test(pattern.slice(at + 2, at + 4)) ? [pattern.slice(at, at + 4), 4] : fail('bad \\x escape (two hex digits or \\x{...})');
    const octal = /^(?:0[0-7]{0,2}|[1-7][0-7]{1,2})/.exec(pattern.slice(at + 1));
    if (octal !== null) return [`\\u{${parseInt(octal[0], 8).toString(16)}}`, octal[0].length + 1];
    if (e >= '8' && e <= '9') return fail(`bad escape \\${e}`);
    if (e >= '1' && e <= '7') return fail(`backreferences (\\${e}) are not supported by RE2`);
    if (!inClass && (e === 'A' || e === 'z')) return [e === 'A' ? '^' : '$', 2]; // begin / end of text
    // RE2 takes any escaped ASCII non-alphanumeric literally; JavaScript ('u') only its syntax characters.
    if (e < '\x80' && !/[A-Za-z0-9]/.test(e)) return [/[\^$\\.*+?()[\]{}|/]/.test(e) ? `\\${e}` : `\\x${e.charCodeAt(0).toString(16).padStart(2, '0')}`, 2];
    return [`\\${e}`, 2];
  };

  let i = 0;
  while (i < pattern.length) {
    const c = pattern[i]!;
    if (c === '\\') {
      const [js, length] = escape(i, false);
      const e = pattern[i + 1]!;
      atom(js, /^[bBAz]$/.test(e) ? 0 : /^[DSW]$/.test(e) ? RE2_BROAD_CLASS_SIZE : 1);
      i += length;
    } else if (c === '[') {
      let j = i + 1;
      let js = '[';
      if (pattern[j] === '^') { js += '^'; j++; }
      if (pattern[j] === ']') fail("a class cannot start with ']' here (RE2 reads it as a literal, JavaScript as an empty class); write \\]");
      for (;;) {
        const d = pattern[j];
        if (d === undefined) fail('missing ] in character class');
        if (d === ']') break;
        if (d === '[' && pattern[j + 1] === ':') fail("'[:' in a class (RE2 reads [:alpha:] as a POSIX class, JavaScript does not); write \\[");
        if (d === '\\') {
          const [ejs, length] = escape(j, true);
          js += ejs;
          j += length;
        } else {
          js += d;
          j++;
        }
      }
      atom(`${js}]`, 1);
      i = j + 1;
    } else if (c === '(') {
      let capture = true;
      if (pattern.startsWith('(?:', i)) {
        capture = false;
        out += '(?:';
        i += 3;
      } else if (pattern.startsWith('(?P<', i)) {
        const close = pattern.indexOf('>', i);
        const name = pattern.slice(i + 4, close);
        if (close < 0 || !/^\w+$/.test(name)) fail('bad (?P<name> group name');
        if (names.has(name)) fail(`duplicate group name ${name}`);
        names.add(name);
        out += '(';
        i = close + 1;
      } else if (pattern[i + 1] === '?') {
        if (/^\(\?<?[=!]/.test(pattern.slice(i, i + 4))) fail('lookaround ((?=, (?!, (?<=, (?<!) is not supported by RE2');
        if (pattern[i + 2] === '<') fail("named groups (?<name>...) are not supported by Mesos's RE2; write (?P<name>...)");
        fail('inline flags and other (?...) groups are not supported here');
      } else {
        out += '(';
        i += 1;
      }
      stack.push({ capture, best: 0, seq: 0, last: 0 });
    } else if (c === ')') {
      const frame = stack.pop()!;
      if (stack.length === 0) fail('unmatched )');
      atom(')', Math.max(frame.best, frame.seq) + (frame.capture ? 2 : 0));
      i += 1;
    } else if (c === '|') {
      const frame = stack[stack.length - 1]!;
      frame.best = Math.max(frame.best, frame.seq);
      frame.seq = 0;
      frame.last = 0;
      out += '|';
      i += 1;
    } else if (c === '{') {
      const count = /^\{(\d+)(,(\d*))?\}/.exec(pattern.slice(i));
      if (count === null) {
        atom('\\{', 1); // a literal '{' for RE2, an error for JavaScript ('u')
        i += 1;
        continue;
      }
      const min = Number(count[1]);
      const max = count[2] === undefined ? min : count[3] === '' ? Math.max(min, 1) : Number(count[3]);
      if (min > RE2_MAX_REPEAT || max > RE2_MAX_REPEAT) fail(`repetition count above ${RE2_MAX_REPEAT} (RE2's limit)`);
      // RE2 expands x{n,m} into m copies of x (x{n,} into n, the last one x+).
      const frame = stack[stack.length - 1]!;
      frame.seq += frame.last * (max - 1);
      frame.last *= max;
      out += count[0];
      i += count[0].length;
    } else if (c === '}' || c === ']') {
      atom(`\\${c}`, 1);
      i += 1;
    } else if (c === '.') {
      atom('[^\\n]', RE2_BROAD_CLASS_SIZE); // RE2's '.' excludes only \n; JavaScript's also \r, U+2028, U+2029
      i += 1;
    } else if (c === '*' || c === '+' || c === '?' || c === '^' || c === '$') {
      out += c;
      if (c === '^' || c === '$') stack[stack.length - 1]!.last = 0;
      i += 1;
    } else {
      const char = String.fromCodePoint(pattern.codePointAt(i)!);
      atom(char, 1);
      i += char.length;
    }
  }
  if (stack.length !== 1) fail('missing )');
  const top = stack[0]!;
  const size = RE2_BASE_PROGRAM_SIZE + Math.max(top.best, top.seq);
  const maxProgramSize = limits.maxProgramSize ?? DEFAULT_RE2_MAX_PROGRAM_SIZE;
  if (size > maxProgramSize) fail(`too complex: RE2 program size of at least ${size} is larger than maximum of ${maxProgramSize} allowed`);
  try {
    return new RegExp(`^(?:${out})$`, 'u');
  } catch (e) {
    return fail(e instanceof Error ? e.message : String(e));
  }
}
