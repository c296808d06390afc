/**
 * Decoding shortcuts for `Resource` messages, the bulk of every allocator request (each decline is
 * a RecoverResources with the offer's resources). A resource's decoded message and its validated
 * model item depend on nothing but the message's bytes, so byte-identical input may get the very
 * objects decoded before:
 *
 * - `protocol.Resource.decode` (as called for a nested field by the generated code) looks the
 *   message's exact bytes up first; a hit skips protobufjs and answers the earlier, frozen message.
 * - the model item validated from a message is remembered by that message (`itemOf`), so the
 *   same bytes also give the same `Item` and its shared identity (`ItemMeta`): the engine then
 *   compares identities by reference, and encoding finds their bytes cached.
 *
 * Task and executor environments go through a byte map too. All are bounded: a byte map keeps two generations of `CAPACITY` entries (the older dropped
 * as a whole when the newer fills), the items are held weakly by their messages.
 */
import protobuf from 'protobufjs/minimal.js';
import type { Item } from '../../resources/item.ts';
import { protocol, type wire } from '../protocol.ts';

/** Entries per generation; two generations at most. Declines of 10k agents need a few distinct messages per agent shape. */
export const CAPACITY = 1 << 14;
/** Resource messages larger than this (a long SET, many ranges) are decoded every time. */
export const MAX_KEY_BYTES = 512;

/** A bounded map: entries live in the young generation; when it fills, it becomes the old one and the old one goes. */
export class Generations<K, V> {
  private young = new Map<K, V>();
  private old = new Map<K, V>();

  constructor(private readonly capacity: number) {}

  get(key: K): V | undefined {
    const hit = this.young.get(key);
    if (hit !== undefined) return hit;
    const old = this.old.get(key);
    // Still in use: keep it through the next rotation.
    if (old !== undefined) this.set(key, old);
    return old;
  }

  set(key: K, value: V): void {
    if (this.young.size >= this.capacity) {
      this.old = this.young;
      this.young = new Map();
    }
    this.young.set(key, value);
  }

  delete(key: K): void {
    this.young.delete(key);
    this.old.delete(key);
  }

  get size(): number {
    return this.young.size + this.old.size;
  }

  clear(): void {
    this.young.clear();
    this.old.clear();
  }
}
/** What a generated message type offers the cache. */
interface MessageType<M> {
  decode(reader: unknown, length?: number, error?: number, depth?: number): M;
}

interface ByteCache {
  readonly messages: Generations<string, object>;
  /** Larger messages are decoded every time: their key would cost more than it saves. */
  readonly maxBytes: number;
}

// A string of the bytes (one char per byte) is the cheapest hashable key V8 offers for them.
const latin1Slice = (globalThis as { Buffer?: { prototype: { latin1Slice?: (start: number, end: number) => string } } }).Buffer?.prototype.latin1Slice;

function bytesKey(buf: Uint8Array, start: number, end: number): string {
  if (latin1Slice !== undefined) return latin1Slice.call(buf, start, end);
  let key = '';
  for (let i = start; i < end; i++) key += String.fromCharCode(buf[i]!);
  return key;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key]);
  }
  return value;
}

interface Reader {
  buf: Uint8Array;
  pos: number;
}

/**
 * Makes `type.decode`, for a nested message (a length given, read from a Reader), look the
 * message's exact bytes up first. A shared answer is frozen, so no caller can change what a later
 * decode returns.
 */
function cacheDecode<M extends object>(type: MessageType<M>, cache: ByteCache): void {
  const decodeUncached = type.decode.bind(type);
  type.decode = (reader: unknown, length?: number, error?: number, depth?: number): M => {
    if (length === undefined || length > cache.maxBytes || !(reader instanceof protobuf.Reader)) return decodeUncached(reader, length, error, depth);
    const r = reader as unknown as Reader;
    const start = r.pos;
    const key = bytesKey(r.buf, start, start + length);
    const hit = cache.messages.get(key);
    if (hit !== undefined) {
      r.pos = start + length;
      return hit as M;
    }
    const message = deepFreeze(decodeUncached(reader, length, error, depth));
    cache.messages.set(key, message);
    return message;
  };
}

const resources: ByteCache = { messages: new Generations(CAPACITY), maxBytes: MAX_KEY_BYTES };
/**
 * Task and executor environments: tens of strings, alike for every instance of an app, so the hook
 * calls that carry them (label decorators, executor environment) decode each one once.
 */
const environments: ByteCache = { messages: new Generations(1 << 10), maxBytes: 1 << 14 };
const items = new WeakMap<object, Item>();

let installed = false;

/** Routes nested `Resource` and `Environment` decodes through the caches; once per process (the generated code reads `decode` at each call). */
export function installResourceDecodeCache(): void {
  if (installed) return;
  installed = true;
  cacheDecode(protocol.Resource as unknown as MessageType<wire.Resource>, resources);
  cacheDecode(protocol.Environment as unknown as MessageType<wire.Environment>, environments);
}

/** The item validated from this (cached, frozen) message before, if any. */
export function itemOf(message: wire.IResource): Item | undefined {
  return items.get(message);
}

/** Remembers the item a message validated to; only frozen messages are shared, so only they are worth it. */
export function rememberItem(message: wire.IResource, item: Item): void {
  if (Object.isFrozen(message)) items.set(message, item);
}

/** For tests: how many Resource messages the byte map holds, and emptying it. */
export const resourceDecodeCache = {
  get size(): number {
    return resources.messages.size;
  },
  clear(): void {
    resources.messages.clear();
  },
};
