/**
 * The frameworks one visit of a role on an agent asks, in the order of the role's sorter when the
 * visit begins (as Mesos walks the vector `sort()` returned then, whatever the visit's offers do to
 * the order), or in the policy's order. A framework whose remembered rejection still holds is not
 * handed out, only noted as skipped ('policy'), where the walk meets it: the policy is not asked,
 * and nothing else is checked, since Mesos's per-framework rules could only skip it too (on the
 * remembered content something was allocatable to the role, so no 'stop' either, short of shared
 * resources offered earlier in the cycle). No reason is noted per visit: explain reads it from the
 * remembered entry.
 *
 * Walking: the sorter's `order()` read lazily (a visit usually ends after one or two frameworks),
 * each framework looked up among the role's remembered rejections on the agent.
 *
 * Planned: with many frameworks in a role and most of them remembered on the agent (100 data
 * services in one role, a reservation for one of them), walking past the remembered ones on every
 * visit was most of what the steering cost. So when the role has a skip plan for the agent's
 * content (remembered-rejections.ts) — at the start of the visit, or after an offer changed the
 * agent — only the plan's other frameworks are asked, those the reader has not passed yet, in the
 * order it would have yielded them (`unreadInOrder`); the skipped set is noted once. A planned
 * stretch that ends early, or whose framework gets an offer, first reads the reader on up to the
 * framework last asked — nothing has changed the sorter since the plan was taken, so it passes
 * exactly what the walk would have — noting the skips the walk would have made on the way, and
 * the walk goes on from there. A visit that read the whole order leaves a plan for the content it
 * ended on, if there is none.
 */
import type { AllocationStage } from '../policy/index.ts';
import type { AgentState } from './agent.ts';
import type { RoleRejections } from './remembered-rejections.ts';
import type { ReservationOwnership } from './reservation-owners.ts';
import type { CycleLog, PolicyRejectionNote } from './cycle-record.ts';
import type { Sorter, SorterOrder } from './sorter/index.ts';

/**
 * The frameworks a visit may skip without asking, and the others: a skip plan of remembered
 * rejections (remembered-rejections.ts), or the owners' plan where everything the role may get on
 * the agent is owned (reservation-owners.ts), whose skips carry their reason.
 */
export interface VisitPlan {
  readonly skippedIds: ReadonlySet<string>;
  /** The role's other active frameworks, in no particular order. */
  readonly others: readonly string[];
  /** Why the skipped were skipped, when the plan says (else explain finds their remembered rejections). */
  readonly note?: PolicyRejectionNote;
}

const NO_FRAMEWORKS: readonly string[] = [];
const DONE: IteratorReturnResult<undefined> = Object.freeze({ value: undefined, done: true });
/** The order of a role without a sorter, and the reader between visits: one object, nothing to read. */
const NO_ORDER: SorterOrder = {
  next: () => DONE,
  [Symbol.iterator]() {
    return this;
  },
};

/** One instance per cycle, reused by every visit (visits never overlap). */
export class RoleVisit {
  private agent: AgentState | undefined;
  private stage: AllocationStage = 'fair-share';
  private role = '';
  private sorter: Sorter | undefined;
  private remembered: RoleRejections | undefined;
  /** The policy's reservation owners, when the agent holds owned reservations. */
  private owners: ReservationOwnership | undefined;
  /** The order being read: the sorter's, or the policy's. */
  private reader: SorterOrder = NO_ORDER;
  /** Plans apply: the sorter's own order, which can answer `unreadInOrder`, and remembered entries in the role. */
  private planning = false;
  /** Planning: every framework the reader has yielded in this visit. */
  private read: string[] = [];
  /** Planning: a plan may apply from the next framework on (the visit began, or the agent changed). */
  private lookForPlan = false;
  /** Planned: the plan in use, its frameworks still to ask in order, and how many were handed out. */
  private plan: VisitPlan | undefined;
  private asking: readonly string[] = NO_FRAMEWORKS;
  private at = 0;
  /** The reader was read to its end. */
  private walkedToEnd = false;
  /** A planned stretch handed out its last framework: the visit has nothing more. */
  private finished = false;

  constructor(private readonly record: CycleLog) {}

  /**
   * Starts a visit. `remembered`: the role's remembered rejections on the agent, if any. `owners`:
   * the policy's reservation owners, if the agent holds owned reservations. `policyOrder`: the
   * policy's order of the role's frameworks (its sortFrameworks stage).
   */
  begin(agent: AgentState, role: string, stage: AllocationStage, sorter: Sorter | undefined, remembered: RoleRejections | undefined, owners: ReservationOwnership | undefined, policyOrder?: readonly string[]): void {
    this.agent = agent;
    this.role = role;
    this.stage = stage;
    this.sorter = sorter;
    this.remembered = remembered;
    this.owners = owners;
    this.walkedToEnd = false;
    this.finished = false;
    this.planning = false;
    this.lookForPlan = false;
    this.plan = undefined;
    if (sorter === undefined) {
      this.reader = NO_ORDER;
    } else if (policyOrder !== undefined) {
      this.reader = policyOrder[Symbol.iterator]();
    } else {
      this.reader = sorter.order();
      if ((remembered !== undefined || owners !== undefined) && this.reader.unreadInOrder !== undefined) {
        this.planning = true;
        this.lookForPlan = true;
        this.read = [];
      }
    }
  }

  /** The next framework to ask, undefined when none is left. */
  next(): string | undefined {
    if (this.finished) return undefined;
    if (this.plan !== undefined) {
      if (this.at < this.asking.length) return this.asking[this.at++];
      // Every framework the reader had not passed is asked or skipped: note the skipped at once.
      // `read` is final: the visit is over.
      this.record.skippedRemembered(this.agent!.id, this.role, this.plan.skippedIds, this.read, this.plan.note);
      this.plan = undefined;
      this.finished = true;
      return undefined;
    }
    if (this.lookForPlan) {
      this.lookForPlan = false;
      if (this.takePlan()) return this.next();
    }
    const reader = this.reader;
    const remembered = this.remembered;
    for (;;) {
      const step = reader.next();
      if (step.done === true) {
        this.walkedToEnd = true;
        return undefined;
      }
      const frameworkId = step.value;
      if (this.planning) this.read.push(frameworkId);
      if (remembered === undefined || remembered.get(frameworkId) === undefined) return frameworkId;
      this.record.skipped(this.agent!.id, frameworkId, this.role, 'policy');
    }
  }

  /** The agent is about to change: an offer to the framework just handed out. */
  changing(): void {
    if (this.plan !== undefined) this.catchUp();
    // The remembered entries that hold are those of the content the offer leaves.
    if (this.planning) this.lookForPlan = true;
  }

  /** The visit is over: nothing left, or left early. */
  end(): void {
    if (this.plan !== undefined) {
      this.catchUp();
    } else if (this.planning && this.walkedToEnd && this.remembered !== undefined && this.remembered.validPlan(this.sorter!) === undefined) {
      // `read` holds every active framework of the role.
      this.remembered.makePlan(this.sorter!, this.read);
    }
    // An unfinished DRF reader is followed by its sorter until returned.
    if (!this.walkedToEnd) this.reader.return?.();
    this.reader = NO_ORDER;
    this.asking = NO_FRAMEWORKS;
    this.sorter = undefined;
    this.remembered = undefined;
    this.owners = undefined;
    this.agent = undefined;
  }

  /** Takes the role's plan for the agent's content, when there is one worth taking and the reader can tell what it has not passed. */
  private takePlan(): boolean {
    // Owned content first: it needs no remembered entries (and would leave none to find).
    const plan = this.owners?.ownersPlan(this.agent!, this.role, this.stage, this.sorter!) ?? this.remembered?.validPlan(this.sorter!);
    // With few frameworks skipped, ordering the others costs as much as walking.
    if (plan === undefined || plan.skippedIds.size < plan.others.length) return false;
    const asking = this.reader.unreadInOrder!(plan.others);
    if (asking === undefined) return false;
    this.plan = plan;
    this.asking = asking;
    this.at = 0;
    return true;
  }

  /** Planned → walking: reads on up to the framework last handed out, noting the skips the walk would have made. */
  private catchUp(): void {
    const plan = this.plan!;
    const last = this.asking[this.at - 1];
    this.plan = undefined;
    if (last === undefined) return;
    for (;;) {
      const step = this.reader.next();
      if (step.done === true) {
        this.walkedToEnd = true;
        return;
      }
      const frameworkId = step.value;
      this.read.push(frameworkId);
      if (frameworkId === last) return;
      if (plan.skippedIds.has(frameworkId)) {
        this.record.skipped(this.agent!.id, frameworkId, this.role, 'policy');
        if (plan.note !== undefined) this.record.rejected(this.agent!.id, frameworkId, plan.note);
      }
    }
  }
}
