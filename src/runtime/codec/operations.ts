/**
 * `Offer.Operation` (the speculative ones: RESERVE, UNRESERVE, CREATE, DESTROY, GROW_VOLUME,
 * SHRINK_VOLUME) → the model's OfferOperation, and `ResourceConversion` (updateAllocation).
 * Resources are validated here; whether an operation applies is the engine's call.
 */
import { Resources, type OfferOperation, type Resource, type ResourceConversion, type ResourceInput } from '../../resources/index.ts';
import { protocol, type wire } from '../protocol.ts';
import { CodecError } from './errors.ts';
import { list, opt } from './presence.ts';
import { resourcesFromWire, resourcesToWire, resourceToWire, singleResourceFromWire } from './resources.ts';

const Type = protocol.Offer.Operation.Type;

type ResourcesLike = Resources | Iterable<ResourceInput | Resource>;

function part<T>(value: T | null | undefined, field: string): T {
  if (value === null || value === undefined) throw new CodecError(field, 'is required for this operation type');
  return value;
}

export function operationFromWire(op: wire.Offer.IOperation, field: string): OfferOperation {
  switch (op.type ?? Type.UNKNOWN) {
    case Type.RESERVE: {
      const reserve = part(opt(op, 'reserve'), `${field}.reserve`);
      const source = list(reserve.source);
      return {
        type: 'RESERVE',
        resources: resourcesFromWire(reserve.resources, `${field}.reserve.resources`),
        ...(source.length === 0 ? {} : { source: resourcesFromWire(source, `${field}.reserve.source`) }),
      };
    }
    case Type.UNRESERVE:
      return { type: 'UNRESERVE', resources: resourcesFromWire(part(opt(op, 'unreserve'), `${field}.unreserve`).resources, `${field}.unreserve.resources`) };
    case Type.CREATE:
      return { type: 'CREATE', volumes: resourcesFromWire(part(opt(op, 'create'), `${field}.create`).volumes, `${field}.create.volumes`) };
    case Type.DESTROY:
      return { type: 'DESTROY', volumes: resourcesFromWire(part(opt(op, 'destroy'), `${field}.destroy`).volumes, `${field}.destroy.volumes`) };
    case Type.GROW_VOLUME: {
      const grow = part(opt(op, 'growVolume'), `${field}.grow_volume`);
      return {
        type: 'GROW_VOLUME',
        volume: singleResourceFromWire(opt(grow, 'volume'), `${field}.grow_volume.volume`),
        addition: singleResourceFromWire(opt(grow, 'addition'), `${field}.grow_volume.addition`),
      };
    }
    case Type.SHRINK_VOLUME: {
      const shrink = part(opt(op, 'shrinkVolume'), `${field}.shrink_volume`);
      const subtract = part(opt(shrink, 'subtract'), `${field}.shrink_volume.subtract`);
      return { type: 'SHRINK_VOLUME', volume: singleResourceFromWire(opt(shrink, 'volume'), `${field}.shrink_volume.volume`), subtract: subtract.value ?? 0 };
    }
    default: {
      const name = protocol.Offer.Operation.Type[op.type ?? 0] ?? String(op.type);
      throw new CodecError(`${field}.type`, `unsupported operation ${name} (speculative operations are RESERVE, UNRESERVE, CREATE, DESTROY, GROW_VOLUME, SHRINK_VOLUME)`);
    }
  }
}

export function operationsFromWire(ops: readonly wire.Offer.IOperation[] | null | undefined, field: string): OfferOperation[] {
  return list(ops).map((op, i) => operationFromWire(op, `${field}[${i}]`));
}

/** For tests and request builders: operations whose resources are already `Resources`. */
export function operationToWire(op: OfferOperation): wire.Offer.IOperation {
  const many = (x: ResourcesLike): wire.IResource[] => resourcesToWire(Resources.of(x));
  const one = (x: ResourceInput | Resource): wire.IResource => {
    const [resource] = Resources.of([x]).toArray();
    if (resource === undefined) throw new CodecError(op.type, 'an empty resource cannot be written');
    return resourceToWire(resource);
  };
  switch (op.type) {
    case 'RESERVE':
      return { type: Type.RESERVE, reserve: { resources: many(op.resources), ...(op.source === undefined ? {} : { source: many(op.source) }) } };
    case 'UNRESERVE':
      return { type: Type.UNRESERVE, unreserve: { resources: many(op.resources) } };
    case 'CREATE':
      return { type: Type.CREATE, create: { volumes: many(op.volumes) } };
    case 'DESTROY':
      return { type: Type.DESTROY, destroy: { volumes: many(op.volumes) } };
    case 'GROW_VOLUME':
      return { type: Type.GROW_VOLUME, growVolume: { volume: one(op.volume), addition: one(op.addition) } };
    case 'SHRINK_VOLUME':
      return { type: Type.SHRINK_VOLUME, shrinkVolume: { volume: one(op.volume), subtract: { value: op.subtract } } };
  }
}

export function conversionsFromWire(conversions: readonly wire.IResourceConversion[] | null | undefined, field: string): ResourceConversion[] {
  return list(conversions).map((c, i) => ({
    consumed: resourcesFromWire(c.consumed, `${field}[${i}].consumed`),
    converted: resourcesFromWire(c.converted, `${field}[${i}].converted`),
  }));
}

export function conversionToWire(c: ResourceConversion): wire.IResourceConversion {
  return { consumed: resourcesToWire(c.consumed), converted: resourcesToWire(c.converted) };
}
