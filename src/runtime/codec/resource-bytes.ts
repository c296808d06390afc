/**
 * One model resource as the bytes of a wire `Resource`, for the hot path. The identity part
 * (everything but the value: name, type, reservations, disk, flags, allocation role) is encoded
 * once per identity object of the resource model and cached; only the value is written per
 * resource. The model's identities are immutable and shared (offers reuse them cycle after
 * cycle), so the cache is both correct and nearly always hit.
 */
import { Item, type ItemMeta } from '../../resources/item.ts';
import type { Resource } from '../../resources/index.ts';
import { protocol } from '../protocol.ts';
import { resourceToWire } from './resources.ts';
import { lenFieldSize, uintFieldSize, utf8Length, WireWriter } from './wire-writer.ts';

// Resource fields (proto/bridge.proto).
const SCALAR = 3;
const RANGES = 4;
const SET = 5;
// Value.Scalar.value, Value.Ranges.range, Value.Range.begin/end, Value.Set.item.
const VALUE = 1;
const RANGE = 1;
const BEGIN = 1;
const END = 2;
const ITEM = 1;

const identities = new WeakMap<ItemMeta, Uint8Array>();
/** Encoded Value.Ranges / Value.Set bodies by the model's (immutable, shared) value arrays. */
const values = new WeakMap<object, Uint8Array>();

function encodeIdentity(r: Resource, allocationRole: string | undefined): Uint8Array {
  const identity = resourceToWire(r, allocationRole);
  delete identity.scalar;
  delete identity.ranges;
  delete identity.set;
  return protocol.Resource.encode(identity).finish();
}

/** The identity bytes of `r` tagged with `allocationRole`. */
export function identityBytes(r: Resource, allocationRole: string | undefined): Uint8Array {
  if (!(r instanceof Item) || r.meta.allocationRole !== allocationRole) return encodeIdentity(r, allocationRole);
  let bytes = identities.get(r.meta);
  if (bytes === undefined) identities.set(r.meta, (bytes = encodeIdentity(r, allocationRole)));
  return bytes;
}

function rangeSize(begin: number, end: number): number {
  return uintFieldSize(BEGIN, begin) + uintFieldSize(END, end);
}

function encodeValueBody(r: Resource): Uint8Array {
  if (r.type === 'RANGES') {
    let size = 0;
    for (const range of r.ranges!) size += lenFieldSize(RANGE, rangeSize(range.begin, range.end));
    const w = new WireWriter(size);
    for (const range of r.ranges!) w.lenHeader(RANGE, rangeSize(range.begin, range.end)).uintField(BEGIN, range.begin).uintField(END, range.end);
    return w.finish();
  }
  let size = 0;
  for (const item of r.set!) size += lenFieldSize(ITEM, utf8Length(item));
  const w = new WireWriter(size);
  for (const item of r.set!) w.stringField(ITEM, item);
  return w.finish();
}

/**
 * The encoded body of a RANGES or SET value (cached by its array: a port range offered cycle
 * after cycle is encoded once); undefined for a SCALAR, whose 9 bytes are written in place.
 */
export function valueBody(r: Resource): Uint8Array | undefined {
  const array = r.type === 'RANGES' ? r.ranges : r.type === 'SET' ? r.set : undefined;
  if (array === undefined) return undefined;
  let bytes = values.get(array);
  if (bytes === undefined) values.set(array, (bytes = encodeValueBody(r)));
  return bytes;
}

const SCALAR_BODY = 9;

function valueField(r: Resource): number {
  return r.type === 'SCALAR' ? SCALAR : r.type === 'RANGES' ? RANGES : SET;
}

/** Bytes the value field of `r` takes, given its body (undefined for a scalar). */
export function valueSize(r: Resource, body: Uint8Array | undefined): number {
  return lenFieldSize(valueField(r), body === undefined ? SCALAR_BODY : body.length);
}

export function writeValue(w: WireWriter, r: Resource, body: Uint8Array | undefined): void {
  if (body === undefined) w.lenHeader(SCALAR, SCALAR_BODY).doubleField(VALUE, r.scalar!);
  else w.bytesField(valueField(r), body);
}
