/**
 * Policy rejections the policy allowed the engine to remember (`Rejection.until: 'agent-changes'`),
 * per (agent, framework, role). A rejection installs no refuse filter, so without this a policy
 * that refuses most frameworks of a role on an agent (the reservation steering, with many services
 * in one role) is asked again by every one of them, on every such agent, every cycle.
 *
 * Validity: an entry holds while the agent keeps the same info, capabilities and total (compared by
 * identity: the engine replaces them on change) and the same available resources, compared by
 * content — offers declined back every cycle replace the `available` object without changing it,
 * and would otherwise void every entry each cycle. Content is compared once per new `available`
 * object of an agent against the few contents seen lately (`canonical`), so an entry check is
 * identity tests only. The framework side is an epoch that `FrameworkState` bumps on update,
 * revive and deactivation. The policy being replaced drops everything (the cache lives in the
 * PolicyRunner, which is replaced with it).
 */
import type { Resources } from '../resources/index.ts';
import type { AllocationStage, Rejection } from '../policy/index.ts';
import type { AgentState } from './agent.ts';
import type { FrameworkState } from './framework.ts';
import type { PolicyRejectionNote } from './cycle-record.ts';

export interface RememberedRejection {
  readonly rejection: Rejection;
  readonly framework: FrameworkState;
  readonly frameworkEpoch: number;
  /** The canonical `available` the rejection was given on. */
  readonly available: Resources;
  /** What explain reports (built once: the cycle notes nothing per visit it spares the policy). */
  readonly note: PolicyRejectionNote;
}

/** How many distinct available contents per agent are kept: an agent alternates between few. */
const CONTENTS_KEPT = 4;

class AgentRejections {
  readonly info: unknown;
  readonly capabilities: unknown;
  readonly total: Resources;
  /** Distinct available contents seen lately, newest last. */
  private readonly contents: Resources[] = [];
  private seen: Resources | undefined;
  private seenCanonical: Resources | undefined;
  /** role → framework id → entry: the cycle looks the role up once per visit, then one lookup per framework. */
  readonly byRole = new Map<string, Map<string, RememberedRejection>>();

  constructor(readonly agent: AgentState) {
    this.info = agent.info;
    this.capabilities = agent.capabilities;
    this.total = agent.total;
  }

  /** Whether the agent is still as it was when these entries were made (apart from available). */
  matches(agent: AgentState): boolean {
    return agent === this.agent && agent.info === this.info && agent.capabilities === this.capabilities && agent.total === this.total;
  }

  /** The kept object with the same content as the agent's available resources; kept first when `add`. */
  canonical(add: boolean): Resources | undefined {
    const available = this.agent.available;
    if (available !== this.seen) {
      // Once per new available object: the cycle then checks many frameworks against it.
      this.seen = available;
      this.seenCanonical = undefined;
      for (let i = this.contents.length - 1; i >= 0; i--) {
        const c = this.contents[i]!;
        if (c.equals(available)) {
          this.seenCanonical = c;
          break;
        }
      }
    }
    if (this.seenCanonical === undefined && add) {
      if (this.contents.length === CONTENTS_KEPT) this.contents.shift(); // entries made on it now never match
      this.contents.push(available);
      this.seenCanonical = available;
    }
    return this.seenCanonical;
  }
}

/** The entries of one role on one agent, as the cycle reads them during a role's visit. */
export class RoleRejections {
  constructor(
    private readonly entries: AgentRejections,
    private readonly byFramework: Map<string, RememberedRejection>,
  ) {}

  /** The still valid remembered rejection of `frameworkId`: a map lookup and identity tests. */
  get(frameworkId: string): RememberedRejection | undefined {
    const entry = this.byFramework.get(frameworkId);
    if (entry === undefined || entry.frameworkEpoch !== entry.framework.policyEpoch) return undefined;
    // Read per framework, not per visit: an offer made earlier in the visit changes the agent.
    return entry.available === this.entries.canonical(false) ? entry : undefined;
  }
}

export class RememberedRejections {
  private readonly byAgent = new Map<string, AgentRejections>();

  get size(): number {
    return this.byAgent.size;
  }

  /** What is remembered on `agent` for `role`, undefined when nothing (or the agent changed since). */
  forRole(agent: AgentState, role: string): RoleRejections | undefined {
    const entries = this.byAgent.get(agent.id);
    if (entries === undefined) return undefined;
    if (!entries.matches(agent)) {
      this.byAgent.delete(agent.id);
      return undefined;
    }
    const byFramework = entries.byRole.get(role);
    return byFramework === undefined ? undefined : new RoleRejections(entries, byFramework);
  }

  remember(agent: AgentState, framework: FrameworkState, role: string, rejection: Rejection, at: number, stage: AllocationStage): void {
    let entries = this.byAgent.get(agent.id);
    if (entries === undefined || !entries.matches(agent)) this.byAgent.set(agent.id, (entries = new AgentRejections(agent)));
    let byFramework = entries.byRole.get(role);
    if (byFramework === undefined) entries.byRole.set(role, (byFramework = new Map()));
    const note: PolicyRejectionNote = { role, stage, reason: rejection.reason, remembered: { at } };
    byFramework.set(framework.id, { rejection, framework, frameworkEpoch: framework.policyEpoch, available: entries.canonical(true)!, note });
  }

  /** What is remembered, valid or not (for explain, after the cycle). */
  peek(agentId: string, frameworkId: string, role: string): RememberedRejection | undefined {
    return this.byAgent.get(agentId)?.byRole.get(role)?.get(frameworkId);
  }

  forgetAgent(agentId: string): void {
    this.byAgent.delete(agentId);
  }

  forgetFramework(framework: FrameworkState): void {
    for (const entries of this.byAgent.values()) {
      for (const byFramework of entries.byRole.values()) if (byFramework.get(framework.id)?.framework === framework) byFramework.delete(framework.id);
    }
  }
}
