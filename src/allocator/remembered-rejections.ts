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
 *
 * Skip plans: with many frameworks in a role, most of them remembered on an agent, walking the
 * role's order and skipping them one by one on every visit was the steering's remaining cost. So a
 * visit that read the role's whole order leaves, per (agent, role, available content), the split
 * as it stands at its end: the frameworks whose remembered rejection holds on that content and the
 * role's other active frameworks. A later visit takes the split while it holds — the agent on the
 * same content, no entry made or dropped in the role since, the same framework sorter with the
 * same active clients, every skipped entry's framework epoch unchanged — and asks only the others
 * (role-visit.ts).
 */
import type { Resources } from '../resources/index.ts';
import type { AllocationStage, Rejection } from '../policy/index.ts';
import type { AgentState } from './agent.ts';
import { FrameworkState } from './framework.ts';
import type { PolicyRejectionNote } from './cycle-record.ts';
import type { Sorter } from './sorter/index.ts';

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

/**
 * The split of a role's active frameworks on an agent with a given available content: those whose
 * remembered rejection holds, and the others.
 */
export interface SkipPlan {
  /** The canonical available content it holds on. */
  readonly available: Resources;
  readonly sorter: Sorter;
  readonly membershipVersion: number;
  /** The role's `generation` then. */
  readonly generation: number;
  /** The skipped frameworks and their epochs then, side by side: checked on every visit, read without touching the entries. */
  readonly skippedFrameworks: readonly FrameworkState[];
  readonly skippedEpochs: readonly number[];
  readonly skippedIds: ReadonlySet<string>;
  /** The role's other active frameworks, in no particular order. */
  readonly others: readonly string[];
  /** `FrameworkState.anyPolicyEpoch` when the skipped epochs were last found unchanged. */
  checkedAt: number;
}

/**
 * `a.equals(b)`, cheaply in the usual cases: what an offer leaves, or what declines give back,
 * mostly keeps the very item objects, in order; lists of different lengths are taken as different
 * contents without the full comparison (Resources keep addable items merged, so equal contents have
 * equal lengths; were that ever not so, the policy would only be asked again).
 */
function sameContent(a: Resources, b: Resources): boolean {
  const x = a.itemsView();
  const y = b.itemsView();
  if (x.length !== y.length) return false;
  let i = 0;
  for (; i < x.length; i++) {
    const p = x[i]!;
    const q = y[i]!;
    if (p !== q && !(p.equals(q) && p.sharedCount === q.sharedCount)) break;
  }
  return i === x.length || a.equals(b);
}

export class AgentRejections {
  readonly info: unknown;
  readonly capabilities: unknown;
  readonly total: Resources;
  /** Distinct available contents seen lately, newest last. */
  private readonly contents: Resources[] = [];
  private seen: Resources | undefined;
  private seenCanonical: Resources | undefined;
  /** role → its entries: the cycle looks the role up once per visit, then one lookup per framework. */
  readonly byRole = new Map<string, RoleRejections>();

  constructor(readonly owner: RememberedRejections, readonly agent: AgentState) {
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
        if (sameContent(c, available)) {
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
  readonly byFramework = new Map<string, RememberedRejection>();
  /** Bumped by every entry made or dropped: a plan made before no longer says who is remembered. */
  generation = 0;
  /** At most one per kept available content (see SkipPlan). */
  private plans: SkipPlan[] = [];

  constructor(private readonly entries: AgentRejections) {}

  /** The still valid remembered rejection of `frameworkId`: a map lookup and identity tests. */
  get(frameworkId: string): RememberedRejection | undefined {
    const entry = this.byFramework.get(frameworkId);
    if (entry === undefined || entry.frameworkEpoch !== entry.framework.policyEpoch) return undefined;
    // Read per framework, not per visit: an offer made earlier in the visit changes the agent.
    return entry.available === this.entries.canonical(false) ? entry : undefined;
  }

  /** The plan for the agent's content now, if one was made and still holds for `sorter`. */
  validPlan(sorter: Sorter): SkipPlan | undefined {
    if (this.plans.length === 0) return undefined;
    const available = this.entries.canonical(false);
    if (available === undefined) return undefined;
    for (let i = 0; i < this.plans.length; i++) {
      const plan = this.plans[i]!;
      if (plan.available !== available) continue;
      if (plan.generation !== this.generation || plan.sorter !== sorter || plan.membershipVersion !== sorter.membershipVersion) return undefined;
      if (plan.checkedAt === FrameworkState.anyPolicyEpoch) return plan;
      const frameworks = plan.skippedFrameworks;
      const epochs = plan.skippedEpochs;
      for (let k = 0; k < frameworks.length; k++) if (frameworks[k]!.policyEpoch !== epochs[k]) return undefined;
      plan.checkedAt = FrameworkState.anyPolicyEpoch;
      return plan;
    }
    return undefined;
  }

  /**
   * Makes the plan for the agent's content now from `frameworks`, all of `sorter`'s active
   * clients. Kept even when few are skipped (a visit then walks the order rather than use it): so
   * that it is not made again on every visit.
   */
  makePlan(sorter: Sorter, frameworks: readonly string[]): void {
    const available = this.entries.canonical(false);
    if (available === undefined) return;
    const skippedFrameworks: FrameworkState[] = [];
    const skippedEpochs: number[] = [];
    const skippedIds = new Set<string>();
    const others: string[] = [];
    for (const id of frameworks) {
      const entry = this.get(id);
      if (entry === undefined) {
        others.push(id);
        continue;
      }
      skippedFrameworks.push(entry.framework);
      skippedEpochs.push(entry.frameworkEpoch);
      skippedIds.add(id);
    }
    const plan: SkipPlan = { available, sorter, membershipVersion: sorter.membershipVersion, generation: this.generation, skippedFrameworks, skippedEpochs, skippedIds, others, checkedAt: FrameworkState.anyPolicyEpoch };
    // One per content the agent keeps: a content no longer kept is never the canonical one again.
    const kept = this.plans.filter((p) => p.available !== available && p.generation === this.generation);
    if (kept.length >= CONTENTS_KEPT) kept.shift();
    kept.push(plan);
    this.plans = kept;
  }
}

export class RememberedRejections {
  private readonly byAgent = new Map<string, AgentRejections>();

  get size(): number {
    return this.byAgent.size;
  }

  /** What is remembered on `agent` for `role`, undefined when nothing (or the agent changed since). */
  forRole(agent: AgentState, role: string): RoleRejections | undefined {
    // Through the agent, not `byAgent`: a lookup in a map of every agent was a cache miss per visit.
    const entries = agent.remembered;
    if (entries === undefined || entries.owner !== this) return undefined;
    if (!entries.matches(agent)) {
      this.forgetAgent(agent.id);
      return undefined;
    }
    return entries.byRole.get(role);
  }

  remember(agent: AgentState, framework: FrameworkState, role: string, rejection: Rejection, at: number, stage: AllocationStage, by?: 'reservationOwners'): void {
    let entries = this.byAgent.get(agent.id);
    if (entries === undefined || !entries.matches(agent)) {
      this.forgetAgent(agent.id);
      entries = new AgentRejections(this, agent);
      this.byAgent.set(agent.id, entries);
      agent.remembered = entries;
    }
    let roleEntries = entries.byRole.get(role);
    if (roleEntries === undefined) entries.byRole.set(role, (roleEntries = new RoleRejections(entries)));
    const note: PolicyRejectionNote = by === undefined ? { role, stage, reason: rejection.reason, remembered: { at } } : { role, stage, reason: rejection.reason, by, remembered: { at } };
    roleEntries.byFramework.set(framework.id, { rejection, framework, frameworkEpoch: framework.policyEpoch, available: entries.canonical(true)!, note });
    roleEntries.generation++;
  }

  /** What is remembered, valid or not (for explain, after the cycle). */
  peek(agentId: string, frameworkId: string, role: string): RememberedRejection | undefined {
    return this.byAgent.get(agentId)?.byRole.get(role)?.byFramework.get(frameworkId);
  }

  forgetAgent(agentId: string): void {
    const entries = this.byAgent.get(agentId);
    if (entries === undefined) return;
    this.byAgent.delete(agentId);
    if (entries.agent.remembered === entries) entries.agent.remembered = undefined;
  }

  forgetFramework(framework: FrameworkState): void {
    for (const entries of this.byAgent.values()) {
      for (const roleEntries of entries.byRole.values()) {
        if (roleEntries.byFramework.get(framework.id)?.framework !== framework) continue;
        roleEntries.byFramework.delete(framework.id);
        roleEntries.generation++;
      }
    }
  }
}
