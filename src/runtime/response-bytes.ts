/**
 * Encodes Responses. Allocator replies may carry their Allocation already as bytes (the hot path,
 * codec/allocation-bytes.ts); those are spliced in. A hook's reply of ASCII labels only (the label
 * decorators, called per task) is written directly; everything else goes through protobufjs.
 */
import { takeHeadroom } from './codec/allocation-bytes.ts';
import { doubleFieldSize, lenFieldSize, utf8Length, WireType, WireWriter } from './codec/wire-writer.ts';
import { protocol, type wire } from './protocol.ts';

/** An AllocatorReply whose `allocation` is already encoded, with the policy's operator calls (each an encoded OperatorCall). */
export interface EncodedAllocationReply {
  readonly allocationBytes: Uint8Array;
  readonly nextCycleAtMs?: number;
  readonly operatorCallBytes?: readonly Uint8Array[];
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
const REPLY_OPERATOR_CALLS = 7;
const RESPONSE_HOOK = 5;
const HOOK_REPLY_LABELS = 1;
const LABELS_LABELS = 1;
const LABEL_KEY = 1;
const LABEL_VALUE = 2;

export function isEncodedAllocation(reply: AllocatorReplyOut): reply is EncodedAllocationReply {
  return (reply as EncodedAllocationReply).allocationBytes !== undefined;
}

/** The reply's fields after `allocation` (6, 7): their size. */
function tailSize(reply: EncodedAllocationReply): number {
  let size = reply.nextCycleAtMs === undefined ? 0 : doubleFieldSize(REPLY_NEXT_CYCLE_AT_MS);
  for (const call of reply.operatorCallBytes ?? []) size += lenFieldSize(REPLY_OPERATOR_CALLS, call.length);
  return size;
}

/** The reply's fields after `allocation`, in number order as protobuf writes them. */
function writeTail(w: WireWriter, reply: EncodedAllocationReply): WireWriter {
  if (reply.nextCycleAtMs !== undefined) w.doubleField(REPLY_NEXT_CYCLE_AT_MS, reply.nextCycleAtMs);
  for (const call of reply.operatorCallBytes ?? []) w.bytesField(REPLY_OPERATOR_CALLS, call);
  return w;
}

function encodedReplySize(reply: EncodedAllocationReply): number {
  return lenFieldSize(REPLY_ALLOCATION, reply.allocationBytes.length) + tailSize(reply);
}

function writeEncodedReply(w: WireWriter, reply: EncodedAllocationReply): WireWriter {
  w.bytesField(REPLY_ALLOCATION, reply.allocationBytes);
  return writeTail(w, reply);
}

/** The bytes of `{ done, next_cycle_at_ms }` for the last time seen: a batch of thousands of calls answers them all alike. */
let doneBytes: { readonly at: number | undefined; readonly bytes: Uint8Array } | undefined;

function isPlainDone(reply: wire.IAllocatorReply): boolean {
  const keys = Object.keys(reply);
  return reply.done !== undefined && reply.done !== null && Object.keys(reply.done).length === 0 && keys.every((k) => k === 'done' || k === 'nextCycleAtMs');
}

function writeVarintAt(buf: Uint8Array, at: number, n: number): number {
  while (n > 0x7f) {
    buf[at++] = (n % 0x80) | 0x80;
    n = Math.floor(n / 0x80);
  }
  buf[at++] = n;
  return at;
}

/**
 * Response{allocator: AllocatorReply{allocation, next_cycle_at_ms, operator_calls}} written around
 * the allocation's bytes where encodeAllocation left room for it: the headers before it, the rest
 * after it. Fields in number order, as protobuf writes them. Undefined when there is no such room.
 */
function inPlaceResponse(reply: EncodedAllocationReply): Uint8Array | undefined {
  const bytes = reply.allocationBytes;
  const tail = tailSize(reply);
  const after = bytes.byteOffset + bytes.length;
  if (after + tail > bytes.buffer.byteLength) return undefined;
  const replySize = encodedReplySize(reply);
  const header = lenFieldSize(RESPONSE_ALLOCATOR, replySize) - replySize + lenFieldSize(REPLY_ALLOCATION, bytes.length) - bytes.length;
  if (header > bytes.byteOffset || !takeHeadroom(bytes)) return undefined;
  const buf = new Uint8Array(bytes.buffer, 0, after + tail);
  const start = bytes.byteOffset - header;
  let at = writeVarintAt(buf, start, (RESPONSE_ALLOCATOR << 3) | WireType.LEN);
  at = writeVarintAt(buf, at, replySize);
  at = writeVarintAt(buf, at, (REPLY_ALLOCATION << 3) | WireType.LEN);
  writeVarintAt(buf, at, bytes.length);
  if (tail > 0) buf.set(writeTail(new WireWriter(tail), reply).finish(), after);
  return buf.subarray(start, after + tail);
}

function allocatorReplyBytes(reply: AllocatorReplyOut): Uint8Array {
  if (!isEncodedAllocation(reply)) {
    if (!isPlainDone(reply)) return protocol.AllocatorReply.encode(reply).finish();
    const at = reply.nextCycleAtMs ?? undefined;
    if (doneBytes === undefined || !Object.is(doneBytes.at, at)) doneBytes = { at, bytes: protocol.AllocatorReply.encode(reply).finish() };
    return doneBytes.bytes;
  }
  return writeEncodedReply(new WireWriter(encodedReplySize(reply)), reply).finish();
}

function wrap(field: number, body: Uint8Array): Uint8Array {
  return new WireWriter(lenFieldSize(field, body.length)).bytesField(field, body).finish();
}

/** Each label's body size, kept from call to call (the sizes pass fills it, the write pass reads it). */
const labelSizes: number[] = [];

/**
 * Response{hook: HookReply{labels}} for a reply that carries nothing but labels, all ASCII, the
 * bytes protobufjs writes for it without its objects per field (they were a quarter of a label
 * decorator call's garbage: fewer young-generation GCs); undefined for any other reply.
 */
function labelsOnlyHookResponse(reply: wire.IHookReply): Uint8Array | undefined {
  const labels = reply.labels;
  if (labels === undefined || labels === null) return undefined;
  for (const key in reply) if (key !== 'labels' && (reply as Record<string, unknown>)[key] != null) return undefined;
  const list = labels.labels ?? [];
  let labelsSize = 0;
  for (let i = 0; i < list.length; i++) {
    const { key, value } = list[i]!;
    let size = 0;
    // A non-ASCII string (or a lone surrogate, which protobufjs and TextEncoder write differently) goes through protobufjs.
    if (key != null) {
      if (utf8Length(key) !== key.length) return undefined;
      size += lenFieldSize(LABEL_KEY, key.length);
    }
    if (value != null) {
      if (utf8Length(value) !== value.length) return undefined;
      size += lenFieldSize(LABEL_VALUE, value.length);
    }
    labelSizes[i] = size;
    labelsSize += lenFieldSize(LABELS_LABELS, size);
  }
  const replySize = lenFieldSize(HOOK_REPLY_LABELS, labelsSize);
  const w = new WireWriter(lenFieldSize(RESPONSE_HOOK, replySize)).lenHeader(RESPONSE_HOOK, replySize).lenHeader(HOOK_REPLY_LABELS, labelsSize);
  for (let i = 0; i < list.length; i++) {
    const { key, value } = list[i]!;
    w.lenHeader(LABELS_LABELS, labelSizes[i]!);
    if (key != null) w.stringField(LABEL_KEY, key, key.length);
    if (value != null) w.stringField(LABEL_VALUE, value, value.length);
  }
  return w.finish();
}

export function encodeResponse(response: ResponseOut): Uint8Array {
  if ('allocator' in response && response.allocator !== undefined && response.allocator !== null) {
    const reply = response.allocator;
    if (!isEncodedAllocation(reply)) return wrap(RESPONSE_ALLOCATOR, allocatorReplyBytes(reply));
    // An allocation of thousands of offers: its headers go in front of it, in its own buffer.
    const inPlace = inPlaceResponse(reply);
    if (inPlace !== undefined) return inPlace;
    const size = encodedReplySize(reply);
    return writeEncodedReply(new WireWriter(lenFieldSize(RESPONSE_ALLOCATOR, size)).lenHeader(RESPONSE_ALLOCATOR, size), reply).finish();
  }
  if ('allocatorBatch' in response && response.allocatorBatch !== undefined && response.allocatorBatch !== null) {
    const replies = response.allocatorBatch.replies.map(allocatorReplyBytes);
    const size = replies.reduce((sum, r) => sum + lenFieldSize(BATCH_REPLIES, r.length), 0);
    const w = new WireWriter(size);
    for (const r of replies) w.bytesField(BATCH_REPLIES, r);
    return wrap(RESPONSE_ALLOCATOR_BATCH, w.finish());
  }
  if ('hook' in response && response.hook !== undefined && response.hook !== null) {
    const bytes = labelsOnlyHookResponse(response.hook);
    if (bytes !== undefined) return bytes;
  }
  return protocol.Response.encode(response as wire.IResponse).finish();
}
