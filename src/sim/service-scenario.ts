/**
 * The data-service part of a scenario: services (a spec, inline or in a file, and the options of
 * its lifecycle controller) and events at given cycles — agent loss and return, task failure,
 * maintenance windows, scale changes, operator replace, and jumps of the clock (so a
 * 10-minute permanent-failure timeout does not take 600 printed cycles).
 */
import { parseServiceSpec, ServiceSpecError, type ServiceSpec } from '../placement/service/index.ts';
import type { LifecycleOptions } from '../placement/lifecycle/index.ts';

export class ServiceScenarioError extends Error {
  override readonly name: string = 'ScenarioError';
}

export type ControllerOptions = Omit<LifecycleOptions, 'ledger' | 'clock'>;

export interface ServiceScenario {
  readonly spec: ServiceSpec;
  /** The framework that runs the service (default: the spec's name; the steering matches it by name). */
  readonly frameworkId: string;
  readonly controller: ControllerOptions;
}

export type ScenarioEvent =
  | { readonly cycle: number; readonly kind: 'removeAgent'; readonly agentId: string }
  | { readonly cycle: number; readonly kind: 'addAgent'; readonly agentId: string }
  | { readonly cycle: number; readonly kind: 'taskFailure'; readonly service: string; readonly podInstance: string }
  | { readonly cycle: number; readonly kind: 'maintenance'; readonly agentId: string; readonly startInMs: number; readonly durationMs?: number }
  | { readonly cycle: number; readonly kind: 'scale'; readonly service: string; readonly pod: string; readonly count: number }
  | { readonly cycle: number; readonly kind: 'replace'; readonly service: string; readonly podInstance: string }
  | { readonly cycle: number; readonly kind: 'advance'; readonly ms: number };

/** Reads a spec file named in the scenario (the CLI resolves it next to the scenario file). */
export type SpecReader = (path: string) => unknown;

type Json = Record<string, unknown>;

function object(where: string, x: unknown): Json {
  if (typeof x !== 'object' || x === null || Array.isArray(x)) throw new ServiceScenarioError(`${where}: expected an object`);
  return x as Json;
}

function str(where: string, x: unknown): string {
  if (typeof x !== 'string' || x === '') throw new ServiceScenarioError(`${where}: expected a non-empty string`);
  return x;
}

function count(where: string, x: unknown): number {
  if (typeof x !== 'number' || !Number.isInteger(x) || x < 0) throw new ServiceScenarioError(`${where}: expected a non-negative integer`);
  return x;
}

function optionalCount(where: string, x: unknown): number | undefined {
  return x === undefined ? undefined : count(where, x);
}

const SERVICE_FIELDS = new Set(['spec', 'framework', 'mode', 'permanentFailureTimeoutMs', 'destroyGraceMs', 'replaceRateLimit', 'failureDomain', 'deploy', 'seed']);

export function parseServices(x: unknown, readSpec: SpecReader | undefined): ServiceScenario[] {
  if (x === undefined) return [];
  if (!Array.isArray(x)) throw new ServiceScenarioError('services: expected an array');
  const out = x.map((s, i): ServiceScenario => {
    const where = `services[${i}]`;
    const o = object(where, s);
    for (const key of Object.keys(o)) if (!SERVICE_FIELDS.has(key)) throw new ServiceScenarioError(`${where}: unknown field '${key}'`);
    let specJson = o.spec;
    if (typeof specJson === 'string') {
      if (readSpec === undefined) throw new ServiceScenarioError(`${where}.spec: a spec file (${specJson}) needs a reader; give the spec inline`);
      try {
        specJson = readSpec(specJson);
      } catch (e) {
        throw new ServiceScenarioError(`${where}.spec: cannot read ${String(o.spec)}: ${(e as Error).message}`);
      }
    }
    let spec: ServiceSpec;
    try {
      spec = parseServiceSpec(specJson);
    } catch (e) {
      if (e instanceof ServiceSpecError) throw new ServiceScenarioError(`${where}.spec: ${e.message}`);
      throw e;
    }
    const mode = o.mode ?? 'operator';
    if (mode !== 'operator' && mode !== 'framework') throw new ServiceScenarioError(`${where}.mode: expected 'operator' or 'framework'`);
    const deploy = o.deploy ?? 'parallel';
    if (deploy !== 'parallel' && deploy !== 'serial') throw new ServiceScenarioError(`${where}.deploy: expected 'parallel' or 'serial'`);
    const limit = o.replaceRateLimit === undefined ? undefined : object(`${where}.replaceRateLimit`, o.replaceRateLimit);
    const timeout = optionalCount(`${where}.permanentFailureTimeoutMs`, o.permanentFailureTimeoutMs);
    const grace = optionalCount(`${where}.destroyGraceMs`, o.destroyGraceMs);
    const seed = optionalCount(`${where}.seed`, o.seed);
    const controller: ControllerOptions = {
      mode,
      deploy,
      ...(timeout === undefined ? {} : { permanentFailureTimeoutMs: timeout }),
      ...(grace === undefined ? {} : { destroyGraceMs: grace }),
      ...(limit === undefined ? {} : { replaceRateLimit: { perDomain: count(`${where}.replaceRateLimit.perDomain`, limit.perDomain), windowMs: count(`${where}.replaceRateLimit.windowMs`, limit.windowMs) } }),
      ...(o.failureDomain === undefined ? {} : { failureDomain: str(`${where}.failureDomain`, o.failureDomain) }),
      ...(seed === undefined ? {} : { seed }),
    };
    return { spec, frameworkId: o.framework === undefined ? spec.name : str(`${where}.framework`, o.framework), controller };
  });
  const names = new Set<string>();
  for (const s of out) {
    if (names.has(s.spec.name)) throw new ServiceScenarioError(`services: two services named '${s.spec.name}'`);
    names.add(s.spec.name);
  }
  return out;
}

const EVENT_KINDS = ['removeAgent', 'addAgent', 'taskFailure', 'maintenance', 'scale', 'replace', 'advanceMs'] as const;

export function parseEvents(x: unknown, services: readonly ServiceScenario[], agentIds: ReadonlySet<string>): ScenarioEvent[] {
  if (x === undefined) return [];
  if (!Array.isArray(x)) throw new ServiceScenarioError('events: expected an array');
  const serviceNames = new Set(services.map((s) => s.spec.name));
  const service = (where: string, name: unknown) => {
    const s = str(where, name);
    if (!serviceNames.has(s)) throw new ServiceScenarioError(`${where}: no service named '${s}'`);
    return s;
  };
  const agent = (where: string, id: unknown) => {
    const a = str(where, id);
    if (!agentIds.has(a)) throw new ServiceScenarioError(`${where}: no agent '${a}'`);
    return a;
  };
  return x.map((e, i): ScenarioEvent => {
    const where = `events[${i}]`;
    const o = object(where, e);
    const cycle = count(`${where}.cycle`, o.cycle);
    const kinds = EVENT_KINDS.filter((k) => o[k] !== undefined);
    const extra = Object.keys(o).filter((k) => k !== 'cycle' && k !== 'description' && !(EVENT_KINDS as readonly string[]).includes(k));
    if (kinds.length !== 1 || extra.length > 0) throw new ServiceScenarioError(`${where}: expected 'cycle' and exactly one of ${EVENT_KINDS.join(', ')}`);
    const kind = kinds[0]!;
    switch (kind) {
      case 'removeAgent':
        return { cycle, kind, agentId: agent(`${where}.removeAgent`, o.removeAgent) };
      case 'addAgent':
        return { cycle, kind, agentId: agent(`${where}.addAgent`, o.addAgent) };
      case 'advanceMs':
        return { cycle, kind: 'advance', ms: count(`${where}.advanceMs`, o.advanceMs) };
      case 'taskFailure':
      case 'replace': {
        const b = object(`${where}.${kind}`, o[kind]);
        return { cycle, kind, service: service(`${where}.${kind}.service`, b.service), podInstance: str(`${where}.${kind}.podInstance`, b.podInstance) };
      }
      case 'maintenance': {
        const b = object(`${where}.maintenance`, o.maintenance);
        const duration = optionalCount(`${where}.maintenance.durationMs`, b.durationMs);
        return { cycle, kind, agentId: agent(`${where}.maintenance.agent`, b.agent), startInMs: count(`${where}.maintenance.startInMs`, b.startInMs ?? 0), ...(duration === undefined ? {} : { durationMs: duration }) };
      }
      case 'scale': {
        const b = object(`${where}.scale`, o.scale);
        return { cycle, kind, service: service(`${where}.scale.service`, b.service), pod: str(`${where}.scale.pod`, b.pod), count: count(`${where}.scale.count`, b.count) };
      }
    }
  });
}
