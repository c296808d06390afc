/**
 * Mesos `Attribute` ⇄ the model's `Attribute`. Agents advertise SCALAR, RANGES and TEXT
 * attributes; Mesos refuses SET attributes when it parses `--attributes`, so one on the wire
 * is an invalid request.
 */
import type { Attribute } from '../../resources/index.ts';
import type { wire } from '../protocol.ts';
import { CodecError } from './errors.ts';
import { list, opt } from './presence.ts';
import { rangesFromWire, VALUE_TYPE_NUMBERS, valueTypeFromWire, type WireValueType } from './values.ts';

export function attributeFromWire(a: wire.IAttribute, field: string): Attribute {
  const name = a.name ?? '';
  const typeNumber = opt(a, 'type');
  let type: WireValueType | undefined = typeNumber === undefined ? undefined : valueTypeFromWire(typeNumber, `${field}.type`);
  // Without a type (required in Mesos, optional here) the value field says it.
  type ??= opt(a, 'text') !== undefined ? 'TEXT' : opt(a, 'scalar') !== undefined ? 'SCALAR' : opt(a, 'ranges') !== undefined ? 'RANGES' : opt(a, 'set') !== undefined ? 'SET' : undefined;
  switch (type) {
    case 'SCALAR': {
      const value = opt(a, 'scalar')?.value ?? 0;
      if (!Number.isFinite(value)) throw new CodecError(field, `attribute '${name}': scalar ${value} is not a finite number`);
      return { name, type, scalar: value };
    }
    case 'RANGES': {
      const ranges = opt(a, 'ranges');
      return { name, type, ranges: ranges === undefined ? [] : rangesFromWire(ranges) };
    }
    case 'TEXT':
      return { name, type, text: opt(a, 'text')?.value ?? '' };
    case 'SET':
      throw new CodecError(field, `attribute '${name}' is a SET (agent attributes are SCALAR, RANGES or TEXT)`);
    default:
      throw new CodecError(field, `attribute '${name}' has no value`);
  }
}

export function attributesFromWire(attributes: readonly wire.IAttribute[] | null | undefined, field: string): Attribute[] {
  return list(attributes).map((a, i) => attributeFromWire(a, `${field}[${i}]`));
}

export function attributeToWire(a: Attribute): wire.IAttribute {
  switch (a.type) {
    case 'SCALAR':
      return { name: a.name, type: VALUE_TYPE_NUMBERS.SCALAR, scalar: { value: a.scalar } };
    case 'RANGES':
      return { name: a.name, type: VALUE_TYPE_NUMBERS.RANGES, ranges: { range: a.ranges.map((r) => ({ begin: r.begin, end: r.end })) } };
    case 'TEXT':
      return { name: a.name, type: VALUE_TYPE_NUMBERS.TEXT, text: { value: a.text } };
  }
}

export function attributesToWire(attributes: readonly Attribute[]): wire.IAttribute[] {
  return attributes.map(attributeToWire);
}
