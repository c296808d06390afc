/**
 * The shapes of Mesos's own allocator benchmarks (reference §6.1), driven through the engine's
 * public API exactly as Mesos's benchmarks drive HierarchicalAllocatorProcess:
 * - DeclineOffers: agents cpus:24;mem:4096;disk:4096;ports:[31000-32000], each partly used by a
 *   framework (cpus:16;mem:2014;disk:1024 + 16 ports), every offer declined with a huge filter.
 * - SuppressOffers: the same agents; each round recovers all offers unfiltered and suppresses
 *   another fifth of the frameworks.
 * - LargeAndSmallQuota: 2,500 small + 500 large quota roles, one framework each, 3,000 agents
 *   cpus:2;mem:2048;disk:2048; one cycle that makes the allocations, then one that makes none.
 * Only allocate() is timed, as Mesos times only the allocation run.
 */
import { AllocatorEngine } from '../src/allocator/index.ts';
import { parseResources, parseResourceLimits, parseResourceQuantities, Resources, type Range } from '../src/resources/index.ts';
import { agentsOwn } from './native/fixtures/decline-offers.ts';

const AGENT_CAPABILITIES = ['MULTI_ROLE', 'HIERARCHICAL_ROLE', 'RESERVATION_REFINEMENT'] as const;

export interface CycleFigure {
  readonly name: string;
  readonly agents: number;
  readonly frameworks: number;
  /** Milliseconds per timed cycle. */
  readonly cyclesMs: readonly number[];
  readonly offers: readonly number[];
  readonly heapMB: number;
  /** Peak resident set size of the process seen after any timed cycle so far. */
  readonly peakRssMB: number;
}

let peakRss = 0;
function notePeak(): number {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
  return peakRss / 2 ** 20;
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? 0;
}

function sixteenPorts(): Range[] {
  // Mesos's fragment(createRange(31000, 32000), 16): 16 disjoint pieces.
  return Array.from({ length: 16 }, (_, i) => ({ begin: 31000 + i * 62, end: 31000 + i * 62 }));
}

function setup(agents: number, frameworks: number, usedText: string): { engine: AllocatorEngine; clock: { now: number }; first: ReturnType<AllocatorEngine['allocate']> } {
  const clock = { now: 0 };
  const engine = new AllocatorEngine();
  engine.initialize({ clock: () => clock.now, seed: 1 });
  for (let i = 0; i < frameworks; i++) engine.addFramework(`framework${i}`, { roles: ['*'], capabilities: ['MULTI_ROLE'] }, new Map(), true);
  const total = parseResources('cpus:24;mem:4096;disk:4096;ports:[31000-32000]');
  const used = parseResources(usedText).plus([{ name: 'ports', ranges: sixteenPorts() }]).allocate('*');
  for (let i = 0; i < agents; i++) {
    engine.addAgent(`agent${i}`, { hostname: `host${i}` }, AGENT_CAPABILITIES, undefined, agentsOwn(total), new Map([[`framework${i % frameworks}`, agentsOwn(used)]]));
  }
  const first = engine.allocate(clock.now); // the event-triggered cycle of the adds, as in Mesos's setup
  return { engine, clock, first };
}

function timedCycle(engine: AllocatorEngine, clock: { now: number }): { ms: number; offers: number; result: ReturnType<AllocatorEngine['allocate']> } {
  clock.now += 1000;
  const start = process.hrtime.bigint();
  const result = engine.allocate(clock.now);
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  notePeak();
  let offers = 0;
  for (const byRole of result.offers.values()) for (const byAgent of byRole.values()) offers += byAgent.size;
  return { ms, offers, result };
}

function forEachOffer(result: ReturnType<AllocatorEngine['allocate']>, fn: (framework: string, agent: string, resources: Resources) => void): void {
  for (const [framework, byRole] of result.offers) for (const byAgent of byRole.values()) for (const [agent, resources] of byAgent) fn(framework, agent, resources);
}

export function declineOffers(agents: number, frameworks: number, rounds: number): CycleFigure {
  const { engine, clock, first } = setup(agents, frameworks, 'cpus:16;mem:2014;disk:1024');
  let last = first;
  const cyclesMs: number[] = [];
  const offers: number[] = [];
  for (let i = 0; i < rounds; i++) {
    forEachOffer(last, (f, a, r) => engine.recoverResources(f, a, r, { refuseSeconds: 2147483647 }));
    const cycle = timedCycle(engine, clock);
    cyclesMs.push(cycle.ms);
    offers.push(cycle.offers);
    last = cycle.result;
  }
  return { name: 'DeclineOffers', agents, frameworks, cyclesMs, offers, heapMB: process.memoryUsage().heapUsed / 2 ** 20, peakRssMB: notePeak() };
}

export function suppressOffers(agents: number, frameworks: number): CycleFigure {
  const { engine, clock, first } = setup(agents, frameworks, 'cpus:16;mem:1024;disk:1024');
  let last = first;
  const cyclesMs: number[] = [];
  const offers: number[] = [];
  let suppressed = 0;
  for (let i = 0; i < 5; i++) {
    forEachOffer(last, (f, a, r) => engine.recoverResources(f, a, r, undefined));
    const target = Math.floor((frameworks * (i + 1)) / 5);
    for (; suppressed < target; suppressed++) engine.suppressOffers(`framework${suppressed}`);
    const cycle = timedCycle(engine, clock);
    cyclesMs.push(cycle.ms);
    offers.push(cycle.offers);
    last = cycle.result;
  }
  return { name: 'SuppressOffers', agents, frameworks, cyclesMs, offers, heapMB: process.memoryUsage().heapUsed / 2 ** 20, peakRssMB: notePeak() };
}

export function largeAndSmallQuota(smallRoles: number, largeRoles: number): CycleFigure {
  const clock = { now: 0 };
  const engine = new AllocatorEngine();
  engine.initialize({ clock: () => clock.now, seed: 1 });
  const agents = smallRoles / 5 + largeRoles * 5;
  const total = parseResources('cpus:2;mem:2048;disk:2048');
  for (let i = 0; i < agents; i++) engine.addAgent(`agent${i}`, { hostname: `host${i}` }, AGENT_CAPABILITIES, undefined, agentsOwn(total), new Map());
  engine.allocate(clock.now); // agents first, with no framework yet (Mesos's initializeCluster)
  engine.pause();
  const roles = [...Array.from({ length: smallRoles }, (_, i) => ['small', i] as const), ...Array.from({ length: largeRoles }, (_, i) => ['large', i] as const)];
  for (const [kind, i] of roles) {
    engine.addFramework(`framework_${kind}_${i}`, { roles: [`${kind}QuotaRole${i}`], capabilities: ['MULTI_ROLE'] }, new Map(), true);
  }
  for (const [kind, i] of roles) {
    const text = kind === 'small' ? 'cpus:1;mem:1024;disk:1024' : 'cpus:4;mem:4096;disk:4096';
    engine.updateQuota(`${kind}QuotaRole${i}`, { guarantees: parseResourceQuantities(text), limits: parseResourceLimits(text) });
  }
  engine.resume();
  const first = timedCycle(engine, clock);
  const second = timedCycle(engine, clock);
  return { name: 'LargeAndSmallQuota', agents, frameworks: roles.length, cyclesMs: [first.ms, second.ms], offers: [first.offers, second.offers], heapMB: process.memoryUsage().heapUsed / 2 ** 20, peakRssMB: notePeak() };
}

export function formatFigure(f: CycleFigure): string {
  const ms = f.cyclesMs;
  return `${f.name.padEnd(18)} ${String(f.agents).padStart(6)} agents × ${String(f.frameworks).padStart(5)} frameworks: ` +
    `${ms.length === 2 ? `${ms[0]!.toFixed(1)} ms then ${ms[1]!.toFixed(1)} ms` : `median ${median(ms).toFixed(1)} ms, max ${Math.max(...ms).toFixed(1)} ms per cycle over ${ms.length} cycles`} ` +
    `(${f.offers.join('/')} offers), heap ${f.heapMB.toFixed(0)} MB, peak RSS ${f.peakRssMB.toFixed(0)} MB`;
}
