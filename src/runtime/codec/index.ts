/** The bridge codec: wire messages (proto/bridge.proto) ⇄ engine and policy inputs and outputs. */
export { CodecError } from './errors.ts';
export * from './resources.ts';
export * from './attributes.ts';
export * from './agent.ts';
export * from './framework.ts';
export * from './maintenance.ts';
export * from './quota.ts';
export * from './operations.ts';
export * from './operator-calls.ts';
export * from './offer-constraints.ts';
export * from './allocation.ts';
export * from './tasks.ts';
export { labelsFromWire, labelsToWire } from './values.ts';
export { initializeFromWire, type WireAllocatorOptions } from './initialize.ts';
export { encodeAllocation } from './allocation-bytes.ts';
