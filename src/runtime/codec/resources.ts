/**
 * Mesos `Resource` on the wire ⇄ the resource model. Decoding builds `ResourceInput`s and lets
 * the model validate them (Resources.of), upgrading the pre-refinement `role` / `reservation`
 * fields as Mesos's `upgradeResource` does (the same rules as src/resources/json.ts, on decoded
 * messages instead of JSON). Encoding writes the post-refinement format. Both are one pass over
 * the resources, no JSON in between.
 */
import {
  Resources, type DiskInfo, type DiskSource, type DiskSourceType, type ReservationInfo, type Resource, type ResourceInput,
} from '../../resources/index.ts';
import type { Item } from '../../resources/item.ts';
import { itemFromInput } from '../../resources/validate.ts';
import { protocol, type wire } from '../protocol.ts';
import { itemOf, rememberItem } from './resource-cache.ts';
import { CodecError, decoding } from './errors.ts';
import { list, opt } from './presence.ts';
import { labelsFromWire, labelsToWire, rangesFromWire, VALUE_TYPE_NUMBERS, valueTypeFromWire } from './values.ts';

const ReservationType = protocol.Resource.ReservationInfo.Type;
const SourceType = protocol.Resource.DiskInfo.Source.Type;
const VolumeMode = protocol.Volume.Mode;

const SOURCE_TYPES: Readonly<Record<number, DiskSourceType>> = {
  [SourceType.PATH]: 'PATH', [SourceType.MOUNT]: 'MOUNT', [SourceType.BLOCK]: 'BLOCK', [SourceType.RAW]: 'RAW',
};

function reservationFromWire(r: wire.Resource.IReservationInfo, field: string): ReservationInfo {
  const type = r.type === ReservationType.STATIC ? 'STATIC' : r.type === ReservationType.DYNAMIC ? 'DYNAMIC' : undefined;
  if (type === undefined) throw new CodecError(field, `invalid reservation: 'type' must be STATIC or DYNAMIC, got ${r.type ?? 'none'}`);
  const role = opt(r, 'role');
  if (role === undefined) throw new CodecError(field, "invalid reservation: 'role' must be set");
  const principal = opt(r, 'principal');
  const labels = opt(r, 'labels');
  return {
    type, role,
    ...(principal === undefined ? {} : { principal }),
    ...(labels === undefined ? {} : { labels: labelsFromWire(labels) }),
  };
}

function sourceFromWire(s: wire.Resource.DiskInfo.ISource, field: string): DiskSource {
  const type = SOURCE_TYPES[s.type ?? 0];
  if (type === undefined) throw new CodecError(field, `unsupported 'DiskInfo.Source.Type' ${s.type ?? 'none'}`);
  const path = opt(s, 'path');
  const mount = opt(s, 'mount');
  if (path !== undefined && mount !== undefined) throw new CodecError(field, "both 'path' and 'mount' are set");
  if ((type === 'PATH' && mount !== undefined) || (type === 'MOUNT' && path !== undefined)) throw new CodecError(field, `${type} disk source with the other kind of root`);
  if ((type === 'BLOCK' || type === 'RAW') && (path !== undefined || mount !== undefined)) throw new CodecError(field, `mount or path should not be set for ${type} disk source`);
  const root = path === undefined ? (mount === undefined ? undefined : opt(mount, 'root')) : opt(path, 'root');
  const vendor = opt(s, 'vendor');
  const id = opt(s, 'id');
  const metadata = opt(s, 'metadata');
  const profile = opt(s, 'profile');
  return {
    type,
    ...(root === undefined ? {} : { root }),
    ...(vendor === undefined ? {} : { vendor }),
    ...(id === undefined ? {} : { id }),
    ...(metadata === undefined ? {} : { metadata: labelsFromWire(metadata) }),
    ...(profile === undefined ? {} : { profile }),
  };
}

function diskFromWire(d: wire.Resource.IDiskInfo, field: string): DiskInfo {
  const disk: { -readonly [K in keyof DiskInfo]: DiskInfo[K] } = {};
  const persistence = opt(d, 'persistence');
  if (persistence !== undefined) {
    const principal = opt(persistence, 'principal');
    disk.persistence = { id: persistence.id ?? '', ...(principal === undefined ? {} : { principal }) };
  }
  const volume = opt(d, 'volume');
  if (volume !== undefined) {
    if (opt(volume, 'hostPath') !== undefined) throw new CodecError(`${field}.volume`, "expecting 'host_path' to be unset for persistent volume");
    disk.volume = { containerPath: volume.containerPath ?? '', mode: volume.mode === VolumeMode.RO ? 'RO' : 'RW' };
  }
  const source = opt(d, 'source');
  if (source !== undefined) disk.source = sourceFromWire(source, `${field}.source`);
  return disk;
}

/**
 * The reservation stack of a resource: `reservations` when given (the legacy fields must then
 * agree with it), else the upgrade of `role` (+ `reservation` for DYNAMIC), as Mesos's
 * `upgradeResource` and the checks of `Resources::validate` around it.
 */
function reservationsFromWire(r: wire.IResource, field: string): ReservationInfo[] | undefined {
  const role = opt(r, 'role');
  const legacy = opt(r, 'reservation');
  if (legacy !== undefined && opt(legacy, 'type') !== undefined) throw new CodecError(field, "'Resource.ReservationInfo.type' must not be set for the 'Resource.reservation' field");
  if (legacy !== undefined && opt(legacy, 'role') !== undefined) throw new CodecError(field, "'Resource.ReservationInfo.role' must not be set for the 'Resource.reservation' field");
  const wireStack = list(r.reservations);
  if (wireStack.length > 0) {
    const stack = wireStack.map((x, i) => reservationFromWire(x, `${field}.reservations[${i}]`));
    if (stack.length > 1 && (role !== undefined || legacy !== undefined)) {
      throw new CodecError(field, "'role' and 'reservation' must not be set if there is more than one reservation");
    }
    if (stack.length === 1) {
      const only = stack[0]!;
      if (role !== undefined && role !== only.role) throw new CodecError(field, `'role' field with '${role}' does not match the role '${only.role}' in 'reservations'`);
      if (only.type === 'STATIC' && legacy !== undefined) throw new CodecError(field, "'reservation' must not be set if the single reservation is STATIC");
      if (only.type === 'DYNAMIC' && (role !== undefined) !== (legacy !== undefined)) {
        throw new CodecError(field, "'role' and 'reservation' must either be both set or both not set if the single reservation is DYNAMIC");
      }
    }
    return stack;
  }
  const effective = role ?? '*';
  if (legacy !== undefined) {
    if (effective === '*') throw new CodecError(field, 'invalid reservation: role "*" cannot be dynamically reserved');
    const principal = opt(legacy, 'principal');
    const labels = opt(legacy, 'labels');
    return [{ type: 'DYNAMIC', role: effective, ...(principal === undefined ? {} : { principal }), ...(labels === undefined ? {} : { labels: labelsFromWire(labels) }) }];
  }
  return effective === '*' ? undefined : [{ type: 'STATIC', role: effective }];
}

/** One wire resource as the model's input (not yet validated by the model). */
export function resourceFromWire(r: wire.IResource, field: string): ResourceInput {
  const input: { -readonly [K in keyof ResourceInput]: ResourceInput[K] } = { name: r.name ?? '' };
  const type = opt(r, 'type');
  if (type !== undefined) {
    const name = valueTypeFromWire(type, `${field}.type`);
    if (name === 'TEXT') throw new CodecError(field, `resource '${input.name}' of type TEXT (resources are SCALAR, RANGES or SET)`);
    input.type = name;
  }
  const scalar = opt(r, 'scalar');
  if (scalar !== undefined) input.scalar = scalar.value ?? 0;
  const ranges = opt(r, 'ranges');
  if (ranges !== undefined) input.ranges = rangesFromWire(ranges);
  const set = opt(r, 'set');
  if (set !== undefined) input.set = list(set.item);
  const reservations = reservationsFromWire(r, field);
  if (reservations !== undefined) input.reservations = reservations;
  const disk = opt(r, 'disk');
  if (disk !== undefined) input.disk = diskFromWire(disk, `${field}.disk`);
  if (opt(r, 'revocable') !== undefined) input.revocable = true;
  if (opt(r, 'shared') !== undefined) input.shared = true;
  const provider = opt(r, 'providerId');
  if (provider !== undefined) input.providerId = provider.value ?? '';
  const allocation = opt(r, 'allocationInfo');
  const allocationRole = allocation === undefined ? undefined : opt(allocation, 'role');
  if (allocationRole !== undefined) input.allocationRole = allocationRole;
  return input;
}

/**
 * Wire resources → validated model items, one per wire resource, in order (a shared resource
 * held N times is N items). A message decoded from the cache (resource-cache.ts) gives the item
 * validated from it before: the same bytes, the same object. Anything the model refuses is a
 * CodecError at `field`, worded as `Resources.of` words it.
 */
export function resourceItemsFromWire(resources: readonly wire.IResource[] | null | undefined, field: string): Item[] {
  const wireList = list(resources);
  const out = new Array<Item>(wireList.length);
  for (let i = 0; i < wireList.length; i++) {
    const r = wireList[i]!;
    let item = itemOf(r);
    if (item === undefined) {
      const input = resourceFromWire(r, `${field}[${i}]`);
      item = decoding(field, () => itemFromInput(input, `resource #${i} ('${input.name}')`));
      rememberItem(r, item);
    }
    out[i] = item;
  }
  return out;
}

/** Wire resources → validated `Resources`; anything the model refuses is a CodecError at `field`. */
export function resourcesFromWire(resources: readonly wire.IResource[] | null | undefined, field: string): Resources {
  if (list(resources).length === 0) return Resources.EMPTY;
  const items = resourceItemsFromWire(resources, field);
  // Validated items: Resources.of only combines them (and may refuse a sum past 2^53).
  return decoding(field, () => Resources.of(items));
}

/** One wire resource, validated by the model on its own (for single-resource fields such as GROW_VOLUME's). */
export function singleResourceFromWire(r: wire.IResource | null | undefined, field: string): ResourceInput {
  if (r === null || r === undefined) throw new CodecError(field, 'is required');
  const input = resourceFromWire(r, field);
  decoding(field, () => Resources.of([input]));
  return input;
}

// ---- encoding --------------------------------------------------------------------------------

function reservationToWire(r: ReservationInfo): wire.Resource.IReservationInfo {
  const out: wire.Resource.IReservationInfo = { type: r.type === 'STATIC' ? ReservationType.STATIC : ReservationType.DYNAMIC, role: r.role };
  if (r.principal !== undefined) out.principal = r.principal;
  if (r.labels !== undefined) out.labels = labelsToWire(r.labels);
  return out;
}

function diskToWire(d: DiskInfo): wire.Resource.IDiskInfo {
  const out: wire.Resource.IDiskInfo = {};
  if (d.persistence !== undefined) out.persistence = d.persistence.principal === undefined ? { id: d.persistence.id } : { id: d.persistence.id, principal: d.persistence.principal };
  if (d.volume !== undefined) out.volume = { containerPath: d.volume.containerPath, mode: d.volume.mode === 'RO' ? VolumeMode.RO : VolumeMode.RW };
  if (d.source !== undefined) {
    const s = d.source;
    const source: wire.Resource.DiskInfo.ISource = { type: SourceType[s.type] };
    if (s.root !== undefined) {
      if (s.type === 'MOUNT') source.mount = { root: s.root };
      else source.path = { root: s.root };
    }
    if (s.vendor !== undefined) source.vendor = s.vendor;
    if (s.id !== undefined) source.id = s.id;
    if (s.metadata !== undefined) source.metadata = labelsToWire(s.metadata);
    if (s.profile !== undefined) source.profile = s.profile;
    out.source = source;
  }
  return out;
}

/**
 * One model resource in the post-refinement wire format. `allocationRole` overrides the
 * resource's own (offers tag every resource with the offer's role). The model's values are
 * immutable, so its range objects and set arrays go to the encoder as they are.
 */
export function resourceToWire(r: Resource, allocationRole: string | undefined = r.allocationRole): wire.IResource {
  const out: wire.IResource = { name: r.name, type: VALUE_TYPE_NUMBERS[r.type] };
  if (r.type === 'SCALAR') out.scalar = { value: r.scalar! };
  else if (r.type === 'RANGES') out.ranges = { range: r.ranges as wire.Value.IRange[] };
  else out.set = { item: r.set as string[] };
  if (r.reservations.length > 0) out.reservations = r.reservations.map(reservationToWire);
  if (r.disk !== undefined) out.disk = diskToWire(r.disk);
  if (r.revocable === true) out.revocable = {};
  if (r.shared === true) out.shared = {};
  if (r.providerId !== undefined) out.providerId = { value: r.providerId };
  if (allocationRole !== undefined) out.allocationInfo = { role: allocationRole };
  return out;
}

/** `Resources` → wire resources; a shared resource held N times is written N times, as Mesos lists it. */
export function resourcesToWire(resources: Resources, allocationRole?: string): wire.IResource[] {
  const out: wire.IResource[] = [];
  for (const r of resources) {
    const wireResource = allocationRole === undefined ? resourceToWire(r) : resourceToWire(r, allocationRole);
    const copies = r.shared === true ? resources.count(r) : 1;
    for (let i = 0; i < copies; i++) out.push(wireResource);
  }
  return out;
}
