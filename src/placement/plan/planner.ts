/**
 * The placement planner: for every pod instance of a service the ledger does not hold, the agent
 * it goes to and the operations that reserve its resources and create its volumes.
 *
 * Order and choice. Pods in spec order, instances by index (dcos-commons' serial deploy). For an
 * instance, the candidate agents are those that pass the pod's hard constraints (through the
 * constraints module's incremental tally) and fit the instance. Among them the planner takes the
 * best soft-constraint score, then the most headroom (how many more instances of this pod the
 * agent could hold: its scarcest resource over the pod's need, so instances spread over the
 * emptiest agents), then the seeded agent order (`agentRank(id, seed)`), then the view's order.
 * With soft constraints that read the tally (e.g. a soft rack UNIQUE), agents are examined in
 * (agent-only soft score, headroom, rank) order and the first whose score no later agent can
 * beat wins, so an equal score further down that order does not displace it. Placed instances
 * stay: the ledger's instances are counted in the tally and their reservations are not free.
 *
 * Cost. Agents sit in a heap per pod; an agent that no longer fits, or that a constraint with a
 * final refusal refuses (pod-rules.ts), leaves it for the rest of the pass, so a pass costs about
 * O((instances + agents) · log agents) checks instead of O(instances × agents). Agent-only rules
 * (LIKE, UNLIKE, IS, and soft ones) are evaluated once per agent and pod.
 */
import { PlacementTally, type EvaluationOptions, type PlacementAgent } from '../constraints/index.ts';
import { podInstanceName, type PodSpec, type ServiceSpec } from '../service/index.ts';
import { ClusterCapacity } from './capacity.ts';
import type { Take } from './pieces.ts';
import { demandNames, podDemand, type PodDemand } from './demand.ts';
import { AgentHeap } from './heap.ts';
import { agentRank, seededIds } from './ids.ts';
import { placementOperations } from './operations.ts';
import { podRules, type PodRules } from './pod-rules.ts';
import { summarize, unplacedReasons } from './report.ts';
import type { ClusterAgent, IdSource, PlacedPodInstance, Placement, Plan, PlanOptions, Unplaced } from './types.ts';

export class PlanError extends Error {
  override readonly name: string = 'PlanError';
}

interface Pass {
  readonly spec: ServiceSpec;
  readonly capacity: ClusterCapacity;
  readonly rank: Uint32Array;
  readonly excluded: ReadonlyArray<string | undefined>;
  readonly ids: IdSource;
  readonly options: PlanOptions;
  readonly placements: Placement[];
  readonly unplaced: Unplaced[];
}

function snapshot(agent: ClusterAgent): PlacementAgent {
  return { id: agent.id, hostname: agent.hostname, attributes: agent.attributes, ...(agent.domain === undefined ? {} : { domain: agent.domain }) };
}

/**
 * The best agent for the next instance, removed from the heap, with what it takes; undefined
 * when none. Agents come out best first by (agent-only soft score, headroom, rank); without
 * soft constraints that read the tally the first that fits and is accepted is the answer,
 * otherwise the scan goes on until no later agent could score higher (its fixed score plus the
 * tally-dependent soft constraints' full weight), ties going to the earlier agent.
 */
function search(heap: AgentHeap, pass: Pass, pod: PodPass, tally: PlacementTally): { agent: number; take: Take; score: number } | undefined {
  const { capacity } = pass;
  const { demand, rules, fixedScore, evalOptions } = pod;
  const agents = capacity.agents;
  const dynamic = rules.dynamicSoft;
  const dynamicMax = dynamic === undefined ? 0 : dynamic.maxScore;
  const stash: number[] = [];
  let best = -1;
  let bestScore = -Infinity;
  while (heap.size > 0) {
    if (best >= 0 && (fixedScore === undefined ? 0 : fixedScore[heap.peek()]!) + dynamicMax <= bestScore) break;
    const a = heap.pop();
    const room = capacity.headroom(a, demand);
    if (room < heap.keyOf(a)) {
      heap.push(a, room); // stale key: capacity went to another pod's instance
      continue;
    }
    if (!capacity.fits(a, demand)) continue; // capacity only shrinks: gone for this pass
    if (!rules.compiled.accepts(agents[a]!, tally, evalOptions)) {
      if (!rules.finalRefusals) stash.push(a);
      continue;
    }
    const score = (fixedScore === undefined ? 0 : fixedScore[a]!) + (dynamic === undefined ? 0 : dynamic.score(agents[a]!, tally, evalOptions));
    if (score > bestScore) {
      if (best >= 0) stash.push(best);
      best = a;
      bestScore = score;
    } else stash.push(a);
    if (dynamic === undefined) break;
  }
  for (const a of stash) heap.push(a, heap.keyOf(a));
  if (best < 0) return undefined;
  const take = capacity.planTake(best, demand);
  // fits() said yes and nothing changed since, so this holds; kept defensive.
  if (typeof take === 'string') throw new PlanError(`internal: agent ${agents[best]!.id} fitted but cannot be taken: ${take}`);
  return { agent: best, take, score: bestScore };
}

/** The indices of the pod's instances the service wants, ascending. */
function wantedIndices(pod: PodSpec, options: PlanOptions): readonly number[] {
  const given = options.indices?.[pod.type];
  if (given !== undefined) return [...new Set(given)].sort((a, b) => a - b);
  return Array.from({ length: pod.count }, (_, i) => i);
}

/** What a pod's pass keeps besides the heap and the tally. */
interface PodPass {
  readonly demand: PodDemand;
  readonly rules: PodRules;
  /** Per agent, the agent-only soft score (undefined without such constraints). */
  readonly fixedScore: Float64Array | undefined;
  readonly evalOptions: EvaluationOptions;
}

function planPod(pass: Pass, pod: PodSpec, placed: readonly PlacedPodInstance[], replace: ReadonlySet<string>, out: { kept: PlacedPodInstance[] }): void {
  const { capacity, spec } = pass;
  const agents = capacity.agents;
  const rules = podRules(pod);
  const demand = podDemand(pod);
  const tally = new PlacementTally();
  const have = new Set<number>();
  const leaving = new Map<string, string>();
  for (const p of placed) {
    if (replace.has(p.podInstance)) {
      leaving.set(p.podInstance, p.agent.id);
      continue;
    }
    tally.add(p.agent, p.podInstance);
    have.add(p.index);
    out.kept.push(p);
  }
  const missing: number[] = [];
  for (const i of wantedIndices(pod, pass.options)) if (!have.has(i)) missing.push(i);
  if (missing.length === 0) return;

  // Candidates: not excluded, pass the agent-only constraints, fit one instance now.
  const empty = new PlacementTally();
  const fixedScore = rules.staticSoft === undefined ? undefined : new Float64Array(agents.length);
  const heap = new AgentHeap(agents.length, pass.rank, fixedScore);
  const candidates: PlacementAgent[] = [];
  for (let a = 0; a < agents.length; a++) {
    if (pass.excluded[a] !== undefined || !rules.agentOnly.accepts(agents[a]!, empty) || !capacity.fits(a, demand)) continue;
    if (fixedScore !== undefined) fixedScore[a] = rules.staticSoft!.score(agents[a]!, empty);
    heap.append(a, capacity.headroom(a, demand));
    candidates.push(agents[a]!);
  }
  heap.heapify();
  const evalOptions: EvaluationOptions = {
    targetInstances: pod.count,
    candidates, // SPREAD's eligible domains: where this pod could go at all
    ...(pass.options.localRegion === undefined ? {} : { localRegion: pass.options.localRegion }),
  };
  const podPass: PodPass = { demand, rules, fixedScore, evalOptions };

  let failure: { reasons: Unplaced['reasons']; summary: string } | undefined;
  for (const index of missing) {
    const podInstance = podInstanceName(pod.type, index);
    // Nothing changes between two instances of one pod that fail, so the first report holds for the rest.
    const found = failure === undefined ? search(heap, pass, podPass, tally) : undefined;
    if (found === undefined) {
      if (failure === undefined) {
        const reasons = unplacedReasons({ capacity, demand, rules, tally, options: evalOptions, excluded: pass.excluded });
        failure = { reasons, summary: summarize(reasons) };
      }
      pass.unplaced.push({ podInstance, podType: pod.type, index, ...failure });
      continue;
    }
    const { agent: a, take, score } = found;
    const agent = agents[a]!;
    const { reservations, operations } = placementOperations(take, { service: spec.name, role: spec.role, principal: spec.principal, podInstance, ids: pass.ids });
    capacity.commit(a, take);
    tally.add(agent, podInstance);
    if (capacity.fits(a, demand)) heap.push(a, capacity.headroom(a, demand));
    const replaces = leaving.get(podInstance);
    pass.placements.push({
      podInstance,
      podType: pod.type,
      index,
      agent: snapshot(agent),
      score,
      ...(replaces === undefined ? {} : { replaces }),
      reservations,
      operations,
    });
  }
}

/**
 * Plans the service's instances that the ledger does not hold yet (and those in
 * `options.replace`). Pure: the cluster view and the ledger are read, never changed. Throws
 * PlanError for an inconsistent view (duplicate agent ids) or ledger (an instance twice).
 */
export function planService(spec: ServiceSpec, cluster: readonly ClusterAgent[], options: PlanOptions = {}): Plan {
  const seed = options.seed ?? 0;
  const ids = new Set<string>();
  for (const agent of cluster) {
    if (ids.has(agent.id)) throw new PlanError(`agent ${agent.id} appears twice in the cluster view`);
    ids.add(agent.id);
  }
  const demands = spec.pods.map(podDemand);
  const capacity = new ClusterCapacity(cluster, spec.role, demandNames(demands));
  const rank = new Uint32Array(cluster.length);
  for (let a = 0; a < cluster.length; a++) rank[a] = agentRank(cluster[a]!.id, seed);
  const exclude = options.excludeAgent;
  const excluded = exclude === undefined ? new Array<undefined>(cluster.length) : cluster.map((a) => exclude(a));
  const ledger = options.ledger;
  const pass: Pass = {
    spec,
    capacity,
    rank,
    excluded,
    ids: options.ids ?? seededIds(seed, ledger === undefined ? undefined : (id) => ledger.hasId(id)),
    options,
    placements: [],
    unplaced: [],
  };

  // The ledger's instances by pod type; those beyond the count or of a removed pod are surplus.
  const byPod = new Map<string, PlacedPodInstance[]>(spec.pods.map((p) => [p.type, []]));
  const wanted = new Map(spec.pods.map((p) => [p.type, new Set(wantedIndices(p, options))]));
  const surplus: PlacedPodInstance[] = [];
  const seen = new Set<string>();
  for (const p of ledger?.placed(spec.name) ?? []) {
    if (seen.has(p.podInstance)) throw new PlanError(`the ledger holds instance ${p.podInstance} twice`);
    seen.add(p.podInstance);
    const list = byPod.get(p.podType);
    if (list === undefined || !wanted.get(p.podType)!.has(p.index)) surplus.push(p);
    else list.push(p);
  }
  const replace = new Set(options.replace ?? []);
  const out = { kept: [] as PlacedPodInstance[] };
  for (const pod of spec.pods) planPod(pass, pod, byPod.get(pod.type)!, replace, out);
  const lost = out.kept.filter((p) => !ids.has(p.agent.id));
  return {
    service: spec.name,
    role: spec.role,
    principal: spec.principal,
    placements: pass.placements,
    kept: out.kept,
    lost,
    surplus,
    unplaced: pass.unplaced,
    complete: pass.unplaced.length === 0,
  };
}
