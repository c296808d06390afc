/**
 * One data service run from inside the allocator: its DataServiceController in operator mode,
 * fed from what the allocator sees each cycle, its proposals turned into operator calls and the
 * calls' results into `confirm` / `fail`.
 *
 * What the controller is told, and from what:
 * - agent removed / added: the agent left / joined the active agents since the last cycle (a
 *   deactivated agent, e.g. disconnected, counts as removed: its instances wait as `lost`);
 * - task running: a framework's task uses the instance's reservations on its agent (launched:
 *   FrameworkView.used; the allocator never sees task ids — the task id the controller records
 *   is `allocated:<framework id>`);
 * - task ended: they are back on its agent, unallocated or in an outstanding offer.
 * Maintenance windows and inverse offers come from the operator-calls context (policy.ts).
 * Instances adoption found incomplete (a restart between a RESERVE and its CREATE) are completed
 * by their own calls (`complete-instances.ts`) and are not launchable meanwhile. Reservations on
 * an agent that joins later (away at the restart) are adopted then (`late-adoption.ts`).
 */
import type { AgentView, FrameworkView, OperatorCall, OperatorCallResult } from '../../policy/index.ts';
import type { OfferOperation } from '../../resources/index.ts';
import type { ClusterAgent } from '../plan/index.ts';
import type { ReservationLedger } from '../ledger/index.ts';
import type { DataServiceController, LaunchRequest, LifecycleEvent, Proposal } from '../lifecycle/index.ts';
import { InstanceCompletion } from './complete-instances.ts';
import { LateAdoption } from './late-adoption.ts';
import type { PlacementHold } from './placement-hold.ts';
import type { ServiceSeeds } from './seeds.ts';
import { afterCalls } from './planning-view.ts';
import { instanceUsage } from './usage.ts';
import { tookEffect, undoOperations } from './undo.ts';
import type { AcceptInverseOfferRequest, KillInstanceRequest } from './types.ts';

interface CallRecord {
  readonly proposal: Proposal;
  readonly kind: 'apply' | 'undo';
  readonly agentId: string;
  operations: readonly OfferOperation[];
  /** An undo: why the proposal failed, and how many times it was sent. */
  readonly failure?: string;
  attempts: number;
}

/** An undo is sent again (what is left of it) until it is made, at most this many times. */
const UNDO_ATTEMPTS = 10;

/** A call whose answer was lost (HTTP status 0): settled next cycle by looking at the agent. */
interface Uncertain {
  readonly callId: string;
  readonly record: CallRecord;
  readonly applied: number;
  readonly why: string;
}

const MAX_PROBLEMS = 100;

function describe(result: OperatorCallResult): string {
  return `HTTP ${result.httpStatus ?? '?'}${result.message === undefined ? '' : `: ${result.message}`} after ${result.applied} operation(s)`;
}

export class ServiceDriver {
  #active: Set<string> | undefined;
  /** Calls handed out, by call id, until their result. */
  readonly #calls = new Map<string, CallRecord>();
  readonly #uncertain: Uncertain[] = [];
  /** Undo calls to hand out next cycle. */
  readonly #queued: OperatorCall[] = [];
  readonly #holders = new Map<string, string>();
  readonly #kills = new Map<string, KillInstanceRequest>();
  readonly #accepts = new Map<string, AcceptInverseOfferRequest>();
  readonly #absent = new Set<string>();
  readonly #problems: string[] = [];
  readonly #completion: InstanceCompletion;
  readonly #late: LateAdoption;

  constructor(
    readonly controller: DataServiceController,
    private readonly ledger: ReservationLedger,
    /** Appended to call ids, so an answer meant for an earlier policy instance is not taken for ours. */
    private readonly epoch: string,
    private readonly log: (line: string) => void,
    readonly hold: PlacementHold,
    /** Where ids come from (incomplete instances are completed with the plan's ids). */
    seeds: ServiceSeeds = { service: 0, own: 0, plans: 0 },
    /** How long a retired copy found late is kept before its DESTROY/UNRESERVE (the controller's `destroyGraceMs`). */
    graceMs = 600_000,
  ) {
    const problem = (line: string) => this.#problem(line);
    this.#completion = new InstanceCompletion(controller, ledger, epoch, seeds, log, problem);
    this.#late = new LateAdoption(controller, ledger, epoch, graceMs, log, problem);
  }

  /** What may launch now: the controller's launchable instances that are complete. */
  launchable(): LaunchRequest[] {
    return this.controller.launchable().filter((r) => !this.#completion.isIncomplete(r.podInstance));
  }

  /** Something that needs a person (reported once by the caller). */
  reportProblem(line: string): void {
    this.#problem(line);
  }

  /** After the cycle's tick: hold agents for the instances still waiting for a place. */
  updateHold(agents: readonly AgentView[]): void {
    const proposed = new Set<string>();
    for (const r of this.#calls.values()) proposed.add(r.proposal.podInstance);
    for (const u of this.#uncertain) proposed.add(u.record.proposal.podInstance);
    let unplaced = 0;
    const occupied = new Set<string>();
    for (const s of this.controller.status()) {
      if (s.agentId !== undefined) occupied.add(s.agentId);
      if (proposed.has(s.podInstance)) continue;
      const waiting = s.phase === 'pending' || ((s.intent === 'replace' || s.intent === 'move') && (s.phase === 'idle' || s.phase === 'lost'));
      if (waiting && s.intent !== 'decommission') unplaced++;
    }
    this.hold.update(agents, unplaced, occupied);
  }

  get service(): string {
    return this.controller.service;
  }

  /** One cycle: learn what changed, tick, and return the calls to make (undos first). */
  cycle(now: number, active: ReadonlyMap<string, AgentView>, view: readonly ClusterAgent[], frameworks: readonly FrameworkView[]): OperatorCall[] {
    this.#settleUncertain(active);
    this.#agents(active);
    this.#usage(active, frameworks);
    const decision = this.controller.tick(view);
    for (const e of decision.events) this.log(eventLine(e));
    for (const k of decision.kills) {
      const holder = this.#holders.get(k.podInstance);
      const request: KillInstanceRequest = { service: this.service, podInstance: k.podInstance, agentId: k.agentId, ...(holder === undefined ? {} : { frameworkId: holder }), reason: k.reason, since: now };
      this.#kills.set(k.podInstance, request);
      this.log(`${this.service}: framework ${holder ?? '?'} should kill the task of ${k.podInstance} on ${k.agentId} (${k.reason})`);
    }
    for (const agentId of decision.acceptInverseOffers) {
      this.#accepts.set(agentId, { service: this.service, agentId, since: now });
      this.log(`${this.service}: the framework may answer its inverse offer for ${agentId} ACCEPT`);
    }
    const calls = this.#undoCalls(active);
    calls.push(...this.#late.cycle(now, active, frameworks));
    for (const p of decision.proposals) {
      const id = `${p.id}@${this.epoch}`;
      this.#calls.set(id, { proposal: p, kind: 'apply', agentId: p.agentId, operations: p.operations, attempts: 1 });
      calls.push({ id, agentId: p.agentId, operations: p.operations });
    }
    calls.push(...this.#completion.cycle(active, () => afterCalls(view, calls)));
    return calls;
  }

  /** The outcome of a call; false when the call is not this service's. */
  result(result: OperatorCallResult): boolean {
    if (this.#completion.result(result) || this.#late.result(result)) return true;
    const record = this.#calls.get(result.id);
    if (record === undefined) return false;
    this.#calls.delete(result.id);
    if (record.kind === 'undo') {
      if (result.ok) {
        this.#fail(record.proposal.id, `${record.failure}, undone`);
      } else if (record.attempts >= UNDO_ATTEMPTS) {
        this.#problem(`${record.proposal.id}: undoing it on ${record.agentId} failed ${record.attempts} times (last: ${describe(result)}); reservations are left behind there`);
        this.#fail(record.proposal.id, `${record.failure}, not undone`);
      } else {
        // What is left is sent again next cycle (a lost answer: the agent shows what was made).
        record.operations = record.operations.slice(result.applied);
        this.#calls.set(result.id, record);
        this.#queued.push({ id: result.id, agentId: record.agentId, operations: record.operations });
      }
      return true;
    }
    if (result.ok) this.#settle(result.id, record, record.operations.length, 'made');
    else if (result.httpStatus === 0) this.#uncertain.push({ callId: result.id, record, applied: result.applied, why: describe(result) });
    else this.#settle(result.id, record, result.applied, describe(result));
    return true;
  }

  /**
   * The undo calls to send now: those whose agent is active (one made after its agent was removed
   * is undone when the agent is back), without the leading operations the agent shows made
   * already (an earlier attempt whose answer was lost).
   */
  #undoCalls(active: ReadonlyMap<string, AgentView>): OperatorCall[] {
    const calls: OperatorCall[] = [];
    for (let i = 0; i < this.#queued.length; ) {
      const queued = this.#queued[i]!;
      const agent = active.get(queued.agentId);
      if (agent === undefined) {
        i++;
        continue;
      }
      this.#queued.splice(i, 1);
      const record = this.#calls.get(queued.id)!;
      let operations = record.operations;
      while (operations.length > 0 && tookEffect(operations[0]!, agent.total) === true) operations = operations.slice(1);
      if (operations.length === 0) {
        this.#calls.delete(queued.id);
        this.#fail(record.proposal.id, `${record.failure}, undone`);
        continue;
      }
      record.operations = operations;
      record.attempts++;
      calls.push({ id: queued.id, agentId: queued.agentId, operations });
    }
    return calls;
  }

  #settle(callId: string, record: CallRecord, applied: number, why: string): void {
    const pending = this.controller.pendingProposals().includes(record.proposal.id);
    if (applied >= record.operations.length && pending) {
      this.#confirm(callId, record);
      return;
    }
    if (applied === 0) {
      this.#fail(record.proposal.id, why);
      return;
    }
    // Half made, or made after the controller gave the proposal up (its agent was removed
    // meanwhile, and its ids may be planned again elsewhere): take it back out of the cluster.
    this.#undo(callId, record, applied, pending ? why : 'made after the controller gave it up (agent removed meanwhile)');
  }

  #undo(callId: string, record: CallRecord, applied: number, why: string): void {
    const id = `${callId}/undo`;
    const operations = undoOperations(record.operations, applied);
    this.#calls.set(id, { proposal: record.proposal, kind: 'undo', agentId: record.agentId, operations, failure: why, attempts: 0 });
    this.#queued.push({ id, agentId: record.agentId, operations });
    this.log(`${this.service}: ${record.proposal.id}: ${applied} of ${record.operations.length} operations made on ${record.agentId} (${why}); undoing them`);
  }

  #settleUncertain(active: ReadonlyMap<string, AgentView>): void {
    for (let i = this.#uncertain.length - 1; i >= 0; i--) {
      const u = this.#uncertain[i]!;
      const agent = active.get(u.record.agentId);
      if (agent === undefined) continue; // look when the agent is back
      this.#uncertain.splice(i, 1);
      const next = u.record.operations[u.applied];
      const made = next === undefined ? false : tookEffect(next, agent.total) === true;
      this.#settle(u.callId, u.record, u.applied + (made ? 1 : 0), `${u.why}; the agent shows operation ${u.applied + 1} ${made ? 'made' : 'not made'}`);
    }
  }

  #confirm(callId: string, record: CallRecord): void {
    try {
      this.controller.confirm(record.proposal.id);
    } catch (e) {
      // The ledger refused what the master made (an id it already holds): take it back out of the cluster.
      this.#problem(`${record.proposal.id} was made on ${record.agentId} but not recorded (${(e as Error).message})`);
      this.#undo(callId, record, record.operations.length, 'not recorded');
    }
  }

  #fail(proposalId: string, why: string): void {
    this.controller.fail(proposalId, why);
  }

  #problem(line: string): void {
    this.#problems.push(line);
    if (this.#problems.length > MAX_PROBLEMS) this.#problems.shift();
    this.log(`${this.service}: ${line}`);
  }

  /** Agents that left or joined the active set since the last cycle; on the first, instances whose agent is not active are lost. */
  #agents(active: ReadonlyMap<string, AgentView>): void {
    const before = this.#active;
    this.#active = new Set(active.keys());
    if (before === undefined) {
      const gone = new Set<string>();
      for (const s of this.controller.status()) if (s.agentId !== undefined && s.phase !== 'pending' && !active.has(s.agentId)) gone.add(s.agentId);
      for (const agentId of gone) this.controller.agentRemoved(agentId);
      return;
    }
    for (const agentId of before) {
      if (active.has(agentId)) continue;
      this.controller.agentRemoved(agentId);
      this.#accepts.delete(agentId); // it went down: the inverse offer is over
    }
    for (const agentId of this.#active) {
      if (before.has(agentId)) continue;
      this.controller.agentAdded(agentId);
      this.#late.joined(agentId);
    }
  }

  /** Task running / ended, from where the instances' reservations are. */
  #usage(active: ReadonlyMap<string, AgentView>, frameworks: readonly FrameworkView[]): void {
    for (const s of this.controller.status()) {
      if (s.agentId === undefined || (s.phase !== 'idle' && s.phase !== 'running' && s.phase !== 'killing')) continue;
      const agent = active.get(s.agentId);
      if (agent === undefined) continue;
      const usage = instanceUsage(this.ledger.byInstance(this.service, s.podInstance), agent, frameworks);
      // An incomplete one's reservations may change under the completion, which reads them again (a late CREATE of the old master's).
      if (usage.state === 'absent' && !this.#completion.isIncomplete(s.podInstance)) {
        if (!this.#absent.has(s.podInstance)) this.#problem(`${s.podInstance}: its reservations are not on ${s.agentId} (wiped agent, or removed behind the ledger's back)`);
        this.#absent.add(s.podInstance);
      } else this.#absent.delete(s.podInstance);
      if (usage.state === 'allocated') {
        this.#holders.set(s.podInstance, usage.frameworkId);
        if (s.phase === 'idle') this.controller.taskRunning(s.podInstance, `allocated:${usage.frameworkId}`);
      } else if (s.phase === 'running' || s.phase === 'killing') {
        this.controller.taskEnded(s.podInstance, usage.state === 'absent' ? 'RESERVATIONS_ABSENT' : usage.state === 'offered' ? 'RESOURCES_OFFERED' : 'RESOURCES_UNALLOCATED');
        this.#holders.delete(s.podInstance);
        this.#kills.delete(s.podInstance);
      }
    }
    for (const name of this.#kills.keys()) if (this.controller.instance(name)?.phase !== 'killing') this.#kills.delete(name);
  }

  kills(): KillInstanceRequest[] {
    return [...this.#kills.values(), ...this.#late.kills()];
  }

  acceptInverseOffers(): AcceptInverseOfferRequest[] {
    return [...this.#accepts.values()];
  }

  /** The maintenance ended (or was never): no answer is asked for the agent any more. */
  clearInverseOffer(agentId: string): void {
    this.#accepts.delete(agentId);
  }

  problems(): string[] {
    return [...this.#problems];
  }

  /** Calls whose outcome is not known yet: handed out without a result, or answered without one (HTTP 0) and not yet settled. */
  outstandingCalls(): string[] {
    return [...this.#calls.keys(), ...this.#uncertain.map((u) => u.callId), ...this.#completion.outstandingCalls(), ...this.#late.outstandingCalls()];
  }
}

function eventLine(e: LifecycleEvent): string {
  return [`${e.service}:`, e.kind, e.podInstance, e.agentId === undefined ? undefined : `on ${e.agentId}`, e.detail === undefined ? undefined : `(${e.detail})`].filter((x) => x !== undefined).join(' ');
}
