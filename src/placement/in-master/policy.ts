/**
 * `dataServicePolicy(specs, options)`: data services managed from inside the master. The
 * allocator policy owns one DataServiceController per service (operator mode) and the
 * reservation steering: each cycle, after the offers, `operatorCalls` tells the controllers what
 * the allocator saw change, ticks them, and returns their proposals as operator calls
 * (RESERVE_RESOURCES, CREATE_VOLUMES, DESTROY_VOLUMES, UNRESERVE_RESOURCES) for the master to
 * make; `operatorCallResult` confirms or fails them. On the first cycle the ledger is rebuilt
 * from the reservations the agents hold (a restarted master or a reloaded policy re-reserves
 * nothing). The stages: a launch gate (a service's reservations are offered only while the
 * instance may launch), the placement hold (agents kept from other frameworks' offers while
 * instances wait for a place), then the steering (each service's reservations to its own
 * framework only). Maintenance comes from the allocator too (`OperatorCallsContext.maintenance`):
 * an agent's window starts its controllers' drain (instances move one failure domain at a time),
 * an inverse offer outstanding with the service's framework lets the controller ask for ACCEPT
 * once nothing of the service is left there, and the framework's ACCEPT ends that request.
 *
 * What the allocator cannot do stays the framework's: launching (out of offers that carry the
 * instance's reservations, `launchable`), killing (`frameworkRequests().kills`) and answering
 * inverse offers (`frameworkRequests().acceptInverseOffers`); the requests are also written to
 * `log` (inside the master: its log).
 */
import type { AgentView, FrameworkView, MaintenanceWindow, OfferContext, OperatorCall, OperatorCallResult, OperatorCallsContext, Policy, Rejection } from '../../policy/index.ts';
import type { Unavailability } from '../../allocator/index.ts';
import { ReservationLedger } from '../ledger/index.ts';
import { DataServiceController, type InstanceStatus } from '../lifecycle/index.ts';
import type { ClusterAgent } from '../plan/index.ts';
import { Resources } from '../../resources/index.ts';
import type { ServiceSpec } from '../service/index.ts';
import { ownedReservations } from '../steering/index.ts';
import { adoptReservations, type AdoptionReport } from './adopt.ts';
import { launchGate } from './launch-gate.ts';
import { PlacementHold } from './placement-hold.ts';
import { afterCalls, clusterAgentOf, ownOffers, withOwnOffers } from './planning-view.ts';
import { ownSeed, serviceSeeds } from './seeds.ts';
import { ServiceDriver } from './service-driver.ts';
import type { DataServicePolicyOptions, FrameworkRequests } from './types.ts';

export class DataServicePolicyError extends Error {
  override readonly name: string = 'DataServicePolicyError';
}

/** The policy's own methods, beside the allocator stages. */
export interface DataServiceControl {
  /** The service's controller (scale, replace, status); undefined before the first cycle built it. */
  controller(service: string): DataServiceController | undefined;
  /** The ledger every service's controller shares. */
  readonly ledger: ReservationLedger;
  /** What the frameworks should do now (kills, inverse-offer answers, launches). */
  frameworkRequests(service?: string): FrameworkRequests;
  status(service: string): InstanceStatus[];
  /** What the first cycle found in the cluster, per service. */
  adoption(): readonly AdoptionReport[];
  /** Calls whose outcome is not known yet (no result, partial results being undone), per service. */
  outstandingCalls(): string[];
  /** Things that went wrong and need a person (lost answers, failed undos, missing reservations). */
  problems(): string[];
  /**
   * A maintenance window for the agent (undefined: it ended). Windows the allocator knows
   * (`OperatorCallsContext.maintenance`) are passed on each cycle without this; it is for a
   * window the allocator does not know.
   */
  maintenance(agentId: string, unavailability: Unavailability | undefined): void;
  /** An inverse offer was sent for the agent; the allocator's are passed on each cycle without this. */
  inverseOffer(agentId: string, unavailability?: Unavailability): void;
}

export type DataServicePolicy = Policy & Required<Pick<Policy, 'reservationOwners' | 'filter' | 'size' | 'operatorCalls' | 'operatorCallResult'>> & DataServiceControl;

const defaultOwns = (framework: FrameworkView, service: string) => framework.name === service || framework.id === service;

/** FNV-1a of the service name. */
function nameHash(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

export function dataServicePolicy(specs: ServiceSpec | readonly ServiceSpec[], options: DataServicePolicyOptions = {}): DataServicePolicy {
  const list: readonly ServiceSpec[] = Array.isArray(specs) ? specs : [specs as ServiceSpec];
  if (list.length === 0) throw new DataServicePolicyError('dataServicePolicy needs at least one service spec');
  const names = new Set<string>();
  for (const s of list) {
    if (typeof s?.name !== 'string' || !Array.isArray(s.pods)) throw new DataServicePolicyError('dataServicePolicy: a spec is not a parsed ServiceSpec (use parseServiceSpec)');
    if (names.has(s.name)) throw new DataServicePolicyError(`dataServicePolicy: service '${s.name}' is given twice`);
    names.add(s.name);
  }
  for (const name of Object.keys(options.services ?? {})) {
    if (!names.has(name)) throw new DataServicePolicyError(`dataServicePolicy: options.services names '${name}', which is not one of the services (${[...names].join(', ')})`);
  }
  const owns = options.owns ?? defaultOwns;
  const log = options.log ?? (() => {});
  const user = options.policy ?? {};
  let now = 0;
  const clock = () => now;
  const ledger = new ReservationLedger({ clock });
  const drivers = new Map<string, ServiceDriver>();
  const adoption: AdoptionReport[] = [];
  const views = new WeakMap<AgentView, ClusterAgent>();
  // Before the first cycle (no drivers yet), maintenance news waits here.
  const early: Array<(c: DataServiceController) => void> = [];
  // Maintenance as the allocator reports it: windows passed on (agent → window), and per service
  // the agents whose outstanding inverse offer its controller was told of.
  const windows = new Map<string, MaintenanceWindow>();
  const told = new Map<string, Set<string>>();
  const answered = new Map<string, Set<string>>();

  const start = (ctx: OperatorCallsContext) => {
    const epoch = ctx.now.toString(36);
    for (const spec of list) {
      const tuning = { ...options.controller, ...options.services?.[spec.name] };
      // Services plan in the same cycle before either's calls are made: their seeded ids must differ.
      const seed = ((tuning.seed ?? 0) ^ nameHash(spec.name)) >>> 0;
      const report = adoptReservations(ledger, spec, ctx.agents, ctx.frameworks, { seed, freshSeed: ownSeed(seed, epoch) });
      // Found in the cluster: agents away now may hold ids of the service's stream, so plans draw from our own.
      const seeds = serviceSeeds(seed, epoch, report.adopted.size > 0 || report.skipped.length > 0);
      adoption.push(report);
      if (report.adopted.size > 0 || report.skipped.length > 0) {
        log(`${spec.name}: found ${report.adopted.size} instance(s) in the cluster, ${report.retired.size} with old reservations to destroy, ${report.skipped.length} left alone`);
      }
      for (const why of report.skipped) log(`${spec.name}: left alone: ${why}`);
      const controller = new DataServiceController(spec, { ...tuning, seed: seeds.plans, ledger, clock, mode: 'operator' });
      for (const apply of early) apply(controller);
      const driver = new ServiceDriver(controller, ledger, epoch, log, new PlacementHold(spec.name, options.hold), seeds, tuning.destroyGraceMs ?? 600_000);
      drivers.set(spec.name, driver);
      for (const [podInstance, missing] of report.incomplete) log(`${spec.name}: ${podInstance} found incomplete (${missing.join('; ')}): not launchable until completed`);
      // An incomplete instance's mismatches are reported by its completion; a complete one's here.
      for (const [podInstance, why] of report.mismatched) {
        if (!report.incomplete.has(podInstance)) driver.reportProblem(`${podInstance}: the spec no longer matches its reservations (${why.join('; ')}); left alone`);
      }
    }
  };

  // The engine keeps each service's reservations for its own framework (reservationOwners); the
  // launch gate and the placement holds below cut what is left before the user's stages.
  const userFilter = user.filter?.bind(user);
  const userSize = user.size?.bind(user);
  // What may be offered changes with each tick and each result: recomputed when next asked.
  let allowed: Map<string, string> | undefined; // resource_id → its agent
  const gate = launchGate(names, () => {
    if (allowed !== undefined) return allowed;
    allowed = new Map();
    for (const d of drivers.values()) {
      for (const req of d.launchable()) for (const e of ledger.byInstance(d.service, req.podInstance)) allowed.set(e.resourceId, e.agentId);
    }
    return allowed;
  });

  const stages = {
    ...user,
    reservationOwners: ownedReservations({ owns }),
    filter(ctx: OfferContext) {
      const verdict = gate.filter(ctx);
      if (verdict !== true) return verdict;
      const prepared = prepare(ctx);
      if ('reason' in prepared) return prepared;
      return userFilter === undefined ? true : userFilter(prepared);
    },
    size(ctx: OfferContext) {
      const prepared = prepare(ctx);
      if ('reason' in prepared) return Resources.EMPTY;
      return userSize === undefined ? prepared.offer : userSize(prepared) ?? prepared.offer;
    },
    name: user.name ?? `data-services(${[...names].join(',')})`,
    operatorCalls(ctx: OperatorCallsContext): readonly OperatorCall[] {
      now = ctx.now;
      if (drivers.size === 0) start(ctx);
      const active = new Map(ctx.agents.map((a) => [a.id, a]));
      const base = ctx.agents.map((a) => {
        let agent = views.get(a);
        if (agent === undefined) views.set(a, (agent = clusterAgentOf(a)));
        return agent;
      });
      followMaintenance(ctx);
      const calls: OperatorCall[] = [];
      allowed = undefined;
      let view: readonly ClusterAgent[] = base;
      for (const driver of drivers.values()) {
        const planned = withOwnOffers(view, ownOffers(ctx.frameworks, (f) => owns(f, driver.service)));
        const made = driver.cycle(ctx.now, active, planned, ctx.frameworks);
        calls.push(...made);
        driver.updateHold(ctx.agents);
        // The next service plans on what this one's calls leave.
        view = afterCalls(view, made);
      }
      allowed = undefined;
      if (user.operatorCalls !== undefined) calls.push(...user.operatorCalls(ctx));
      return calls;
    },
    operatorCallResult(result: OperatorCallResult): void {
      allowed = undefined;
      for (const driver of drivers.values()) if (driver.result(result)) return;
      user.operatorCallResult?.(result);
    },
  };

  // The control methods are not stages: non-enumerable, so a policy loader that checks the
  // stage names sees filter, size, operatorCalls and operatorCallResult only.
  const control: DataServiceControl = {
    ledger,
    controller(service) {
      allowed = undefined; // the caller may replace or scale: what may be offered is asked again
      return drivers.get(service)?.controller;
    },
    frameworkRequests(service?: string): FrameworkRequests {
      const chosen = [...drivers.values()].filter((d) => service === undefined || d.service === service);
      return {
        kills: chosen.flatMap((d) => d.kills()),
        acceptInverseOffers: chosen.flatMap((d) => d.acceptInverseOffers()),
        launchable: chosen.flatMap((d) => d.launchable()),
      };
    },
    status(service: string): InstanceStatus[] {
      const driver = drivers.get(service);
      if (driver === undefined) throw new DataServicePolicyError(names.has(service) ? `${service}: no cycle has run yet` : `no service '${service}'`);
      return driver.controller.status();
    },
    adoption: () => adoption,
    outstandingCalls: () => [...drivers.values()].flatMap((d) => d.outstandingCalls()),
    problems: () => [...drivers.values()].flatMap((d) => d.problems()),
    maintenance(agentId, unavailability) {
      allowed = undefined;
      const apply = (c: DataServiceController) => c.maintenance(agentId, unavailability);
      if (drivers.size === 0) early.push(apply);
      for (const d of drivers.values()) {
        apply(d.controller);
        if (unavailability === undefined) d.clearInverseOffer(agentId);
      }
    },
    inverseOffer(agentId, unavailability) {
      allowed = undefined;
      const apply = (c: DataServiceController) => c.inverseOffer(agentId, unavailability);
      if (drivers.size === 0) early.push(apply);
      for (const d of drivers.values()) apply(d.controller);
    },
  };
  /**
   * The allocator's maintenance, passed on: a new or changed window starts the controllers'
   * drain (`maintenance`), a window gone ends it; an inverse offer outstanding with one of the
   * service's frameworks tells its controller (`inverseOffer`), which asks for ACCEPT once nothing
   * of the service is left there; the framework's ACCEPT (its latest answer) ends that request.
   */
  function followMaintenance(ctx: OperatorCallsContext): void {
    const current = ctx.maintenance;
    if (current === undefined) return; // an engine without maintenance in the context
    for (const [agentId, m] of current) {
      const before = windows.get(agentId);
      if (before === undefined || before.start !== m.unavailability.start || before.durationMs !== m.unavailability.durationMs) {
        windows.set(agentId, m.unavailability);
        log(`maintenance of ${agentId} from t=${m.unavailability.start}${m.unavailability.durationMs === undefined ? '' : ` for ${m.unavailability.durationMs} ms`}: draining it`);
        control.maintenance(agentId, m.unavailability);
        for (const set of told.values()) set.delete(agentId);
        for (const set of answered.values()) set.delete(agentId);
      }
    }
    for (const agentId of [...windows.keys()]) {
      if (current.has(agentId)) continue;
      windows.delete(agentId);
      log(`maintenance of ${agentId} ended`);
      control.maintenance(agentId, undefined);
      for (const set of told.values()) set.delete(agentId);
      for (const set of answered.values()) set.delete(agentId);
    }
    if (current.size === 0) return;
    for (const driver of drivers.values()) {
      const own = ctx.frameworks.filter((f) => owns(f, driver.service));
      const toldHere = told.get(driver.service) ?? new Set<string>();
      const answeredHere = answered.get(driver.service) ?? new Set<string>();
      told.set(driver.service, toldHere);
      answered.set(driver.service, answeredHere);
      for (const [agentId, m] of current) {
        const accepted = own.some((f) => m.inverseOfferStatuses.get(f.id)?.status === 'ACCEPT');
        if (accepted) {
          if (!answeredHere.has(agentId)) log(`${driver.service}: its framework accepted the inverse offer for ${agentId}`);
          answeredHere.add(agentId);
          driver.clearInverseOffer(agentId);
          continue;
        }
        const outstanding = own.some((f) => m.inverseOffersOutstanding.has(f.id));
        if (!outstanding) toldHere.delete(agentId);
        else if (!toldHere.has(agentId)) {
          toldHere.add(agentId);
          driver.controller.inverseOffer(agentId);
        }
      }
    }
    allowed = undefined;
  }

  // The offer as the steering sees it: launch gate, then the placement holds. filter and size see
  // the same context one after the other, so the last answer is kept.
  let preparedFor: OfferContext | undefined;
  let preparedAs: OfferContext | Rejection = { reason: '' };
  function prepare(ctx: OfferContext): OfferContext | Rejection {
    if (ctx === preparedFor) return preparedAs;
    let current = gate.cut(ctx);
    let rejection: Rejection | undefined;
    for (const d of drivers.values()) {
      if (d.hold.held.size === 0) continue;
      const next = d.hold.cut(current, owns(ctx.framework, d.service));
      if (next !== current && next.offer.isEmpty()) {
        rejection = d.hold.rejection();
        break;
      }
      current = next;
    }
    preparedFor = ctx;
    preparedAs = rejection ?? current;
    return preparedAs;
  }

  const policy = stages as DataServicePolicy;
  for (const [key, value] of Object.entries(Object.getOwnPropertyDescriptors(control))) Object.defineProperty(policy, key, { ...value, enumerable: false });
  return policy;
}
