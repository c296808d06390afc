// Property tests of the allocation engine over random clusters and random event sequences
// (fast-check). A driver plays the master: it keeps its own books of what every framework holds
// (outstanding offers and running tasks, per agent and role), applies random events (declines with
// filters, launches, task ends, suppress/revive, framework and agent churn, quota limits, clock
// jumps) and, after every step and every cycle, checks the engine against Mesos's rules:
//
//  - no resource is offered twice: per agent, what all frameworks hold fits in the total, and
//    offered + allocated + available == total (shared volumes aside: they always stay available);
//  - offers are well formed, go only to active frameworks in subscribed, unsuppressed roles, from
//    activated agents, out of what was available when the cycle began, at most one copy of a shared
//    volume per agent and cycle, and meet the minimum allocatable resources;
//  - nothing reserved for R reaches a role outside R's subtree;
//  - quota limits, in their Mesos-true form: in one cycle a top-level role R itself is offered at
//    most max(0, limit − consumed) of each limited unreserved non-revocable scalar, where consumed
//    = every reservation in R's subtree + the unreserved non-revocable scalars R's subtree holds;
//    and reservations, non-scalars (ports) and revocable resources are never chopped;
//  - no starvation while resources stay free: an active framework, unsuppressed in a role and with
//    no refuse filter on an agent, is offered something there whenever resources it could take
//    (allocatable to the role, within the role's limit room, at least the minimum allocatable) are
//    still free at the end of the cycle (mesos-allocator.md §4.3: the first eligible framework
//    takes everything; with no guarantees nothing is held back);
//  - after removeFramework everything it held is available again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { AllocatorEngine } from '../../src/allocator/engine.ts';
import type { FrameworkCapability, Quota } from '../../src/allocator/types.ts';
import { isStrictSubroleOf, parseResources, Resources, type Resource, type ResourceInput } from '../../src/resources/index.ts';
import { assertOffersWellFormed, assertReservationsStayInRole, CycleView, DEFAULT_AGENT_CAPABILITIES, ManualClock } from '../../src/testing/index.ts';
import { jsonResources } from './conformance/helpers.ts';

const INTERVAL = 1000;
const TOP_ROLES = ['a', 'b', 'c'] as const;
const ROLES = ['a', 'b', 'c', 'a/x', 'a/x/y', 'b/y'] as const;
/** Mesos's default `--min_allocatable_resources`: cpus:0.01|mem:32. */
const MIN_CPUS = 10;
const MIN_MEM = 32_000;

// ---- generated scenario shapes ------------------------------------------------------------

interface ReservationSpec { readonly name: 'cpus' | 'mem' | 'disk'; readonly role: string; readonly amount: number; readonly dynamic: boolean; readonly refined: boolean }
interface AgentSpec {
  readonly cpus: number;
  readonly mem: number;
  readonly disk: number | null;
  readonly ports: number | null;
  readonly reservations: readonly ReservationSpec[];
  readonly revocable: number | null;
  readonly volume: { readonly role: string; readonly size: number; readonly shared: boolean } | null;
}
interface FrameworkSpec { readonly roles: readonly string[]; readonly shared: boolean; readonly revocable: boolean; readonly refinement: boolean }
interface QuotaSpec { readonly role: number; readonly cpus: number | null; readonly mem: number | null; readonly disk: number | null; readonly guarantee: boolean }

type Event =
  | { readonly t: 'advance'; readonly ms: number }
  | { readonly t: 'decline'; readonly f: number; readonly o: number; readonly refuse: number }
  | { readonly t: 'launch'; readonly f: number; readonly o: number; readonly all: boolean; readonly refuse: number }
  | { readonly t: 'finish'; readonly f: number; readonly k: number }
  | { readonly t: 'suppress' | 'revive'; readonly f: number; readonly role: number | null }
  | { readonly t: 'removeFramework' | 'deactivateFramework' | 'activateFramework'; readonly f: number }
  | { readonly t: 'addFramework'; readonly spec: FrameworkSpec }
  | { readonly t: 'deactivateAgent' | 'activateAgent' | 'removeAgent'; readonly a: number }
  | { readonly t: 'addAgent'; readonly spec: AgentSpec }
  | { readonly t: 'quota'; readonly spec: QuotaSpec };

/** refuse_seconds choices; -1 means "recoverResources without Filters" (no filter at all). */
const REFUSE = [-1, 0, 0.5, 1, 2, 5, 30] as const;

const reservationArb: fc.Arbitrary<ReservationSpec> = fc.record({
  name: fc.constantFrom('cpus' as const, 'mem' as const, 'disk' as const),
  role: fc.constantFrom(...ROLES),
  amount: fc.integer({ min: 1, max: 8 }),
  dynamic: fc.boolean(),
  refined: fc.boolean(),
});

const agentArb: fc.Arbitrary<AgentSpec> = fc.record({
  cpus: fc.integer({ min: 1, max: 16 }).map((x) => x / 2),
  mem: fc.integer({ min: 0, max: 16 }).map((x) => x * 256),
  disk: fc.option(fc.integer({ min: 1, max: 20 }).map((x) => x * 100)),
  ports: fc.option(fc.integer({ min: 1, max: 20 })),
  reservations: fc.array(reservationArb, { maxLength: 3 }),
  revocable: fc.option(fc.integer({ min: 1, max: 4 })),
  volume: fc.option(fc.record({ role: fc.constantFrom(...ROLES), size: fc.integer({ min: 1, max: 10 }).map((x) => x * 10), shared: fc.boolean() })),
});

const frameworkArb: fc.Arbitrary<FrameworkSpec> = fc.record({
  roles: fc.uniqueArray(fc.constantFrom(...ROLES), { minLength: 1, maxLength: 2 }),
  shared: fc.boolean(),
  revocable: fc.boolean(),
  refinement: fc.boolean(),
});

const quotaArb = (guarantees: boolean): fc.Arbitrary<QuotaSpec> => fc.record({
  role: fc.nat({ max: TOP_ROLES.length - 1 }),
  cpus: fc.option(fc.integer({ min: 0, max: 16 }).map((x) => x / 2)),
  mem: fc.option(fc.integer({ min: 0, max: 16 }).map((x) => x * 256)),
  disk: fc.option(fc.integer({ min: 0, max: 10 }).map((x) => x * 200)),
  guarantee: guarantees ? fc.boolean() : fc.constant(false),
});

const refuseArb = fc.constantFrom(...REFUSE);

const eventArb = (guarantees: boolean): fc.Arbitrary<Event> => fc.oneof(
  { weight: 6, arbitrary: fc.record({ t: fc.constant('advance' as const), ms: fc.constantFrom(0, 250, 500, 1000, 1000, 1500, 2500) }) },
  { weight: 5, arbitrary: fc.record({ t: fc.constant('decline' as const), f: fc.nat(), o: fc.nat(), refuse: refuseArb }) },
  { weight: 4, arbitrary: fc.record({ t: fc.constant('launch' as const), f: fc.nat(), o: fc.nat(), all: fc.boolean(), refuse: refuseArb }) },
  { weight: 3, arbitrary: fc.record({ t: fc.constant('finish' as const), f: fc.nat(), k: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constantFrom('suppress' as const, 'revive' as const), f: fc.nat(), role: fc.option(fc.nat()) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constantFrom('removeFramework' as const, 'deactivateFramework' as const, 'activateFramework' as const), f: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('addFramework' as const), spec: frameworkArb }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constantFrom('deactivateAgent' as const, 'activateAgent' as const, 'removeAgent' as const), a: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('addAgent' as const), spec: agentArb }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('quota' as const), spec: quotaArb(guarantees) }) },
);

// ---- resource helpers --------------------------------------------------------------------

/** The agent's resources as a JSON `--resources` text, read the way the master holds them. */
function agentResources(spec: AgentSpec, n: number): Resources {
  const items: ResourceInput[] = [{ name: 'cpus', scalar: spec.cpus }];
  if (spec.mem > 0) items.push({ name: 'mem', scalar: spec.mem });
  if (spec.disk !== null) items.push({ name: 'disk', scalar: spec.disk });
  if (spec.ports !== null) items.push({ name: 'ports', ranges: [{ begin: 31000, end: 31000 + spec.ports - 1 }] });
  for (const res of spec.reservations) {
    const amount = res.name === 'cpus' ? res.amount / 2 : res.name === 'mem' ? res.amount * 128 : res.amount * 100;
    const slash = res.role.lastIndexOf('/');
    const reservations = res.refined && slash > 0
      ? [{ type: 'DYNAMIC' as const, role: res.role.slice(0, slash), principal: 'ops' }, { type: 'DYNAMIC' as const, role: res.role, principal: 'ops' }]
      : [res.dynamic ? { type: 'DYNAMIC' as const, role: res.role, principal: 'ops' } : { type: 'STATIC' as const, role: res.role }];
    items.push({ name: res.name, scalar: amount, reservations });
  }
  if (spec.revocable !== null) items.push({ name: 'cpus', scalar: spec.revocable, revocable: true });
  if (spec.volume !== null) {
    items.push({
      name: 'disk',
      scalar: spec.volume.size,
      reservations: [{ type: 'DYNAMIC', role: spec.volume.role, principal: 'ops' }],
      disk: { persistence: { id: `vol${n}`, principal: 'ops' }, volume: { containerPath: 'data', mode: 'RW' } },
      ...(spec.volume.shared ? { shared: true } : {}),
    });
  }
  return parseResources(jsonResources(...items), { commandLine: false });
}

function reservationRole(r: Resource): string | undefined {
  return r.reservations.length === 0 ? undefined : r.reservations[r.reservations.length - 1]!.role;
}

function inSubtree(role: string, top: string): boolean {
  return role === top || isStrictSubroleOf(role, top);
}

function isQuotaScalar(r: Resource): boolean {
  return r.type === 'SCALAR' && r.reservations.length === 0 && r.revocable !== true;
}

function addMilli(target: Map<string, number>, resources: Resources, predicate: (r: Resource) => boolean): void {
  for (const r of resources) {
    if (r.type !== 'SCALAR' || !predicate(r)) continue;
    target.set(r.name, (target.get(r.name) ?? 0) + Math.round(r.scalar! * 1000));
  }
}

function isAllocatable(resources: Resources): boolean {
  if (resources.isEmpty()) return false;
  const q = new Map<string, number>();
  addMilli(q, resources, () => true);
  return (q.get('cpus') ?? 0) >= MIN_CPUS || (q.get('mem') ?? 0) >= MIN_MEM;
}

// ---- the driver --------------------------------------------------------------------------

interface FrameworkModel {
  readonly id: string;
  readonly roles: readonly string[];
  readonly caps: ReadonlySet<FrameworkCapability>;
  active: boolean;
  readonly suppressed: Set<string>;
  /** agent → role → outstanding offer (allocated resources). */
  readonly offers: Map<string, Map<string, Resources>>;
  /** agent → role → resources of running tasks. */
  readonly tasks: Map<string, Map<string, Resources>>;
  /** `${role}\0${agent}` → until when a refuse filter may hide offers (conservative). */
  readonly filters: Map<string, number>;
}

interface QuotaModel { readonly limits: Map<string, number>; readonly guarantees: Map<string, number> }

function capable(fw: FrameworkModel, resources: Resources): Resources {
  return resources.filter((r) =>
    (fw.caps.has('SHARED_RESOURCES') || r.shared !== true) &&
    (fw.caps.has('REVOCABLE_RESOURCES') || r.revocable !== true) &&
    (fw.caps.has('RESERVATION_REFINEMENT') || r.reservations.length <= 1));
}

function addTo(map: Map<string, Map<string, Resources>>, agent: string, role: string, resources: Resources): void {
  let byRole = map.get(agent);
  if (byRole === undefined) map.set(agent, (byRole = new Map()));
  byRole.set(role, (byRole.get(role) ?? Resources.EMPTY).plus(resources));
}

function entriesOf(map: Map<string, Map<string, Resources>>): Array<{ agent: string; role: string; resources: Resources }> {
  const out: Array<{ agent: string; role: string; resources: Resources }> = [];
  for (const [agent, byRole] of [...map].sort(([x], [y]) => x.localeCompare(y))) {
    for (const [role, resources] of [...byRole].sort(([x], [y]) => x.localeCompare(y))) out.push({ agent, role, resources });
  }
  return out;
}

function removeFrom(map: Map<string, Map<string, Resources>>, agent: string, role: string): void {
  const byRole = map.get(agent);
  byRole?.delete(role);
  if (byRole !== undefined && byRole.size === 0) map.delete(agent);
}

interface CycleObserver {
  (sim: Sim, view: CycleView, starvedOn: ReadonlyMap<string, readonly string[]>): void;
}

class Sim {
  readonly clock = new ManualClock();
  readonly engine = new AllocatorEngine();
  readonly agents = new Map<string, { total: Resources; active: boolean }>();
  readonly frameworks = new Map<string, FrameworkModel>();
  readonly quotas = new Map<string, QuotaModel>();
  private agentCount = 0;
  private frameworkCount = 0;
  readonly log: string[] = [];
  cycles = 0;

  constructor(seed: number, private readonly observer?: CycleObserver) {
    this.engine.initialize({ seed, allocationIntervalMs: INTERVAL, clock: this.clock.fn });
  }

  fail(message: string): never {
    assert.fail(`${message}\n  at t=${this.clock.now()} after:\n    ${this.log.slice(-12).join('\n    ')}`);
  }

  // -- events --

  addAgent(spec: AgentSpec): string {
    const id = `agent${this.agentCount++}`;
    const total = agentResources(spec, this.agentCount);
    this.engine.addAgent(id, { hostname: id }, DEFAULT_AGENT_CAPABILITIES, undefined, total, new Map());
    this.agents.set(id, { total, active: true });
    this.log.push(`addAgent ${id} ${total}`);
    return id;
  }

  addFramework(spec: FrameworkSpec): string {
    const id = `fw${this.frameworkCount++}`;
    const caps: FrameworkCapability[] = ['MULTI_ROLE'];
    if (spec.shared) caps.push('SHARED_RESOURCES');
    if (spec.revocable) caps.push('REVOCABLE_RESOURCES');
    if (spec.refinement) caps.push('RESERVATION_REFINEMENT');
    this.engine.addFramework(id, { roles: spec.roles, capabilities: caps }, new Map(), true, {});
    this.frameworks.set(id, { id, roles: spec.roles, caps: new Set(caps), active: true, suppressed: new Set(), offers: new Map(), tasks: new Map(), filters: new Map() });
    this.log.push(`addFramework ${id} roles=${spec.roles.join(',')} caps=${caps.join(',')}`);
    return id;
  }

  setQuota(spec: QuotaSpec): void {
    const role = TOP_ROLES[spec.role]!;
    const limits = new Map<string, number>();
    const guarantees = new Map<string, number>();
    for (const name of ['cpus', 'mem', 'disk'] as const) {
      const value = spec[name];
      if (value === null) continue;
      limits.set(name, value);
      if (spec.guarantee && value > 0) guarantees.set(name, value / 2);
    }
    const quota: Quota = { limits, guarantees };
    this.engine.updateQuota(role, quota);
    this.quotas.set(role, { limits: new Map([...limits].map(([n, v]) => [n, Math.round(v * 1000)])), guarantees: new Map([...guarantees].map(([n, v]) => [n, Math.round(v * 1000)])) });
    this.log.push(`updateQuota ${role} limits=${JSON.stringify([...limits])} guarantees=${JSON.stringify([...guarantees])}`);
  }

  private pickFramework(i: number): FrameworkModel | undefined {
    const ids = [...this.frameworks.keys()].sort();
    return ids.length === 0 ? undefined : this.frameworks.get(ids[i % ids.length]!);
  }

  private pickAgent(i: number): string | undefined {
    const ids = [...this.agents.keys()].sort();
    return ids.length === 0 ? undefined : ids[i % ids.length];
  }

  private filtersArg(refuse: number): { refuseSeconds: number } | undefined {
    return refuse < 0 ? undefined : { refuseSeconds: refuse };
  }

  private noteFilter(fw: FrameworkModel, role: string, agent: string, refuse: number): void {
    if (refuse <= 0) return; // -1: no Filters; 0: no filter
    const until = this.clock.now() + Math.max(INTERVAL, refuse * 1000);
    const key = `${role}\0${agent}`;
    fw.filters.set(key, Math.max(fw.filters.get(key) ?? 0, until));
  }

  decline(fw: FrameworkModel, agent: string, role: string, refuse: number): void {
    const offer = fw.offers.get(agent)?.get(role);
    if (offer === undefined) return;
    this.engine.recoverResources(fw.id, agent, offer, this.filtersArg(refuse));
    removeFrom(fw.offers, agent, role);
    this.noteFilter(fw, role, agent, refuse);
    this.log.push(`decline ${fw.id} ${agent} ${role} refuse=${refuse} ${offer}`);
  }

  launch(fw: FrameworkModel, agent: string, role: string, all: boolean, refuse: number): void {
    const offer = fw.offers.get(agent)?.get(role);
    if (offer === undefined) return;
    let i = 0;
    const used = all ? offer : offer.filter(() => i++ % 2 === 0);
    const rest = offer.minus(used);
    removeFrom(fw.offers, agent, role);
    if (!rest.isEmpty()) {
      this.engine.recoverResources(fw.id, agent, rest, this.filtersArg(refuse));
      this.noteFilter(fw, role, agent, refuse);
    }
    this.engine.transitionOfferedToAllocated(agent, used);
    if (!used.isEmpty()) addTo(fw.tasks, agent, role, used);
    this.log.push(`launch ${fw.id} ${agent} ${role} used=${used} rest=${rest} refuse=${refuse}`);
  }

  finish(fw: FrameworkModel, agent: string, role: string): void {
    const task = fw.tasks.get(agent)?.get(role);
    if (task === undefined) return;
    this.engine.recoverResources(fw.id, agent, task, undefined, true);
    removeFrom(fw.tasks, agent, role);
    this.log.push(`finish ${fw.id} ${agent} ${role} ${task}`);
  }

  removeFramework(fw: FrameworkModel): void {
    const heldBefore = new Map<string, Resources>();
    for (const agent of this.agents.keys()) heldBefore.set(agent, this.heldBy(fw, agent));
    this.engine.removeFramework(fw.id);
    this.frameworks.delete(fw.id);
    this.log.push(`removeFramework ${fw.id}`);
    for (const [agent, held] of heldBefore) {
      const state = this.engine.state.agents.get(agent)!;
      if (state.offeredOrAllocated().has(fw.id)) this.fail(`removeFramework(${fw.id}): the engine still books resources of it on ${agent}`);
      if (!state.available.nonShared().contains(held.nonShared().unallocate())) {
        this.fail(`removeFramework(${fw.id}): what it held on ${agent} (${held}) is not available again (available ${state.available})`);
      }
    }
  }

  apply(event: Event): void {
    switch (event.t) {
      case 'advance':
        this.advance(event.ms);
        return;
      case 'decline':
      case 'launch': {
        const fw = this.pickFramework(event.f);
        if (fw === undefined) return;
        const offers = entriesOf(fw.offers);
        const o = offers[event.o % Math.max(1, offers.length)];
        if (o === undefined) return;
        if (event.t === 'decline') this.decline(fw, o.agent, o.role, event.refuse);
        else this.launch(fw, o.agent, o.role, event.all, event.refuse);
        return;
      }
      case 'finish': {
        const fw = this.pickFramework(event.f);
        if (fw === undefined) return;
        const tasks = entriesOf(fw.tasks);
        const k = tasks[event.k % Math.max(1, tasks.length)];
        if (k !== undefined) this.finish(fw, k.agent, k.role);
        return;
      }
      case 'suppress':
      case 'revive': {
        const fw = this.pickFramework(event.f);
        if (fw === undefined) return;
        const roles = event.role === null ? [] : [fw.roles[event.role % fw.roles.length]!];
        const affected = roles.length === 0 ? fw.roles : roles;
        if (event.t === 'suppress') {
          this.engine.suppressOffers(fw.id, roles);
          for (const role of affected) fw.suppressed.add(role);
        } else {
          this.engine.reviveOffers(fw.id, roles);
          for (const role of affected) {
            fw.suppressed.delete(role);
            for (const key of [...fw.filters.keys()]) if (key.startsWith(`${role}\0`)) fw.filters.delete(key);
          }
        }
        this.log.push(`${event.t} ${fw.id} ${roles.join(',') || '(all)'}`);
        return;
      }
      case 'removeFramework':
      case 'deactivateFramework':
      case 'activateFramework': {
        const fw = this.pickFramework(event.f);
        if (fw === undefined) return;
        if (event.t === 'removeFramework') this.removeFramework(fw);
        else if (event.t === 'deactivateFramework') {
          this.engine.deactivateFramework(fw.id);
          fw.active = false;
          fw.filters.clear();
          this.log.push(`deactivateFramework ${fw.id}`);
        } else {
          this.engine.activateFramework(fw.id);
          fw.active = true;
          this.log.push(`activateFramework ${fw.id}`);
        }
        return;
      }
      case 'addFramework':
        if (this.frameworks.size < 5) this.addFramework(event.spec);
        return;
      case 'deactivateAgent':
      case 'activateAgent':
      case 'removeAgent': {
        const agent = this.pickAgent(event.a);
        if (agent === undefined) return;
        if (event.t === 'removeAgent') {
          this.engine.removeAgent(agent);
          this.agents.delete(agent);
          for (const fw of this.frameworks.values()) {
            fw.offers.delete(agent);
            fw.tasks.delete(agent);
            for (const key of [...fw.filters.keys()]) if (key.endsWith(`\0${agent}`)) fw.filters.delete(key);
          }
        } else if (event.t === 'deactivateAgent') {
          this.engine.deactivateAgent(agent);
          this.agents.get(agent)!.active = false;
        } else {
          this.engine.activateAgent(agent);
          this.agents.get(agent)!.active = true;
        }
        this.log.push(`${event.t} ${agent}`);
        return;
      }
      case 'addAgent':
        if (this.agents.size < 6) this.addAgent(event.spec);
        return;
      case 'quota':
        this.setQuota(event.spec);
        return;
    }
  }

  /** Moves the clock and runs every cycle that falls due, checking each. */
  advance(ms: number): void {
    const target = this.clock.now() + ms;
    for (let due = this.engine.nextCycleAt(); due <= target; due = this.engine.nextCycleAt()) {
      this.clock.set(Math.max(due, this.clock.now()));
      this.cycle();
    }
    this.clock.set(target);
  }

  heldBy(fw: FrameworkModel, agent: string): Resources {
    let held = Resources.EMPTY;
    for (const x of fw.offers.get(agent)?.values() ?? []) held = held.plus(x);
    for (const x of fw.tasks.get(agent)?.values() ?? []) held = held.plus(x);
    return held;
  }

  /** Quota consumption of a top-level role: every reservation in its subtree + unreserved non-revocable scalars its subtree holds. */
  consumed(top: string): Map<string, number> {
    const q = new Map<string, number>();
    for (const { total } of this.agents.values()) addMilli(q, total, (r) => { const role = reservationRole(r); return role !== undefined && inSubtree(role, top); });
    for (const fw of this.frameworks.values()) {
      for (const map of [fw.offers, fw.tasks]) {
        for (const { role, resources } of entriesOf(map)) if (inSubtree(role, top)) addMilli(q, resources, isQuotaScalar);
      }
    }
    return q;
  }

  private cycle(): void {
    const now = this.clock.now();
    const availableBefore = new Map<string, Resources>();
    for (const id of this.agents.keys()) availableBefore.set(id, this.engine.state.agents.get(id)!.available);
    const consumedBefore = new Map<string, Map<string, number>>();
    for (const role of this.quotas.keys()) consumedBefore.set(role, this.consumed(role));
    const anyGuarantees = [...this.quotas.values()].some((q) => q.guarantees.size > 0);

    const result = this.engine.allocate(now);
    this.cycles++;
    const view = new CycleView(result);
    const candidates = this.engine.lastCycleRecord?.candidates ?? new Set<string>();
    const entries = view.entries();
    this.log.push(`cycle #${this.cycles} (${result.periodic ? 'periodic' : 'triggered'}, ${result.candidates} agents): ${entries.map((e) => `${e.frameworkId}/${e.role}/${e.agentId}: ${e.resources}`).join(' | ') || 'no offers'}`);

    assertOffersWellFormed(view);
    assertReservationsStayInRole(view);
    if (result.inverseOffers.size > 0) this.fail('inverse offers without maintenance');

    const byAgent = new Map<string, typeof entries>();
    for (const e of entries) {
      const fw = this.frameworks.get(e.frameworkId);
      if (fw === undefined) this.fail(`offer to unknown framework ${e.frameworkId}`);
      if (!fw.active) this.fail(`offer to inactive framework ${e.frameworkId}`);
      if (!fw.roles.includes(e.role)) this.fail(`offer to ${e.frameworkId} for role ${e.role} it is not subscribed to`);
      if (fw.suppressed.has(e.role)) this.fail(`offer to ${e.frameworkId} for suppressed role ${e.role}`);
      const agent = this.agents.get(e.agentId);
      if (agent === undefined || !agent.active) this.fail(`offer from unknown or deactivated agent ${e.agentId}`);
      if (!candidates.has(e.agentId)) this.fail(`offer from ${e.agentId}, not a candidate of the cycle`);
      if (!isAllocatable(e.resources)) this.fail(`offer below the minimum allocatable resources: ${e.resources}`);
      if (!capable(fw, e.resources).equals(e.resources)) this.fail(`offer to ${e.frameworkId} has resources it lacks the capability for: ${e.resources}`);
      const list = byAgent.get(e.agentId) ?? [];
      list.push(e);
      byAgent.set(e.agentId, list);
    }

    // Offers come out of what was available, nothing twice; a shared volume at most once per agent.
    for (const [agentId, list] of byAgent) {
      const before = availableBefore.get(agentId)!;
      let sum = Resources.EMPTY;
      let shared = Resources.EMPTY;
      for (const e of list) {
        sum = sum.plus(e.resources.unallocate().nonShared());
        shared = shared.plus(e.resources.unallocate().shared());
      }
      if (!before.nonShared().contains(sum)) this.fail(`offers on ${agentId} (${sum}) exceed what was available (${before})`);
      for (const item of shared) if (shared.count(item) > 1) this.fail(`shared volume offered more than once on ${agentId} in one cycle: ${shared}`);
      if (!before.shared().contains(shared)) this.fail(`shared resources offered on ${agentId} that were not available: ${shared}`);

      // Reservations, non-scalars and revocable resources are never chopped.
      for (const e of list) {
        let others = Resources.EMPTY;
        for (const x of list) if (x !== e) others = others.plus(x.resources.unallocate().nonShared());
        const fw = this.frameworks.get(e.frameworkId)!;
        const must = capable(fw, before.nonShared().minus(others).allocatableTo(e.role)).filter((r) => r.reservations.length > 0 || r.type !== 'SCALAR' || r.revocable === true);
        if (!e.resources.unallocate().contains(must)) {
          this.fail(`offer to ${e.frameworkId}/${e.role} on ${agentId} chopped whole-offered resources: has ${e.resources.unallocate()}, lacks ${must.minus(e.resources.unallocate())}`);
        }
      }
    }

    // Quota limits: what a top-level role itself gets in one cycle stays within limit - consumption.
    const increase = new Map<string, Map<string, number>>();
    for (const e of entries) {
      const q = increase.get(e.role) ?? new Map<string, number>();
      addMilli(q, e.resources, isQuotaScalar);
      increase.set(e.role, q);
    }
    for (const [role, quota] of this.quotas) {
      const inc = increase.get(role) ?? new Map<string, number>();
      const consumed = consumedBefore.get(role)!;
      for (const [name, limit] of quota.limits) {
        const room = Math.max(0, limit - (consumed.get(name) ?? 0));
        if ((inc.get(name) ?? 0) > room) {
          this.fail(`role ${role} was offered ${(inc.get(name) ?? 0) / 1000} ${name} with a limit of ${limit / 1000} and ${(consumed.get(name) ?? 0) / 1000} consumed`);
        }
      }
    }

    // No starvation while resources stay free (only without guarantees: headroom may hold back).
    const starvedOn = new Map<string, string[]>();
    if (!anyGuarantees) {
      for (const [agentId, agent] of this.agents) {
        if (!agent.active || !candidates.has(agentId)) continue;
        let left = availableBefore.get(agentId)!.nonShared();
        for (const e of byAgent.get(agentId) ?? []) left = left.minus(e.resources.unallocate().nonShared());
        if (left.isEmpty()) continue;
        const offeredHere = new Set((byAgent.get(agentId) ?? []).map((e) => `${e.frameworkId}\0${e.role}`));
        for (const fw of this.frameworks.values()) {
          if (!fw.active) continue;
          for (const role of fw.roles) {
            if (fw.suppressed.has(role) || offeredHere.has(`${fw.id}\0${role}`)) continue;
            if ((fw.filters.get(`${role}\0${agentId}`) ?? -1) >= now) continue;
            let could = capable(fw, left.allocatableTo(role));
            const quota = this.quotas.get(role);
            if (quota !== undefined && quota.limits.size > 0) {
              const consumed = consumedBefore.get(role)!;
              const inc = increase.get(role) ?? new Map<string, number>();
              // Conservative: keep a limited name only if all of it fits in the room left at the end.
              const amount = new Map<string, number>();
              addMilli(amount, could, isQuotaScalar);
              could = could.filter((r) => {
                if (!isQuotaScalar(r)) return true;
                const limit = quota.limits.get(r.name);
                if (limit === undefined) return true;
                return (amount.get(r.name) ?? 0) <= limit - (consumed.get(r.name) ?? 0) - (inc.get(r.name) ?? 0);
              });
            }
            if (isAllocatable(could)) {
              const list = starvedOn.get(fw.id) ?? [];
              list.push(`${agentId} (${role}): ${could} left free`);
              starvedOn.set(fw.id, list);
            }
          }
        }
      }
    }
    this.observer?.(this, view, starvedOn);

    for (const e of entries) addTo(this.frameworks.get(e.frameworkId)!.offers, e.agentId, e.role, e.resources);
  }

  /** The books: offered + allocated + available == total on every agent, the engine's per-framework books equal ours. */
  checkBooks(): void {
    const engineAgents = this.engine.state.agents;
    if (engineAgents.size !== this.agents.size) this.fail(`the engine has ${engineAgents.size} agents, the driver ${this.agents.size}`);
    for (const [id, model] of this.agents) {
      const agent = engineAgents.get(id);
      if (agent === undefined) this.fail(`agent ${id} missing in the engine`);
      if (!agent.total.equals(model.total)) this.fail(`total of ${id}: engine ${agent.total}, driver ${model.total}`);
      let held = Resources.EMPTY;
      for (const fw of this.frameworks.values()) {
        const mine = this.heldBy(fw, id);
        const theirs = agent.offeredOrAllocated().get(fw.id) ?? Resources.EMPTY;
        if (!mine.equals(theirs)) this.fail(`${fw.id} on ${id}: the engine books ${theirs}, the driver ${mine}`);
        held = held.plus(mine.unallocate());
      }
      for (const fwId of agent.offeredOrAllocated().keys()) if (!this.frameworks.has(fwId)) this.fail(`the engine books resources of ${fwId} (removed) on ${id}`);
      if (!model.total.nonShared().contains(held.nonShared())) this.fail(`resources held twice on ${id}: held ${held}, total ${model.total}`);
      const sum = agent.available.nonShared().plus(held.nonShared());
      if (!sum.equals(model.total.nonShared())) this.fail(`on ${id}, available + offered + allocated != total:\n  available ${agent.available}\n  held ${held}\n  total ${model.total}`);
      if (!agent.available.shared().equals(model.total.shared())) this.fail(`shared resources of ${id} are not all available: ${agent.available.shared()} vs ${model.total.shared()}`);
    }
  }
}

// ---- properties --------------------------------------------------------------------------

interface Scenario {
  readonly seed: number;
  readonly agents: readonly AgentSpec[];
  readonly frameworks: readonly FrameworkSpec[];
  readonly quotas: readonly QuotaSpec[];
  readonly events: readonly Event[];
}

const scenarioArb = (guarantees: boolean): fc.Arbitrary<Scenario> => fc.record({
  seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
  agents: fc.array(agentArb, { minLength: 1, maxLength: 6 }),
  frameworks: fc.array(frameworkArb, { minLength: 1, maxLength: 5 }),
  quotas: fc.array(quotaArb(guarantees), { maxLength: 3 }),
  events: fc.array(eventArb(guarantees), { minLength: 10, maxLength: 40 }),
});

function setUp(sim: Sim, scenario: Scenario): void {
  for (const q of scenario.quotas) sim.setQuota(q);
  for (const a of scenario.agents) sim.addAgent(a);
  for (const f of scenario.frameworks) sim.addFramework(f);
  sim.checkBooks();
}

/** The work-conservation check as a strict per-cycle rule for every framework (K = 0). */
function noStarvation(sim: Sim, _view: CycleView, starvedOn: ReadonlyMap<string, readonly string[]>): void {
  for (const [fw, where] of starvedOn) sim.fail(`${fw} got no offer while resources it could take stayed free: ${where.join('; ')}`);
}

test('random clusters and events: books balance, offers are sound, reservations stay in their subtree, quota limits hold, nothing is left idle (limits only)', () => {
  fc.assert(
    fc.property(scenarioArb(false), (scenario) => {
      const sim = new Sim(scenario.seed, noStarvation);
      setUp(sim, scenario);
      for (const event of scenario.events) {
        sim.apply(event);
        sim.checkBooks();
      }
      sim.advance(INTERVAL);
      sim.checkBooks();
    }),
    { numRuns: 500, includeErrorInReport: true },
  );
});

test('random clusters and events with quota guarantees: books balance, offers are sound, limits hold', () => {
  fc.assert(
    fc.property(scenarioArb(true), (scenario) => {
      const sim = new Sim(scenario.seed);
      setUp(sim, scenario);
      for (const event of scenario.events) {
        sim.apply(event);
        sim.checkBooks();
      }
      sim.advance(INTERVAL);
      sim.checkBooks();
    }),
    { numRuns: 300, includeErrorInReport: true },
  );
});

/**
 * The framework F of the brief: active, never suppressed, unmet demand (it launches everything it
 * is offered and declines nothing), finishes its tasks now and then. Others behave at random.
 * Mesos's DRF may legitimately hand the free resources of a cycle to lower-share roles every cycle
 * (QuotaAgainstStarvation); what it never does is leave resources F could take idle while F gets
 * nothing. F is not starved for more than K such cycles; Mesos's loop gives K = 0.
 */
const K = 0;

type StarvationStep = { readonly t: 'tick' } | { readonly t: 'finishF'; readonly k: number } | { readonly t: 'other'; readonly event: Event };

test('an active, unsuppressed framework with unmet demand is never starved while resources it could take stay free', () => {
  const stepArb: fc.Arbitrary<StarvationStep> = fc.oneof(
    { weight: 4, arbitrary: fc.constant({ t: 'tick' as const }) },
    { weight: 2, arbitrary: fc.record({ t: fc.constant('finishF' as const), k: fc.nat() }) },
    {
      weight: 4,
      arbitrary: fc.record({ t: fc.constant('other' as const), event: eventArb(false) }),
    },
  );
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 2 ** 31 - 1 }),
      fc.array(agentArb, { minLength: 1, maxLength: 6 }),
      fc.record({ roles: fc.constantFrom(...ROLES).map((r) => [r]), shared: fc.boolean(), revocable: fc.boolean(), refinement: fc.boolean() }),
      fc.array(frameworkArb, { minLength: 1, maxLength: 4 }),
      fc.array(quotaArb(false), { maxLength: 2 }),
      fc.array(stepArb, { minLength: 10, maxLength: 40 }),
      (seed, agents, fSpec, others, quotas, steps) => {
        let starved = 0;
        let fId = '';
        const sim = new Sim(seed, (s, view, starvedOn) => {
          const gotSomething = view.entries().some((e) => e.frameworkId === fId);
          if (!gotSomething && starvedOn.has(fId)) starved++;
          else starved = 0;
          if (starved > K) s.fail(`${fId} starved for ${starved} cycles with free resources: ${starvedOn.get(fId)!.join('; ')}`);
        });
        for (const q of quotas) sim.setQuota(q);
        for (const a of agents) sim.addAgent(a);
        fId = sim.addFramework(fSpec);
        for (const o of others) sim.addFramework(o);
        const f = sim.frameworks.get(fId)!;
        // Frameworks are picked by index in id order; F (fw0) is always first, so 1.. are the others.
        const otherIndex = (i: number): number => 1 + (i % (sim.frameworks.size - 1));
        for (const step of steps) {
          if (step.t === 'tick') sim.advance(INTERVAL);
          else if (step.t === 'finishF') {
            const tasks = entriesOf(f.tasks);
            const k = tasks[step.k % Math.max(1, tasks.length)];
            if (k !== undefined) sim.finish(f, k.agent, k.role);
          } else {
            const e = step.event;
            // F's own moves are scripted; random events address the other frameworks only.
            if (!('f' in e)) sim.apply(e);
            else if (sim.frameworks.size > 1) sim.apply({ ...e, f: otherIndex(e.f) } as Event);
          }
          // F accepts everything it is offered, right away, declining nothing.
          for (const o of entriesOf(f.offers)) sim.launch(f, o.agent, o.role, true, -1);
          sim.checkBooks();
        }
      },
    ),
    { numRuns: 300, includeErrorInReport: true },
  );
});
