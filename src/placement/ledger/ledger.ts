/**
 * The reservation ledger: the service side's record of what it reserved, for which pod instance,
 * on which agent, since when, and whether a task uses it. It is what the planner reads to keep
 * placed instances where they are (LedgerView) and what reconciliation compares with the
 * reservations the cluster actually holds. Calls that would make it inconsistent throw
 * LedgerError and change nothing.
 *
 * Entries are keyed by (agent, resource_id): a resource_id is unique among the live entries, but
 * an agent that comes back after a restart may carry an old copy whose ids a later plan drew
 * again; that copy is recorded retired (`recordRetired`) beside the live one, never in its place.
 */
import type { PlacementAgent } from '../constraints/index.ts';
import type { LedgerView, PlacedPodInstance, Plan, PlannedReservation } from '../plan/index.ts';
import { ResourceError, Resources } from '../../resources/index.ts';
import type { ClusterResources } from './cluster.ts';
import { LedgerError } from './errors.ts';
import { reconcileEntries, type ReconcileOptions } from './reconcile.ts';
import { releaseSteps } from './release.ts';
import type { IncompletePlacement, InstanceRecord, LedgerEntry, ReconcileReport, ReleasePlan } from './types.ts';

export interface LedgerOptions {
  /** Milliseconds of the injected clock (the simulator's, a test's); stamps `since`. */
  readonly clock: () => number;
}

/** Which entries: every condition given must hold. */
export interface LedgerFilter {
  readonly service?: string;
  readonly podInstance?: string;
  readonly agentId?: string;
  readonly retired?: boolean;
}

const key = (service: string, podInstance: string) => `${service}\u0000${podInstance}`;
const entryKey = (agentId: string, resourceId: string) => `${agentId}\u0000${resourceId}`;

/** A reservation's resources validated; a bad one is a LedgerError saying what was therefore not done. */
function reservationResources(podInstance: string, resourceId: string, resources: Parameters<typeof Resources.of>[0], notDone: string): Resources {
  try {
    return Resources.of(resources);
  } catch (e) {
    if (e instanceof ResourceError) throw new LedgerError(`${podInstance} resource_id ${resourceId}: ${e.message}; ${notDone}`);
    throw e;
  }
}

export class ReservationLedger implements LedgerView {
  readonly #clock: () => number;
  /** By (agent, resource_id), in recording order. */
  readonly #entries = new Map<string, LedgerEntry>();
  readonly #instances = new Map<string, InstanceRecord>();
  /** Resource ids and persistence ids in use, with how many entries (or holds) use each. */
  readonly #ids = new Map<string, number>();
  /** Ids in `#ids` held for an incomplete instance's CREATE (id → instance key) until recorded. */
  readonly #held = new Map<string, string>();

  constructor(options: LedgerOptions) {
    if (typeof options?.clock !== 'function') throw new LedgerError('a ledger needs a clock: new ReservationLedger({ clock: () => ms })');
    this.#clock = options.clock;
  }

  get size(): number {
    return this.#entries.size;
  }

  /**
   * Records a plan's reservations once its operations have been executed. A placement of an
   * instance the ledger already holds must be a replacement (`replaces`): the old reservations
   * are then retired, waiting for `planReleaseRetired`.
   */
  apply(plan: Plan): LedgerEntry[] {
    const since = this.#clock();
    const fresh = new Set<string>();
    const claim = (id: string, what: string) => {
      if (this.#ids.has(id) || fresh.has(id)) throw new LedgerError(`${what} ${id} is already recorded; nothing was applied`);
      fresh.add(id);
    };
    const added: LedgerEntry[] = [];
    const records: InstanceRecord[] = [];
    const seen = new Set<string>();
    for (const p of plan.placements) {
      const k = key(plan.service, p.podInstance);
      if (seen.has(k)) throw new LedgerError(`the plan places ${p.podInstance} twice; nothing was applied`);
      seen.add(k);
      const current = this.#instances.get(k);
      if (current !== undefined && p.replaces === undefined) {
        throw new LedgerError(`${plan.service}/${p.podInstance} is already placed on agent ${current.agent.id}; plan it with replace to move it; nothing was applied`);
      }
      for (const r of p.reservations) {
        claim(r.resourceId, 'resource_id');
        if (r.volume !== undefined) claim(r.volume.persistenceId, 'persistence id');
        const resources = reservationResources(p.podInstance, r.resourceId, r.resources, 'nothing was applied');
        added.push({
          service: plan.service,
          podInstance: p.podInstance,
          podType: p.podType,
          resourceId: r.resourceId,
          agentId: p.agent.id,
          kind: r.kind,
          resources,
          ...(r.volume === undefined ? {} : { persistenceId: r.volume.persistenceId, containerPath: r.volume.containerPath }),
          since,
          retired: false,
        });
      }
      records.push({ service: plan.service, podInstance: p.podInstance, podType: p.podType, index: p.index, agent: p.agent, since });
    }
    // Validated: now change.
    for (const record of records) {
      const k = key(record.service, record.podInstance);
      this.#releaseHeld(k, undefined); // a new placement is complete
      if (this.#instances.has(k)) {
        for (const e of this.byInstance(record.service, record.podInstance)) this.#entries.set(entryKey(e.agentId, e.resourceId), { ...e, retired: true });
      }
      this.#instances.set(k, record);
    }
    for (const e of added) this.#entries.set(entryKey(e.agentId, e.resourceId), e);
    for (const id of fresh) this.#useId(id);
    return added;
  }

  /**
   * Records reservations found late on `agentId` (an agent back after a restart adopted without
   * it) as retired copies of the instance, waiting for their release: the instance's current
   * placement is elsewhere. Their ids may equal live ones (a plan made while the agent was away
   * drew them again): a retired copy never makes an id live twice. All or nothing.
   */
  recordRetired(service: string, podInstance: string, podType: string, agentId: string, reservations: readonly PlannedReservation[]): LedgerEntry[] {
    const since = this.#clock();
    const added: LedgerEntry[] = [];
    const keys = new Set<string>();
    for (const r of reservations) {
      const k = entryKey(agentId, r.resourceId);
      if (this.#entries.has(k) || keys.has(k)) throw new LedgerError(`resource_id ${r.resourceId} on ${agentId} is already recorded; nothing was recorded`);
      keys.add(k);
      const resources = reservationResources(podInstance, r.resourceId, r.resources, 'nothing was recorded');
      added.push({
        service, podInstance, podType, resourceId: r.resourceId, agentId, kind: r.kind, resources,
        ...(r.volume === undefined ? {} : { persistenceId: r.volume.persistenceId, containerPath: r.volume.containerPath }),
        since, retired: true,
      });
    }
    for (const e of added) {
      this.#entries.set(entryKey(e.agentId, e.resourceId), e);
      this.#useId(e.resourceId);
      if (e.persistenceId !== undefined) this.#useId(e.persistenceId);
    }
    return added;
  }

  #useId(id: string): void {
    this.#ids.set(id, (this.#ids.get(id) ?? 0) + 1);
  }

  #dropId(id: string): void {
    const n = this.#ids.get(id) ?? 0;
    if (n <= 1) this.#ids.delete(id);
    else this.#ids.set(id, n - 1);
  }

  // LedgerView

  placed(service: string): PlacedPodInstance[] {
    const out: PlacedPodInstance[] = [];
    for (const r of this.#instances.values()) {
      if (r.service === service) out.push({ podInstance: r.podInstance, podType: r.podType, index: r.index, agent: r.agent });
    }
    return out;
  }

  hasId(id: string): boolean {
    return this.#ids.has(id);
  }

  // Queries

  entries(filter: LedgerFilter = {}): LedgerEntry[] {
    const out: LedgerEntry[] = [];
    for (const e of this.#entries.values()) {
      if (filter.service !== undefined && e.service !== filter.service) continue;
      if (filter.podInstance !== undefined && e.podInstance !== filter.podInstance) continue;
      if (filter.agentId !== undefined && e.agentId !== filter.agentId) continue;
      if (filter.retired !== undefined && e.retired !== filter.retired) continue;
      out.push(e);
    }
    return out;
  }

  /** The entry with the resource_id on `agentId`; without an agent, the live one (else any). */
  entry(resourceId: string, agentId?: string): LedgerEntry | undefined {
    if (agentId !== undefined) return this.#entries.get(entryKey(agentId, resourceId));
    let any: LedgerEntry | undefined;
    for (const e of this.#entries.values()) {
      if (e.resourceId !== resourceId) continue;
      if (!e.retired) return e;
      any ??= e;
    }
    return any;
  }

  byService(service: string): LedgerEntry[] {
    return this.entries({ service });
  }

  /** The instance's current reservations (retired ones: `entries({ …, retired: true })`). */
  byInstance(service: string, podInstance: string): LedgerEntry[] {
    return this.entries({ service, podInstance, retired: false });
  }

  byAgent(agentId: string): LedgerEntry[] {
    return this.entries({ agentId });
  }

  instance(service: string, podInstance: string): InstanceRecord | undefined {
    return this.#instances.get(key(service, podInstance));
  }

  instances(service?: string): InstanceRecord[] {
    return [...this.#instances.values()].filter((r) => service === undefined || r.service === service);
  }

  /** The agent an instance lives on (sticky relaunch goes back there). */
  agentOf(service: string, podInstance: string): PlacementAgent | undefined {
    return this.instance(service, podInstance)?.agent;
  }

  // Incomplete placements

  /**
   * The instance's placement lacks part of what the spec asks (`missing`, in words: a volume not
   * created, a reservation not made); `undefined` marks it complete again.
   */
  markIncomplete(service: string, podInstance: string, incomplete: IncompletePlacement | undefined): void {
    const record = this.#require(service, podInstance);
    const k = key(service, podInstance);
    const hold = new Set(incomplete?.persistenceIds.values() ?? []);
    for (const id of hold) {
      if (this.#ids.has(id) && this.#held.get(id) !== k) throw new LedgerError(`persistence id ${id} is already recorded; ${service}/${podInstance} cannot hold it; nothing was changed`);
    }
    this.#releaseHeld(k, hold);
    for (const id of hold) {
      if (this.#held.get(id) === k) continue;
      this.#useId(id);
      this.#held.set(id, k);
    }
    const { incomplete: _was, ...rest } = record;
    this.#instances.set(k, incomplete === undefined ? rest : { ...rest, incomplete: { missing: [...incomplete.missing], persistenceIds: new Map(incomplete.persistenceIds) } });
  }

  /** Stops holding the instance's ids (those in `keep` excepted). */
  #releaseHeld(k: string, keep: ReadonlySet<string> | undefined): void {
    for (const [id, holder] of this.#held) {
      if (holder !== k || keep?.has(id)) continue;
      this.#held.delete(id);
      this.#dropId(id);
    }
  }

  /**
   * Brings the instance's current entries up to what its agent now holds after completing it (a
   * volume created on a reservation found without one, reservations made that were missing): an
   * entry with the same resource_id is replaced, the others are added. A replaced entry keeps its
   * agent and `since`; a volume keeps its persistence id. All or nothing.
   */
  amend(service: string, podInstance: string, reservations: readonly PlannedReservation[]): LedgerEntry[] {
    const record = this.#require(service, podInstance);
    const k = key(service, podInstance);
    const since = this.#clock();
    const fresh = new Set<string>();
    const claim = (id: string, what: string) => {
      if ((this.#ids.has(id) && this.#held.get(id) !== k) || fresh.has(id)) throw new LedgerError(`${what} ${id} is already recorded; nothing was amended`);
      fresh.add(id);
    };
    const changed: LedgerEntry[] = [];
    for (const r of reservations) {
      const before = this.#entries.get(entryKey(record.agent.id, r.resourceId));
      if (before !== undefined && (before.service !== service || before.podInstance !== podInstance || before.retired)) {
        throw new LedgerError(`resource_id ${r.resourceId} is recorded for ${before.service}/${before.podInstance}${before.retired ? ' (retired)' : ''}, not ${service}/${podInstance}; nothing was amended`);
      }
      if (before === undefined) claim(r.resourceId, 'resource_id');
      const persistenceId = r.volume?.persistenceId;
      if (before?.persistenceId !== undefined && before.persistenceId !== persistenceId) {
        throw new LedgerError(`resource_id ${r.resourceId} holds volume ${before.persistenceId}; it cannot become ${persistenceId ?? 'no volume'}; nothing was amended`);
      }
      if (persistenceId !== undefined && before?.persistenceId !== persistenceId) claim(persistenceId, 'persistence id');
      const resources = reservationResources(podInstance, r.resourceId, r.resources, 'nothing was amended');
      changed.push({
        service,
        podInstance,
        podType: record.podType,
        resourceId: r.resourceId,
        agentId: record.agent.id,
        kind: r.kind,
        resources,
        ...(r.volume === undefined ? {} : { persistenceId: r.volume.persistenceId, containerPath: r.volume.containerPath }),
        since: before?.since ?? since,
        ...(record.taskId === undefined ? {} : { taskId: record.taskId }),
        retired: false,
      });
    }
    // Validated: now change.
    for (const e of changed) this.#entries.set(entryKey(e.agentId, e.resourceId), e);
    for (const id of fresh) {
      if (this.#held.has(id)) this.#held.delete(id); // the hold becomes the entry's use
      else this.#useId(id);
    }
    return changed;
  }

  // In use

  /** A task runs on the instance's current reservations. */
  markInUse(service: string, podInstance: string, taskId: string): void {
    const record = this.#require(service, podInstance);
    this.#instances.set(key(service, podInstance), { ...record, taskId });
    for (const e of this.byInstance(service, podInstance)) this.#entries.set(entryKey(e.agentId, e.resourceId), { ...e, taskId });
  }

  /** The instance's task ended (on any of its reservations, retired included). */
  markIdle(service: string, podInstance: string): void {
    const record = this.#require(service, podInstance);
    const { taskId: _task, ...idle } = record;
    this.#instances.set(key(service, podInstance), idle);
    for (const e of this.entries({ service, podInstance })) {
      const { taskId: _t, ...rest } = e;
      this.#entries.set(entryKey(e.agentId, e.resourceId), rest);
    }
  }

  #require(service: string, podInstance: string): InstanceRecord {
    const record = this.instance(service, podInstance);
    if (record === undefined) throw new LedgerError(`${service}/${podInstance} is not in the ledger`);
    return record;
  }

  // Release

  /** Operations that release every reservation (current and retired) of the instances; refuses instances in use. */
  planRelease(service: string, podInstances: readonly string[]): ReleasePlan {
    const entries = podInstances.flatMap((i) => {
      const list = this.entries({ service, podInstance: i });
      if (list.length === 0) throw new LedgerError(`${service}/${i} holds no reservations`);
      return list;
    });
    return this.#releasePlan(service, entries);
  }

  /** Operations that release the reservations replaced instances left behind (garbage collection). */
  planReleaseRetired(service: string): ReleasePlan {
    return this.#releasePlan(service, this.entries({ service, retired: true }));
  }

  /** Operations that release the instance's retired reservations on one agent (empty steps: none left there). */
  planReleaseRetiredOn(service: string, podInstance: string, agentId: string): ReleasePlan {
    return this.#releasePlan(service, this.entries({ service, podInstance, agentId, retired: true }));
  }

  #releasePlan(service: string, entries: readonly LedgerEntry[]): ReleasePlan {
    const busy = entries.find((e) => e.taskId !== undefined);
    if (busy !== undefined) throw new LedgerError(`${service}/${busy.podInstance} is in use by task ${busy.taskId}; kill it before releasing its reservations`);
    return { service, resourceIds: entries.map((e) => e.resourceId), steps: releaseSteps(entries) };
  }

  /**
   * Forgets the released reservations once the release plan's operations were executed: each
   * resource_id on the agents (and instances) of the plan's steps.
   */
  release(plan: ReleasePlan): LedgerEntry[] {
    const entries = new Set<LedgerEntry>();
    for (const id of plan.resourceIds) {
      let found = false;
      for (const s of plan.steps) {
        const e = this.#entries.get(entryKey(s.agentId, id));
        if (e === undefined || (s.podInstance !== undefined && e.podInstance !== s.podInstance)) continue;
        entries.add(e);
        found = true;
      }
      if (!found) throw new LedgerError(`resource_id ${id} is not in the ledger; nothing was released`);
    }
    for (const e of entries) {
      this.#entries.delete(entryKey(e.agentId, e.resourceId));
      this.#dropId(e.resourceId);
      if (e.persistenceId !== undefined) this.#dropId(e.persistenceId);
    }
    for (const e of entries) {
      if (this.byInstance(e.service, e.podInstance).length > 0) continue;
      this.#instances.delete(key(e.service, e.podInstance));
      this.#releaseHeld(key(e.service, e.podInstance), undefined);
    }
    return [...entries];
  }

  // Reconciliation

  /** Compares the ledger with the labelled reservations present in the cluster. */
  reconcile(cluster: ClusterResources, options: ReconcileOptions = {}): ReconcileReport {
    return reconcileEntries(this.#entries.values(), cluster, options);
  }
}
