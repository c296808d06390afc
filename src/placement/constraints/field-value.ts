/**
 * The text of a constraint field on an agent, as Marathon reads it (Constraints.readerForField,
 * getValueString): hostname, fault domain region / zone, or the first attribute of that name
 * formatted as a string. `undefined` means the agent lacks the field.
 */
import { formatDecimal } from './decimal-format.ts';
import type { PlacementAgent, PlacementAttribute } from './types.ts';

export const HOSTNAME_FIELDS: ReadonlySet<string> = new Set(['hostname', '@hostname']);
export const REGION_FIELD = '@region';
export const ZONE_FIELD = '@zone';

/** Fields that make an app fault-domain aware (Marathon then accepts offers from remote regions). */
export function isFaultDomainField(field: string): boolean {
  return field === REGION_FIELD || field === ZONE_FIELD;
}

/** How the field is called in reasons: `hostname`, `@zone`, `attribute rack`. */
export function describeField(field: string): string {
  return HOSTNAME_FIELDS.has(field) || field.startsWith('@') ? field : `attribute ${field}`;
}

// Formatting SCALARs is not free and agents are read over and over: remember each attribute's text.
const formatted = new WeakMap<PlacementAttribute, string>();

/** Marathon's getValueString: TEXT as is, SCALAR via DecimalFormat("0.###"), `[b-e,…]`, `{a,b}`. */
export function attributeText(attribute: PlacementAttribute): string {
  if (attribute.type === 'TEXT') return attribute.text;
  let text = formatted.get(attribute);
  if (text === undefined) {
    switch (attribute.type) {
      case 'SCALAR':
        text = formatDecimal(attribute.scalar);
        break;
      case 'RANGES':
        text = `[${[...attribute.ranges].sort((a, b) => a.begin - b.begin).map((r) => `${r.begin}-${r.end}`).join(',')}]`;
        break;
      case 'SET':
        // Scala's default String ordering compares UTF-16 code units, as JavaScript's sort does.
        text = `{${[...attribute.items].sort().join(',')}}`;
        break;
    }
    formatted.set(attribute, text);
  }
  return text;
}

export type FieldReader = (agent: PlacementAgent) => string | undefined;

const readHostname: FieldReader = (agent) => agent.hostname;
const readRegion: FieldReader = (agent) => agent.domain?.region;
const readZone: FieldReader = (agent) => agent.domain?.zone;

/** One reader per field, chosen once (readers run for every agent in a placement pass). */
export function fieldReader(field: string): FieldReader {
  if (HOSTNAME_FIELDS.has(field)) return readHostname;
  if (field === REGION_FIELD) return readRegion;
  if (field === ZONE_FIELD) return readZone;
  return (agent) => {
    const attributes = agent.attributes;
    for (let i = 0; i < attributes.length; i++) {
      const attribute = attributes[i]!;
      if (attribute.name === field) return attributeText(attribute);
    }
    return undefined;
  };
}

/** The field's text on the agent, or undefined when the agent lacks it. */
export function fieldValue(agent: PlacementAgent, field: string): string | undefined {
  return fieldReader(field)(agent);
}

/** The sentence for an agent that lacks the field. */
export function missingFieldReason(agent: PlacementAgent, field: string, rule: string): string {
  const what = field === REGION_FIELD || field === ZONE_FIELD ? 'has no fault domain' : `lacks ${describeField(field)}`;
  return `agent ${agent.id} ${what} (${rule} needs it)`;
}
