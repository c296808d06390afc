/** The bridge protocol's generated messages (proto/bridge.proto), under short names. */
import protobuf from 'protobufjs/minimal.js';
import { mesos_policy } from './generated/bridge.js';

// 64-bit fields are plain numbers (as the generated types say): protobufjs would otherwise decode
// them as Long objects whenever the `long` package can be loaded. Exact to 2^53, which covers
// ports, pids and nanosecond times to well past 2200.
protobuf.util.Long = null as unknown as typeof protobuf.util.Long;
protobuf.configure();

export const protocol = mesos_policy.protocol;
export import wire = mesos_policy.protocol;
export const PROTOCOL_VERSION: number = protocol.Protocol.PROTOCOL_VERSION;
