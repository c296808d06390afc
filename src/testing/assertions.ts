/**
 * Assertions for allocation tests, with failure messages that say why: the engine's own
 * explanation of the (framework, agent) pair is part of every failure.
 */
import { AssertionError } from 'node:assert';
import type { OperatorCallResult } from '../policy/index.ts';
import { isStrictSubroleOf, parseResources, type Resources } from '../resources/index.ts';
import type { TestCluster } from './cluster.ts';
import type { CycleView } from './cycle-view.ts';

function explanation(cluster: TestCluster | undefined, frameworkId: string, agentId: string): string {
  if (cluster === undefined) return '';
  const e = cluster.engine.explain(frameworkId, agentId);
  return e.reasons.length === 0 ? '\n  explain: no reason recorded' : `\n  explain:\n${e.reasons.map((r) => `    - ${r.code}${r.role === undefined ? '' : ` [${r.role}]`}: ${r.message}`).join('\n')}`;
}

function describeCycle(cycle: CycleView): string {
  const entries = cycle.entries();
  if (entries.length === 0) return '  (the cycle made no offers)';
  return entries.map((e) => `  ${e.frameworkId} / ${e.role} / ${e.agentId}: ${e.resources}`).join('\n');
}

export interface OfferExpectation {
  readonly role?: string;
  /** The offer must equal these (a `--resources` string is read with allocation roles ignored). */
  readonly resources?: Resources | string;
  /** The offer must contain these. */
  readonly including?: Resources | string;
}

function toResources(r: Resources | string): Resources {
  return typeof r === 'string' ? parseResources(r, { commandLine: false }) : r;
}

/** Framework F is offered agent A (in role R, with these resources). */
export function assertOffered(cycle: CycleView, frameworkId: string, agentId: string, expected: OfferExpectation = {}, cluster?: TestCluster): Resources {
  const offered = cycle.offered(frameworkId, agentId, expected.role);
  const where = `${frameworkId} on ${agentId}${expected.role === undefined ? '' : ` in role '${expected.role}'`}`;
  if (offered === undefined) {
    throw new AssertionError({ message: `expected an offer to ${where}, got none\n  offers of the cycle:\n${describeCycle(cycle)}${explanation(cluster, frameworkId, agentId)}` });
  }
  if (expected.resources !== undefined) {
    const want = toResources(expected.resources);
    if (!offered.unallocate().equals(want.unallocate())) {
      throw new AssertionError({ message: `offer to ${where} differs\n  offered:  ${offered.unallocate()}\n  expected: ${want.unallocate()}`, actual: String(offered.unallocate()), expected: String(want.unallocate()), operator: 'equals' });
    }
  }
  if (expected.including !== undefined) {
    const want = toResources(expected.including);
    if (!offered.unallocate().contains(want.unallocate())) {
      throw new AssertionError({ message: `offer to ${where} lacks ${want.unallocate().minus(offered.unallocate())}\n  offered: ${offered.unallocate()}` });
    }
  }
  return offered;
}

export function assertNotOffered(cycle: CycleView, frameworkId: string, agentId: string, cluster?: TestCluster): void {
  const offered = cycle.offered(frameworkId, agentId);
  if (offered !== undefined) {
    throw new AssertionError({ message: `expected no offer to ${frameworkId} on ${agentId}, got ${offered}\n  offers of the cycle:\n${describeCycle(cycle)}` });
  }
  void cluster;
}

/** Nothing reserved for R reaches a role outside R's subtree (Mesos `isAllocatableTo`). */
export function assertReservationsStayInRole(cycle: CycleView): void {
  for (const e of cycle.entries()) {
    for (const r of e.resources) {
      const n = r.reservations.length;
      if (n === 0) continue;
      const owner = r.reservations[n - 1]!.role;
      if (e.role !== owner && !isStrictSubroleOf(e.role, owner)) {
        throw new AssertionError({ message: `resources reserved for '${owner}' were offered to ${e.frameworkId} in role '${e.role}' on ${e.agentId}: ${r.name}` });
      }
    }
  }
}

/** Every resource of every offer carries its allocation role, and each framework has at most one (role, agent) entry. */
export function assertOffersWellFormed(cycle: CycleView): void {
  for (const e of cycle.entries()) {
    for (const r of e.resources) {
      if (r.allocationRole !== e.role) {
        throw new AssertionError({ message: `offer to ${e.frameworkId} in role '${e.role}' on ${e.agentId} has ${r.name} with allocation role ${String(r.allocationRole)}` });
      }
    }
  }
}

function describeOperatorCalls(cycle: CycleView): string {
  if (cycle.operatorCalls.length === 0) return '  (the policy asked for no operator calls this cycle)';
  return cycle.operatorCalls.map((c) => {
    const result = cycle.operatorCall(c.id)?.result;
    const outcome = result === undefined ? 'not made (held)' : result.ok ? 'ok' : `failed after ${result.applied} (${result.httpStatus ?? 'no status'}): ${result.message ?? ''}`;
    return `  ${c.id} on ${c.agentId}: ${c.operations.map((op) => op.type).join(', ')} → ${outcome}`;
  }).join('\n');
}

/**
 * The policy asked for operator call `id` this cycle (on `agentId`, when given), and — with `ok` —
 * it was made and succeeded (true) or failed (false). Returns the call's result when it was made.
 */
export function assertOperatorCall(cycle: CycleView, id: string, expected: { readonly agentId?: string; readonly ok?: boolean } = {}): OperatorCallResult | undefined {
  const entry = cycle.operatorCall(id);
  if (entry === undefined) throw new AssertionError({ message: `expected an operator call '${id}', got none\n  operator calls of the cycle:\n${describeOperatorCalls(cycle)}` });
  if (expected.agentId !== undefined && entry.call.agentId !== expected.agentId) {
    throw new AssertionError({ message: `operator call '${id}' is on ${entry.call.agentId}, expected ${expected.agentId}`, actual: entry.call.agentId, expected: expected.agentId, operator: '===' });
  }
  if (expected.ok !== undefined && entry.result?.ok !== expected.ok) {
    throw new AssertionError({ message: `expected operator call '${id}' to ${expected.ok ? 'succeed' : 'fail'}\n  operator calls of the cycle:\n${describeOperatorCalls(cycle)}` });
  }
  return entry.result;
}
