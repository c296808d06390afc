/** The life of a data-service instance: sticky relaunch, guarded replace, elastic scaling, maintenance. */
export type {
  DeployStrategy, ExecutionMode, InstancePhase, InstanceStatus, Intent, KillRequest, LaunchRequest, LifecycleDecision,
  LifecycleEvent, LifecycleEventKind, LifecycleOptions, Proposal, ProposalReason, ReplaceRateLimit,
} from './types.ts';
export { DataServiceController, LifecycleError } from './controller.ts';
export { ReplacementBudget } from './rate-limit.ts';
export { chooseScaleDown, type ScaleCandidate } from './scale.ts';
export { volumeIds } from './proposals.ts';
