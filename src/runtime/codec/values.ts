/** Mesos `Value` pieces and `Labels`, shared by resources, attributes and hook views. */
import type { Label, Range } from '../../resources/index.ts';
import { protocol, type wire } from '../protocol.ts';
import { CodecError } from './errors.ts';
import { list, opt } from './presence.ts';

export type WireValueType = 'SCALAR' | 'RANGES' | 'SET' | 'TEXT';

const VALUE_TYPE_NAMES: readonly WireValueType[] = ['SCALAR', 'RANGES', 'SET', 'TEXT'];

export const VALUE_TYPE_NUMBERS: Readonly<Record<WireValueType, wire.Value.Type>> = {
  SCALAR: protocol.Value.Type.SCALAR,
  RANGES: protocol.Value.Type.RANGES,
  SET: protocol.Value.Type.SET,
  TEXT: protocol.Value.Type.TEXT,
};

/** Value.Type by number; an unknown number is an error at `field`. */
export function valueTypeFromWire(type: number, field: string): WireValueType {
  const name = VALUE_TYPE_NAMES[type];
  if (name === undefined) throw new CodecError(field, `unknown Value.Type ${type}`);
  return name;
}

export function labelsFromWire(labels: wire.ILabels | null | undefined): Label[] {
  if (labels === null || labels === undefined) return [];
  const out: Label[] = [];
  for (const l of list(labels.labels)) {
    const value = opt(l, 'value');
    out.push(value === undefined ? { key: l.key ?? '' } : { key: l.key ?? '', value });
  }
  return out;
}

export function labelsToWire(labels: readonly Label[]): wire.ILabels {
  return { labels: labels.map((l) => (l.value === undefined ? { key: l.key } : { key: l.key, value: l.value })) };
}

export function rangesFromWire(ranges: wire.Value.IRanges): Range[] {
  return list(ranges.range).map((r) => ({ begin: r.begin ?? 0, end: r.end ?? 0 }));
}

/** `map<string, Value.Scalar>` → name → amount, each finite and not negative. */
export function scalarMapFromWire(map: { readonly [k: string]: wire.Value.IScalar } | null | undefined, field: string): Map<string, number> {
  const out = new Map<string, number>();
  if (map === null || map === undefined) return out;
  for (const [name, scalar] of Object.entries(map)) {
    const value = scalar?.value ?? 0;
    if (!Number.isFinite(value) || value < 0) throw new CodecError(`${field}[${JSON.stringify(name)}]`, `expected a non-negative number, got ${value}`);
    out.set(name, value);
  }
  return out;
}

export function scalarMapToWire(map: ReadonlyMap<string, number>): { [k: string]: wire.Value.IScalar } {
  const out: { [k: string]: wire.Value.IScalar } = {};
  for (const [name, value] of map) out[name] = { value };
  return out;
}
