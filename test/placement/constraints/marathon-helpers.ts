// Offers and instances as Marathon's ConstraintsTest builds them (parseAttr/makeOffer/makeInstance):
// attribute text `{a,b}` is a SET, `[b-e,…]` RANGES, `[0-9]+(.[0-9]+)?` a SCALAR, anything else TEXT.
import { evaluate, parseConstraints, type PlacementAgent, type PlacementAttribute } from '../../../src/placement/constraints/index.ts';

function parseAttr(expression: string): PlacementAttribute {
  const [name, value] = expression.split(':') as [string, string];
  let m: RegExpExecArray | null;
  if ((m = /^\{(.+)\}$/.exec(value)) !== null) return { name, type: 'SET', items: m[1]!.split(',') };
  if ((m = /^\[(.+)\]$/.exec(value)) !== null) {
    return { name, type: 'RANGES', ranges: m[1]!.split(',').map((r) => { const [b, e] = r.split('-'); return { begin: Number(b), end: Number(e) }; }) };
  }
  if (/^[0-9]+(?:\.[0-9]+)?$/.test(value)) return { name, type: 'SCALAR', scalar: Number(value) };
  return { name, type: 'TEXT', text: value };
}

let next = 0;

export function offer(hostname: string, attributes = '', domain?: { region: string; zone: string }): PlacementAgent {
  return {
    id: `offer-${next++}`,
    hostname,
    attributes: attributes.split(';').filter((a) => a !== '').map(parseAttr),
    ...(domain === undefined ? {} : { domain }),
  };
}

/** A placed instance's agent (Marathon's makeInstance: host "host" unless given). */
export function instance(attributes = '', host = 'host', domain?: { region: string; zone: string }): PlacementAgent {
  return offer(host, attributes, domain);
}

/** Marathon's meetsConstraint(placed, offer, constraint) for one [field, operator, value] triple. */
export function meets(
  triple: readonly string[],
  agent: PlacementAgent,
  placed: readonly PlacementAgent[] = [],
  targetInstances?: number,
): boolean {
  return evaluate(parseConstraints([triple]), agent, { placed, ...(targetInstances === undefined ? {} : { targetInstances }) }).ok;
}
