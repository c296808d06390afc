/**
 * The speculative offer operations (Mesos `Offer.Operation`): RESERVE (with refinement and
 * `source`), UNRESERVE, CREATE, DESTROY, GROW_VOLUME and SHRINK_VOLUME. Each is validated as
 * the master validates it (src/master/validation.cpp `operation::validate`), turned into
 * resource conversions (src/common/resources_utils.cpp `getResourceConversions`) and applied
 * (`ResourceConversion::apply`). A failing operation throws OperationError and changes nothing.
 */
import { OperationError, ResourceError } from './errors.ts';
import { formatMesos } from './format.ts';
import { Item } from './item.ts';
import { Resources, isDynamicallyReserved, isPersistentVolume, reservationRoleOf } from './resources.ts';
import type { ReservationInfo, Resource, ResourceInput } from './types.ts';
import { itemFromInput } from './validate.ts';

export type ResourcesLike = Resources | Iterable<ResourceInput | Resource>;

export type OfferOperation =
  | { readonly type: 'RESERVE'; readonly resources: ResourcesLike; readonly source?: ResourcesLike }
  | { readonly type: 'UNRESERVE'; readonly resources: ResourcesLike }
  | { readonly type: 'CREATE'; readonly volumes: ResourcesLike }
  | { readonly type: 'DESTROY'; readonly volumes: ResourcesLike }
  | { readonly type: 'GROW_VOLUME'; readonly volume: ResourceInput | Resource; readonly addition: ResourceInput | Resource }
  | { readonly type: 'SHRINK_VOLUME'; readonly volume: ResourceInput | Resource; readonly subtract: number };

/** `consumed` is replaced by `converted`; `postValidation` checks the result (Mesos ResourceConversion). */
export interface ResourceConversion {
  readonly consumed: Resources;
  readonly converted: Resources;
  readonly postValidation?: (result: Resources) => string | undefined;
}

export interface OperationContext {
  /** The authenticated principal; when set, reservation and persistence principals must equal it. */
  readonly principal?: string;
  /** The agent's checkpointed resources (reservations and volumes), for persistence-id uniqueness and DESTROY; defaults to the resources operated on. */
  readonly checkpointed?: Resources;
  /** Resources in use by tasks and executors: a volume in use cannot be destroyed. */
  readonly used?: Resources;
  /** Set for an operation accepted by a framework: its roles. Absent for the operator API. */
  readonly frameworkRoles?: readonly string[];
}

function toResources(op: string, field: string, value: ResourcesLike | undefined): Resources {
  if (value === undefined) throw new OperationError(op, `'${field}' is required`);
  try {
    return Resources.of(value);
  } catch (e) {
    if (e instanceof ResourceError) throw new OperationError(op, `invalid ${field}: ${e.message}`);
    throw e;
  }
}

function toItem(op: string, field: string, value: ResourceInput | Resource | undefined): Item {
  if (value === undefined) throw new OperationError(op, `'${field}' is required`);
  try {
    return value instanceof Item ? value : itemFromInput(value, field);
  } catch (e) {
    if (e instanceof ResourceError) throw new OperationError(op, `invalid ${field}: ${e.message}`);
    throw e;
  }
}

function sameReservations(a: readonly ReservationInfo[], b: readonly ReservationInfo[]): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Checks shared by every operation: not empty, GPUs whole, one resource provider. */
function validateCommon(op: string, resources: Resources): void {
  if (resources.isEmpty()) throw new OperationError(op, 'the operation contains no resources');
  const providers = new Set<string | undefined>();
  for (const r of resources) {
    if (r.name === 'gpus' && !Number.isInteger(r.scalar)) throw new OperationError(op, `invalid 'gpus' resource: ${r.scalar} is not a whole number`);
    providers.add(r.providerId);
  }
  if (providers.size > 1) {
    throw new OperationError(op, providers.has(undefined) ? 'some resources have a resource provider and some do not' : 'the resources have multiple resource providers');
  }
}

function validateAllocation(op: string, resources: Resources, ctx: OperationContext, roleOf: (r: Resource) => string | undefined): void {
  if (ctx.frameworkRoles === undefined) {
    for (const r of resources) {
      if (r.allocationRole !== undefined) {
        throw new OperationError(op, 'the operator API applies to unallocated resources only, but a resource is allocated');
      }
    }
    return;
  }
  const roles = new Set<string>();
  for (const r of resources) {
    if (r.allocationRole === undefined) throw new OperationError(op, `frameworks can only operate on allocated resources; ${formatMesos(Resources.of([r]))} is not`);
    roles.add(r.allocationRole);
    const role = roleOf(r);
    if (role !== undefined && role !== r.allocationRole) {
      throw new OperationError(op, `a resource with role '${role}' was allocated to role '${r.allocationRole}'`);
    }
    if (!ctx.frameworkRoles.includes(r.allocationRole)) {
      throw new OperationError(op, `resources allocated to role '${r.allocationRole}', but the framework only has roles ${JSON.stringify(ctx.frameworkRoles)}`);
    }
  }
  if (roles.size > 1) throw new OperationError(op, `the resources have multiple allocation roles (${[...roles].join(', ')}) but only one is allowed`);
}

function stripVolume(item: Item): Item {
  const disk = item.meta.disk!;
  const meta = item.meta.with({ disk: disk.source === undefined ? undefined : { source: disk.source }, shared: false });
  return new Item(meta, item.milli, undefined, undefined, 1);
}

function validateVolumes(op: string, volumes: Resources): void {
  for (const v of volumes) {
    if (v.disk === undefined) throw new OperationError(op, `not a persistent volume: resource ${v.name} does not have DiskInfo`);
    if (v.disk.persistence === undefined) throw new OperationError(op, "not a persistent volume: 'persistence' is not set in DiskInfo");
    if (v.disk.volume === undefined) throw new OperationError(op, "not a persistent volume: expecting 'volume' to be set");
    if (v.disk.volume.mode === 'RO') throw new OperationError(op, 'read-only persistent volume not supported');
  }
}

function validateReserve(resources: Resources, source: Resources | undefined, ctx: OperationContext): void {
  const op = 'RESERVE';
  validateCommon(op, resources);
  if (source !== undefined) {
    validateCommon(op, source);
    for (const [name, group] of [['source', source], ['resources', resources]] as const) {
      const first = group.itemsView()[0]!.reservations;
      if (!group.itemsView().every((i) => sameReservations(i.reservations, first))) {
        throw new OperationError(op, `invalid ${name}: mixed reservations are not supported`);
      }
    }
    if (!source.toUnreserved().unallocate().equals(resources.toUnreserved().unallocate())) {
      throw new OperationError(op, `source and target resources should refer to identical resource quantities: ${source.toUnreserved()} vs. ${resources.toUnreserved()}`);
    }
  }
  for (const r of resources) {
    if (!isDynamicallyReserved(r)) throw new OperationError(op, `resource ${formatMesos(Resources.of([r]))} is not dynamically reserved`);
    if (ctx.principal !== undefined) {
      const last = r.reservations[r.reservations.length - 1]!;
      if (last.principal === undefined) throw new OperationError(op, `attempted by principal '${ctx.principal}', but a reserved resource has no principal set`);
      if (last.principal !== ctx.principal) throw new OperationError(op, `attempted by principal '${ctx.principal}', which does not match the reservation principal '${last.principal}'`);
    }
  }
  validateAllocation(op, resources, ctx, reservationRoleOf);
}

function validateUnreserve(resources: Resources, ctx: OperationContext): void {
  const op = 'UNRESERVE';
  validateCommon(op, resources);
  for (const r of resources) {
    if (!isDynamicallyReserved(r)) throw new OperationError(op, `resource ${formatMesos(Resources.of([r]))} is not dynamically reserved`);
    if (isPersistentVolume(r)) {
      throw new OperationError(op, `a dynamically reserved persistent volume ${formatMesos(Resources.of([r]))} cannot be unreserved directly; destroy the volume first`);
    }
  }
  validateAllocation(op, resources, ctx, reservationRoleOf);
}

function validateCreate(volumes: Resources, checkpointed: Resources, ctx: OperationContext): void {
  const op = 'CREATE';
  validateCommon(op, volumes);
  validateVolumes(op, volumes);
  const ids = new Map<string, Set<string>>();
  for (const v of checkpointed.unallocate().plus(volumes.unallocate()).persistentVolumes()) {
    const role = reservationRoleOf(v)!;
    const id = v.disk!.persistence!.id;
    const seen = ids.get(role) ?? new Set<string>();
    if (seen.has(id)) throw new OperationError(op, `persistence ID '${id}' is not unique (role '${role}')`);
    seen.add(id);
    ids.set(role, seen);
  }
  if (ctx.principal !== undefined) {
    for (const v of volumes) {
      const principal = v.disk!.persistence!.principal;
      if (principal === undefined) throw new OperationError(op, `attempted by principal '${ctx.principal}', but a volume has no principal set in 'disk.persistence'`);
      if (principal !== ctx.principal) throw new OperationError(op, `attempted by principal '${ctx.principal}', which does not match the volume principal '${principal}'`);
    }
  }
  validateAllocation(op, volumes, ctx, reservationRoleOf);
}

function validateDestroy(volumes: Resources, checkpointed: Resources, ctx: OperationContext): void {
  const op = 'DESTROY';
  validateCommon(op, volumes);
  const unallocated = volumes.unallocate();
  validateVolumes(op, unallocated);
  const known = checkpointed.unallocate();
  for (const v of unallocated) {
    if (v.providerId === undefined && !known.contains([v])) throw new OperationError(op, `persistent volume ${formatMesos(Resources.of([v]))} not found`);
  }
  if (ctx.used !== undefined) {
    const used = ctx.used.unallocate();
    for (const v of unallocated) {
      if (used.contains([v])) throw new OperationError(op, `persistent volume ${formatMesos(Resources.of([v]))} is in use`);
    }
  }
  validateAllocation(op, volumes, ctx, reservationRoleOf);
}

function validateResize(op: string, volume: Item): void {
  if (volume.meta.providerId !== undefined) throw new OperationError(op, 'resizing a volume from a resource provider is not supported');
  validateVolumes(op, Resources.of([volume]));
  if (volume.meta.shared) throw new OperationError(op, 'resizing a shared persistent volume is not supported');
}

/** The conversions an operation makes, after validating it. */
export function operationConversions(operation: OfferOperation, resources: Resources = Resources.EMPTY, ctx: OperationContext = {}): ResourceConversion[] {
  if (typeof operation !== 'object' || operation === null) throw new OperationError('UNKNOWN', 'an operation must be an object');
  const checkpointed = ctx.checkpointed ?? resources;
  switch (operation.type) {
    case 'RESERVE': {
      const target = toResources('RESERVE', 'resources', operation.resources);
      const source = operation.source === undefined ? undefined : toResources('RESERVE', 'source', operation.source);
      validateReserve(target, source, ctx);
      return [{ consumed: source ?? target.popReservation(), converted: target }];
    }
    case 'UNRESERVE': {
      const reserved = toResources('UNRESERVE', 'resources', operation.resources);
      validateUnreserve(reserved, ctx);
      return reserved.itemsView().map((item) => {
        const one = Resources.fromItems([item]);
        return { consumed: one, converted: one.popReservation() };
      });
    }
    case 'CREATE': {
      const volumes = toResources('CREATE', 'volumes', operation.volumes);
      validateCreate(volumes, checkpointed, ctx);
      return volumes.itemsView().map((v) => ({ consumed: Resources.fromItems([stripVolume(v)]), converted: Resources.fromItems([v]) }));
    }
    case 'DESTROY': {
      const volumes = toResources('DESTROY', 'volumes', operation.volumes);
      validateDestroy(volumes, checkpointed, ctx);
      return volumes.itemsView().map((v) => {
        const volume = Resources.fromItems([v]);
        return {
          consumed: volume,
          converted: Resources.fromItems([stripVolume(v)]),
          postValidation: (result: Resources) =>
            result.contains(volume) ? `persistent volume ${volume} cannot be removed due to additional shared copies` : undefined,
        };
      });
    }
    case 'GROW_VOLUME': {
      const op = 'GROW_VOLUME';
      const volume = toItem(op, 'volume', operation.volume);
      const addition = toItem(op, 'addition', operation.addition);
      if (addition.meta.type !== 'SCALAR' || addition.milli <= 0) throw new OperationError(op, "the size of 'addition' must be greater than zero");
      validateResize(op, volume);
      if (Resources.fromItems([stripVolume(volume), addition]).size !== 1) {
        throw new OperationError(op, "incompatible resources in 'volume' and 'addition' (same disk, reservation and allocation needed; MOUNT volumes cannot grow)");
      }
      validateAllocation(op, Resources.fromItems([volume, addition]), ctx, reservationRoleOf);
      return [{ consumed: Resources.fromItems([volume, addition]), converted: Resources.fromItems([volume.withMilli(volume.milli + addition.milli)]) }];
    }
    case 'SHRINK_VOLUME': {
      const op = 'SHRINK_VOLUME';
      const volume = toItem(op, 'volume', operation.volume);
      const subtract = operation.subtract;
      if (typeof subtract !== 'number' || !Number.isFinite(subtract) || Math.round(subtract * 1000) <= 0) {
        throw new OperationError(op, "value of 'subtract' must be greater than zero");
      }
      const subtractMilli = Math.round(subtract * 1000);
      if (volume.milli <= subtractMilli) throw new OperationError(op, "value of 'subtract' must be smaller than the size of 'volume'");
      if (volume.meta.disk?.source?.type === 'MOUNT') throw new OperationError(op, 'shrinking a volume on a MOUNT disk is not supported');
      validateResize(op, volume);
      validateAllocation(op, Resources.fromItems([volume]), ctx, reservationRoleOf);
      const freed = stripVolume(volume).withMilli(subtractMilli);
      return [{ consumed: Resources.fromItems([volume]), converted: Resources.fromItems([volume.withMilli(volume.milli - subtractMilli), freed]) }];
    }
    default:
      throw new OperationError(String((operation as { type?: unknown }).type), 'unsupported operation (speculative operations are RESERVE, UNRESERVE, CREATE, DESTROY, GROW_VOLUME, SHRINK_VOLUME)');
  }
}

/** Applies one conversion as Mesos's `ResourceConversion::apply` does. */
export function applyConversion(resources: Resources, conversion: ResourceConversion, op = 'operation'): Resources {
  if (!resources.contains(conversion.consumed)) throw new OperationError(op, `${resources} does not contain ${conversion.consumed}`);
  const result = resources.minus(conversion.consumed).plus(conversion.converted);
  const problem = conversion.postValidation?.(result);
  if (problem !== undefined) throw new OperationError(op, problem);
  return result;
}

/**
 * Applies a speculative operation to `resources` (an agent's available or offered resources)
 * and returns the result; throws OperationError, leaving `resources` as it was, when the
 * operation is invalid or does not apply.
 */
export function applyOperation(resources: Resources, operation: OfferOperation, ctx: OperationContext = {}): Resources {
  const conversions = operationConversions(operation, resources, ctx);
  let result = resources;
  for (const conversion of conversions) result = applyConversion(result, conversion, operation.type);
  return result;
}
