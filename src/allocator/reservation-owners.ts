/**
 * The policy's `reservationOwners` stage applied (policy.ts `ReservationOwners`; beyond Mesos, whose
 * reservations go to any framework of their role): which part of what a framework may get on an
 * agent in a role is another owner's.
 *
 * The cycle asks for every framework it considers, so the answers are kept: whether an agent's
 * total names any owner at all (on the agent; agents without are never scanned), the owners in the
 * allocatable sets last read, the owner per reservation, and per framework its `owns` answers until
 * it is updated. The stage is called through the policy runner, so a policy that throws gets
 * Mesos's rule (the resource is the role's) and an error counted.
 */
import { Resources, type Resource } from '../resources/index.ts';
import type { AllocationStage, Rejection } from '../policy/index.ts';
import type { AgentState } from './agent.ts';
import type { PolicyRejectionNote } from './cycle-record.ts';
import { FrameworkState } from './framework.ts';
import type { VisitPlan } from './role-visit.ts';
import type { Sorter } from './sorter/index.ts';
import { frameworkView } from './offer-rules.ts';
import type { PolicyRunner } from './policy-runner.ts';
import type { AllocatorState } from './state.ts';

/** What a framework may not have of what is allocatable to it on an agent. */
export interface ForeignPart {
  /** An owner the foreign part names (the first met): the rejection's reason names it. */
  readonly owner: string;
  /** What is left for the framework; empty when all of it is another owner's. */
  readonly rest: Resources;
}

/** What an agent's allocatable resources (one object) hold of owners: read once per object, then per framework. */
interface OwnedContent {
  readonly resources: Resources;
  /** The owners named, in the order met. */
  readonly owners: readonly string[];
  /** Whether every resource names an owner. */
  readonly allOwned: boolean;
  /** What a framework that owns none of the owners may have, and why not the rest (made when first asked: one object for all such frameworks). */
  ownsNone: ForeignPart | undefined;
  /** The owners as one key (made when first asked). */
  ownersKey: string | undefined;
}

const NO_OWNERS: readonly string[] = [];

/** An owners' plan with what it was made from (role, stage and owners are its keys). */
interface KeptPlan {
  readonly sorter: Sorter;
  readonly membershipVersion: number;
  readonly infoEpoch: number;
  readonly plan: VisitPlan;
}

/** How many allocatable sets are kept: a visit reads the role's (owners' plan) and a framework's stripped one. */
const CONTENTS_KEPT = 4;

export class ReservationOwnership {
  /**
   * The last allocatable sets read, and what they hold: a visit asks about the same few sets for
   * each framework (the agent keeps one object per content, role and capability mask). Not a WeakMap
   * of every set: they are made per offer, and the collector's price for weak entries was more than
   * the reading.
   */
  private readonly contents: OwnedContent[] = [];
  private nextContent = 0;
  /** The owner per reservation object (null: none). */
  private readonly ownerOf = new WeakMap<object, string | null>();
  /** Owners' plans by stage, role and owners; rebuilt when the role's active frameworks or any framework's info change. */
  private readonly plans: Record<AllocationStage, Map<string, Map<string, KeptPlan>>> = { 'quota-guarantees': new Map(), 'fair-share': new Map() };
  /** One frozen rejection per owner: many frameworks are refused the same agents, and the engine remembers each. */
  private readonly rejections = new Map<string, Rejection>();

  constructor(
    private readonly runner: PolicyRunner,
    private readonly state: AllocatorState,
  ) {}

  /** Whether any resource of the agent's total names an owner (else nothing on the agent is anyone's); kept on the agent per total. */
  anyOwned(agent: AgentState): boolean {
    const total = agent.total;
    const kept = agent.ownedMemo;
    if (kept !== undefined && kept.by === this && kept.total === total) return kept.any;
    let any = false;
    for (const r of total.itemsView()) {
      if (r.reservations.length > 0 && this.owner(r) !== undefined) {
        any = true;
        break;
      }
    }
    agent.ownedMemo = { by: this, total, any };
    return any;
  }

  /**
   * The part of `available` that is another owner's for `framework`; undefined when none is. A
   * framework that owns none of the owners gets the same `rest` object as every other such one.
   */
  foreignPart(available: Resources, framework: FrameworkState): ForeignPart | undefined {
    const content = this.content(available);
    const owners = content.owners;
    if (owners.length === 0) return undefined;
    let owned = 0;
    for (let i = 0; i < owners.length; i++) if (this.owns(framework, owners[i]!)) owned++;
    if (owned === owners.length) return undefined;
    if (owned === 0) return (content.ownsNone ??= { owner: owners[0]!, rest: available.filter((r) => r.reservations.length === 0 || this.owner(r) === undefined) });
    // Several owners on one agent, some of them the framework's: the rare case, computed each time.
    let owner: string | undefined;
    const rest = available.filter((r) => {
      const o = r.reservations.length === 0 ? undefined : this.owner(r);
      if (o === undefined || this.owns(framework, o)) return true;
      owner ??= o;
      return false;
    });
    return { owner: owner!, rest };
  }

  /**
   * Where everything the role may get on the agent is owned: the visit's plan, which asks only the
   * role's active frameworks that own one of the owners and skips the others, with the reason. Such
   * a framework would only be refused (`foreignPart` leaves it nothing), whatever else holds; the
   * plan is the same on every agent with the same owners, so it is made once per role and owners.
   * Undefined when something there is nobody's (a non-owner may get it).
   */
  ownersPlan(agent: AgentState, role: string, stage: AllocationStage, sorter: Sorter): VisitPlan | undefined {
    const allocatable = agent.allocatableTo(role);
    if (allocatable.isEmpty()) return undefined;
    const content = this.content(allocatable);
    if (!content.allOwned) return undefined;
    // By role and stage, then owners: no key string made per visit.
    const key = (content.ownersKey ??= content.owners.join('\0'));
    const byRole = this.plans[stage];
    let plans = byRole.get(role);
    if (plans === undefined) byRole.set(role, (plans = new Map()));
    const kept = plans.get(key);
    if (kept !== undefined && kept.sorter === sorter && kept.membershipVersion === sorter.membershipVersion && kept.infoEpoch === FrameworkState.anyInfoEpoch) return kept.plan;
    const skippedIds = new Set<string>();
    const others: string[] = [];
    this.state.frameworks.forEach((framework, id) => {
      if (!sorter.isActive(id)) return;
      if (content.owners.some((o) => this.owns(framework, o))) others.push(id);
      else skippedIds.add(id);
    });
    const note: PolicyRejectionNote = { role, stage, reason: this.rejection(content.owners[0]!).reason, by: 'reservationOwners' };
    const plan: VisitPlan = { skippedIds, others, note };
    plans.set(key, { sorter, membershipVersion: sorter.membershipVersion, infoEpoch: FrameworkState.anyInfoEpoch, plan });
    return plan;
  }

  /** The rejection a framework gets where everything is `owner`'s: it holds until the agent changes. */
  rejection(owner: string): Rejection {
    let r = this.rejections.get(owner);
    if (r === undefined) {
      r = Object.freeze({ reason: `reserved-for-another-owner:${owner}`, until: 'agent-changes' as const });
      this.rejections.set(owner, r);
    }
    return r;
  }

  private content(available: Resources): OwnedContent {
    const contents = this.contents;
    for (let i = 0; i < contents.length; i++) if (contents[i]!.resources === available) return contents[i]!;
    let owners: string[] | undefined;
    let allOwned = true;
    for (const r of available.itemsView()) {
      const o = r.reservations.length === 0 ? undefined : this.owner(r);
      if (o === undefined) allOwned = false;
      else if (owners === undefined) owners = [o];
      else if (!owners.includes(o)) owners.push(o);
    }
    const content: OwnedContent = { resources: available, owners: owners ?? NO_OWNERS, allOwned: allOwned && owners !== undefined, ownsNone: undefined, ownersKey: undefined };
    if (contents.length < CONTENTS_KEPT) contents.push(content);
    else contents[this.nextContent] = content;
    this.nextContent = (this.nextContent + 1) % CONTENTS_KEPT;
    return content;
  }

  /**
   * The owner of a reserved resource, asked once per reservation: keyed by its own (last)
   * reservation object, which resources keep through offers, declines and arithmetic (so the
   * entries live as long as the agents' totals, and the collector sees no churn of weak keys).
   */
  private owner(r: Resource): string | undefined {
    const reservation = r.reservations[r.reservations.length - 1];
    if (reservation === undefined) return undefined;
    let o = this.ownerOf.get(reservation);
    if (o === undefined) {
      o = this.runner.reservationOwner(r) ?? null;
      this.ownerOf.set(reservation, o);
    }
    return o ?? undefined;
  }

  /** `owns`, answered once per framework and owner until the framework changes (kept on the framework, for this policy). */
  private owns(framework: FrameworkState, owner: string): boolean {
    let kept = framework.ownerAnswers;
    if (kept === undefined || kept.by !== this || kept.epoch !== framework.infoEpoch) {
      kept = { by: this, epoch: framework.infoEpoch, answers: new Map() };
      framework.ownerAnswers = kept;
    }
    let owns = kept.answers.get(owner);
    if (owns === undefined) {
      owns = this.runner.owns(frameworkView(this.state, framework), owner);
      kept.answers.set(owner, owns);
    }
    return owns;
  }
}
