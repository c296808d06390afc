/**
 * Scenario files for `mesos-policy simulate`: agents (with `--resources` / `--attributes`
 * strings, optionally repeated), frameworks (roles, capabilities, a simple task demand and how
 * they decline), quotas, weights and engine options; data services with their lifecycle
 * controllers and the events that happen to them (service-scenario.ts). Validated up front with
 * clear messages.
 */
import { parseAttributes, parseResourceLimits, parseResourceQuantities, parseResources, Resources, ResourceError } from '../resources/index.ts';
import type { AgentCapability, FrameworkCapability, Quota } from '../allocator/types.ts';
import { parseEvents, parseServices, ServiceScenarioError, type ScenarioEvent, type ServiceScenario, type SpecReader } from './service-scenario.ts';

export class ScenarioError extends Error {
  override readonly name = 'ScenarioError';
}

export interface AgentScenario {
  readonly id: string;
  readonly hostname: string;
  readonly resources: Resources;
  readonly attributesText: string | undefined;
  readonly capabilities: readonly AgentCapability[] | undefined;
}

export interface FrameworkScenario {
  readonly id: string;
  readonly name: string | undefined;
  readonly roles: readonly string[];
  readonly capabilities: readonly FrameworkCapability[] | undefined;
  readonly principal: string | undefined;
  /** Tasks it wants to run, each of `taskResources`; 0 = it declines everything. */
  readonly tasks: number;
  readonly taskResources: Resources;
  /** refuse_seconds of its declines (the protobuf default is 5). */
  readonly refuseSeconds: number;
}

export interface Scenario {
  readonly options: { readonly allocationIntervalMs: number; readonly seed: number; readonly minAllocatableResources?: string; readonly fairnessExcludeResourceNames?: readonly string[] };
  readonly agents: readonly AgentScenario[];
  readonly frameworks: readonly FrameworkScenario[];
  readonly quotas: ReadonlyMap<string, Quota>;
  readonly weights: ReadonlyMap<string, number>;
  readonly cycles: number;
  /** Data services run by lifecycle controllers (empty: a plain allocation simulation). */
  readonly services: readonly ServiceScenario[];
  readonly events: readonly ScenarioEvent[];
  /** A policy file named by the scenario (relative to it); `--policy` overrides it. */
  readonly policy: string | undefined;
}

export interface ParseScenarioOptions {
  /** Reads the spec files services name. */
  readonly readSpec?: SpecReader;
}

/** `{n}` is the instance number of a repeated agent; `{n%4}` and `{n/4}` spread them over racks. */
function instanceTemplate(text: string, n: number): string {
  return text.replace(/\{n(?:([%/])(\d+))?\}/g, (_, op: string | undefined, k: string | undefined) => {
    if (op === undefined) return String(n);
    const d = Number(k);
    if (d === 0) throw new ScenarioError(`attributes: '{n${op}0}' divides by zero`);
    return String(op === '%' ? n % d : Math.floor(n / d));
  });
}

function mountDisks(where: string, x: unknown): Resources {
  if (x === undefined) return Resources.EMPTY;
  if (!Array.isArray(x)) throw new ScenarioError(`${where}: expected an array of { root, sizeMb }`);
  return Resources.of(x.map((d, i) => {
    const disk = object(`${where}[${i}]`, d);
    return { name: 'disk', scalar: number(`${where}[${i}].sizeMb`, disk.sizeMb, 0), disk: { source: { type: 'MOUNT' as const, root: string(`${where}[${i}].root`, disk.root) } } };
  }));
}

type Json = Record<string, unknown>;

function object(where: string, x: unknown): Json {
  if (typeof x !== 'object' || x === null || Array.isArray(x)) throw new ScenarioError(`${where}: expected an object`);
  return x as Json;
}

function string(where: string, x: unknown, fallback?: string): string {
  if (x === undefined && fallback !== undefined) return fallback;
  if (typeof x !== 'string') throw new ScenarioError(`${where}: expected a string`);
  return x;
}

function number(where: string, x: unknown, fallback: number): number {
  if (x === undefined) return fallback;
  if (typeof x !== 'number' || !Number.isFinite(x) || x < 0) throw new ScenarioError(`${where}: expected a non-negative number`);
  return x;
}

function strings(where: string, x: unknown): string[] | undefined {
  if (x === undefined) return undefined;
  if (!Array.isArray(x) || !x.every((s) => typeof s === 'string')) throw new ScenarioError(`${where}: expected an array of strings`);
  return x as string[];
}

function resources(where: string, text: unknown, commandLine: boolean): Resources {
  try {
    return parseResources(string(where, text), { commandLine });
  } catch (e) {
    if (e instanceof ResourceError) throw new ScenarioError(`${where}: ${e.message}`);
    throw e;
  }
}

export function parseScenario(json: unknown, parse: ParseScenarioOptions = {}): Scenario {
  try {
    return parseScenarioUnchecked(json, parse);
  } catch (e) {
    if (e instanceof ServiceScenarioError) throw new ScenarioError(e.message);
    throw e;
  }
}

function parseScenarioUnchecked(json: unknown, parse: ParseScenarioOptions): Scenario {
  const root = object('scenario', json);
  const known = new Set(['options', 'agents', 'frameworks', 'quotas', 'weights', 'cycles', 'description', 'services', 'events', 'policy']);
  for (const key of Object.keys(root)) if (!known.has(key)) throw new ScenarioError(`scenario: unknown field '${key}'`);
  const options = root.options === undefined ? {} : object('options', root.options);
  const agents: AgentScenario[] = [];
  const agentList = root.agents ?? [];
  if (!Array.isArray(agentList)) throw new ScenarioError('agents: expected an array');
  agentList.forEach((a, i) => {
    const where = `agents[${i}]`;
    const agent = object(where, a);
    const count = number(`${where}.count`, agent.count, 1);
    const total = resources(`${where}.resources`, agent.resources, false).plus(mountDisks(`${where}.mountDisks`, agent.mountDisks));
    const attributesTemplate = agent.attributes === undefined ? undefined : string(`${where}.attributes`, agent.attributes);
    const base = string(`${where}.id`, agent.id, `agent${i}`);
    for (let n = 0; n < count; n++) {
      const id = count === 1 ? base : `${base}-${n}`;
      // `{n}` in the attributes is the instance number, for repeated agents.
      const attributesText = attributesTemplate === undefined ? undefined : instanceTemplate(attributesTemplate, n);
      if (attributesText !== undefined) {
        try {
          parseAttributes(attributesText);
        } catch (e) {
          if (e instanceof ResourceError) throw new ScenarioError(`${where}.attributes: ${e.message}`);
          throw e;
        }
      }
      agents.push({
        id,
        hostname: agent.hostname === undefined ? id : `${string(`${where}.hostname`, agent.hostname)}${count === 1 ? '' : `-${n}`}`,
        resources: total,
        attributesText,
        capabilities: strings(`${where}.capabilities`, agent.capabilities) as AgentCapability[] | undefined,
      });
    }
  });
  const ids = new Set<string>();
  for (const a of agents) {
    if (ids.has(a.id)) throw new ScenarioError(`agents: duplicate id '${a.id}'`);
    ids.add(a.id);
  }
  const frameworkList = root.frameworks ?? [];
  if (!Array.isArray(frameworkList)) throw new ScenarioError('frameworks: expected an array');
  const frameworks = frameworkList.map((f, i): FrameworkScenario => {
    const where = `frameworks[${i}]`;
    const fw = object(where, f);
    const roles = strings(`${where}.roles`, fw.roles);
    if (roles === undefined || roles.length === 0) throw new ScenarioError(`${where}.roles: at least one role is required`);
    const demand = fw.demand === undefined ? {} : object(`${where}.demand`, fw.demand);
    return {
      id: string(`${where}.id`, fw.id, `framework${i}`),
      name: fw.name === undefined ? undefined : string(`${where}.name`, fw.name),
      roles,
      capabilities: strings(`${where}.capabilities`, fw.capabilities) as FrameworkCapability[] | undefined,
      principal: fw.principal === undefined ? undefined : string(`${where}.principal`, fw.principal),
      tasks: number(`${where}.demand.tasks`, demand.tasks, 0),
      taskResources: demand.resources === undefined ? resources(`${where}.demand.resources`, 'cpus:1;mem:128', true) : resources(`${where}.demand.resources`, demand.resources, true),
      refuseSeconds: number(`${where}.refuseSeconds`, fw.refuseSeconds, 5),
    };
  });
  const quotas = new Map<string, Quota>();
  for (const [role, q] of Object.entries(root.quotas === undefined ? {} : object('quotas', root.quotas))) {
    const quota = object(`quotas.${role}`, q);
    try {
      quotas.set(role, {
        ...(quota.guarantees === undefined ? {} : { guarantees: parseResourceQuantities(string(`quotas.${role}.guarantees`, quota.guarantees)) }),
        ...(quota.limits === undefined ? {} : { limits: parseResourceLimits(string(`quotas.${role}.limits`, quota.limits)) }),
      });
    } catch (e) {
      if (e instanceof ResourceError) throw new ScenarioError(`quotas.${role}: ${e.message}`);
      throw e;
    }
  }
  const services = parseServices(root.services, parse.readSpec);
  const weights = new Map<string, number>();
  for (const [role, w] of Object.entries(root.weights === undefined ? {} : object('weights', root.weights))) weights.set(role, number(`weights.${role}`, w, 1));
  return {
    options: {
      allocationIntervalMs: number('options.allocationIntervalMs', options.allocationIntervalMs, 1000),
      seed: number('options.seed', options.seed, 1),
      ...(options.minAllocatableResources === undefined ? {} : { minAllocatableResources: string('options.minAllocatableResources', options.minAllocatableResources) }),
      ...(options.fairnessExcludeResourceNames === undefined ? {} : { fairnessExcludeResourceNames: strings('options.fairnessExcludeResourceNames', options.fairnessExcludeResourceNames)! }),
    },
    agents,
    frameworks,
    quotas,
    weights,
    cycles: number('cycles', root.cycles, 5),
    services,
    events: parseEvents(root.events, services, ids),
    policy: root.policy === undefined ? undefined : string('policy', root.policy),
  };
}
