/**
 * One controller step, in the order that keeps data safe: time out permanently failed instances
 * (rate-limited per failure domain), start maintenance moves for one domain, kill the tasks of
 * instances that leave, release what scale-down and garbage collection may release, then plan
 * what is missing (new instances, replacements) in a single planner call, and answer inverse
 * offers for agents the service has left.
 */
import type { ReservationLedger, ReleasePlan } from '../ledger/index.ts';
import { planService, type AgentOperations, type ClusterAgent, type Unplaced } from '../plan/index.ts';
import type { ServiceSpec } from '../service/index.ts';
import { releaseProposal, reserveProposal } from './proposals.ts';
import type { ReplacementBudget } from './rate-limit.ts';
import type { Instance, ServiceState } from './state.ts';
import type { ExecutionMode, KillRequest, LifecycleDecision, Proposal } from './types.ts';

export interface TickContext {
  readonly state: ServiceState;
  readonly ledger: ReservationLedger;
  readonly mode: ExecutionMode;
  readonly spec: () => ServiceSpec;
  readonly timeoutMs: number;
  readonly graceMs: number;
  readonly budget: ReplacementBudget;
  readonly domainOf: (agentId: string) => string;
  readonly seed: number;
  readonly nextId: () => string;
}

/** Marathon's task_reservation_timeout: a framework-mode reservation whose offer never came is dropped and re-planned. */
const OFFER_WAIT_MS = 20_000;

export function runTick(ctx: TickContext, view: readonly ClusterAgent[], now: number): LifecycleDecision {
  const { state } = ctx;
  for (const a of view) state.agents.set(a.id, { id: a.id, hostname: a.hostname, attributes: a.attributes, ...(a.domain === undefined ? {} : { domain: a.domain }) });
  const up = new Set(view.map((a) => a.id));
  const proposals: Proposal[] = [];
  expireOfferWaits(ctx, now);
  permanentFailures(ctx, now);
  maintenanceMoves(ctx);
  const kills = killLeaving(ctx, view, now);
  releases(ctx, up, now, proposals);
  plan(ctx, view, now, proposals);
  const acceptInverseOffers = inverseOfferAnswers(ctx);
  const events = state.events;
  state.events = [];
  return { proposals, kills, acceptInverseOffers, events };
}

function expireOfferWaits(ctx: TickContext, now: number): void {
  for (const [id, p] of ctx.state.pending) {
    if (p.proposal.via !== 'framework' || now - p.at < OFFER_WAIT_MS) continue;
    ctx.state.pending.delete(id);
    ctx.state.log('operation-failed', p.proposal.podInstance, p.proposal.agentId, `${id}: no fitting offer within ${OFFER_WAIT_MS / 1000} s`);
  }
}

/** Lost past the timeout: due for a replace, unless the domain already had its share of replacements. */
function permanentFailures(ctx: TickContext, now: number): void {
  const { state } = ctx;
  for (const inst of state.instances.values()) {
    if (inst.phase !== 'lost' || inst.intent !== undefined || inst.lostSince === undefined || inst.agentId === undefined) continue;
    if (now - inst.lostSince < ctx.timeoutMs) continue;
    const domain = ctx.domainOf(inst.agentId);
    if (!ctx.budget.allows(domain, now)) {
      state.note(inst, 'replace-deferred', `${domain}: rate limit, next at t=${ctx.budget.nextAt(domain, now)}`);
      continue;
    }
    ctx.budget.take(domain, now);
    inst.intent = 'replace';
    inst.automatic = true;
    state.log('replace-due', inst.name, inst.agentId, `agent gone ${now - inst.lostSince} ms (permanent-failure timeout)`);
  }
}

/** Drain one failure domain at a time: the next domain starts once every moved instance runs elsewhere. */
function maintenanceMoves(ctx: TickContext): void {
  const { state } = ctx;
  for (const name of state.moving) {
    const inst = state.instances.get(name);
    if (inst === undefined || (inst.phase === 'running' && inst.agentId !== undefined && !state.draining.has(inst.agentId))) state.moving.delete(name);
  }
  if (state.moving.size > 0 || state.draining.size === 0) return;
  const candidates = [...state.instances.values()].filter((i) => i.agentId !== undefined && state.draining.has(i.agentId) && i.intent === undefined && i.phase !== 'pending');
  if (candidates.length === 0) return;
  const domain = candidates.map((i) => ctx.domainOf(i.agentId!)).sort()[0]!;
  for (const inst of candidates) {
    if (ctx.domainOf(inst.agentId!) !== domain) continue;
    inst.intent = 'move';
    state.moving.add(inst.name);
    state.log('replace-due', inst.name, inst.agentId, `maintenance of ${inst.agentId} (domain ${domain})`);
  }
}

/**
 * A maintenance move stops the task only once the instance has somewhere to go (a dry run of
 * the planner); with nowhere to go it keeps running and the inverse offer stays unanswered.
 * Replace and decommission stop it at once (dcos-commons' `pod replace` kills first).
 */
function canMove(ctx: TickContext, view: readonly ClusterAgent[], inst: Instance): boolean {
  const { state } = ctx;
  const indices = Object.fromEntries([...state.wanted].map(([type, set]) => [type, [...set]]));
  const dry = planService(ctx.spec(), view, {
    ledger: ctx.ledger, seed: ctx.seed, replace: [inst.name], indices, excludeAgent: (a) => (state.draining.has(a.id) ? 'maintenance' : undefined),
  });
  const unplaced = dry.unplaced.find((u) => u.podInstance === inst.name);
  if (unplaced !== undefined) state.note(inst, 'unplaced', `cannot move yet: ${unplaced.summary}`);
  return unplaced === undefined;
}

function killLeaving(ctx: TickContext, view: readonly ClusterAgent[], now: number): KillRequest[] {
  const kills: KillRequest[] = [];
  for (const inst of ctx.state.instances.values()) {
    if (inst.intent === undefined || inst.phase !== 'running' || inst.killSent) continue;
    if (inst.intent === 'move' && !canMove(ctx, view, inst)) continue;
    kills.push({ podInstance: inst.name, agentId: inst.agentId!, taskId: inst.taskId!, reason: inst.intent });
    inst.killSent = true;
    ctx.state.setPhase(inst, 'killing', now);
  }
  return kills;
}

function subsetRelease(service: string, ledger: ReservationLedger, step: AgentOperations, retired: boolean | undefined): ReleasePlan {
  const entries = ledger.entries({ service, podInstance: step.podInstance!, agentId: step.agentId, ...(retired === undefined ? {} : { retired }) });
  return { service, resourceIds: entries.map((e) => e.resourceId), steps: [step] };
}

/** Scale-down (stopped instances, every agent that is up) and garbage collection (retired reservations past the grace period). */
function releases(ctx: TickContext, up: ReadonlySet<string>, now: number, out: Proposal[]): void {
  const { state, ledger } = ctx;
  const spec = ctx.spec();
  const who = { service: spec.name, role: spec.role, principal: spec.principal };
  const propose = (step: AgentOperations, reason: 'scale-down' | 'gc', release: ReleasePlan) => {
    const proposal = releaseProposal(ctx.nextId(), who, step, reason, ctx.mode);
    state.pending.set(proposal.id, { proposal, at: now, release });
    out.push(proposal);
  };
  for (const inst of [...state.instances.values()]) {
    if (inst.intent !== 'decommission' || state.hasPending(inst.name)) continue;
    if (inst.phase === 'pending') {
      state.instances.delete(inst.name);
      continue;
    }
    if (inst.phase !== 'idle' || ledger.entries({ service: spec.name, podInstance: inst.name }).length === 0) continue;
    for (const step of ledger.planRelease(spec.name, [inst.name]).steps) {
      if (up.has(step.agentId)) propose(step, 'scale-down', subsetRelease(spec.name, ledger, step, undefined));
    }
  }
  const graves = state.graves.filter((g) => now - g.retiredAt >= ctx.graceMs && up.has(g.agentId));
  if (graves.length === 0) return;
  let retired: readonly AgentOperations[];
  try {
    retired = ledger.planReleaseRetired(spec.name).steps;
  } catch {
    return; // a retired reservation still carries a task: wait for its end
  }
  for (const g of graves) {
    if (state.pending.size > 0 && [...state.pending.values()].some((p) => p.proposal.podInstance === g.podInstance && p.proposal.agentId === g.agentId)) continue;
    const step = retired.find((s) => s.agentId === g.agentId && s.podInstance === g.podInstance);
    if (step === undefined) {
      state.graves = state.graves.filter((x) => x !== g); // nothing left there
      continue;
    }
    propose(step, 'gc', subsetRelease(spec.name, ledger, step, true));
  }
}

function leaving(inst: Instance): boolean {
  return (inst.intent === 'replace' || inst.intent === 'move') && (inst.phase === 'idle' || inst.phase === 'lost') && inst.agentId !== undefined;
}

/** New and replaced instances in one planner call; serialised: nothing is planned while a reservation is outstanding. */
function plan(ctx: TickContext, view: readonly ClusterAgent[], now: number, out: Proposal[]): void {
  const { state } = ctx;
  for (const p of state.pending.values()) if (p.proposal.kind === 'reserve') return;
  const replace = [...state.instances.values()].filter(leaving);
  const fresh = [...state.instances.values()].filter((i) => i.phase === 'pending' && i.intent === undefined);
  if (replace.length === 0 && fresh.length === 0) return;
  const spec = ctx.spec();
  const indices = Object.fromEntries([...state.wanted].map(([type, set]) => [type, [...set]]));
  const excludeAgent = (a: ClusterAgent) => (state.draining.has(a.id) ? 'maintenance' : undefined);
  // The planner takes replaced instances out of the tally. One that then finds no agent stays
  // where it is, so the plan is redone without it: the others must not take its rack.
  let leavers = replace.map((i) => i.name);
  const stuck: Unplaced[] = [];
  let result = planService(spec, view, { ledger: ctx.ledger, seed: ctx.seed, replace: leavers, excludeAgent, indices });
  for (;;) {
    const unplacedLeavers = new Set(result.unplaced.filter((u) => leavers.includes(u.podInstance)).map((u) => u.podInstance));
    if (unplacedLeavers.size === 0) break;
    stuck.push(...result.unplaced.filter((u) => unplacedLeavers.has(u.podInstance)));
    leavers = leavers.filter((n) => !unplacedLeavers.has(n));
    result = planService(spec, view, { ledger: ctx.ledger, seed: ctx.seed, replace: leavers, excludeAgent, indices });
  }
  for (const u of stuck) {
    const inst = state.instances.get(u.podInstance);
    if (inst !== undefined) state.note(inst, 'unplaced', u.summary);
  }
  for (const placement of result.placements) {
    const inst = state.instances.get(placement.podInstance);
    if (inst === undefined) continue;
    const reason = inst.intent === 'move' ? 'maintenance' : inst.intent === 'replace' ? 'replace' : state.scaledUp.has(inst.name) ? 'scale-up' : 'deploy';
    const proposal = reserveProposal(ctx.nextId(), result, placement, reason, ctx.mode);
    state.pending.set(proposal.id, { proposal, at: now, plan: result, placement });
    out.push(proposal);
  }
  for (const u of result.unplaced) {
    const inst = state.instances.get(u.podInstance);
    if (inst !== undefined) state.note(inst, 'unplaced', u.summary);
  }
}

/** ACCEPT once nothing of the service lives on the agent (its retired leftovers do not count). */
function inverseOfferAnswers(ctx: TickContext): string[] {
  const { state, ledger } = ctx;
  const accept: string[] = [];
  for (const agentId of state.inverseOffers) {
    const held = ledger.entries({ service: state.service, agentId, retired: false }).length > 0;
    const running = [...state.instances.values()].some((i) => i.agentId === agentId && (i.phase === 'running' || i.phase === 'killing'));
    if (held || running) continue;
    accept.push(agentId);
    state.inverseOffers.delete(agentId);
    // The allocator asks again while retired leftovers are offered to us there; say so once.
    if (!state.accepted.has(agentId)) state.log('inverse-offer-accepted', undefined, agentId);
    state.accepted.add(agentId);
  }
  return accept;
}
