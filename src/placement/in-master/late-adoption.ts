/**
 * Late adoption: reservations of the service found on an agent that joins the active set after
 * the policy's first cycle. A restart adopts only the agents registered then (Mesos lets an agent
 * re-register for `agent_reregister_timeout` after a failover, and a partition-aware one may come
 * back later still); an instance whose agent was away was planned afresh elsewhere. When the agent
 * returns, the copy it carries is adopted the way a restart adopts a second placement: the
 * instance's current placement (in the ledger) wins, the returning copy is recorded retired
 * (`ReservationLedger.recordRetired`, keyed by agent and resource_id: never a second live record
 * of an id), withheld from offers by the launch gate, and destroyed and unreserved once
 * `destroyGraceMs` has passed — never while a task uses it: a task still running there (a
 * partition-aware framework's) gets a kill request first.
 *
 * An instance not in the ledger (not placed anywhere yet: its plan is outstanding, or it waits for
 * room) is left where it is and looked at again each cycle; once the controller places it, the
 * copy is retired. (Adopting it in place needs the controller to take an instance it did not
 * place: not possible from here.)
 */
import type { AgentView, FrameworkView, OperatorCall, OperatorCallResult } from '../../policy/index.ts';
import type { OfferOperation } from '../../resources/index.ts';
import { clusterReservations, LedgerError, type ClusterReservation, type ReleasePlan, type ReservationLedger } from '../ledger/index.ts';
import type { DataServiceController } from '../lifecycle/index.ts';
import { parsePodInstanceName } from '../service/index.ts';
import { foundAsPlanned } from './completion.ts';
import { tookEffect } from './undo.ts';
import { instanceUsage } from './usage.ts';
import type { KillInstanceRequest } from './types.ts';

/** A release refused this many times is reported and tried no more. */
const ATTEMPTS = 10;

/** A retired copy found late: released after the grace. */
interface Copy {
  readonly podInstance: string;
  readonly agentId: string;
  readonly retiredAt: number;
  attempts: number;
  calling: string | undefined;
}

export class LateAdoption {
  /** Agents to look at (joined since the last cycle, or holding an instance not placed yet). */
  readonly #agents = new Set<string>();
  readonly #copies: Copy[] = [];
  readonly #calls = new Map<string, { copy: Copy; release: ReleasePlan }>();
  readonly #kills = new Map<string, KillInstanceRequest>();
  readonly #said = new Set<string>();
  #n = 0;

  constructor(
    private readonly controller: DataServiceController,
    private readonly ledger: ReservationLedger,
    private readonly epoch: string,
    private readonly graceMs: number,
    private readonly log: (line: string) => void,
    private readonly problem: (line: string) => void,
  ) {}

  get service(): string {
    return this.controller.service;
  }

  /** The agent joined the active set after the first cycle: its reservations are looked at. */
  joined(agentId: string): void {
    this.#agents.add(agentId);
  }

  /** Tasks to kill: they run on a retired copy (the instance's current placement is elsewhere). */
  kills(): KillInstanceRequest[] {
    return [...this.#kills.values()];
  }

  outstandingCalls(): string[] {
    return [...this.#calls.keys()];
  }

  /** Adopts what the joined agents carry, and releases retired copies past the grace. */
  cycle(now: number, active: ReadonlyMap<string, AgentView>, frameworks: readonly FrameworkView[]): OperatorCall[] {
    for (const agentId of [...this.#agents]) {
      const agent = active.get(agentId);
      this.#agents.delete(agentId);
      if (agent !== undefined && this.#adopt(now, agent)) this.#agents.add(agentId);
    }
    return this.#releases(now, active, frameworks);
  }

  /** Records the agent's unknown copies; true while one waits for its instance to be placed. */
  #adopt(now: number, agent: AgentView): boolean {
    const found = new Map<string, ClusterReservation[]>();
    for (const r of clusterReservations([{ id: agent.id, resources: agent.total }], new Set([this.service]))) {
      if (r.podInstance === undefined || this.ledger.entry(r.resourceId, agent.id) !== undefined) continue;
      const list = found.get(r.podInstance);
      if (list === undefined) found.set(r.podInstance, [r]);
      else list.push(r);
    }
    let waiting = false;
    for (const [podInstance, list] of found) {
      const name = parsePodInstanceName(podInstance);
      const record = this.ledger.instance(this.service, podInstance);
      if (name === undefined || record === undefined) {
        this.#once(`${podInstance} found late on ${agent.id}, not placed anywhere now: left alone (not offered) until the controller places it, then retired`);
        if (name !== undefined) waiting = true;
        continue;
      }
      // Being completed there: the completion reads these reservations itself.
      if (record.agent.id === agent.id && record.incomplete !== undefined) continue;
      try {
        this.ledger.recordRetired(this.service, podInstance, name.podType, agent.id, list.map(foundAsPlanned));
      } catch (e) {
        if (!(e instanceof LedgerError)) throw e;
        this.problem(`${podInstance}: reservations found late on ${agent.id} cannot be recorded (${e.message}); left alone`);
        continue;
      }
      this.#copies.push({ podInstance, agentId: agent.id, retiredAt: now, attempts: 0, calling: undefined });
      this.log(`${this.service}: ${podInstance} found late on ${agent.id} (${list.map((r) => r.resourceId).join(', ')}); placed on ${record.agent.id}: the old copy is retired, destroyed after the grace`);
    }
    return waiting;
  }

  #releases(now: number, active: ReadonlyMap<string, AgentView>, frameworks: readonly FrameworkView[]): OperatorCall[] {
    const calls: OperatorCall[] = [];
    for (let i = this.#copies.length - 1; i >= 0; i--) {
      const copy = this.#copies[i]!;
      const entries = this.ledger.entries({ service: this.service, podInstance: copy.podInstance, agentId: copy.agentId, retired: true });
      const key = `${copy.podInstance}\u0000${copy.agentId}`;
      if (entries.length === 0) {
        this.#copies.splice(i, 1); // released meanwhile (the controller's garbage collection)
        this.#kills.delete(key);
        continue;
      }
      const agent = active.get(copy.agentId);
      if (agent === undefined || copy.calling !== undefined || copy.attempts >= ATTEMPTS) continue;
      const usage = instanceUsage(entries, agent, frameworks);
      if (usage.state === 'allocated') {
        if (!this.#kills.has(key)) {
          this.#kills.set(key, { service: this.service, podInstance: copy.podInstance, agentId: copy.agentId, frameworkId: usage.frameworkId, reason: 'replace', since: now });
          this.log(`${this.service}: framework ${usage.frameworkId} should kill the task of ${copy.podInstance} on ${copy.agentId} (it runs on retired reservations; the instance is placed elsewhere)`);
        }
        continue;
      }
      this.#kills.delete(key);
      if (usage.state === 'offered' || now - copy.retiredAt < this.graceMs) continue;
      let release: ReleasePlan;
      try {
        release = this.ledger.planReleaseRetiredOn(this.service, copy.podInstance, copy.agentId);
      } catch (e) {
        if (!(e instanceof LedgerError)) throw e;
        continue; // a task on it (the ledger's word): wait for its end
      }
      // What an earlier attempt already made (its answer lost, or half made) is not sent again.
      let operations: readonly OfferOperation[] = release.steps.flatMap((s) => s.operations);
      while (operations.length > 0 && tookEffect(operations[0]!, agent.total) === true) operations = operations.slice(1);
      if (operations.length === 0) {
        this.#released(copy, release);
        continue;
      }
      const id = `${this.service}/late-release-${++this.#n}@${this.epoch}`;
      copy.calling = id;
      this.#calls.set(id, { copy, release });
      calls.push({ id, agentId: copy.agentId, operations });
    }
    return calls;
  }

  #released(copy: Copy, release: ReleasePlan): void {
    const at = this.#copies.indexOf(copy);
    if (at >= 0) this.#copies.splice(at, 1);
    try {
      this.ledger.release(release);
    } catch (e) {
      if (!(e instanceof LedgerError)) throw e;
      return; // released meanwhile by the controller's garbage collection
    }
    this.log(`${this.service}: the retired copy of ${copy.podInstance} on ${copy.agentId} is destroyed and unreserved`);
  }

  /** The outcome of a release call; false when the call is not one. */
  result(result: OperatorCallResult): boolean {
    const call = this.#calls.get(result.id);
    if (call === undefined) return false;
    this.#calls.delete(result.id);
    const { copy, release } = call;
    copy.calling = undefined;
    if (result.ok) {
      this.#released(copy, release);
      return true;
    }
    // Refused, half made or unanswered: the next cycle looks at the agent and sends what is left.
    copy.attempts++;
    const why = `HTTP ${result.httpStatus ?? '?'}${result.message === undefined ? '' : `: ${result.message}`} after ${result.applied} operation(s)`;
    if (copy.attempts >= ATTEMPTS) this.problem(`releasing the retired copy of ${copy.podInstance} on ${copy.agentId} failed ${copy.attempts} times (last: ${why}); left there`);
    else this.log(`${this.service}: releasing the retired copy of ${copy.podInstance} on ${copy.agentId} failed (${why}); looking again next cycle`);
    return true;
  }

  #once(line: string): void {
    if (this.#said.has(line)) return;
    this.#said.add(line);
    this.log(`${this.service}: ${line}`);
  }
}
