/**
 * Encodes Responses. Allocator replies may carry their Allocation already as bytes (the hot path,
 * codec/allocation-bytes.ts); those are spliced in, everything else goes through protobufjs.
 */
import { lenFieldSize, WireWriter, doubleFieldSize } from './codec/wire-writer.ts';
import { protocol, type wire } from './protocol.ts';

/** An AllocatorReply whose `allocation` is already encoded. */
export interface EncodedAllocationReply {
  readonly allocationBytes: Uint8Array;
  readonly nextCycleAtMs?: number;
}

export type AllocatorReplyOut = wire.IAllocatorReply | EncodedAllocationReply;

export type ResponseOut =
  | Omit<wire.IResponse, 'allocator' | 'allocatorBatch'>
  | { readonly allocator: AllocatorReplyOut }
  | { readonly allocatorBatch: { readonly replies: readonly AllocatorReplyOut[] } };

// Field numbers (proto/bridge.proto).
const RESPONSE_ALLOCATOR = 3;
const RESPONSE_ALLOCATOR_BATCH = 4;
const BATCH_REPLIES = 1;
const REPLY_ALLOCATION = 3;
const REPLY_NEXT_CYCLE_AT_MS = 6;

export function isEncodedAllocation(reply: AllocatorReplyOut): reply is EncodedAllocationReply {
  return (reply as EncodedAllocationReply).allocationBytes !== undefined;
}

function allocatorReplyBytes(reply: AllocatorReplyOut): Uint8Array {
  if (!isEncodedAllocation(reply)) return protocol.AllocatorReply.encode(reply).finish();
  const next = reply.nextCycleAtMs;
  const w = new WireWriter(lenFieldSize(REPLY_ALLOCATION, reply.allocationBytes.length) + (next === undefined ? 0 : doubleFieldSize(REPLY_NEXT_CYCLE_AT_MS)));
  w.bytesField(REPLY_ALLOCATION, reply.allocationBytes);
  if (next !== undefined) w.doubleField(REPLY_NEXT_CYCLE_AT_MS, next);
  return w.finish();
}

function wrap(field: number, body: Uint8Array): Uint8Array {
  return new WireWriter(lenFieldSize(field, body.length)).bytesField(field, body).finish();
}

export function encodeResponse(response: ResponseOut): Uint8Array {
  if ('allocator' in response && response.allocator !== undefined && response.allocator !== null) {
    return wrap(RESPONSE_ALLOCATOR, allocatorReplyBytes(response.allocator));
  }
  if ('allocatorBatch' in response && response.allocatorBatch !== undefined && response.allocatorBatch !== null) {
    const replies = response.allocatorBatch.replies.map(allocatorReplyBytes);
    const size = replies.reduce((sum, r) => sum + lenFieldSize(BATCH_REPLIES, r.length), 0);
    const w = new WireWriter(size);
    for (const r of replies) w.bytesField(BATCH_REPLIES, r);
    return wrap(RESPONSE_ALLOCATOR_BATCH, w.finish());
  }
  return protocol.Response.encode(response as wire.IResponse).finish();
}
