/** Data services managed from inside the master: the lifecycle controller driven by the allocator policy through the operator API. */
export { dataServicePolicy, DataServicePolicyError, type DataServiceControl, type DataServicePolicy } from './policy.ts';
export type { AcceptInverseOfferRequest, ControllerTuning, DataServicePolicyOptions, FrameworkRequests, KillInstanceRequest } from './types.ts';
export { adoptReservations, type AdoptionOptions, type AdoptionReport } from './adopt.ts';
export { instanceUsage, type InstanceUsage } from './usage.ts';
export { inverseOperation, tookEffect, undoOperations } from './undo.ts';
export { PlacementHold, type PlacementHoldOptions } from './placement-hold.ts';
export { launchGate, type LaunchGate } from './launch-gate.ts';
