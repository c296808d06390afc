/** The placement planner: where a service's pod instances go and the operations that hold them. */
export type {
  AgentOperations, ClusterAgent, IdSource, LedgerView, PlacedPodInstance, Placement, Plan, PlanOptions,
  PlannedReservation, Unplaced, UnplacedReason,
} from './types.ts';
export { planService, PlanError } from './planner.ts';
export { executeOperations, executePlan, planOperations, PlanExecutionError } from './execute.ts';
export { seededIds, agentRank } from './ids.ts';
export { SERVICE_LABEL, POD_INSTANCE_LABEL, RESOURCE_ID_LABEL, reservationLabels, labelValue, ownerOf } from './labels.ts';
export { toOfferOperations, operationsByAgent } from './offer.ts';
