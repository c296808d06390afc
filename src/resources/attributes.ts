/**
 * Agent `--attributes` (src/common/attributes.cpp): `name:value` pairs split on `;` and
 * newlines, each at its first `:`. Values are SCALAR, RANGES or TEXT; SET is refused (Mesos
 * aborts the agent; here it is a typed error). Duplicate names are kept, as Mesos keeps them.
 */
import { ResourceParseError } from './errors.ts';
import { formatRanges, rangesEqual, type Range } from './ranges.ts';
import { formatMilli, toMilli } from './scalar.ts';
import { parseValue, ValueSyntaxError } from './value.ts';

export type Attribute =
  | { readonly name: string; readonly type: 'SCALAR'; readonly scalar: number }
  | { readonly name: string; readonly type: 'RANGES'; readonly ranges: readonly Range[] }
  | { readonly name: string; readonly type: 'TEXT'; readonly text: string };

export function parseAttributes(text: string): Attribute[] {
  if (typeof text !== 'string') throw new ResourceParseError('attributes must be a string', String(text), 0);
  const attributes: Attribute[] = [];
  let start = 0;
  for (let i = 0; i <= text.length; i++) {
    const c = text[i];
    if (i < text.length && c !== ';' && c !== '\n') continue;
    const raw = text.slice(start, i);
    const position = start;
    start = i + 1;
    if (raw.trim().length === 0) continue;
    const colon = raw.indexOf(':');
    if (colon <= 0 || colon === raw.length - 1) {
      throw new ResourceParseError("invalid attribute, expecting 'name:value'", raw, position);
    }
    const name = raw.slice(0, colon);
    const valueText = raw.slice(colon + 1);
    let value;
    try {
      value = parseValue(valueText);
    } catch (e) {
      if (e instanceof ValueSyntaxError) throw new ResourceParseError(`invalid attribute value: ${e.message}`, raw, position);
      throw e;
    }
    switch (value.type) {
      case 'SET':
        throw new ResourceParseError('sets are not allowed for attributes', raw, position);
      case 'SCALAR':
        attributes.push({ name, type: 'SCALAR', scalar: toMilli(value.scalar) / 1000 });
        break;
      case 'RANGES':
        attributes.push({ name, type: 'RANGES', ranges: value.ranges });
        break;
      case 'TEXT':
        attributes.push({ name, type: 'TEXT', text: value.text });
        break;
    }
  }
  return attributes;
}

/** The value as Mesos prints it: `3`, `[1000-1500]`, `jbod`. */
export function formatAttributeValue(attribute: Attribute): string {
  switch (attribute.type) {
    case 'SCALAR':
      return formatMilli(toMilli(attribute.scalar));
    case 'RANGES':
      return formatRanges(attribute.ranges, ',');
    case 'TEXT':
      return attribute.text;
  }
}

/** Back to the `--attributes` form; `parseAttributes(formatAttributes(a))` equals `a`. */
export function formatAttributes(attributes: readonly Attribute[]): string {
  return attributes.map((a) => `${a.name}:${formatAttributeValue(a)}`).join(';');
}

/** Mesos's attribute equality: same name, type and value (scalars at three decimals). */
export function attributesEqual(a: Attribute, b: Attribute): boolean {
  if (a.name !== b.name || a.type !== b.type) return false;
  switch (a.type) {
    case 'SCALAR':
      return toMilli(a.scalar) === toMilli((b as typeof a).scalar);
    case 'RANGES':
      return rangesEqual(a.ranges, (b as typeof a).ranges);
    case 'TEXT':
      return a.text === (b as typeof a).text;
  }
}
