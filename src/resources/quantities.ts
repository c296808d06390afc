/**
 * Mesos `ResourceQuantities` and `ResourceLimits` (src/common/resource_quantities.cpp): plain
 * name → amount maps. Quantities drop zeros (absent means 0); limits keep them (absent means
 * no limit). Both parse from `name:value;name:value`, scalars only.
 */
import { ResourceParseError } from './errors.ts';
import { toMilli } from './scalar.ts';
import { parseValue, ValueSyntaxError } from './value.ts';

export type ResourceQuantities = ReadonlyMap<string, number>;
export type ResourceLimits = ReadonlyMap<string, number>;

function parseScalarMap(text: string, keepZero: boolean): Map<string, number> {
  if (typeof text !== 'string') throw new ResourceParseError('quantities must be a string', String(text), 0);
  const result = new Map<string, number>();
  let start = 0;
  for (let i = 0; i <= text.length; i++) {
    if (i < text.length && text[i] !== ';') continue;
    const raw = text.slice(start, i);
    const position = start + (raw.length - raw.trimStart().length);
    const token = raw.trim();
    start = i + 1;
    if (token.length === 0) continue;
    const colon = token.indexOf(':');
    if (colon <= 0 || colon === token.length - 1 || token.indexOf(':', colon + 1) >= 0) {
      throw new ResourceParseError("missing or extra ':'", token, position);
    }
    const name = token.slice(0, colon).trim();
    let value;
    try {
      value = parseValue(token.slice(colon + 1));
    } catch (e) {
      if (e instanceof ValueSyntaxError) throw new ResourceParseError(`invalid quantity: ${e.message}`, token, position);
      throw e;
    }
    if (value.type !== 'SCALAR') throw new ResourceParseError('only scalar values are allowed in a quantity', token, position);
    const amount = toMilli(value.scalar) / 1000;
    if (keepZero) {
      // Limits: zero is kept ("none of it") and a name may appear once.
      if (result.has(name)) throw new ResourceParseError(`duplicate names are not allowed ('${name}')`, token, position);
      result.set(name, amount);
    } else if (amount > 0) {
      // Quantities: zero vanishes and repeated names add up.
      result.set(name, toMilli((result.get(name) ?? 0) + amount) / 1000);
    }
  }
  return result;
}

/** `cpus:0.01;mem:32` → {cpus: 0.01, mem: 32}; zero values vanish. */
export function parseResourceQuantities(text: string): Map<string, number> {
  return parseScalarMap(text, false);
}

/** `cpus:10;mem:0` → {cpus: 10, mem: 0}: a zero limit means "none of it", so it is kept. */
export function parseResourceLimits(text: string): Map<string, number> {
  return parseScalarMap(text, true);
}

export function formatQuantities(quantities: ResourceQuantities): string {
  return [...quantities].map(([name, amount]) => `${name}:${amount}`).join(';');
}
