/**
 * The `Allocation` of an allocate call as bytes, directly: one pass of writes into one buffer,
 * each resource's identity bytes from the cache (resource-bytes.ts). The same message as
 * `protocol.Allocation.encode(allocationToWire(cycles))` at a fraction of the cost, except that
 * each resource list is sent once, in `shared_resources`, and the offers that carry it name it
 * (protocol 2), and that an entry leaves out the framework and role of the entry before it
 * (protocol 3); test/runtime/allocation-bytes.test.ts holds the two to the same expanded result.
 */
import type { CycleResult } from '../../allocator/index.ts';
import type { Resources } from '../../resources/index.ts';
import { protocol } from '../protocol.ts';
import { unavailabilityToWire } from './maintenance.ts';
import { identityBytes, valueBody, valueSize, writeValue } from './resource-bytes.ts';
import { WireWriter } from './wire-writer.ts';

// Allocation, OfferEntry and ResourceList fields (proto/bridge.proto).
const OFFERS = 1;
const INVERSE_OFFERS = 2;
const CYCLES = 3;
const CANDIDATES = 4;
const SHARED_RESOURCES = 5;
const FRAMEWORK_ID = 1;
const ROLE = 2;
const AGENT_ID = 3;
const SHARED_INDEX = 5;
const LIST_RESOURCES = 1;

/**
 * One offered resource list as a ResourceList's fields, with its place in the reply being encoded
 * (valid while `reply` is that reply's number).
 */
interface EncodedList {
  readonly role: string;
  readonly bytes: Uint8Array;
  reply: number;
  /** 1-based index in the reply's shared_resources. */
  index: number;
}

/**
 * The encoded list of an offered `Resources`, for the role it was last offered to, is kept with it
 * (`Resources.derived`, owner ENCODED). The engine offers an agent's resources as the same
 * (immutable) object cycle after cycle, to whichever framework is next, so most offers find it
 * there. Distinct objects with equal bytes (agents alike: each its own object) map to one
 * EncodedList, found through `byContent` when an object is first encoded.
 */
const ENCODED = Object.freeze({ owner: 'allocation-bytes' });

/**
 * Encoded lists by the hash of their bytes. Bounded: cleared when full, which only costs sharing
 * (a list then gets a twin with the same bytes) until the next lists have been seen.
 */
const byContent = new Map<number, EncodedList>();
const CONTENT_CAPACITY = 16_384;

/** FNV-1a over the bytes. */
function hashOf(bytes: Uint8Array): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i]!, 0x01000193);
  return h >>> 0;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function writeResources(w: WireWriter, offered: Resources, role: string): void {
  // The model's items, by index: no iterator object per offer.
  const items = offered.itemsView();
  for (let k = 0; k < items.length; k++) {
    const r = items[k]!;
    // Every resource carries the entry's role: the adapter relies on it.
    const identity = identityBytes(r, role);
    const body = valueBody(r);
    const size = identity.length + valueSize(r, body);
    // A shared resource held N times is listed N times, as Mesos lists it.
    const copies = r.shared === true ? offered.count(r) : 1;
    for (let i = 0; i < copies; i++) {
      w.lenHeader(LIST_RESOURCES, size).raw(identity);
      writeValue(w, r, body);
    }
  }
}

function encodeList(offered: Resources, role: string): EncodedList {
  const w = new WireWriter(256);
  writeResources(w, offered, role);
  const bytes = w.finish();
  const hash = hashOf(bytes);
  const known = byContent.get(hash);
  if (known !== undefined && known.role === role && sameBytes(known.bytes, bytes)) return known;
  if (byContent.size >= CONTENT_CAPACITY) byContent.clear();
  const list: EncodedList = { role, bytes, reply: 0, index: 0 };
  if (known === undefined) byContent.set(hash, list);
  return list;
}

function listOf(offered: Resources, role: string): EncodedList {
  const cached = offered.derived<EncodedList>(ENCODED);
  if (cached !== undefined && cached.role === role) return cached;
  const list = encodeList(offered, role);
  offered.keepDerived(ENCODED, list);
  return list;
}

/**
 * Bytes kept free before each encoded Allocation, enough for the Response and AllocatorReply
 * headers (a tag and a length varint each): the Response is written around the allocation in its
 * own buffer (response-bytes.ts) instead of copying megabytes into fresh ones.
 */
export const ALLOCATION_HEADROOM = 12;
const withHeadroom = new WeakSet<Uint8Array>();

/**
 * Whether `bytes` came from encodeAllocation with its headroom still unused; answers true once
 * per allocation, so the space before it is written by one Response at most.
 */
export function takeHeadroom(bytes: Uint8Array): boolean {
  return withHeadroom.delete(bytes);
}

/** The last reply's size: replies of consecutive cycles are alike, so the buffer rarely has to grow. */
let sizeHint = 1 << 16;
/** Numbers the replies, for EncodedList's per-reply index. */
let replyNumber = 0;
/** The reply's shared_resources, in index order; kept from reply to reply. */
const shared: EncodedList[] = [];

const ENTRY_TAG = (OFFERS << 3) | 2;
const FRAMEWORK_ID_TAG = (FRAMEWORK_ID << 3) | 2;
const ROLE_TAG = (ROLE << 3) | 2;
const AGENT_ID_TAG = (AGENT_ID << 3) | 2;
const SHARED_INDEX_TAG = SHARED_INDEX << 3;
/** The longest entry written by writeShortEntry: its length prefix is then one byte. */
const SHORT_ENTRY = 0x7f;

/** An ASCII string field of under 128 chars at `pos`: the position after it, or -1 when `s` is not such a string. */
function asciiFieldAt(buf: Uint8Array, pos: number, tag: number, s: string): number {
  const n = s.length;
  if (n >= 0x80) return -1;
  buf[pos++] = tag;
  buf[pos++] = n;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x80) return -1;
    buf[pos++] = c;
  }
  return pos;
}

/**
 * One OfferEntry (`carried`: framework and role left out, protocol 3) written byte by byte, for
 * the common entry: ASCII ids, under 128 bytes in all. False, with nothing written, for any other.
 * The writer's methods write the same bytes, each with its own capacity check and position
 * update: at 10,000 offers that took 4.0–5.4 ms against 2.6–3.3 ms this way (embedded Node 18).
 */
function writeShortEntry(w: WireWriter, carried: boolean, frameworkId: string, role: string, agentId: string, index: number): boolean {
  // Tags, one-byte lengths and a varint index of up to 5 bytes around the ids.
  const ids = agentId.length + (carried ? 0 : frameworkId.length + role.length);
  if (ids + 14 > SHORT_ENTRY) return false;
  const buf = w.room(ids + 16);
  const lengthAt = w.mark() + 1;
  buf[lengthAt - 1] = ENTRY_TAG;
  let pos = lengthAt + 1;
  if (!carried) {
    pos = asciiFieldAt(buf, pos, FRAMEWORK_ID_TAG, frameworkId);
    if (pos < 0) return false;
    pos = asciiFieldAt(buf, pos, ROLE_TAG, role);
    if (pos < 0) return false;
  }
  pos = asciiFieldAt(buf, pos, AGENT_ID_TAG, agentId);
  if (pos < 0) return false;
  buf[pos++] = SHARED_INDEX_TAG;
  for (; index > 0x7f; index >>>= 7) buf[pos++] = (index & 0x7f) | 0x80;
  buf[pos++] = index;
  buf[lengthAt] = pos - lengthAt - 1;
  w.advanceTo(pos);
  return true;
}

/** Any OfferEntry, through the writer's methods. */
function writeEntry(w: WireWriter, carried: boolean, frameworkId: string, role: string, agentId: string, index: number): void {
  const entry = w.beginLen(OFFERS);
  if (!carried) w.stringField(FRAMEWORK_ID, frameworkId).stringField(ROLE, role);
  w.stringField(AGENT_ID, agentId).uintField(SHARED_INDEX, index);
  w.endLen(entry);
}

/**
 * Every offer names its list in shared_resources, even a list only it carries: then the reply is
 * written in one pass over the offers, as the engine left them. Counting each list's offers first,
 * to send the lists only one offer carries inline, cost a second walk over 10,000 offers whose
 * objects lie all over the heap: 4.2–4.9 against 3.4–3.5 ms per reply at 10k agents × 1k
 * frameworks in the embedded Node 18, for the same bytes when agents are alike and two or three
 * more per unique list otherwise. The adapter converts a shared list once either way.
 */
export function encodeAllocation(cycles: readonly CycleResult[]): Uint8Array {
  const reply = ++replyNumber;
  let candidates = 0;
  const w = new WireWriter(sizeHint, ALLOCATION_HEADROOM);
  let lastFramework: string | undefined;
  let lastRole: string | undefined;
  for (const cycle of cycles) {
    candidates += cycle.candidates;
    for (const [frameworkId, byRole] of cycle.offers) {
      for (const [role, byAgent] of byRole) {
        // Protocol 3: an entry writes framework and role only when they change (from one cycle to
        // the next too); readers carry them over.
        let carried = frameworkId === lastFramework && role === lastRole;
        for (const [agentId, offered] of byAgent) {
          const list = listOf(offered, role);
          if (list.reply !== reply) {
            list.reply = reply;
            list.index = shared.push(list);
          }
          if (!writeShortEntry(w, carried, frameworkId, role, agentId, list.index)) writeEntry(w, carried, frameworkId, role, agentId, list.index);
          if (!carried) {
            lastFramework = frameworkId;
            lastRole = role;
            carried = true;
          }
        }
      }
    }
  }
  // Inverse offers are few (maintenance only): protobufjs encodes them.
  for (const cycle of cycles) {
    for (const [frameworkId, byAgent] of cycle.inverseOffers) {
      for (const [agentId, unavailability] of byAgent) {
        w.bytesField(INVERSE_OFFERS, protocol.InverseOfferEntry.encode({ frameworkId, agentId, unavailability: unavailabilityToWire(unavailability) }).finish());
      }
    }
  }
  w.uintField(CYCLES, cycles.length).uintField(CANDIDATES, candidates);
  for (const list of shared) w.bytesField(SHARED_RESOURCES, list.bytes);

  shared.length = 0;
  sizeHint = Math.max(1 << 16, Math.ceil(w.length * 1.1));
  const bytes = w.finish();
  withHeadroom.add(bytes);
  return bytes;
}
