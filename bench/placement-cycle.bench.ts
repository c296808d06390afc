/**
 * The added cost per allocation cycle of the reservation steering (the engine's `reservationOwners`
 * stage) against Mesos's default policy, on the DeclineOffers shape of allocator.bench.ts: agents
 * cpus:24;mem:4096;disk:4096;ports:[31000-32000], each partly used by a framework, every offer
 * declined with a huge filter. Added here: 100 of the frameworks are data services (named
 * svc0…svc99, roles [their data role, `*`]), and every fifth agent holds a labelled dynamic
 * reservation with a persistent volume for one of them (what the planner makes). Two layouts:
 * `role-per-service` (role `data/svcN`, the usual one: Mesos's role rules already keep services
 * apart) and `shared-role` (all 100 in role `data`: the steering is what keeps them apart). Only
 * allocate() is timed. Policies on identical clusters:
 * - default: DEFAULT_POLICY (Mesos's rules only);
 * - steering: withReservationSteering(DEFAULT_POLICY). On a reservation agent, a non-owner is
 *   offered the unreserved rest; once that is taken (or declined), the visit on what is left (the
 *   reservation only) asks the owner alone and notes the other 99 at once (the owners' plan,
 *   src/allocator/reservation-owners.ts);
 * - no-op stages: a filter and size that return at once: the engine's own price for calling
 *   stages at all, for comparison with a policy that steers in `filter`/`size`.
 * Why `default` costs more here than allocator.bench.ts's DeclineOffers (same agents, one role
 * there): with `role-per-service` there are 101 roles, so every agent visit orders 101 roles, and on
 * the reservation agents (one in five) the visit goes on through every service role after the
 * offer (the reservation is left), deriving that role's allocatable view of the agent each time.
 * The first timed cycle is reported on its own (the earlier steering was asked ~100k times there
 * before its rejections were remembered; the owners' plan needs no such warm-up); the median is
 * over all timed cycles.
 * `PLACEMENT_RESERVATION_EVERY=n` puts the reservation on every n-th agent instead (1: on all, to
 * isolate what a reservation agent costs).
 * Run: `node --import tsx bench/placement-cycle.bench.ts [agents] [frameworks] [rounds]` (both layouts).
 */
import { AllocatorEngine } from '../src/allocator/index.ts';
import { DEFAULT_POLICY, definePolicy, type Policy } from '../src/policy/index.ts';
import { agentsOwn } from './native/fixtures/decline-offers.ts';
import { parseResources, Resources, type Range, type ResourceInput } from '../src/resources/index.ts';
import { reservationLabels, withReservationSteering } from '../src/placement/index.ts';

const AGENT_CAPABILITIES = ['MULTI_ROLE', 'HIERARCHICAL_ROLE', 'RESERVATION_REFINEMENT'] as const;
const SERVICES = 100;
/** Every fifth agent holds a service's reservation (override: PLACEMENT_RESERVATION_EVERY, to isolate the per-agent costs). */
const RESERVATION_EVERY = Number(process.env.PLACEMENT_RESERVATION_EVERY ?? 5);
export type RoleLayout = 'role-per-service' | 'shared-role';

export interface PlacementCycleFigure {
  readonly policy: string;
  readonly layout: RoleLayout;
  readonly agents: number;
  readonly frameworks: number;
  readonly cyclesMs: readonly number[];
  readonly medianMs: number;
  readonly offers: readonly number[];
}

export interface PlacementCycleComparison {
  readonly layout: RoleLayout;
  readonly figures: readonly PlacementCycleFigure[];
  /** steering median / default median − 1, over all timed cycles. */
  readonly addedCost: number;
  /** The same over the first timed cycle of each run only. */
  readonly firstCycleAddedCost: number;
  /** no-op stages median / default median − 1: what calling stages at all costs the engine. */
  readonly stageCallCost: number;
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

export function setup(layout: RoleLayout, agents: number, frameworks: number, policy: Policy): { engine: AllocatorEngine; clock: { now: number }; first: ReturnType<AllocatorEngine['allocate']> } {
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
    const total = i % RESERVATION_EVERY === 0 ? parseResources('cpus:22;mem:3840;disk:3584;ports:[31000-32000]').plus(Resources.of(serviceReservation(layout, `svc${i % SERVICES}`, i))) : plain;
    engine.addAgent(`agent${i}`, { hostname: `host${i}` }, AGENT_CAPABILITIES, undefined, agentsOwn(total), new Map([[`framework${i % frameworks}`, agentsOwn(used)]]));
  }
  const first = engine.allocate(clock.now);
  return { engine, clock, first };
}

export function placementCycle(layout: RoleLayout, name: string, policy: Policy, agents: number, frameworks: number, rounds: number): PlacementCycleFigure {
  const { engine, clock, first } = setup(layout, agents, frameworks, policy);
  let last = first;
  const cyclesMs: number[] = [];
  const offers: number[] = [];
  for (let i = 0; i < rounds; i++) {
    for (const [f, byRole] of last.offers) for (const byAgent of byRole.values()) for (const [a, r] of byAgent) engine.recoverResources(f, a, r, { refuseSeconds: 2147483647 });
    clock.now += 1000;
    const start = process.hrtime.bigint();
    const result = engine.allocate(clock.now);
    cyclesMs.push(Number(process.hrtime.bigint() - start) / 1e6);
    let n = 0;
    for (const byRole of result.offers.values()) for (const byAgent of byRole.values()) n += byAgent.size;
    offers.push(n);
    last = result;
  }
  return { policy: name, layout, agents, frameworks, cyclesMs, medianMs: median(cyclesMs), offers };
}

/** Default, steering and no-op stages on identical clusters; policies interleaved over `repeats` so load drifts hit all three. */
export function runPlacementCycleBench(layout: RoleLayout = 'role-per-service', agents = 10_000, frameworks = 1_000, rounds = 10, repeats = 2): PlacementCycleComparison {
  const policies: Array<[string, () => Policy]> = [
    ['default', () => DEFAULT_POLICY],
    ['steering', () => withReservationSteering(DEFAULT_POLICY)],
    ['no-op stages', () => definePolicy({ name: 'noop', filter: () => true, size: () => undefined })],
  ];
  const all = new Map<string, PlacementCycleFigure[]>();
  for (let r = 0; r < repeats; r++) {
    for (const [name, make] of policies) all.set(name, [...(all.get(name) ?? []), placementCycle(layout, name, make(), agents, frameworks, rounds)]);
  }
  const figures = policies.map(([name]) => {
    const runs = all.get(name)!;
    const cyclesMs = runs.flatMap((f) => f.cyclesMs);
    return { policy: name, layout, agents, frameworks, cyclesMs, medianMs: median(cyclesMs), offers: runs[0]!.offers };
  });
  const firstCycles = (name: string) => median(all.get(name)!.map((f) => f.cyclesMs[0]!));
  const [base, steer, noop] = figures.map((f) => f.medianMs) as [number, number, number];
  return { layout, figures, addedCost: steer / base - 1, firstCycleAddedCost: firstCycles('steering') / firstCycles('default') - 1, stageCallCost: noop / base - 1 };
}

export function formatPlacementCycle(c: PlacementCycleComparison): string {
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  const lines = c.figures.map((f) => `${c.layout.padEnd(16)} ${f.policy.padEnd(13)} ${f.agents} agents × ${f.frameworks} frameworks: median ${f.medianMs.toFixed(1)} ms, first cycle ${f.cyclesMs[0]!.toFixed(1)} ms, max ${Math.max(...f.cyclesMs).toFixed(1)} ms over ${f.cyclesMs.length} cycles (${f.offers.join('/')} offers in the first run)`);
  lines.push(`added cost of the steering: ${pct(c.addedCost)} per cycle (first cycle ${pct(c.firstCycleAddedCost)}); no-op filter and size stages: ${pct(c.stageCallCost)}`);
  return lines.join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [agents, frameworks, rounds] = process.argv.slice(2).map(Number);
  for (const layout of ['role-per-service', 'shared-role'] as const) {
    console.log(formatPlacementCycle(runPlacementCycleBench(layout, agents || 10_000, frameworks || 1_000, rounds || 10)));
  }
}
