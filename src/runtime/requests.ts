/**
 * Encoded Requests from plain TypeScript, for tests and for generating request streams the C++
 * side replays (test/native/replay): `encodeRequest({ nowMs, allocator: { addAgent: {...} } })`.
 * Field names are the generated camelCase ones, enums their numbers (`protocol.Value.Type.SCALAR`);
 * `toWire` turns the engine's inputs (Resources, FrameworkInfo, ...) into those messages.
 */
import protobuf from 'protobufjs/minimal.js';
import { parseAttributes, parseResources, type Attribute, type Resources } from '../resources/index.ts';
import {
  agentCapabilitiesToWire, agentInfoToWire, attributesToWire, conversionToWire, domainToWire, expandOffers, filtersToWire, frameworkInfoToWire, inverseOfferStatusToWire,
  offerConstraintsToWire, operationToWire, quotaConfigToWire, resourcesToWire, unavailabilityToWire, weightsToWire,
} from './codec/index.ts';
import { protocol, PROTOCOL_VERSION, type wire } from './protocol.ts';

/**
 * A decoded message's type as protobufjs builds it: scalars read their defaults, repeated and map
 * fields are never null, sub-messages are null when absent. (The generated types make every
 * nested field optional.)
 */
export type Decoded<T> = T extends readonly (infer E)[] ? Decoded<E>[] : T extends object ? { -readonly [K in keyof T]-?: DecodedField<T[K]> } : T;
type DecodedField<F> = NonNullable<F> extends readonly (infer E)[]
  ? Decoded<E>[]
  : NonNullable<F> extends object
    ? string extends keyof NonNullable<F>
      ? Decoded<NonNullable<F>>
      : Decoded<NonNullable<F>> | null
    : NonNullable<F>;

export function encodeRequest(request: wire.IRequest): Uint8Array {
  return protocol.Request.encode(request).finish();
}

export function decodeRequest(bytes: Uint8Array): Decoded<wire.Request> {
  return protocol.Request.decode(bytes) as Decoded<wire.Request>;
}

/**
 * A Response's allocations with every offer's resources in the offer (shared lists expanded:
 * codec/allocation.ts), as a reader of offers wants them; `shared_resources` is kept, so a reader
 * can still see what was shared. Throws a CodecError on a reference to no list.
 */
function withOffersExpanded(response: Decoded<wire.Response>): Decoded<wire.Response> {
  if (response.allocator?.allocation) expandOffers(response.allocator.allocation);
  for (const reply of response.allocatorBatch?.replies ?? []) if (reply.allocation) expandOffers(reply.allocation);
  return response;
}

/** A Response, its offers' shared resource lists expanded (withOffersExpanded). */
export function decodeResponse(bytes: Uint8Array): Decoded<wire.Response> {
  return withOffersExpanded(protocol.Response.decode(bytes) as Decoded<wire.Response>);
}

export function encodeResponse(response: wire.IResponse): Uint8Array {
  return protocol.Response.encode(response).finish();
}

/** Length-delimited Requests, one after another (protobuf's writeDelimitedTo; what bridge_replay reads). */
export function encodeRequestStream(requests: Iterable<wire.IRequest>): Uint8Array {
  const writer = protobuf.Writer.create();
  for (const request of requests) protocol.Request.encode(request, writer.fork()).ldelim();
  return writer.finish();
}

function decodeStream<T>(bytes: Uint8Array, decode: (reader: protobuf.Reader, length: number) => T): T[] {
  const reader = protobuf.Reader.create(bytes);
  const out: T[] = [];
  while (reader.pos < reader.len) out.push(decode(reader, reader.uint32()));
  return out;
}

export function decodeRequestStream(bytes: Uint8Array): Decoded<wire.Request>[] {
  return decodeStream(bytes, (reader, length) => protocol.Request.decode(reader, length) as Decoded<wire.Request>);
}

/** Length-delimited Responses (bridge_replay's replies file), shared resource lists expanded. */
export function decodeResponseStream(bytes: Uint8Array): Decoded<wire.Response>[] {
  return decodeStream(bytes, (reader, length) => withOffersExpanded(protocol.Response.decode(reader, length) as Decoded<wire.Response>));
}

/** The Hello a host sends first. */
export function helloRequest(module = 'allocator', host = 'mesos-policy'): wire.IRequest {
  return { hello: { protocolVersion: PROTOCOL_VERSION, host, module } };
}

function resources(r: Resources | string): Resources {
  return typeof r === 'string' ? parseResources(r) : r;
}

/** The engine's inputs as wire messages. Resource text is `--resources` syntax. */
export const toWire = {
  resources: (r: Resources | string, allocationRole?: string): wire.IResource[] => resourcesToWire(resources(r), allocationRole),
  /** Resources allocated to `role` (what recoverResources and updateAllocation carry). */
  allocated: (r: Resources | string, role: string): wire.IResource[] => resourcesToWire(resources(r).allocate(role)),
  attributes: (a: readonly Attribute[] | string): wire.IAttribute[] => attributesToWire(typeof a === 'string' ? parseAttributes(a) : a),
  agentInfo: agentInfoToWire,
  agentCapabilities: agentCapabilitiesToWire,
  frameworkInfo: frameworkInfoToWire,
  domain: domainToWire,
  unavailability: unavailabilityToWire,
  inverseOfferStatus: inverseOfferStatusToWire,
  filters: filtersToWire,
  quota: quotaConfigToWire,
  weights: weightsToWire,
  operation: operationToWire,
  conversion: conversionToWire,
  offerConstraints: offerConstraintsToWire,
  /** UsedResources entries from a map of id → resources (allocated: each must carry its allocation role). */
  used: (used: ReadonlyMap<string, Resources>): wire.IUsedResources[] => [...used].map(([id, r]) => ({ id, resources: resourcesToWire(r) })),
} as const;
