/**
 * Field presence in decoded protobuf messages. protobufjs puts proto2 defaults on the prototype
 * and present fields on the object itself, so "was it on the wire" is an own-property check;
 * reading the field alone cannot tell an absent `role` from `role: ""`.
 */
const hasOwn = Object.prototype.hasOwnProperty;

/** The field's value when it was set, else undefined. */
export function opt<T extends object, K extends keyof T>(message: T, field: K): NonNullable<T[K]> | undefined {
  if (!hasOwn.call(message, field)) return undefined;
  const value = message[field];
  return value === null || value === undefined ? undefined : (value as NonNullable<T[K]>);
}

/** A repeated field (absent: empty). */
export function list<T>(values: readonly T[] | null | undefined): readonly T[] {
  return values ?? [];
}

/** The entries of a protobuf map field (absent: none). */
export function entries<T>(map: { readonly [k: string]: T } | null | undefined): [string, T][] {
  return map === null || map === undefined ? [] : Object.entries(map);
}

/** A name from a generated enum object (which maps numbers back to names), or undefined for an unknown number. */
export function enumName<N extends string>(values: Readonly<Record<number, string>>, allowed: ReadonlySet<N>, value: number | null | undefined): N | undefined {
  if (value === null || value === undefined) return undefined;
  const name = values[value];
  return name !== undefined && allowed.has(name as N) ? (name as N) : undefined;
}

/**
 * A view being built field by field, in its fields' order: optional fields are assigned only when
 * present (absent, not undefined), without the object spreads `...(x === undefined ? {} : { x })`
 * that V8 copies through a runtime call each (the hook path builds several views per call).
 */
export type Assembling<T> = { -readonly [K in keyof T]?: T[K] };
