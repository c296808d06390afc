/** The bridge protocol's generated messages (proto/bridge.proto), under short names. */
import { mesos_policy } from './generated/bridge.js';

export const protocol = mesos_policy.protocol;
export import wire = mesos_policy.protocol;
export const PROTOCOL_VERSION: number = protocol.Protocol.PROTOCOL_VERSION;
