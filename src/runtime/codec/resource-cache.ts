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
 * Task and executor environments (1–2 KB) go through a map keyed by a sample of their bytes,
 * every hit confirmed byte for byte. Inside a hook call, an agent's `AgentInfo`, a framework's
 * `FrameworkInfo` and `Labels` are looked up by their bytes too: every task launch carries its
 * agent's and its framework's info again, and an app's tasks carry the same labels (the allocator's
 * calls decode an agent once, so they would only fill the map). All are bounded: a map keeps two
 * generations of entries (the older dropped as a whole when the newer fills), the items are held
 * weakly by their messages.
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

/** Where a nested message's decode looks first: a message decoded before from the same bytes. */
interface DecodeCache {
  /** Larger messages are decoded every time: their lookup would cost more than it saves. */
  readonly maxBytes: number;
  find(buf: Uint8Array, start: number, end: number): object | undefined;
  keep(buf: Uint8Array, start: number, end: number, message: object): void;
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

const SAMPLES = 32;

/** FNV-1a over the length, ~SAMPLES bytes spread over the message and its last 8 bytes (exported for tests). */
export function sampleHash(buf: Uint8Array, start: number, end: number): number {
  const length = end - start;
  let h = Math.imul(0x811c9dc5 ^ length, 0x01000193);
  const step = Math.max(1, Math.floor(length / SAMPLES));
  for (let i = start; i < end; i += step) h = Math.imul(h ^ buf[i]!, 0x01000193);
  for (let i = Math.max(start, end - 8); i < end; i++) h = Math.imul(h ^ buf[i]!, 0x01000193);
  return h >>> 0;
}

const nativeCompare = (globalThis as { Buffer?: { prototype: { compare?: (target: Uint8Array, targetStart: number, targetEnd: number, sourceStart: number, sourceEnd: number) => number } } }).Buffer?.prototype.compare;

/** Whether buf[start, end) holds exactly `bytes`. */
function sameBytesAt(buf: Uint8Array, start: number, end: number, bytes: Uint8Array): boolean {
  if (end - start !== bytes.length) return false;
  if (nativeCompare !== undefined) return nativeCompare.call(buf, bytes, 0, bytes.length, start, end) === 0;
  for (let i = 0; i < bytes.length; i++) if (buf[start + i] !== bytes[i]) return false;
  return true;
}

const always = (): boolean => true;

/**
 * Makes `type.decode`, for a nested message (a length given, read from a Reader), look the
 * message's exact bytes up first (only while `when()` says so). A shared answer is frozen, so no
 * caller can change what a later decode returns.
 */
function cacheDecode<M extends object>(type: MessageType<M>, cache: DecodeCache, when: () => boolean = always): void {
  const decodeUncached = type.decode.bind(type);
  type.decode = (reader: unknown, length?: number, error?: number, depth?: number): M => {
    if (length === undefined || length > cache.maxBytes || !(reader instanceof protobuf.Reader) || !when()) return decodeUncached(reader, length, error, depth);
    const r = reader as unknown as Reader;
    const start = r.pos;
    const end = start + length;
    const hit = cache.find(r.buf, start, end);
    if (hit !== undefined) {
      r.pos = end;
      return hit as M;
    }
    const message = deepFreeze(decodeUncached(reader, length, error, depth));
    cache.keep(r.buf, start, end, message);
    return message;
  };
}

/** Short messages (resources): keyed by their bytes as a string, the cheapest exact key V8 hashes. */
class ByteKeyCache implements DecodeCache {
  readonly messages: Generations<string, object>;
  constructor(capacity: number, readonly maxBytes: number) {
    this.messages = new Generations(capacity);
  }
  find(buf: Uint8Array, start: number, end: number): object | undefined {
    return this.messages.get(bytesKey(buf, start, end));
  }
  keep(buf: Uint8Array, start: number, end: number, message: object): void {
    this.messages.set(bytesKey(buf, start, end), message);
  }
}

/**
 * Long messages (an environment: 1–2 KB), whose bytes as a string key would cost more to make,
 * hash and compare than a sample: keyed by their length and a hash of a few dozen of their bytes,
 * each hit confirmed by comparing all bytes (natively, where Buffer's compare is). Building and
 * hashing a 1.4 KB key string was a quarter of a label decorator's JavaScript.
 */
class SampledKeyCache implements DecodeCache {
  private readonly entries: Generations<number, { readonly bytes: Uint8Array; readonly message: object }>;
  constructor(capacity: number, readonly maxBytes: number) {
    this.entries = new Generations(capacity);
  }
  find(buf: Uint8Array, start: number, end: number): object | undefined {
    const hit = this.entries.get(sampleHash(buf, start, end));
    return hit !== undefined && sameBytesAt(buf, start, end, hit.bytes) ? hit.message : undefined;
  }
  keep(buf: Uint8Array, start: number, end: number, message: object): void {
    // A sample alike but other bytes: the newer message takes the key.
    this.entries.set(sampleHash(buf, start, end), { bytes: buf.slice(start, end), message });
  }
}

const resources = new ByteKeyCache(CAPACITY, MAX_KEY_BYTES);
/**
 * Task and executor environments: tens of strings, alike for every instance of an app, so the hook
 * calls that carry them (label decorators, executor environment) decode each one once.
 */
const environments = new SampledKeyCache(1 << 10, 1 << 14);
/**
 * Per hook call: agents (a master launches onto thousands), frameworks, label sets. An agent's
 * entry (its bytes as the key, the message, its view) took 2.0 KB for a 250 B SlaveInfo with four
 * resources and four attributes (measured), so the agents' map holds ~16–25 MB at its fullest
 * (2 × 4,096 agents); larger messages, rare, are decoded every time.
 */
const agents = new ByteKeyCache(1 << 12, 2048);
const frameworks = new ByteKeyCache(1 << 10, 4096);
const labels = new ByteKeyCache(1 << 12, 1024);
const items = new WeakMap<object, Item>();

/** How many HookCall decodes are under way (a HookCall never nests one; a count is exact anyway). */
let decodingHookCalls = 0;
const inHookCall = (): boolean => decodingHookCalls > 0;

/** Marks the nested decodes of a HookCall, for the caches that serve hook calls only. */
function markHookCallDecode(): void {
  const type = protocol.HookCall as unknown as MessageType<wire.HookCall>;
  const decodeUnmarked = type.decode.bind(type);
  type.decode = (reader: unknown, length?: number, error?: number, depth?: number): wire.HookCall => {
    decodingHookCalls++;
    try {
      return decodeUnmarked(reader, length, error, depth);
    } finally {
      decodingHookCalls--;
    }
  };
}

let installed = false;

/**
 * Routes nested `Resource` and `Environment` decodes, and a hook call's `AgentInfo`,
 * `FrameworkInfo` and `Labels`, through the caches; once per process (the generated code reads
 * `decode` at each call).
 */
export function installResourceDecodeCache(): void {
  if (installed) return;
  installed = true;
  cacheDecode(protocol.Resource as unknown as MessageType<wire.Resource>, resources);
  cacheDecode(protocol.Environment as unknown as MessageType<wire.Environment>, environments);
  markHookCallDecode();
  cacheDecode(protocol.AgentInfo as unknown as MessageType<wire.AgentInfo>, agents, inHookCall);
  cacheDecode(protocol.FrameworkInfo as unknown as MessageType<wire.FrameworkInfo>, frameworks, inHookCall);
  cacheDecode(protocol.Labels as unknown as MessageType<wire.Labels>, labels, inHookCall);
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
