export { ResourceError, ResourceParseError, OperationError } from './errors.ts';
export type {
  DiskInfo, DiskSource, DiskSourceType, Label, Persistence, ReservationInfo, ReservationType,
  Resource, ResourceInput, ValueType, VolumeInfo, VolumeMode,
} from './types.ts';
export type { Range } from './ranges.ts';
export { Resources, isAllocatableTo, isDynamicallyReserved, isPersistentVolume, isReserved, reservationRoleOf } from './resources.ts';
export { parseResources, type ParseResourcesOptions } from './parse.ts';
export { formatResources, formatMesos, type ResourcesFormat } from './format.ts';
export { parseAttributes, formatAttributes, formatAttributeValue, attributesEqual, type Attribute } from './attributes.ts';
export { isStrictSubroleOf, isValidRole, roleAncestors, roleProblem, assertValidRole, UNRESERVED_ROLE } from './roles.ts';
export { applyOperation, operationConversions, type OfferOperation, type ResourceConversion, type OperationContext } from './operations.ts';
export { parseResourceQuantities, parseResourceLimits, formatQuantities, type ResourceQuantities, type ResourceLimits } from './quantities.ts';
export { shrinkResources, type ShrinkTarget } from './shrink.ts';
