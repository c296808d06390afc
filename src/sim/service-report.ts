/**
 * `simulateServices`: runs a data-service scenario and reports per cycle what happened
 * (placements, launches and sticky relaunches, replacements, volumes created and destroyed),
 * then each service's instances, their volumes, and whether the ledger equals the cluster.
 */
import type { Policy } from '../policy/index.ts';
import type { InstanceStatus, LifecycleEvent } from '../placement/index.ts';
import type { Scenario } from './scenario.ts';
import { ServiceSimulation, type ServiceSimCycle } from './service-simulation.ts';

export interface ServiceSummary {
  readonly instances: readonly InstanceStatus[];
  /** Instance → its volumes' persistence ids (current reservations). */
  readonly volumes: Readonly<Record<string, readonly string[]>>;
  readonly ledgerConsistent: boolean;
  readonly leaked: number;
  readonly missing: number;
  readonly mismatched: number;
}

export interface ServiceSimReport {
  readonly kind: 'services';
  readonly cycles: readonly ServiceSimCycle[];
  readonly services: Readonly<Record<string, ServiceSummary>>;
  readonly policyErrors: Readonly<Record<string, number>>;
}

export function summarize(sim: ServiceSimulation): Record<string, ServiceSummary> {
  const out: Record<string, ServiceSummary> = {};
  for (const [name, fw] of sim.services) {
    const volumes: Record<string, string[]> = {};
    for (const e of sim.ledger.entries({ service: name, retired: false })) {
      if (e.persistenceId !== undefined) (volumes[e.podInstance] ??= []).push(e.persistenceId);
    }
    const r = sim.ledger.reconcile(sim.book.totals, { services: [name] });
    out[name] = { instances: fw.controller.status(), volumes, ledgerConsistent: r.consistent, leaked: r.leaked.length, missing: r.missing.length, mismatched: r.mismatched.length };
  }
  return out;
}

export function simulateServices(scenario: Scenario, policy?: Policy, cycles = scenario.cycles): ServiceSimReport {
  const sim = new ServiceSimulation(scenario, policy);
  const report: ServiceSimCycle[] = [];
  for (let i = 0; i < cycles; i++) report.push(sim.step());
  return { kind: 'services', cycles: report, services: summarize(sim), policyErrors: Object.fromEntries(sim.engine.policy.errors) };
}

function eventLine(e: LifecycleEvent): string {
  const who = e.podInstance === undefined ? '' : ` ${e.podInstance}`;
  const where = e.agentId === undefined ? '' : ` on ${e.agentId}`;
  return `  [${e.service}] ${e.kind}${who}${where}${e.detail === undefined ? '' : `: ${e.detail}`}`;
}

export function formatServiceReport(report: ServiceSimReport): string {
  const lines: string[] = [];
  for (const c of report.cycles) {
    const running = Object.entries(c.running).map(([s, n]) => `${s}=${n}`).join(' ');
    lines.push(`cycle ${c.cycle} (t=${c.at} ms): ${c.offers} offer${c.offers === 1 ? '' : 's'}, running ${running === '' ? '(none)' : running}`);
    for (const e of c.events) lines.push(eventLine(e));
    for (const o of c.operations) {
      if (!o.ok) lines.push(`  [${o.service}] ${o.operations.join(',')} for ${o.podInstance} on ${o.agentId} FAILED: ${o.error ?? ''}`);
    }
  }
  for (const [name, s] of Object.entries(report.services)) {
    lines.push(`service ${name}: ledger ${s.ledgerConsistent ? 'equals the cluster' : `differs (leaked ${s.leaked}, missing ${s.missing}, mismatched ${s.mismatched})`}`);
    for (const i of s.instances) {
      const vols = s.volumes[i.podInstance] ?? [];
      lines.push(`  ${i.podInstance.padEnd(14)} ${i.phase.padEnd(8)} ${(i.agentId ?? '-').padEnd(12)}${vols.length > 0 ? ` volumes ${vols.join(',')}` : ''}${i.intent === undefined ? '' : ` (${i.intent})`}`);
    }
  }
  const errors = Object.entries(report.policyErrors);
  if (errors.length > 0) lines.push(`policy errors: ${errors.map(([stage, n]) => `${stage}=${n}`).join(' ')}`);
  return lines.join('\n') + '\n';
}
