/**
 * Offer constraints (Mesos 1.11 `OfferConstraintsFilter`, src/master/allocator/mesos/
 * offer_constraints_filter.cpp; messages `OfferConstraints` / `AttributeConstraint` in
 * scheduler.proto). A framework gives, per role, groups of attribute constraints: an agent is
 * offered to the role iff at least one group has all its constraints true (OR of ANDs). A role
 * without constraints never excludes an agent.
 */
import { compileRe2 } from './re2-regex.ts';
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
