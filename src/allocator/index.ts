export { AllocatorEngine, type AllocatorOptions } from './engine.ts';
export { AllocatorError } from './errors.ts';
export type { Explanation, Reason, ReasonCode } from './explain.ts';
export type * from './types.ts';
export { DEFAULT_MIN_ALLOCATABLE_RESOURCES, parseMinAllocatableResources, isAllocatable } from './min-allocatable.ts';
export { refuseFilterDurationMs, DEFAULT_REFUSE_SECONDS, MAX_REFUSE_SECONDS } from './refuse-filter.ts';
export { seededRandom, type RandomSource } from './random.ts';
export { DRFSorter, RandomSorter, type Sorter } from './sorter/index.ts';
export { parseOfferConstraints, createOfferConstraintsFilter, OfferConstraintsError, type OfferConstraints } from './offer-constraints.ts';
