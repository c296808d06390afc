/**
 * The scenario simulator: an engine with a manual clock, simple frameworks that launch tasks
 * out of their offers until their demand is met and decline the rest, the policy's operator calls
 * made right after each cycle (as the master's operator API would), and a per-cycle report of
 * offers, launches, operator calls and per-role dominant shares.
 */
import { AllocatorEngine } from '../allocator/engine.ts';
import type { Policy } from '../policy/index.ts';
import { parseAttributes, type Resources } from '../resources/index.ts';
import { formatOperatorCall, makeOperatorCalls, type SimOperatorCall } from './operator-calls.ts';
import type { FrameworkScenario, Scenario } from './scenario.ts';
import { takeQuantities } from './take.ts';

const DEFAULT_AGENT_CAPABILITIES = ['MULTI_ROLE', 'HIERARCHICAL_ROLE', 'RESERVATION_REFINEMENT'] as const;

export interface SimOffer {
  readonly frameworkId: string;
  readonly role: string;
  readonly agentId: string;
  readonly resources: string;
  readonly tasksLaunched: number;
}

export type { SimOperatorCall } from './operator-calls.ts';

export interface SimCycle {
  readonly cycle: number;
  readonly at: number;
  readonly offers: readonly SimOffer[];
  /** The policy's operator calls of this cycle (and of event-triggered cycles before the next), made in order. */
  readonly operatorCalls: readonly SimOperatorCall[];
  /** Weighted dominant share per role after the cycle. */
  readonly shares: Readonly<Record<string, number>>;
  readonly tasksRunning: Readonly<Record<string, number>>;
}

export interface SimReport {
  readonly cycles: readonly SimCycle[];
  readonly policyErrors: Readonly<Record<string, number>>;
}

export function simulate(scenario: Scenario, policy?: Policy, cycles = scenario.cycles): SimReport {
  let now = 0;
  const engine = new AllocatorEngine();
  engine.initialize({
    clock: () => now,
    seed: scenario.options.seed,
    allocationIntervalMs: scenario.options.allocationIntervalMs,
    ...(scenario.options.minAllocatableResources === undefined ? {} : { minAllocatableResources: scenario.options.minAllocatableResources }),
    ...(scenario.options.fairnessExcludeResourceNames === undefined ? {} : { fairnessExcludeResourceNames: scenario.options.fairnessExcludeResourceNames }),
    ...(policy === undefined ? {} : { policy }),
  });
  for (const [role, quota] of scenario.quotas) engine.updateQuota(role, quota);
  if (scenario.weights.size > 0) engine.updateWeights([...scenario.weights].map(([role, weight]) => ({ role, weight })));
  for (const agent of scenario.agents) {
    engine.addAgent(agent.id, { hostname: agent.hostname, attributes: agent.attributesText === undefined ? [] : parseAttributes(agent.attributesText) }, agent.capabilities ?? DEFAULT_AGENT_CAPABILITIES, undefined, agent.resources, new Map());
  }
  const running = new Map<string, number>();
  const byId = new Map<string, FrameworkScenario>();
  for (const fw of scenario.frameworks) {
    byId.set(fw.id, fw);
    running.set(fw.id, 0);
    engine.addFramework(fw.id, {
      ...(fw.name === undefined ? {} : { name: fw.name }),
      roles: fw.roles,
      capabilities: fw.capabilities ?? ['MULTI_ROLE'],
      ...(fw.principal === undefined ? {} : { principal: fw.principal }),
    }, new Map(), true);
  }

  const report: SimCycle[] = [];
  for (let i = 0; i < cycles; i++) {
    const result = engine.allocate(now);
    // Made right after the cycle, on what the policy saw unallocated, before the frameworks answer.
    const operatorCalls = makeOperatorCalls(engine, result.operatorCalls);
    const offers: SimOffer[] = [];
    for (const [frameworkId, byRole] of result.offers) {
      const fw = byId.get(frameworkId)!;
      for (const [role, byAgent] of byRole) {
        for (const [agentId, offered] of byAgent) {
          const launched = launchTasks(engine, fw, agentId, offered, running);
          offers.push({ frameworkId, role, agentId, resources: String(offered.unallocate()), tasksLaunched: launched });
        }
      }
    }
    const shares: Record<string, number> = {};
    for (const role of engine.state.roleSorter.sort()) shares[role] = round(engine.state.roleSorter.share(role));
    report.push({ cycle: i, at: now, offers, operatorCalls, shares, tasksRunning: Object.fromEntries(running) });
    now += scenario.options.allocationIntervalMs;
    // Event-triggered cycles in between (none in a plain simulation); their calls are made too.
    for (const between of engine.advanceTo(now - 1)) operatorCalls.push(...makeOperatorCalls(engine, between.operatorCalls));
  }
  return { cycles: report, policyErrors: Object.fromEntries(engine.policy.errors) };
}

/** Launches as many tasks as fit and demand allows; declines the rest with the framework's filter. */
function launchTasks(engine: AllocatorEngine, fw: FrameworkScenario, agentId: string, offered: Resources, running: Map<string, number>): number {
  const need = fw.taskResources.quantities();
  let left = offered;
  let used: Resources | undefined;
  let launched = 0;
  while ((running.get(fw.id) ?? 0) < fw.tasks) {
    const task = takeQuantities(left, need);
    if (task === undefined) break;
    left = left.minus(task);
    used = used === undefined ? task : used.plus(task);
    running.set(fw.id, (running.get(fw.id) ?? 0) + 1);
    launched++;
  }
  if (!left.isEmpty()) engine.recoverResources(fw.id, agentId, left, { refuseSeconds: fw.refuseSeconds });
  if (used !== undefined) engine.transitionOfferedToAllocated(agentId, used);
  return launched;
}

function round(x: number): number {
  return Math.round(x * 10000) / 10000;
}

export function formatReport(report: SimReport): string {
  const lines: string[] = [];
  for (const c of report.cycles) {
    lines.push(`cycle ${c.cycle} (t=${c.at} ms): ${c.offers.length} offer${c.offers.length === 1 ? '' : 's'}`);
    for (const o of c.offers) lines.push(`  ${o.frameworkId} [${o.role}] on ${o.agentId}: ${o.resources}${o.tasksLaunched > 0 ? ` → launched ${o.tasksLaunched} task${o.tasksLaunched === 1 ? '' : 's'}` : ' → declined'}`);
    for (const call of c.operatorCalls) lines.push(`  ${formatOperatorCall(call)}`);
    const shares = Object.entries(c.shares).map(([role, s]) => `${role}=${s}`).join(' ');
    lines.push(`  dominant shares: ${shares === '' ? '(no roles)' : shares}`);
  }
  const errors = Object.entries(report.policyErrors);
  if (errors.length > 0) lines.push(`policy errors: ${errors.map(([stage, n]) => `${stage}=${n}`).join(' ')}`);
  return lines.join('\n') + '\n';
}
