/**
 * `parseServiceSpec`: validates a service spec written as JSON (text or decoded) and returns the
 * parsed spec. Every problem is collected with its path, so a user fixes a spec in one pass;
 * unknown fields are refused, since a misspelt `constraint` would otherwise silently drop a rule.
 */
import { ConstraintParseError, parseConstraints, type Constraint } from '../constraints/index.ts';
import { ResourceError, Resources, parseResources, roleProblem, type ResourceInput } from '../../resources/index.ts';
import { ServiceSpecError, type SpecIssue } from './errors.ts';
import type { PodSpec, ServiceSpec, VolumeDiskType, VolumeSpec } from './types.ts';

/** Pod types name DNS labels in dcos-commons (`<pod>-<index>-<task>.<service>…`), hence the alphabet. */
const POD_TYPE = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;
const NAME_MAX = 63;

type Json = Record<string, unknown>;

class Issues {
  readonly list: SpecIssue[] = [];
  add(path: string, problem: string): undefined {
    this.list.push({ path, problem });
    return undefined;
  }
}

function isObject(x: unknown): x is Json {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function show(x: unknown): string {
  try {
    const text = JSON.stringify(x) ?? String(x);
    return text.length > 60 ? `${text.slice(0, 57)}...` : text;
  } catch {
    return String(x);
  }
}

function checkFields(obj: Json, path: string, allowed: readonly string[], issues: Issues): void {
  for (const key of Object.keys(obj)) {
    if (!allowed.includes(key)) issues.add(`${path}${path === '' ? '' : '.'}${key}`, `unknown field (expected one of ${allowed.join(', ')})`);
  }
}

function text(obj: Json, key: string, path: string, issues: Issues): string | undefined {
  const v = obj[key];
  if (typeof v !== 'string' || v.trim().length === 0) return issues.add(path, `expected a non-empty string, got ${show(v)}`);
  if (v.trim() !== v) return issues.add(path, `has surrounding whitespace: ${show(v)}`);
  return v;
}

function parseName(obj: Json, issues: Issues): string | undefined {
  const name = text(obj, 'name', 'name', issues);
  if (name === undefined) return undefined;
  // The name goes into reservation labels and instance names; whitespace and slashes would make both ambiguous.
  if (name.length > NAME_MAX || /[\s/\\]/.test(name)) return issues.add('name', `expected at most ${NAME_MAX} characters without whitespace or slashes, got ${show(name)}`);
  return name;
}

function parseRole(obj: Json, issues: Issues): string | undefined {
  const role = text(obj, 'role', 'role', issues);
  if (role === undefined) return undefined;
  if (role === '*') return issues.add('role', "the service reserves resources, so it needs a role other than '*'");
  const problem = roleProblem(role);
  return problem === undefined ? role : issues.add('role', problem);
}

/** Pod resources are what one instance asks for; the planner reserves them, so they must come unreserved and plain. */
function resourceProblem(r: { name: string; reservations: readonly unknown[]; disk?: unknown; revocable?: boolean; shared?: boolean; allocationRole?: string; providerId?: string }): string | undefined {
  if (r.reservations.length > 0) return `'${r.name}' is reserved; pod resources are written unreserved and the planner reserves them to the service's role`;
  if (r.disk !== undefined) return `'${r.name}' has DiskInfo; declare persistent disks under volumes`;
  if (r.revocable === true) return `'${r.name}' is revocable; revocable resources cannot be reserved`;
  if (r.shared === true) return `'${r.name}' is shared; only persistent volumes can be shared`;
  if (r.allocationRole !== undefined) return `'${r.name}' carries an allocation role`;
  if (r.providerId !== undefined) return `'${r.name}' names a resource provider`;
  return undefined;
}

function parsePodResources(value: unknown, path: string, issues: Issues): Resources | undefined {
  let resources: Resources;
  try {
    if (typeof value === 'string') resources = parseResources(value);
    else if (Array.isArray(value)) resources = Resources.of(value as ResourceInput[]);
    else return issues.add(path, `expected Mesos resource text ("cpus:2;mem:8192") or an array of resources, got ${show(value)}`);
  } catch (e) {
    if (e instanceof ResourceError) return issues.add(path, e.message);
    throw e;
  }
  if (resources.isEmpty()) return issues.add(path, 'expected at least one resource');
  for (const r of resources) {
    const problem = resourceProblem(r);
    if (problem !== undefined) return issues.add(path, problem);
  }
  return resources;
}

/** Relative, normalised: Mesos mounts persistent volumes under the sandbox. */
function containerPathProblem(p: string): string | undefined {
  if (p.startsWith('/')) return `expected a path relative to the sandbox, got ${show(p)}`;
  if (p.split('/').some((c) => c === '' || c === '.' || c === '..')) return `expected a normalised relative path without '.', '..' or empty components, got ${show(p)}`;
  return undefined;
}

function parseVolumes(value: unknown, path: string, issues: Issues): VolumeSpec[] | undefined {
  if (value === undefined) return [];
  if (!Array.isArray(value)) return issues.add(path, `expected an array of volumes, got ${show(value)}`);
  const volumes: VolumeSpec[] = [];
  const paths = new Set<string>();
  value.forEach((v: unknown, i) => {
    const at = `${path}[${i}]`;
    if (!isObject(v)) return issues.add(at, `expected a volume object, got ${show(v)}`);
    checkFields(v, at, ['containerPath', 'sizeMb', 'disk'], issues);
    const containerPath = text(v, 'containerPath', `${at}.containerPath`, issues);
    if (containerPath !== undefined) {
      const problem = containerPathProblem(containerPath);
      if (problem !== undefined) issues.add(`${at}.containerPath`, problem);
      else if (paths.has(containerPath)) issues.add(`${at}.containerPath`, `${show(containerPath)} is used by another volume of this pod`);
      paths.add(containerPath);
    }
    const size = v.sizeMb;
    if (typeof size !== 'number' || !Number.isFinite(size) || Math.round(size * 1000) <= 0) issues.add(`${at}.sizeMb`, 'expected a positive number');
    const disk = v.disk ?? 'ROOT';
    if (disk !== 'ROOT' && disk !== 'MOUNT') issues.add(`${at}.disk`, `expected 'ROOT' or 'MOUNT', got ${show(disk)}`);
    if (containerPath !== undefined && typeof size === 'number') volumes.push({ containerPath, sizeMb: Math.round(size * 1000) / 1000, disk: disk as VolumeDiskType });
    return undefined;
  });
  return volumes;
}

function parsePodConstraints(value: unknown, path: string, issues: Issues): Constraint[] | undefined {
  if (value === undefined) return [];
  try {
    return parseConstraints(value);
  } catch (e) {
    if (!(e instanceof ConstraintParseError)) throw e;
    const where = e.path === '$' ? path : e.path.startsWith('[') ? `${path}${e.path}` : `${path} (${e.path})`;
    return issues.add(where, `${e.problem}: ${e.constraint}`);
  }
}

function parsePod(value: unknown, path: string, types: Set<string>, issues: Issues): PodSpec | undefined {
  if (!isObject(value)) return issues.add(path, `expected a pod object, got ${show(value)}`);
  const before = issues.list.length;
  checkFields(value, path, ['type', 'count', 'resources', 'volumes', 'constraints'], issues);
  const type = text(value, 'type', `${path}.type`, issues);
  if (type !== undefined) {
    if (type.length > NAME_MAX || !POD_TYPE.test(type)) issues.add(`${path}.type`, `expected lower-case letters, digits and inner dashes (a DNS label), got ${show(type)}`);
    else if (types.has(type)) issues.add(`${path}.type`, `pod type ${show(type)} is declared twice`);
    types.add(type);
  }
  const count = value.count;
  if (typeof count !== 'number' || !Number.isSafeInteger(count) || count < 0) issues.add(`${path}.count`, `expected a non-negative integer, got ${show(count)}`);
  const resources = parsePodResources(value.resources, `${path}.resources`, issues);
  const volumes = parseVolumes(value.volumes, `${path}.volumes`, issues);
  const constraints = parsePodConstraints(value.constraints, `${path}.constraints`, issues);
  if (issues.list.length > before) return undefined;
  return { type: type!, count: count as number, resources: resources!, volumes: volumes!, constraints: constraints! };
}

/**
 * Validates a service spec: JSON text or the decoded value. Throws ServiceSpecError listing
 * every problem with its path, e.g. `pods[1].volumes[0].sizeMb: expected a positive number`.
 */
export function parseServiceSpec(input: unknown): ServiceSpec {
  let json = input;
  if (typeof input === 'string') {
    try {
      json = JSON.parse(input);
    } catch (e) {
      throw new ServiceSpecError([{ path: '$', problem: `not valid JSON (${(e as Error).message})` }]);
    }
  }
  const issues = new Issues();
  if (!isObject(json)) throw new ServiceSpecError([{ path: '$', problem: `expected a service object, got ${show(json)}` }]);
  checkFields(json, '', ['name', 'role', 'principal', 'pods'], issues);
  const name = parseName(json, issues);
  const role = parseRole(json, issues);
  const principal = text(json, 'principal', 'principal', issues);
  const pods: PodSpec[] = [];
  if (!Array.isArray(json.pods) || json.pods.length === 0) issues.add('pods', `expected a non-empty array of pods, got ${show(json.pods)}`);
  else {
    const types = new Set<string>();
    json.pods.forEach((p: unknown, i) => {
      const pod = parsePod(p, `pods[${i}]`, types, issues);
      if (pod !== undefined) pods.push(pod);
    });
  }
  if (issues.list.length > 0) throw new ServiceSpecError(issues.list);
  return { name: name!, role: role!, principal: principal!, pods };
}
