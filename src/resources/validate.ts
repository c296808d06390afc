/**
 * Turns caller-written resources into validated items, with Mesos's rules:
 * `Resources::validate` (src/common/resources.cpp) plus the master's DiskInfo and reservation
 * checks (src/master/validation.cpp `resource::validate`), so that nothing the master would
 * refuse can exist in a `Resources` value.
 */
import { ResourceError } from './errors.ts';
import { Item, ItemMeta } from './item.ts';
import { coalesceRanges, type Range } from './ranges.ts';
import { roleProblem, isStrictSubroleOf, UNRESERVED_ROLE } from './roles.ts';
import { scalarProblem, toMilli } from './scalar.ts';
import { sortedUnique } from './sets.ts';
import type { DiskInfo, DiskSource, Label, ReservationInfo, ResourceInput, ValueType } from './types.ts';

const NAME_MAX = 255;

function fail(where: string, message: string): never {
  throw new ResourceError(`${where}: ${message}`);
}

function describe(input: ResourceInput): string {
  return typeof input === 'object' && input !== null && typeof input.name === 'string' ? `resource '${input.name}'` : 'resource';
}

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function copyLabels(where: string, labels: unknown): Label[] {
  if (!Array.isArray(labels)) fail(where, 'labels must be an array of {key, value}');
  return labels.map((l: unknown) => {
    if (!isObject(l) || typeof l.key !== 'string') fail(where, 'each label needs a string key');
    if (l.value !== undefined && typeof l.value !== 'string') fail(where, `label '${l.key}' has a non-string value`);
    return l.value === undefined ? { key: l.key } : { key: l.key, value: l.value };
  });
}

/** Mesos common::validation::validateID, used for persistence ids. */
export function idProblem(id: string): string | undefined {
  if (id.length === 0) return 'ID must not be empty';
  if (id.length > NAME_MAX) return `ID must not be greater than ${NAME_MAX} characters`;
  if (id === '.' || id === '..') return `'${id}' is disallowed`;
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x1f\x7f/\\]/.test(id)) return `'${id}' contains invalid characters`;
  return undefined;
}

function copyReservations(where: string, input: unknown): ReservationInfo[] {
  if (input === undefined) return [];
  if (!Array.isArray(input)) fail(where, 'reservations must be an array');
  const result: ReservationInfo[] = [];
  let ancestor: string | undefined;
  for (const r of input as unknown[]) {
    if (!isObject(r)) fail(where, 'each reservation must be an object');
    if (r.type !== 'STATIC' && r.type !== 'DYNAMIC') fail(where, "invalid reservation: 'type' must be STATIC or DYNAMIC");
    if (typeof r.role !== 'string') fail(where, "invalid reservation: 'role' must be set");
    const problem = roleProblem(r.role);
    if (problem !== undefined) fail(where, problem);
    if (r.role === UNRESERVED_ROLE) fail(where, 'invalid reservation: role "*" cannot be reserved');
    if (ancestor !== undefined) {
      if (r.type === 'STATIC') fail(where, 'invalid refined reservation: a refined reservation cannot be STATIC');
      if (!isStrictSubroleOf(r.role, ancestor)) {
        fail(where, `invalid refined reservation: role '${r.role}' is not a refinement of '${ancestor}'`);
      }
    }
    ancestor = r.role;
    if (r.principal !== undefined && typeof r.principal !== 'string') fail(where, 'reservation principal must be a string');
    const entry: { -readonly [K in keyof ReservationInfo]: ReservationInfo[K] } = { type: r.type, role: r.role };
    if (r.principal !== undefined) entry.principal = r.principal;
    if (r.labels !== undefined) entry.labels = copyLabels(where, r.labels);
    result.push(entry);
  }
  return result;
}

function copySource(where: string, s: unknown): DiskSource {
  if (!isObject(s)) fail(where, 'disk source must be an object');
  const type = s.type;
  if (type !== 'PATH' && type !== 'MOUNT' && type !== 'BLOCK' && type !== 'RAW') {
    fail(where, `unsupported 'DiskInfo.Source.Type' ${JSON.stringify(type)}`);
  }
  if ((type === 'BLOCK' || type === 'RAW') && s.root !== undefined) {
    fail(where, `mount or path root should not be set for ${type} disk source`);
  }
  const source: { -readonly [K in keyof DiskSource]: DiskSource[K] } = { type };
  for (const field of ['root', 'vendor', 'id', 'profile'] as const) {
    const v = s[field];
    if (v === undefined) continue;
    if (typeof v !== 'string') fail(where, `disk source ${field} must be a string`);
    source[field] = v;
  }
  if (s.metadata !== undefined) source.metadata = copyLabels(where, s.metadata);
  return source;
}

function copyDisk(where: string, name: string, d: unknown, reservations: readonly ReservationInfo[], revocable: boolean): DiskInfo {
  if (name !== 'disk') fail(where, `DiskInfo should not be set for ${name} resource`);
  if (!isObject(d)) fail(where, 'disk must be an object');
  const disk: { -readonly [K in keyof DiskInfo]: DiskInfo[K] } = {};
  if (d.source !== undefined) disk.source = copySource(where, d.source);
  if (d.persistence !== undefined) {
    const p = d.persistence;
    if (!isObject(p) || typeof p.id !== 'string') fail(where, 'persistence needs a string id');
    const problem = idProblem(p.id);
    if (problem !== undefined) fail(where, `invalid persistence ID for persistent volume: ${problem}`);
    if (p.principal !== undefined && typeof p.principal !== 'string') fail(where, 'persistence principal must be a string');
    if (revocable) fail(where, 'persistent volumes cannot be created from revocable resources');
    if (reservations.length === 0) fail(where, 'persistent volumes cannot be created from unreserved resources');
    if (d.volume === undefined) fail(where, "expecting 'volume' to be set for persistent volume");
    disk.persistence = p.principal === undefined ? { id: p.id } : { id: p.id, principal: p.principal };
  }
  if (d.volume !== undefined) {
    const v = d.volume;
    if (disk.persistence === undefined) fail(where, 'non-persistent volume not supported');
    if (!isObject(v) || typeof v.containerPath !== 'string' || v.containerPath.length === 0) {
      fail(where, 'volume needs a non-empty containerPath');
    }
    const mode = v.mode ?? 'RW';
    if (mode !== 'RW' && mode !== 'RO') fail(where, "volume mode must be 'RW' or 'RO'");
    disk.volume = { containerPath: v.containerPath, mode };
  }
  if (disk.source === undefined && disk.persistence === undefined) fail(where, 'DiskInfo is set but empty');
  return disk;
}

function inferType(input: ResourceInput): ValueType | undefined {
  if (input.scalar !== undefined) return 'SCALAR';
  if (input.ranges !== undefined) return 'RANGES';
  if (input.set !== undefined) return 'SET';
  return undefined;
}

function copyRanges(where: string, ranges: unknown): Range[] {
  if (!Array.isArray(ranges)) fail(where, 'ranges must be an array of {begin, end}');
  const copy: Range[] = [];
  for (const r of ranges as unknown[]) {
    if (!isObject(r)) fail(where, 'each range must be {begin, end}');
    const { begin, end } = r;
    if (!Number.isSafeInteger(begin) || !Number.isSafeInteger(end) || (begin as number) < 0 || (end as number) < 0) {
      fail(where, `expecting non-negative integers in range ${JSON.stringify(r)}`);
    }
    if ((begin as number) > (end as number)) fail(where, `invalid ranges, begin > end in [${begin}-${end}]`);
    copy.push({ begin: begin as number, end: end as number });
  }
  const sorted = copy.slice().sort((a, b) => a.begin - b.begin);
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i]!.begin <= sorted[i - 1]!.end) {
      fail(where, `invalid ranges resource: overlapping ranges [${sorted[i - 1]!.begin}-${sorted[i - 1]!.end}] and [${sorted[i]!.begin}-${sorted[i]!.end}]`);
    }
  }
  return coalesceRanges(copy);
}

/**
 * Validates one resource and returns it as an item. `sharedCount` is 1 for every object.
 * Throws ResourceError naming the resource and the rule it breaks.
 */
export function itemFromInput(input: ResourceInput, where = describe(input)): Item {
  if (!isObject(input)) fail('resource', 'expected an object');
  if (typeof input.name !== 'string' || input.name.length === 0) fail(where, 'empty resource name');
  const name = input.name;
  const type = input.type ?? inferType(input);
  const valueFields = Number(input.scalar !== undefined) + Number(input.ranges !== undefined) + Number(input.set !== undefined);
  if (type === undefined) fail(where, 'no value: set one of scalar, ranges or set');
  if (type !== 'SCALAR' && type !== 'RANGES' && type !== 'SET') {
    fail(where, `unsupported resource type ${JSON.stringify(type)} (resources are SCALAR, RANGES or SET, never TEXT)`);
  }
  if (valueFields !== 1 || inferType(input) !== type) fail(where, `invalid ${type.toLowerCase()} resource: exactly the ${type.toLowerCase()} value must be set`);

  let milli = 0;
  let ranges: Range[] | undefined;
  let set: string[] | undefined;
  if (type === 'SCALAR') {
    if (typeof input.scalar !== 'number') fail(where, 'scalar value must be a number');
    const problem = scalarProblem(input.scalar);
    if (problem !== undefined) fail(where, problem);
    milli = toMilli(input.scalar);
  } else if (type === 'RANGES') {
    ranges = copyRanges(where, input.ranges);
  } else {
    if (!Array.isArray(input.set) || !input.set.every((s) => typeof s === 'string')) fail(where, 'set must be an array of strings');
    const unique = sortedUnique(input.set);
    if (unique.duplicate !== undefined) fail(where, `invalid set resource: duplicated elements ('${unique.duplicate}')`);
    set = unique.items;
  }

  if (input.revocable !== undefined && typeof input.revocable !== 'boolean') fail(where, 'revocable must be a boolean');
  if (input.shared !== undefined && typeof input.shared !== 'boolean') fail(where, 'shared must be a boolean');
  const revocable = input.revocable === true;
  const shared = input.shared === true;
  const reservations = copyReservations(where, input.reservations);
  if (revocable && reservations.length > 0 && reservations[reservations.length - 1]!.type === 'DYNAMIC') {
    fail(where, 'dynamically reserved resources cannot be created from revocable resources');
  }
  const disk = input.disk === undefined ? undefined : copyDisk(where, name, input.disk, reservations, revocable);
  if (shared && disk?.persistence === undefined) fail(where, name === 'disk' ? 'only persistent volumes can be shared' : `resource ${name} cannot be shared`);
  if (input.allocationRole !== undefined) {
    if (typeof input.allocationRole !== 'string') fail(where, 'allocationRole must be a string');
    const problem = roleProblem(input.allocationRole);
    if (problem !== undefined) fail(where, `allocation role: ${problem}`);
  }
  if (input.providerId !== undefined && (typeof input.providerId !== 'string' || input.providerId.length === 0)) {
    fail(where, 'providerId must be a non-empty string');
  }
  const meta = new ItemMeta(name, type, reservations, input.allocationRole, disk, revocable, shared, input.providerId);
  return new Item(meta, milli, ranges, set, 1);
}
