/** Helpers for users' offline tests of their policies (`mesos-policy/testing`). */
export { assertResourcesEqual, assertResourcesContain } from './resources.ts';
export { ManualClock } from './clock.ts';
export { TestCluster, buildCluster, DEFAULT_AGENT_CAPABILITIES, type AgentSpec, type FrameworkSpec, type ClusterSpec } from './cluster.ts';
export { CycleView, type OfferEntry, type OperatorCallEntry } from './cycle-view.ts';
export { applyOperatorCalls } from '../allocator/operator-calls.ts';
export { assertOffered, assertNotOffered, assertReservationsStayInRole, assertOffersWellFormed, assertOperatorCall, type OfferExpectation } from './assertions.ts';
