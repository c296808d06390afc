/**
 * `OfferConstraints` (Mesos 1.11 scheduler.proto) on the wire → the JSON shape the engine's
 * `parseOfferConstraints` validates (camelCase, enum names), and back for request builders.
 */
import { parseOfferConstraints, type OfferConstraints } from '../../allocator/index.ts';
import { protocol, type wire } from '../protocol.ts';
import { CodecError, decoding } from './errors.ts';
import { entries, list, opt } from './presence.ts';

const Pseudo = protocol.AttributeConstraint.Selector.PseudoattributeType;
const PREDICATES = ['exists', 'notExists', 'textEquals', 'textNotEquals', 'textMatches', 'textNotMatches'] as const;
type PredicateKind = (typeof PREDICATES)[number];
const ARGUMENT: Readonly<Record<PredicateKind, 'value' | 'regex' | undefined>> = {
  exists: undefined, notExists: undefined, textEquals: 'value', textNotEquals: 'value', textMatches: 'regex', textNotMatches: 'regex',
};

function selectorToJson(s: wire.AttributeConstraint.ISelector): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const pseudo = opt(s, 'pseudoattributeType');
  if (pseudo !== undefined) out['pseudoattributeType'] = Pseudo[pseudo] ?? pseudo;
  const name = opt(s, 'attributeName');
  if (name !== undefined) out['attributeName'] = name;
  return out;
}

function predicateToJson(p: wire.AttributeConstraint.IPredicate): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const kind of PREDICATES) {
    const message = opt(p, kind) as { value?: string | null; regex?: string | null } | undefined;
    if (message === undefined) continue;
    const argument = ARGUMENT[kind];
    // proto2: an unset `value` / `regex` reads as "" in Mesos.
    out[kind] = argument === undefined ? {} : { [argument]: message[argument] ?? '' };
  }
  return out;
}

/** The wire message as JSON for parseOfferConstraints (which then reports what is wrong, by field path). */
export function offerConstraintsToJson(c: wire.IOfferConstraints): unknown {
  const roleConstraints: Record<string, unknown> = {};
  for (const [role, rc] of entries(c.roleConstraints)) {
    roleConstraints[role] = {
      groups: list(rc?.groups).map((g) => ({
        attributeConstraints: list(g.attributeConstraints).map((ac) => {
          const selector = opt(ac, 'selector');
          const predicate = opt(ac, 'predicate');
          return {
            ...(selector === undefined ? {} : { selector: selectorToJson(selector) }),
            ...(predicate === undefined ? {} : { predicate: predicateToJson(predicate) }),
          };
        }),
      })),
    };
  }
  return { roleConstraints };
}

/** Validated offer constraints; an invalid one is a CodecError naming the field. */
export function offerConstraintsFromWire(c: wire.IOfferConstraints, field: string): OfferConstraints {
  const json = offerConstraintsToJson(c);
  return decoding(field, () => parseOfferConstraints(json));
}

/** Offer constraints (camelCase JSON as parseOfferConstraints accepts) → wire. */
export function offerConstraintsToWire(json: unknown): wire.IOfferConstraints {
  const constraints = parseOfferConstraints(json);
  const roleConstraints: { [role: string]: wire.OfferConstraints.IRoleConstraints } = {};
  for (const [role, rc] of Object.entries(constraints.roleConstraints)) {
    roleConstraints[role] = {
      groups: rc.groups.map((g) => ({
        attributeConstraints: g.attributeConstraints.map((ac) => {
          const s = ac.selector;
          const selector: wire.AttributeConstraint.ISelector = 'pseudoattributeType' in s ? { pseudoattributeType: Pseudo[s.pseudoattributeType] } : { attributeName: s.attributeName };
          const kind = PREDICATES.find((k) => k in ac.predicate);
          if (kind === undefined) throw new CodecError('predicate', 'no predicate');
          const argument = ARGUMENT[kind];
          const value = (ac.predicate as Record<string, Record<string, string>>)[kind]!;
          const predicate: wire.AttributeConstraint.IPredicate = { [kind]: argument === undefined ? {} : { [argument]: value[argument] } };
          return { selector, predicate };
        }),
      })),
    };
  }
  return { roleConstraints };
}
