/**
 * The JSON form of resources: an array of Mesos `Resource` messages in protobuf JSON
 * (snake_case field names, as `--resources` and the operator API take them). Decoding accepts
 * the legacy `role` / `reservation` fields and upgrades them to a reservation stack, as
 * Mesos's `upgradeResource` does.
 */
import { ResourceError } from './errors.ts';
import type { Item } from './item.ts';
import type { DiskInfo, Label, ReservationInfo, ResourceInput } from './types.ts';

type Json = Record<string, unknown>;

const RESOURCE_FIELDS = new Set([
  'name', 'type', 'scalar', 'ranges', 'set', 'role', 'reservation', 'reservations',
  'disk', 'revocable', 'shared', 'provider_id', 'allocation_info',
]);

function isObject(x: unknown): x is Json {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function object(where: string, x: unknown, fields: readonly string[]): Json {
  if (!isObject(x)) throw new ResourceError(`${where}: expected an object`);
  for (const key of Object.keys(x)) {
    if (!fields.includes(key)) throw new ResourceError(`${where}: unknown field '${key}'`);
  }
  return x;
}

function optionalString(where: string, x: unknown): string | undefined {
  if (x === undefined) return undefined;
  if (typeof x !== 'string') throw new ResourceError(`${where}: expected a string`);
  return x;
}

function decodeLabels(where: string, x: unknown): Label[] | undefined {
  if (x === undefined) return undefined;
  const labels = object(where, x, ['labels']).labels ?? [];
  if (!Array.isArray(labels)) throw new ResourceError(`${where}.labels: expected an array`);
  return labels.map((l, i) => {
    const label = object(`${where}.labels[${i}]`, l, ['key', 'value']);
    const key = optionalString(`${where}.labels[${i}].key`, label.key);
    if (key === undefined) throw new ResourceError(`${where}.labels[${i}]: 'key' is required`);
    const value = optionalString(`${where}.labels[${i}].value`, label.value);
    return value === undefined ? { key } : { key, value };
  });
}

function decodeReservation(where: string, x: unknown): ReservationInfo {
  const r = object(where, x, ['type', 'role', 'principal', 'labels']);
  const reservation: { -readonly [K in keyof ReservationInfo]: ReservationInfo[K] } = {
    type: r.type as ReservationInfo['type'],
    role: r.role as string,
  };
  const principal = optionalString(`${where}.principal`, r.principal);
  if (principal !== undefined) reservation.principal = principal;
  const labels = decodeLabels(`${where}.labels`, r.labels);
  if (labels !== undefined) reservation.labels = labels;
  return reservation;
}

function decodeDisk(where: string, x: unknown): DiskInfo {
  const d = object(where, x, ['persistence', 'volume', 'source']);
  const disk: { -readonly [K in keyof DiskInfo]: DiskInfo[K] } = {};
  if (d.persistence !== undefined) {
    const p = object(`${where}.persistence`, d.persistence, ['id', 'principal']);
    disk.persistence = { id: p.id as string, ...(p.principal === undefined ? {} : { principal: p.principal as string }) };
  }
  if (d.volume !== undefined) {
    const v = object(`${where}.volume`, d.volume, ['container_path', 'mode', 'host_path', 'image', 'source']);
    if (v.host_path !== undefined) throw new ResourceError(`${where}.volume: expecting 'host_path' to be unset for persistent volume`);
    if (v.image !== undefined || v.source !== undefined) throw new ResourceError(`${where}.volume: only persistent volumes (container_path, mode) are supported`);
    disk.volume = { containerPath: v.container_path as string, mode: (v.mode ?? 'RW') as 'RW' | 'RO' };
  }
  if (d.source !== undefined) {
    const s = object(`${where}.source`, d.source, ['type', 'path', 'mount', 'vendor', 'id', 'metadata', 'profile']);
    const root = (field: 'path' | 'mount'): string | undefined => {
      if (s[field] === undefined) return undefined;
      return optionalString(`${where}.source.${field}.root`, object(`${where}.source.${field}`, s[field], ['root']).root);
    };
    if (s.path !== undefined && s.mount !== undefined) throw new ResourceError(`${where}.source: both 'path' and 'mount' are set`);
    if ((s.type === 'PATH' && s.mount !== undefined) || (s.type === 'MOUNT' && s.path !== undefined)) {
      throw new ResourceError(`${where}.source: ${s.type} disk source with the other kind of root`);
    }
    if ((s.type === 'BLOCK' || s.type === 'RAW') && (s.path !== undefined || s.mount !== undefined)) {
      throw new ResourceError(`${where}.source: mount or path should not be set for ${s.type} disk source`);
    }
    const r = root('path') ?? root('mount');
    const metadata = decodeLabels(`${where}.source.metadata`, s.metadata);
    disk.source = {
      type: s.type as 'PATH',
      ...(r === undefined ? {} : { root: r }),
      ...(s.vendor === undefined ? {} : { vendor: optionalString(`${where}.source.vendor`, s.vendor)! }),
      ...(s.id === undefined ? {} : { id: optionalString(`${where}.source.id`, s.id)! }),
      ...(metadata === undefined ? {} : { metadata }),
      ...(s.profile === undefined ? {} : { profile: optionalString(`${where}.source.profile`, s.profile)! }),
    };
  }
  return disk;
}

/** Decodes one JSON `Resource`; `defaultRole` applies when neither `role` nor `reservations` is given. */
export function decodeResource(x: unknown, where: string, defaultRole: string): ResourceInput {
  const r = object(where, x, [...RESOURCE_FIELDS]);
  const input: { -readonly [K in keyof ResourceInput]: ResourceInput[K] } = { name: r.name as string };
  if (typeof r.name !== 'string') throw new ResourceError(`${where}: 'name' must be a string`);
  if (r.type !== undefined) {
    if (r.type === 'TEXT') throw new ResourceError(`${where}: resource value of type TEXT (resources are SCALAR, RANGES or SET)`);
    input.type = r.type as ResourceInput['type'];
  }
  if (r.scalar !== undefined) {
    const value = object(`${where}.scalar`, r.scalar, ['value']).value;
    if (typeof value !== 'number') throw new ResourceError(`${where}.scalar.value: expected a number`);
    input.scalar = value;
  }
  if (r.ranges !== undefined) {
    const range = object(`${where}.ranges`, r.ranges, ['range']).range ?? [];
    if (!Array.isArray(range)) throw new ResourceError(`${where}.ranges.range: expected an array`);
    input.ranges = range.map((x, i) => {
      const b = object(`${where}.ranges.range[${i}]`, x, ['begin', 'end']);
      return { begin: b.begin as number, end: b.end as number };
    });
  }
  if (r.set !== undefined) {
    const item = object(`${where}.set`, r.set, ['item']).item ?? [];
    if (!Array.isArray(item)) throw new ResourceError(`${where}.set.item: expected an array`);
    input.set = item as string[];
  }

  // Reservation: the post-refinement stack, or the legacy `role` (+ `reservation` for DYNAMIC).
  const role = optionalString(`${where}.role`, r.role);
  const legacy = r.reservation === undefined ? undefined : object(`${where}.reservation`, r.reservation, ['principal', 'labels', 'type', 'role']);
  if (legacy?.type !== undefined) throw new ResourceError(`${where}: 'Resource.ReservationInfo.type' must not be set for the 'Resource.reservation' field`);
  if (legacy?.role !== undefined) throw new ResourceError(`${where}: 'Resource.ReservationInfo.role' must not be set for the 'Resource.reservation' field`);
  if (r.reservations !== undefined) {
    if (!Array.isArray(r.reservations)) throw new ResourceError(`${where}.reservations: expected an array`);
    const stack = r.reservations.map((x, i) => decodeReservation(`${where}.reservations[${i}]`, x));
    if (stack.length > 1 && (role !== undefined || legacy !== undefined)) {
      throw new ResourceError(`${where}: 'role' and 'reservation' must not be set if there is more than one reservation`);
    }
    if (stack.length === 1) {
      const only = stack[0]!;
      if (role !== undefined && role !== only.role) {
        throw new ResourceError(`${where}: 'role' field with '${role}' does not match the role '${only.role}' in 'reservations'`);
      }
      if (only.type === 'STATIC' && legacy !== undefined) {
        throw new ResourceError(`${where}: 'reservation' must not be set if the single reservation is STATIC`);
      }
      if (only.type === 'DYNAMIC' && (role !== undefined) !== (legacy !== undefined)) {
        throw new ResourceError(`${where}: 'role' and 'reservation' must either be both set or both not set if the single reservation is DYNAMIC`);
      }
    }
    input.reservations = stack;
  } else {
    const effective = role ?? defaultRole;
    if (legacy !== undefined) {
      if (effective === '*') throw new ResourceError(`${where}: invalid reservation: role "*" cannot be dynamically reserved`);
      const principal = optionalString(`${where}.reservation.principal`, legacy.principal);
      const labels = decodeLabels(`${where}.reservation.labels`, legacy.labels);
      input.reservations = [{ type: 'DYNAMIC', role: effective, ...(principal === undefined ? {} : { principal }), ...(labels === undefined ? {} : { labels }) }];
    } else if (effective !== '*') {
      input.reservations = [{ type: 'STATIC', role: effective }];
    }
  }

  if (r.disk !== undefined) input.disk = decodeDisk(`${where}.disk`, r.disk);
  if (r.revocable !== undefined) {
    object(`${where}.revocable`, r.revocable, []);
    input.revocable = true;
  }
  if (r.shared !== undefined) {
    object(`${where}.shared`, r.shared, []);
    input.shared = true;
  }
  if (r.provider_id !== undefined) input.providerId = object(`${where}.provider_id`, r.provider_id, ['value']).value as string;
  if (r.allocation_info !== undefined) input.allocationRole = object(`${where}.allocation_info`, r.allocation_info, ['role']).role as string;
  return input;
}

function encodeLabels(labels: readonly Label[]): Json {
  return { labels: labels.map((l) => (l.value === undefined ? { key: l.key } : { key: l.key, value: l.value })) };
}

/** One item as a JSON `Resource` (post-refinement format). */
export function encodeItem(item: Item): Json {
  const m = item.meta;
  const out: Json = { name: m.name, type: m.type };
  if (m.type === 'SCALAR') out.scalar = { value: item.milli / 1000 };
  else if (m.type === 'RANGES') out.ranges = { range: item.rangesValue!.map((r) => ({ begin: r.begin, end: r.end })) };
  else out.set = { item: [...item.setValue!] };
  if (m.reservations.length > 0) {
    out.reservations = m.reservations.map((r) => ({
      type: r.type,
      role: r.role,
      ...(r.principal === undefined ? {} : { principal: r.principal }),
      ...(r.labels === undefined ? {} : { labels: encodeLabels(r.labels) }),
    }));
  }
  if (m.disk !== undefined) {
    const d = m.disk;
    const disk: Json = {};
    if (d.persistence !== undefined) disk.persistence = { ...d.persistence };
    if (d.volume !== undefined) disk.volume = { container_path: d.volume.containerPath, mode: d.volume.mode };
    if (d.source !== undefined) {
      const s = d.source;
      const source: Json = { type: s.type };
      if (s.root !== undefined) source[s.type === 'MOUNT' ? 'mount' : 'path'] = { root: s.root };
      if (s.vendor !== undefined) source.vendor = s.vendor;
      if (s.id !== undefined) source.id = s.id;
      if (s.metadata !== undefined) source.metadata = encodeLabels(s.metadata);
      if (s.profile !== undefined) source.profile = s.profile;
      disk.source = source;
    }
    out.disk = disk;
  }
  if (m.revocable) out.revocable = {};
  if (m.shared) out.shared = {};
  if (m.providerId !== undefined) out.provider_id = { value: m.providerId };
  if (m.allocationRole !== undefined) out.allocation_info = { role: m.allocationRole };
  return out;
}
