/**
 * The `Allocation` of an allocate call as bytes, directly: one pass of writes into one buffer,
 * each resource's identity bytes from the cache (resource-bytes.ts). The same message as
 * `protocol.Allocation.encode(allocationToWire(cycles))` at a fraction of the cost;
 * test/runtime/allocation-bytes.test.ts holds the two to the same decoded result.
 */
import type { CycleResult } from '../../allocator/index.ts';
import type { Resources } from '../../resources/index.ts';
import { protocol } from '../protocol.ts';
import { unavailabilityToWire } from './maintenance.ts';
import { identityBytes, valueBody, valueSize, writeValue } from './resource-bytes.ts';
import { WireWriter } from './wire-writer.ts';

// Allocation and OfferEntry fields (proto/bridge.proto).
const OFFERS = 1;
const INVERSE_OFFERS = 2;
const CYCLES = 3;
const CANDIDATES = 4;
const FRAMEWORK_ID = 1;
const ROLE = 2;
const AGENT_ID = 3;
const RESOURCES = 4;

/**
 * The encoded `resources` fields of an offered `Resources` for the role they were last offered to.
 * The engine offers an agent's resources as the same (immutable) object cycle after cycle, to
 * whichever framework is next, so most offers are one copy of these bytes.
 */
const encodedResources = new WeakMap<Resources, { readonly role: string; readonly bytes: Uint8Array }>();

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
      w.lenHeader(RESOURCES, size).raw(identity);
      writeValue(w, r, body);
    }
  }
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

export function encodeAllocation(cycles: readonly CycleResult[]): Uint8Array {
  const w = new WireWriter(sizeHint, ALLOCATION_HEADROOM);
  let candidates = 0;
  for (const cycle of cycles) {
    candidates += cycle.candidates;
    for (const [frameworkId, byRole] of cycle.offers) {
      for (const [role, byAgent] of byRole) {
        for (const [agentId, offered] of byAgent) {
          const entry = w.beginLen(OFFERS);
          w.stringField(FRAMEWORK_ID, frameworkId).stringField(ROLE, role).stringField(AGENT_ID, agentId);
          const cached = encodedResources.get(offered);
          if (cached !== undefined && cached.role === role) w.raw(cached.bytes);
          else {
            const from = w.mark();
            writeResources(w, offered, role);
            encodedResources.set(offered, { role, bytes: w.copy(from) });
          }
          w.endLen(entry);
        }
      }
    }
    // Inverse offers are few (maintenance only): protobufjs encodes them.
    for (const [frameworkId, byAgent] of cycle.inverseOffers) {
      for (const [agentId, unavailability] of byAgent) {
        w.bytesField(INVERSE_OFFERS, protocol.InverseOfferEntry.encode({ frameworkId, agentId, unavailability: unavailabilityToWire(unavailability) }).finish());
      }
    }
  }
  w.uintField(CYCLES, cycles.length).uintField(CANDIDATES, candidates);
  sizeHint = Math.max(1 << 16, Math.ceil(w.length * 1.1));
  const bytes = w.finish();
  withHeadroom.add(bytes);
  return bytes;
}
