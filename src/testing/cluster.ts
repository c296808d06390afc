/**
 * A cluster for offline tests of allocation policies: agents from `--resources` /
 * `--attributes` strings, frameworks from short descriptions, an engine with a manual clock and
 * a fixed seed, and the framework-side moves (decline, launch, accept operations) that drive it.
 */
import { AllocatorEngine, type AllocatorOptions } from '../allocator/engine.ts';
import type { AgentCapability, CycleResult, FrameworkCapability, FrameworkInfo, Unavailability } from '../allocator/types.ts';
import type { Policy } from '../policy/index.ts';
import { parseAttributes, parseResources, parseResourceQuantities, Resources, type OfferOperation } from '../resources/index.ts';
import { operationConversions } from '../resources/index.ts';
import { ManualClock } from './clock.ts';
import { CycleView } from './cycle-view.ts';

export interface AgentSpec {
  readonly id?: string;
  readonly hostname?: string;
  /** `--resources` text or JSON; read like the master's view (volumes, dynamic reservations allowed). */
  readonly resources: string;
  readonly attributes?: string;
  /** Default: MULTI_ROLE, HIERARCHICAL_ROLE, RESERVATION_REFINEMENT (a current agent). */
  readonly capabilities?: readonly AgentCapability[];
  readonly domain?: { readonly region: string; readonly zone: string };
  readonly unavailability?: Unavailability;
}

export interface FrameworkSpec {
  readonly id?: string;
  readonly name?: string;
  readonly roles: readonly string[];
  /** Default: MULTI_ROLE. */
  readonly capabilities?: readonly FrameworkCapability[];
  readonly principal?: string;
  readonly suppressedRoles?: readonly string[];
  readonly active?: boolean;
  /** Per-role min-allocatable override, e.g. `{ kafka: 'cpus:1;mem:1024|disk:100' }`. */
  readonly minAllocatable?: Readonly<Record<string, string>>;
  readonly offerConstraints?: unknown;
}

export interface ClusterSpec {
  readonly agents?: readonly AgentSpec[];
  readonly frameworks?: readonly FrameworkSpec[];
  readonly options?: Omit<AllocatorOptions, 'clock' | 'policy'>;
  readonly policy?: Policy;
  readonly seed?: number;
}

export const DEFAULT_AGENT_CAPABILITIES: readonly AgentCapability[] = ['MULTI_ROLE', 'HIERARCHICAL_ROLE', 'RESERVATION_REFINEMENT'];

export class TestCluster {
  readonly clock = new ManualClock();
  readonly engine = new AllocatorEngine();
  private agentCount = 0;
  private frameworkCount = 0;

  constructor(spec: ClusterSpec = {}) {
    this.engine.initialize({ seed: spec.seed ?? 42, ...spec.options, clock: this.clock.fn, ...(spec.policy === undefined ? {} : { policy: spec.policy }) });
    for (const agent of spec.agents ?? []) this.addAgent(agent);
    for (const framework of spec.frameworks ?? []) this.addFramework(framework);
  }

  addAgent(spec: AgentSpec): string {
    const id = spec.id ?? `agent${this.agentCount}`;
    this.agentCount++;
    const attributes = spec.attributes === undefined ? [] : parseAttributes(spec.attributes);
    this.engine.addAgent(
      id,
      { hostname: spec.hostname ?? id, attributes, ...(spec.domain === undefined ? {} : { domain: spec.domain }) },
      spec.capabilities ?? DEFAULT_AGENT_CAPABILITIES,
      spec.unavailability,
      parseResources(spec.resources, { commandLine: false }),
      new Map(),
    );
    return id;
  }

  addFramework(spec: FrameworkSpec): string {
    const id = spec.id ?? `framework${this.frameworkCount}`;
    this.frameworkCount++;
    const capabilities = spec.capabilities ?? ['MULTI_ROLE'];
    const minAllocatableResources = spec.minAllocatable === undefined
      ? undefined
      : Object.fromEntries(Object.entries(spec.minAllocatable).map(([role, text]) => [role, text.split('|').map((t) => parseResourceQuantities(t))]));
    const info: FrameworkInfo = {
      ...(spec.name === undefined ? {} : { name: spec.name }),
      ...(capabilities.includes('MULTI_ROLE') ? { roles: spec.roles } : { role: spec.roles[0] ?? '*' }),
      capabilities,
      ...(spec.principal === undefined ? {} : { principal: spec.principal }),
      ...(minAllocatableResources === undefined ? {} : { minAllocatableResources }),
    };
    this.engine.addFramework(id, info, new Map(), spec.active ?? true, {
      ...(spec.suppressedRoles === undefined ? {} : { suppressedRoles: spec.suppressedRoles }),
      ...(spec.offerConstraints === undefined ? {} : { offerConstraints: spec.offerConstraints }),
    });
    return id;
  }

  /** Runs one cycle now (the periodic one if nothing else is due). */
  runCycle(): CycleView {
    return new CycleView(this.engine.allocate(this.clock.now()), this);
  }

  /** Moves the clock forward and runs every cycle that falls due on the way. */
  advance(ms: number): CycleView[] {
    const target = this.clock.now() + ms;
    const views: CycleView[] = [];
    for (let due = this.engine.nextCycleAt(); due <= target; due = this.engine.nextCycleAt()) {
      this.clock.set(Math.max(due, this.clock.now()));
      views.push(new CycleView(this.engine.allocate(this.clock.now()), this));
    }
    this.clock.set(target);
    return views;
  }

  /** The framework declines an offer (all of it, or `resources`), optionally with a refuse filter. */
  decline(frameworkId: string, agentId: string, offered: Resources, refuseSeconds?: number): void {
    this.engine.recoverResources(frameworkId, agentId, offered, refuseSeconds === undefined ? undefined : { refuseSeconds });
  }

  /** Declines every offer of a cycle (the shape of Mesos's DeclineOffers benchmark). */
  declineAll(cycle: CycleResult | CycleView, refuseSeconds?: number): void {
    const result = cycle instanceof CycleView ? cycle.result : cycle;
    for (const [frameworkId, byRole] of result.offers) {
      for (const byAgent of byRole.values()) {
        for (const [agentId, resources] of byAgent) this.decline(frameworkId, agentId, resources, refuseSeconds);
      }
    }
  }

  /**
   * The framework launches tasks using `used` out of `offered` (both allocated to one role); the
   * rest goes back with the accept's filter (protobuf default 5 s), as the master does.
   */
  launch(frameworkId: string, agentId: string, offered: Resources, used: Resources, refuseSeconds = 5): void {
    const rest = offered.minus(used);
    if (!rest.isEmpty()) this.engine.recoverResources(frameworkId, agentId, rest, { refuseSeconds });
    this.engine.transitionOfferedToAllocated(agentId, used);
  }

  /** Tasks end: their resources come back with no filter. */
  finish(frameworkId: string, agentId: string, used: Resources): void {
    this.engine.recoverResources(frameworkId, agentId, used, undefined, true);
  }

  /** The framework accepts speculative operations on an offer: the allocator hears `updateAllocation`, the unused part comes back unfiltered. */
  accept(frameworkId: string, agentId: string, offered: Resources, operations: readonly OfferOperation[], frameworkRoles: readonly string[]): Resources {
    let current = offered;
    const conversions = [];
    for (const op of operations) {
      const cs = operationConversions(op, current, { frameworkRoles });
      for (const c of cs) {
        current = current.minus(c.consumed).plus(c.converted);
        conversions.push(c);
      }
    }
    this.engine.updateAllocation(frameworkId, agentId, offered, conversions);
    return current;
  }
}

export function buildCluster(spec: ClusterSpec = {}): TestCluster {
  return new TestCluster(spec);
}
