/**
 * The added cost per allocation cycle of the reservation steering stages (placement-aware
 * filter + size) against Mesos's default policy, on the DeclineOffers shape of
 * allocator.bench.ts: agents cpus:24;mem:4096;disk:4096;ports:[31000-32000], each partly used by
 * a framework, every offer declined with a huge filter. Added here: 100 of the frameworks are
 * data services (named svc0…svc99, roles [their data role, `*`]), and every fifth agent holds a
 * labelled dynamic reservation with a persistent volume for one of them (what the planner
 * makes). Two layouts: `role-per-service` (role `data/svcN`, the usual one: Mesos's role rules
 * already keep services apart) and `shared-role` (all 100 in role `data`: the steering is what
 * keeps them apart). Only allocate() is timed. Three policies on identical clusters:
 * - default: DEFAULT_POLICY (no stages; the engine skips building offer contexts);
 * - no-op stages: a filter and size that return at once (the engine's own price of calling stages);
 * - steering: withReservationSteering(DEFAULT_POLICY). Its "reserved for another owner" rejections
 *   say `until: 'agent-changes'`, so in `shared-role` the engine asks each non-owner once per agent
 *   content, then skips it without a call; once the role's frameworks are known on that content, a
 *   visit asks only the few not remembered (skip plans, src/allocator/role-visit.ts) instead of
 *   walking past the ~99 remembered ones.
 * Why `default` costs more here than allocator.bench.ts's DeclineOffers (same agents, one role
 * there): with `role-per-service` there are 101 roles, so every agent visit orders 101 roles, and on
 * the reservation agents (one in five) the visit goes on through every service role after the
 * offer (the reservation is left), deriving that role's allocatable view of the agent each time.
 * Warm-up vs steady state: in `shared-role` the first timed cycles are the ones where the
 * rejections are (re)made and remembered (the policy is asked ~100k times in the first, ~12k in the
 * second, then once per offer), so a median over all cycles mixes two regimes. Each run counts the
 * policy's `filter` calls per cycle (a counter in a wrapper: one extra call per ask, on the no-op
 * and steering policies alike); the leading cycles where the steering was asked more than
 * WARM_UP_ASKS_PER_OFFER × its offers are warm-up, the rest steady state, and the same cycle indices
 * split every policy. All three medians are printed (all cycles, warm-up, steady state).
 * Run: `node --import tsx bench/placement-cycle.bench.ts [agents] [frameworks] [rounds]` (both layouts).
 */
import { AllocatorEngine } from '../src/allocator/index.ts';
import { DEFAULT_POLICY, definePolicy, type Policy } from '../src/policy/index.ts';
import { parseResources, Resources, type Range, type ResourceInput } from '../src/resources/index.ts';
import { reservationLabels, withReservationSteering } from '../src/placement/index.ts';

const AGENT_CAPABILITIES = ['MULTI_ROLE', 'HIERARCHICAL_ROLE', 'RESERVATION_REFINEMENT'] as const;
const SERVICES = 100;
/** A cycle is steady once the steering is asked about once per offer (only the agent's taker, no non-owners re-asked). */
const WARM_UP_ASKS_PER_OFFER = 1.1;

export type RoleLayout = 'role-per-service' | 'shared-role';

export interface PlacementCycleFigure {
  readonly policy: string;
  readonly layout: RoleLayout;
  readonly agents: number;
  readonly frameworks: number;
  readonly cyclesMs: readonly number[];
  readonly medianMs: number;
  readonly offers: readonly number[];
  /** Calls of the policy's `filter` per timed cycle (0 without a filter stage). */
  readonly asks: readonly number[];
}

/** Medians over a subset of cycles (same cycle indices for every policy). */
export interface PlacementCycleMedians {
  readonly policy: string;
  readonly allMs: number;
  readonly warmUpMs: number | undefined;
  readonly steadyMs: number | undefined;
}

export interface PlacementCycleComparison {
  readonly layout: RoleLayout;
  readonly figures: readonly PlacementCycleFigure[];
  /** steering median / default median − 1. */
  readonly addedCost: number;
  /** no-op stages median / default median − 1: the part the engine's stage calls cost by themselves. */
  readonly stageCallCost: number;
  /** How many leading cycles of each run are warm-up (see the header). */
  readonly warmUpCycles: number;
  readonly medians: readonly PlacementCycleMedians[];
  /** steering / default − 1 over warm-up cycles only, and over steady-state cycles only (undefined when there are none). */
  readonly warmUpAddedCost: number | undefined;
  readonly steadyAddedCost: number | undefined;
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? 0;
}

function sixteenPorts(): Range[] {
  return Array.from({ length: 16 }, (_, i) => ({ begin: 31000 + i * 62, end: 31000 + i * 62 }));
}

/** A service's labelled reservation with a volume, as the planner's RESERVE + CREATE leave it. */
function serviceRole(layout: RoleLayout, service: string): string {
  return layout === 'shared-role' ? 'data' : `data/${service}`;
}

function serviceReservation(layout: RoleLayout, service: string, agent: number): ResourceInput[] {
  const reservation = (kind: string) => [{ type: 'DYNAMIC' as const, role: serviceRole(layout, service), principal: service, labels: reservationLabels(service, `node-${agent}`, `${service}-${agent}-${kind}`) }];
  return [
    { name: 'cpus', scalar: 2, reservations: reservation('cpus') },
    { name: 'mem', scalar: 256, reservations: reservation('mem') },
    { name: 'disk', scalar: 512, reservations: reservation('disk'), disk: { persistence: { id: `${service}-${agent}-vol`, principal: service }, volume: { containerPath: 'data', mode: 'RW' } } },
  ];
}

function setup(layout: RoleLayout, agents: number, frameworks: number, policy: Policy): { engine: AllocatorEngine; clock: { now: number }; first: ReturnType<AllocatorEngine['allocate']> } {
  const clock = { now: 0 };
  const engine = new AllocatorEngine();
  engine.initialize({ clock: () => clock.now, seed: 1, policy });
  for (let i = 0; i < frameworks; i++) {
    const service = i < SERVICES;
    engine.addFramework(`framework${i}`, { ...(service ? { name: `svc${i}` } : {}), roles: service ? [serviceRole(layout, `svc${i}`), '*'] : ['*'], capabilities: ['MULTI_ROLE'] }, new Map(), true);
  }
  const plain = parseResources('cpus:24;mem:4096;disk:4096;ports:[31000-32000]');
  const used = parseResources('cpus:16;mem:2014;disk:1024').plus([{ name: 'ports', ranges: sixteenPorts() }]).allocate('*');
  for (let i = 0; i < agents; i++) {
    // Every fifth agent: part of its disk and cpus reserved for one service, with a volume.
    const total = i % 5 === 0 ? parseResources('cpus:22;mem:3840;disk:3584;ports:[31000-32000]').plus(Resources.of(serviceReservation(layout, `svc${i % SERVICES}`, i))) : plain;
    engine.addAgent(`agent${i}`, { hostname: `host${i}` }, AGENT_CAPABILITIES, undefined, total, new Map([[`framework${i % frameworks}`, used]]));
  }
  const first = engine.allocate(clock.now);
  return { engine, clock, first };
}

/** The policy with its filter calls counted (unchanged when it has no filter, so the engine still skips contexts). */
function countingAsks(policy: Policy, counter: { asks: number }): Policy {
  const filter = policy.filter;
  if (filter === undefined) return policy;
  return { ...policy, filter: (ctx) => { counter.asks++; return filter.call(policy, ctx); } };
}

export function placementCycle(layout: RoleLayout, name: string, policy: Policy, agents: number, frameworks: number, rounds: number): PlacementCycleFigure {
  const counter = { asks: 0 };
  const { engine, clock, first } = setup(layout, agents, frameworks, countingAsks(policy, counter));
  let last = first;
  const cyclesMs: number[] = [];
  const offers: number[] = [];
  const asks: number[] = [];
  for (let i = 0; i < rounds; i++) {
    for (const [f, byRole] of last.offers) for (const byAgent of byRole.values()) for (const [a, r] of byAgent) engine.recoverResources(f, a, r, { refuseSeconds: 2147483647 });
    clock.now += 1000;
    counter.asks = 0;
    const start = process.hrtime.bigint();
    const result = engine.allocate(clock.now);
    cyclesMs.push(Number(process.hrtime.bigint() - start) / 1e6);
    asks.push(counter.asks);
    let n = 0;
    for (const byRole of result.offers.values()) for (const byAgent of byRole.values()) n += byAgent.size;
    offers.push(n);
    last = result;
  }
  return { policy: name, layout, agents, frameworks, cyclesMs, medianMs: median(cyclesMs), offers, asks };
}

/** Leading cycles in which the policy was asked more than WARM_UP_ASKS_PER_OFFER × its offers. */
function warmUpLength(f: PlacementCycleFigure): number {
  let n = 0;
  while (n < f.asks.length && f.asks[n]! > WARM_UP_ASKS_PER_OFFER * f.offers[n]!) n++;
  return n;
}

/** Default, no-op stages and steering on identical clusters; policies interleaved over `repeats` so load drifts hit all three. */
export function runPlacementCycleBench(layout: RoleLayout = 'role-per-service', agents = 10_000, frameworks = 1_000, rounds = 10, repeats = 2): PlacementCycleComparison {
  const policies: Array<[string, () => Policy]> = [
    ['default', () => DEFAULT_POLICY],
    ['no-op stages', () => definePolicy({ name: 'noop', filter: () => true, size: () => undefined })],
    ['steering', () => withReservationSteering(DEFAULT_POLICY)],
  ];
  const all = new Map<string, PlacementCycleFigure[]>();
  for (let r = 0; r < repeats; r++) {
    for (const [name, make] of policies) {
      const f = placementCycle(layout, name, make(), agents, frameworks, rounds);
      all.set(name, [...(all.get(name) ?? []), f]);
    }
  }
  const figures = policies.map(([name]) => {
    const runs = all.get(name)!;
    const cyclesMs = runs.flatMap((f) => f.cyclesMs);
    return { policy: name, layout, agents, frameworks, cyclesMs, medianMs: median(cyclesMs), offers: runs[0]!.offers, asks: runs[0]!.asks };
  });
  const warmUpCycles = Math.max(...all.get('steering')!.map(warmUpLength));
  const medians = policies.map(([name]): PlacementCycleMedians => {
    const runs = all.get(name)!;
    const warm = runs.flatMap((f) => f.cyclesMs.slice(0, warmUpCycles));
    const steady = runs.flatMap((f) => f.cyclesMs.slice(warmUpCycles));
    return { policy: name, allMs: median(runs.flatMap((f) => f.cyclesMs)), warmUpMs: warm.length > 0 ? median(warm) : undefined, steadyMs: steady.length > 0 ? median(steady) : undefined };
  });
  const [base, noop, steer] = figures.map((f) => f.medianMs) as [number, number, number];
  const ratio = (a: number | undefined, b: number | undefined) => (a === undefined || b === undefined ? undefined : a / b - 1);
  return {
    layout, figures, addedCost: steer / base - 1, stageCallCost: noop / base - 1, warmUpCycles, medians,
    warmUpAddedCost: ratio(medians[2]!.warmUpMs, medians[0]!.warmUpMs),
    steadyAddedCost: ratio(medians[2]!.steadyMs, medians[0]!.steadyMs),
  };
}

export function formatPlacementCycle(c: PlacementCycleComparison): string {
  const ms = (x: number | undefined) => (x === undefined ? '—' : `${x.toFixed(1)} ms`);
  const pct = (x: number | undefined) => (x === undefined ? '—' : `${(x * 100).toFixed(1)}%`);
  const rounds = c.figures[0]!.offers.length;
  const warmLabel = c.warmUpCycles === 0 ? 'warm-up (none)' : `warm-up (cycle${c.warmUpCycles > 1 ? `s 1–${c.warmUpCycles}` : ' 1'} of each run)`;
  const lines = c.figures.map((f, i) => {
    const m = c.medians[i]!;
    const asks = f.asks.some((n) => n > 0) ? `, policy asked ${f.asks.join('/')}` : '';
    return `${c.layout.padEnd(16)} ${f.policy.padEnd(13)} ${f.agents} agents × ${f.frameworks} frameworks: median all ${ms(m.allMs)}, ${warmLabel} ${ms(m.warmUpMs)}, steady ${ms(m.steadyMs)}; max ${Math.max(...f.cyclesMs).toFixed(1)} ms over ${f.cyclesMs.length} cycles (${f.offers.join('/')} offers${asks} in the first run)`;
  });
  lines.push(`added cost of the steering stages: all cycles ${pct(c.addedCost)}, warm-up ${pct(c.warmUpAddedCost)}, steady state (cycles ${c.warmUpCycles + 1}–${rounds}) ${pct(c.steadyAddedCost)} per cycle (the engine's stage calls alone, all cycles: ${pct(c.stageCallCost)})`);
  return lines.join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [agents, frameworks, rounds] = process.argv.slice(2).map(Number);
  for (const layout of ['role-per-service', 'shared-role'] as const) {
    console.log(formatPlacementCycle(runPlacementCycleBench(layout, agents || 10_000, frameworks || 1_000, rounds || 10)));
  }
}
