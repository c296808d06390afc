/**
 * The controller's memory of one service: each pod instance's phase and intent, the agents it
 * knows to be down or draining, the proposals the driver has not answered, and the retired
 * reservations waiting out their grace period. Plain mutable data; the controller owns it.
 */
import type { PlacementAgent } from '../constraints/index.ts';
import type { Placement, Plan } from '../plan/index.ts';
import type { ReleasePlan } from '../ledger/index.ts';
import type { InstancePhase, InstanceStatus, Intent, LifecycleEvent, LifecycleEventKind, Proposal } from './types.ts';
import type { Unavailability } from '../../allocator/index.ts';

export interface Instance {
  readonly name: string;
  readonly podType: string;
  readonly index: number;
  phase: InstancePhase;
  since: number;
  agentId: string | undefined;
  taskId: string | undefined;
  intent: Intent | undefined;
  /** The intent came from the permanent-failure timeout (undone if the agent returns first). */
  automatic: boolean;
  killSent: boolean;
  /** Launches so far on the current placement (relaunch vs first launch). */
  launches: number;
  /** Launches ever (task ids stay unique across replacements). */
  attempts: number;
  lostSince: number | undefined;
  /** Last report, so a waiting instance does not log the same line every tick. */
  lastNote: string | undefined;
}

export interface PendingProposal {
  readonly proposal: Proposal;
  readonly at: number;
  readonly plan?: Plan;
  readonly placement?: Placement;
  readonly release?: ReleasePlan;
}

/** Reservations a replaced or moved instance left behind on an agent. */
export interface Grave {
  readonly podInstance: string;
  readonly agentId: string;
  readonly retiredAt: number;
}

export class ServiceState {
  readonly instances = new Map<string, Instance>();
  readonly wanted = new Map<string, Set<number>>();
  readonly down = new Set<string>();
  readonly draining = new Map<string, Unavailability>();
  /** Agents whose inverse offer waits for our answer. */
  readonly inverseOffers = new Set<string>();
  /** Agents whose inverse offers were accepted (logged once). */
  readonly accepted = new Set<string>();
  readonly agents = new Map<string, PlacementAgent>();
  readonly pending = new Map<string, PendingProposal>();
  graves: Grave[] = [];
  /** Instances being moved off a draining agent, until they run elsewhere. */
  readonly moving = new Set<string>();
  /** Indices added by scale-ups (their placements are `scale-up`, not `deploy`). */
  readonly scaledUp = new Set<string>();
  events: LifecycleEvent[] = [];

  constructor(readonly service: string, private readonly clock: () => number) {}

  log(kind: LifecycleEventKind, podInstance?: string, agentId?: string, detail?: string): void {
    this.events.push({
      at: this.clock(),
      kind,
      service: this.service,
      ...(podInstance === undefined ? {} : { podInstance }),
      ...(agentId === undefined ? {} : { agentId }),
      ...(detail === undefined ? {} : { detail }),
    });
  }

  /** Logs once per distinct note for the instance. */
  note(inst: Instance, kind: LifecycleEventKind, detail: string): void {
    if (inst.lastNote === `${kind}:${detail}`) return;
    inst.lastNote = `${kind}:${detail}`;
    this.log(kind, inst.name, inst.agentId, detail);
  }

  add(name: string, podType: string, index: number, now: number): Instance {
    const inst: Instance = {
      name, podType, index, phase: 'pending', since: now, agentId: undefined, taskId: undefined, intent: undefined,
      automatic: false, killSent: false, launches: 0, attempts: 0, lostSince: undefined, lastNote: undefined,
    };
    this.instances.set(name, inst);
    return inst;
  }

  setPhase(inst: Instance, phase: InstancePhase, now: number): void {
    if (inst.phase !== phase) {
      inst.phase = phase;
      inst.since = now;
      inst.lastNote = undefined;
    }
  }

  hasPending(podInstance: string, kind?: Proposal['kind']): boolean {
    for (const p of this.pending.values()) if (p.proposal.podInstance === podInstance && (kind === undefined || p.proposal.kind === kind)) return true;
    return false;
  }

  status(inst: Instance): InstanceStatus {
    return {
      podInstance: inst.name,
      podType: inst.podType,
      index: inst.index,
      phase: inst.phase,
      since: inst.since,
      ...(inst.agentId === undefined ? {} : { agentId: inst.agentId }),
      ...(inst.taskId === undefined ? {} : { taskId: inst.taskId }),
      ...(inst.intent === undefined ? {} : { intent: inst.intent }),
    };
  }
}
