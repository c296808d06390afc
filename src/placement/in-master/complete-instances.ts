/**
 * Completing the placements adoption found incomplete (`completion.ts`): each cycle, for an
 * instance recorded incomplete that stays where it is (idle on an active agent, no intent to
 * leave), the agent's reservations for it are read again (the ledger follows them: a call half
 * made or whose answer was lost shows there), compared with the spec, and what is missing is
 * made in one operator call: RESERVE what was never reserved (planned on that agent), CREATE the
 * volumes — on the reservation found, owner labels intact, with the persistence id the plan
 * drew. A second CREATE of the same id (a call the old master still made) is refused by Mesos
 * and changes nothing, so a repeat is harmless. Reservations that no longer match the spec (a
 * size changed) are reported and left alone: the instance then stays unlaunchable, never
 * started without its volume. The controller sees none of this: to it the instance is idle;
 * the launch gate keeps it from being offered until it is complete.
 */
import type { AgentView, OperatorCall, OperatorCallResult } from '../../policy/index.ts';
import type { OfferOperation } from '../../resources/index.ts';
import { clusterReservations, LedgerError, type ReservationLedger } from '../ledger/index.ts';
import type { DataServiceController } from '../lifecycle/index.ts';
import type { ClusterAgent, PlannedReservation } from '../plan/index.ts';
import type { ServiceSeeds } from './seeds.ts';
import { compareWithSpec, completionSeed, createVolumes, drawLimit, foundAsPlanned, idsOnAgents, planMissing, plannedPersistenceIds } from './completion.ts';

/** A completion refused this many times is left incomplete and reported. */
const ATTEMPTS = 10;

interface CompletionCall {
  readonly podInstance: string;
  readonly agentId: string;
  /** The instance's reservations the call makes or turns into volumes, as the ledger records them once made. */
  readonly reservations: readonly PlannedReservation[];
}

export class InstanceCompletion {
  readonly #calls = new Map<string, CompletionCall>();
  readonly #refused = new Map<string, number>();
  /** Volume resource_id → persistence id, for volumes a completion reserved (drawn from its own seed). */
  readonly #drawn = new Map<string, string>();
  /** Lines already said, so a waiting instance does not repeat itself every cycle. */
  readonly #said = new Set<string>();
  #n = 0;
  /** Only adoption records an instance incomplete: once none is left, none comes back (no scan per cycle). */
  #done = false;

  constructor(
    private readonly controller: DataServiceController,
    private readonly ledger: ReservationLedger,
    private readonly epoch: string,
    /** The plans' id streams: a plan's persistence ids are found again in the service's, fresh ones drawn from our own. */
    private readonly seeds: ServiceSeeds,
    private readonly log: (line: string) => void,
    private readonly problem: (line: string) => void,
  ) {}

  get service(): string {
    return this.controller.service;
  }

  /** Whether the instance lacks part of what the spec asks (not launchable). */
  isIncomplete(podInstance: string): boolean {
    return this.ledger.instance(this.service, podInstance)?.incomplete !== undefined;
  }

  outstandingCalls(): string[] {
    return [...this.#calls.keys()];
  }

  /** The calls that complete incomplete instances now; `view()` is what the planner may use (after this cycle's other calls). */
  cycle(active: ReadonlyMap<string, AgentView>, view: () => readonly ClusterAgent[]): OperatorCall[] {
    const calls: OperatorCall[] = [];
    if (this.#done) return calls;
    let seen = false;
    let inCluster: Set<string> | undefined;
    const clusterIds = () => (inCluster ??= idsOnAgents(active.values()));
    const busy = new Set([...this.#calls.values()].map((c) => c.podInstance));
    for (const record of this.ledger.instances(this.service)) {
      if (record.incomplete === undefined) continue;
      seen = true;
      if (busy.has(record.podInstance)) continue;
      const name = record.podInstance;
      const status = this.controller.instance(name);
      if (status?.phase === 'running' && status.intent === undefined) {
        // Not offered by us while incomplete: something launched it before this policy ran (or behind the allocator's back).
        this.#once(`${name} on ${record.agent.id} runs although its placement is incomplete (${record.incomplete.missing.join('; ')}); completed once its task ends`, true);
      }
      if (status === undefined || status.intent !== undefined || status.phase !== 'idle' || status.agentId !== record.agent.id) continue;
      const agent = active.get(record.agent.id);
      if (agent === undefined) continue;
      const found = clusterReservations([{ id: agent.id, resources: agent.total }], new Set([this.service])).filter((r) => r.podInstance === name);
      try {
        this.ledger.amend(this.service, name, found.map(foundAsPlanned));
      } catch (e) {
        if (!(e instanceof LedgerError)) throw e;
        this.#once(`${name} on ${agent.id}: its reservations there cannot be recorded (${e.message}); left incomplete`, true);
        continue;
      }
      const spec = this.controller.spec;
      const pod = spec.pods.find((p) => p.type === record.podType);
      if (pod === undefined) continue;
      const comparison = compareWithSpec(pod, found);
      if (comparison.missing.length === 0) {
        this.ledger.markIncomplete(this.service, name, undefined);
        this.log(`${this.service}: ${name} on ${agent.id} is complete`);
        continue;
      }
      // The persistence ids held since adoption; a volume reserved since (a completion half made) draws its own.
      const persistenceIds = new Map([...record.incomplete.persistenceIds, ...this.#drawn].filter(([r]) => comparison.toCreate.some((c) => c.resourceId === r)));
      const unknown = comparison.toCreate.map((c) => c.resourceId).filter((r) => !persistenceIds.has(r));
      if (unknown.length > 0) {
        const ids = clusterIds();
        const held = new Set(persistenceIds.values());
        for (const [r, p] of plannedPersistenceIds(this.seeds.service, unknown, (id) => this.ledger.hasId(id) || ids.has(id) || held.has(id), drawLimit(this.ledger.size * 2 + ids.size), this.seeds.own)) persistenceIds.set(r, p);
      }
      try {
        this.ledger.markIncomplete(this.service, name, { missing: comparison.missing, persistenceIds });
      } catch (e) {
        if (!(e instanceof LedgerError)) throw e;
        this.#once(`${name} on ${agent.id}: ${e.message}; left incomplete`, true);
        continue;
      }
      if (comparison.mismatches.length > 0) {
        this.#once(`${name} on ${agent.id}: the spec no longer matches its reservations (${comparison.mismatches.join('; ')}); left alone, not launchable (missing: ${comparison.missing.join('; ')})`, true);
        continue;
      }
      if ((this.#refused.get(name) ?? 0) >= ATTEMPTS) continue;
      const operations: OfferOperation[] = [];
      const reservations: PlannedReservation[] = [];
      if (!comparison.toReserve.isEmpty() || comparison.volumesToReserve.length > 0) {
        const here = view().find((a) => a.id === agent.id);
        if (here === undefined) continue;
        const ids = clusterIds();
        const held = new Set(persistenceIds.values());
        const placed = planMissing(spec, pod, record.index, comparison, here, completionSeed(this.seeds.own, name, this.#n + 1), (id) => this.ledger.hasId(id) || ids.has(id) || held.has(id));
        if (!('operations' in placed)) {
          this.#once(`${name} on ${agent.id}: waiting to reserve what is missing (${placed.summary})`, false);
          continue;
        }
        // The plan's RESERVEs; its CREATE (new volumes) goes last, with the found volumes'.
        const reserves = placed.operations.filter((o) => o.type !== 'CREATE');
        operations.push(...reserves);
        reservations.push(...placed.reservations);
        for (const r of placed.reservations) if (r.volume !== undefined) this.#drawn.set(r.resourceId, r.volume.persistenceId);
        const create = placed.operations.find((o) => o.type === 'CREATE');
        if (create !== undefined) operations.push(create);
      }
      if (comparison.toCreate.length > 0) {
        const made = createVolumes(comparison.toCreate, persistenceIds, spec.principal);
        const last = operations[operations.length - 1];
        if (last?.type === 'CREATE') operations[operations.length - 1] = { type: 'CREATE', volumes: [...last.volumes, ...(made.operation.type === 'CREATE' ? made.operation.volumes : [])] };
        else operations.push(made.operation);
        reservations.push(...made.reservations);
      }
      const id = `${this.service}/complete-${++this.#n}@${this.epoch}`;
      this.#calls.set(id, { podInstance: name, agentId: agent.id, reservations });
      calls.push({ id, agentId: agent.id, operations });
      this.log(`${this.service}: ${name} on ${agent.id} is incomplete (${comparison.missing.join('; ')}): ${operations.map((o) => o.type).join(', ')}`);
    }
    this.#done = !seen && this.#calls.size === 0;
    return calls;
  }

  /** The outcome of a completion call; false when the call is not one. */
  result(result: OperatorCallResult): boolean {
    const call = this.#calls.get(result.id);
    if (call === undefined) return false;
    this.#calls.delete(result.id);
    if (result.ok) {
      try {
        this.ledger.amend(this.service, call.podInstance, call.reservations);
        this.ledger.markIncomplete(this.service, call.podInstance, undefined);
        this.#refused.delete(call.podInstance);
        for (const r of call.reservations) this.#drawn.delete(r.resourceId);
        const volumes = call.reservations.flatMap((r) => (r.volume === undefined ? [] : [r.volume.persistenceId]));
        this.log(`${this.service}: ${call.podInstance} on ${call.agentId} completed${volumes.length === 0 ? '' : ` (volume ${volumes.join(', ')} created)`}`);
      } catch (e) {
        if (!(e instanceof LedgerError)) throw e;
        this.problem(`${call.podInstance}: completed on ${call.agentId} but not recorded (${e.message}); left incomplete`);
      }
      return true;
    }
    // Refused, half made or unanswered: the next cycle reads the agent again and asks for what is still missing.
    const refused = (this.#refused.get(call.podInstance) ?? 0) + 1;
    this.#refused.set(call.podInstance, refused);
    const why = `HTTP ${result.httpStatus ?? '?'}${result.message === undefined ? '' : `: ${result.message}`} after ${result.applied} operation(s)`;
    if (refused >= ATTEMPTS) this.problem(`${call.podInstance}: completing it on ${call.agentId} failed ${refused} times (last: ${why}); left incomplete, not launchable`);
    else this.log(`${this.service}: completing ${call.podInstance} on ${call.agentId} failed (${why}); looking again next cycle`);
    return true;
  }

  #once(line: string, isProblem: boolean): void {
    if (this.#said.has(line)) return;
    this.#said.add(line);
    if (isProblem) this.problem(line);
    else this.log(`${this.service}: ${line}`);
  }
}
