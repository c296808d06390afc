/**
 * A cluster for offline tests of allocation policies: agents from `--resources` /
 * `--attributes` strings, frameworks from short descriptions, an engine with a manual clock and
 * a fixed seed, the framework-side moves (decline, launch, accept operations) that drive it, and
 * the master's side of the policy's operator calls (made after each cycle, or held for the test).
 */
import { AllocatorEngine, type AllocatorOptions } from '../allocator/engine.ts';
import { applyOperatorCalls } from '../allocator/operator-calls.ts';
import type { AgentCapability, CycleResult, FrameworkCapability, FrameworkInfo, Unavailability } from '../allocator/types.ts';
import type { OperatorCall, OperatorCallResult, Policy } from '../policy/index.ts';
import { parseAttributes, parseResources, parseResourceQuantities, Resources, type OfferOperation } from '../resources/index.ts';
import { operationConversions } from '../resources/index.ts';
import { ManualClock } from './clock.ts';
import { CycleView, type OperatorCallEntry } from './cycle-view.ts';

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
  /**
   * The policy's operator calls: 'apply' (default) makes each cycle's calls right after it, as the
   * master's operator API would (updateAvailable per operation; 409 on the first that does not
   * apply); 'hold' keeps them in `pendingOperatorCalls` for the test to make (`makeOperatorCalls`)
   * or fail (`failOperatorCall`: a 401, a time-out).
   */
  readonly operatorCalls?: 'apply' | 'hold';
}

export const DEFAULT_AGENT_CAPABILITIES: readonly AgentCapability[] = ['MULTI_ROLE', 'HIERARCHICAL_ROLE', 'RESERVATION_REFINEMENT'];

export class TestCluster {
  readonly clock = new ManualClock();
  readonly engine = new AllocatorEngine();
  /** Every operator call made or failed so far, with its result, in the order they ended. */
  readonly operatorCallLog: Required<OperatorCallEntry>[] = [];
  private agentCount = 0;
  private frameworkCount = 0;
  private readonly holdOperatorCalls: boolean;
  private held: OperatorCall[] = [];

  constructor(spec: ClusterSpec = {}) {
    this.holdOperatorCalls = spec.operatorCalls === 'hold';
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
    return this.cycleView(this.engine.allocate(this.clock.now()));
  }

  /** A cycle's view; its operator calls are made right after it unless the cluster holds them. */
  private cycleView(result: CycleResult): CycleView {
    if (this.holdOperatorCalls) {
      this.held.push(...result.operatorCalls);
      return new CycleView(result, this);
    }
    return new CycleView(result, this, this.make(result.operatorCalls));
  }

  private make(calls: readonly OperatorCall[]): OperatorCallResult[] {
    const results = applyOperatorCalls(this.engine, calls);
    results.forEach((result, i) => this.operatorCallLog.push({ call: calls[i]!, result }));
    return results;
  }

  /** Operator calls held ('hold') and not yet made or failed, in order. */
  get pendingOperatorCalls(): readonly OperatorCall[] {
    return this.held;
  }

  /** Makes the held calls (those named, else all) in order, as the master would; their results reach the policy. */
  makeOperatorCalls(ids?: readonly string[]): OperatorCallResult[] {
    ids?.forEach((id) => this.heldCall(id)); // all named ones exist, or nothing changes
    const chosen = ids === undefined ? this.held : ids.map((id) => this.takeHeld(id));
    if (ids === undefined) this.held = [];
    return this.make(chosen);
  }

  /**
   * A held call the master did not carry out: its first `applied` operations went through, then the
   * master answered `httpStatus` (0: no answer, e.g. a time-out) with `message`. The policy gets that result.
   */
  failOperatorCall(id: string, httpStatus: number, message: string, applied = 0): OperatorCallResult {
    const call = this.heldCall(id);
    if (!(Number.isInteger(applied) && applied >= 0 && applied < call.operations.length)) {
      throw new RangeError(`failOperatorCall: applied must be 0..${call.operations.length - 1} for call '${id}', got ${applied}`);
    }
    this.takeHeld(id);
    for (const operation of call.operations.slice(0, applied)) this.engine.applyAvailable(call.agentId, [operation]);
    const result: OperatorCallResult = { id, ok: false, applied, httpStatus, message };
    this.operatorCallLog.push({ call, result });
    this.engine.operatorCallResult(result);
    return result;
  }

  private heldCall(id: string): OperatorCall {
    const call = this.held.find((c) => c.id === id);
    if (call === undefined) throw new RangeError(`no held operator call '${id}' (held: ${this.held.map((c) => c.id).join(', ') || 'none'})`);
    return call;
  }

  private takeHeld(id: string): OperatorCall {
    const call = this.heldCall(id);
    this.held.splice(this.held.indexOf(call), 1);
    return call;
  }

  /** Moves the clock forward and runs every cycle that falls due on the way. */
  advance(ms: number): CycleView[] {
    const target = this.clock.now() + ms;
    const views: CycleView[] = [];
    for (let due = this.engine.nextCycleAt(); due <= target; due = this.engine.nextCycleAt()) {
      this.clock.set(Math.max(due, this.clock.now()));
      views.push(this.cycleView(this.engine.allocate(this.clock.now())));
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
    this.engine.transitionOfferedToAllocated(agentId, used, frameworkId);
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
