// Small helpers shared by the conformance tests (not a test file itself).
import assert from 'node:assert/strict';
import type { TestCluster, CycleView } from '../../../src/testing/index.ts';
import type { ReasonCode } from '../../../src/allocator/explain.ts';

/** Mesos's default `--allocation_interval`, which buildCluster keeps unless told otherwise. */
export const INTERVAL = 1000;

/** An agent's `--resources` in the JSON form (protobuf JSON), for what the text form cannot say. */
export function jsonResources(resources: readonly object[]): string {
  return JSON.stringify(resources);
}

export function scalar(name: string, value: number, extra: Record<string, unknown> = {}): object {
  return { name, type: 'SCALAR', scalar: { value }, ...extra };
}

export function dynamic(...roles: string[]): { reservations: object[] } {
  return { reservations: roles.map((role) => ({ type: 'DYNAMIC', role })) };
}

/** The reason codes `explain` gives for (framework, agent) after the last cycle. */
export function reasonCodes(cluster: TestCluster, frameworkId: string, agentId: string): ReasonCode[] {
  return cluster.engine.explain(frameworkId, agentId).reasons.map((r) => r.code);
}

export function assertReason(cluster: TestCluster, frameworkId: string, agentId: string, code: ReasonCode, role?: string): void {
  const reasons = cluster.engine.explain(frameworkId, agentId).reasons;
  const hit = reasons.some((r) => r.code === code && (role === undefined || r.role === role));
  assert.ok(hit, `expected explain(${frameworkId}, ${agentId}) to give '${code}'${role === undefined ? '' : ` for role '${role}'`}, got ${JSON.stringify(reasons)}`);
}

/** The cycle made no offer at all. */
export function assertNoOffers(cycle: CycleView, why = 'expected no offers'): void {
  assert.equal(cycle.offerCount, 0, `${why}; got ${cycle.entries().map((e) => `${e.frameworkId}/${e.role}/${e.agentId}: ${e.resources}`).join(', ')}`);
}

/** Runs cycles as they fall due (any pending event-triggered one first) up to and including the next periodic one; returns that one. */
export function nextPeriodic(cluster: TestCluster): CycleView {
  for (let i = 0; i < 3; i++) {
    const due = cluster.engine.nextCycleAt();
    const cycles = cluster.advance(Math.max(0, due - cluster.clock.now()));
    const periodic = cycles.find((c) => c.result.periodic);
    if (periodic !== undefined) return periodic;
  }
  throw new assert.AssertionError({ message: 'no periodic cycle ran' });
}

/** Agents the framework got something on in this cycle, sorted. */
export function agentsOf(cycle: CycleView, frameworkId: string): string[] {
  return [...new Set(cycle.entries().filter((e) => e.frameworkId === frameworkId).map((e) => e.agentId))].sort();
}
