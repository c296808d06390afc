/**
 * Small helpers shared by the conformance tests (Mesos's hierarchical_allocator_tests.cpp
 * re-expressed against the engine). Mesos's fixture drives the allocator directly and waits with
 * `Clock::settle()` / `Clock::advance(allocation_interval)`; `settle` and `tick` are those.
 */
import assert from 'node:assert/strict';
import type { FrameworkCapability, FrameworkInfo, Quota, Unavailability } from '../../../src/allocator/types.ts';
import { parseResourceLimits, parseResourceQuantities, parseResources, Resources, type ResourceInput } from '../../../src/resources/index.ts';
import { CycleView, DEFAULT_AGENT_CAPABILITIES, type TestCluster } from '../../../src/testing/index.ts';

/** The allocation interval of every conformance cluster (Mesos's default, 1 s). */
export const INTERVAL = 1000;

/** Resources as the master holds them (reservations and volumes allowed). */
export function r(text: string): Resources {
  return parseResources(text, { commandLine: false });
}

/** Mesos tests' `createQuota(guarantees, limits)`; one argument sets both, as the legacy helper does. */
export function quota(guarantees: string, limits: string = guarantees): Quota {
  return { guarantees: parseResourceQuantities(guarantees), limits: parseResourceLimits(limits) };
}

/** Processes the events of "now" (Mesos `Clock::settle()`): at most one batched cycle, or an empty view. */
export function settle(cluster: TestCluster): CycleView {
  const views = cluster.advance(0);
  assert.ok(views.length <= 1, `expected at most one cycle, got ${views.length}`);
  return views[0] ?? new CycleView({ offers: new Map(), inverseOffers: new Map(), candidates: 0, periodic: false, operatorCalls: [] }, cluster);
}

/** Mesos `Clock::advance(allocation_interval)`: exactly one cycle (the periodic one) runs. */
export function tick(cluster: TestCluster, ms: number = INTERVAL): CycleView {
  const views = cluster.advance(ms);
  assert.equal(views.length, 1, `expected exactly one cycle within ${ms} ms, got ${views.length}`);
  return views[0]!;
}

/** Adds an agent through the engine with `used` resources per framework (Mesos `addSlave(..., used)`). */
export function addAgentWithUsed(
  cluster: TestCluster,
  id: string,
  total: Resources | string,
  used: Readonly<Record<string, Resources>>,
  unavailability?: Unavailability,
): void {
  cluster.engine.addAgent(
    id,
    { hostname: id },
    DEFAULT_AGENT_CAPABILITIES,
    unavailability,
    typeof total === 'string' ? r(total) : total,
    new Map(Object.entries(used)),
  );
}

/** The FrameworkInfo a test cluster builds for a MULTI_ROLE framework. */
export function frameworkInfo(roles: readonly string[], capabilities: readonly FrameworkCapability[] = []): FrameworkInfo {
  return { roles, capabilities: ['MULTI_ROLE', ...capabilities.filter((c) => c !== 'MULTI_ROLE')] };
}

/** Adds a framework through the engine with `used` resources per agent (Mesos `addFramework(..., used, active)`). */
export function addFrameworkWithUsed(
  cluster: TestCluster,
  id: string,
  roles: readonly string[],
  used: Readonly<Record<string, Resources>>,
  active = true,
  capabilities: readonly FrameworkCapability[] = [],
): void {
  cluster.engine.addFramework(id, frameworkInfo(roles, capabilities), new Map(Object.entries(used)), active, {});
}

/** A JSON `--resources` text from resource inputs (for MOUNT disks, volumes, revocable and dynamic reservations). */
export function jsonResources(...resources: readonly ResourceInput[]): string {
  return JSON.stringify(resources.map(toJson));
}

function toJson(input: ResourceInput): Record<string, unknown> {
  const out: Record<string, unknown> = { name: input.name };
  if (input.scalar !== undefined) Object.assign(out, { type: 'SCALAR', scalar: { value: input.scalar } });
  if (input.ranges !== undefined) Object.assign(out, { type: 'RANGES', ranges: { range: input.ranges.map((x) => ({ begin: x.begin, end: x.end })) } });
  if (input.set !== undefined) Object.assign(out, { type: 'SET', set: { item: [...input.set] } });
  if (input.reservations !== undefined && input.reservations.length > 0) out.reservations = input.reservations.map((x) => ({ ...x }));
  if (input.disk !== undefined) {
    const disk: Record<string, unknown> = {};
    if (input.disk.persistence !== undefined) disk.persistence = { ...input.disk.persistence };
    if (input.disk.volume !== undefined) disk.volume = { container_path: input.disk.volume.containerPath, mode: input.disk.volume.mode };
    if (input.disk.source !== undefined) {
      const s = input.disk.source;
      disk.source = { type: s.type, ...(s.root === undefined ? {} : { [s.type === 'MOUNT' ? 'mount' : 'path']: { root: s.root } }) };
    }
    out.disk = disk;
  }
  if (input.revocable === true) out.revocable = {};
  if (input.shared === true) out.shared = {};
  return out;
}

/** `createDiskResource(size, "*", None, None, createDiskSourceMount())`: an unreserved MOUNT disk. */
export function mountDisk(size: number, root = '/mnt/disk'): ResourceInput {
  return { name: 'disk', scalar: size, disk: { source: { type: 'MOUNT', root } } };
}

export function scalar(name: string, value: number, role?: string, type: 'STATIC' | 'DYNAMIC' = 'STATIC', principal = 'ops'): ResourceInput {
  if (role === undefined) return { name, scalar: value };
  return { name, scalar: value, reservations: [type === 'STATIC' ? { type, role } : { type, role, principal }] };
}

/** A persistent volume on `role`'s disk (dynamically reserved, as a framework or operator creates it). */
export function persistentVolume(size: number, role: string, id: string, options: { shared?: boolean; allocationRole?: string; principal?: string } = {}): ResourceInput {
  return {
    name: 'disk',
    scalar: size,
    reservations: [{ type: 'DYNAMIC', role, principal: options.principal ?? 'ops' }],
    disk: { persistence: { id, principal: options.principal ?? 'ops' }, volume: { containerPath: 'data', mode: 'RW' } },
    ...(options.shared === true ? { shared: true } : {}),
    ...(options.allocationRole === undefined ? {} : { allocationRole: options.allocationRole }),
  };
}

/** Resources.equals on unallocated copies, with a readable message. */
export function assertSameResources(actual: Resources | undefined, expected: Resources | string, message = 'resources differ'): void {
  const want = typeof expected === 'string' ? r(expected) : expected;
  assert.ok(actual !== undefined, `${message}: got nothing, expected ${want.unallocate()}`);
  assert.ok(actual.unallocate().equals(want.unallocate()), `${message}\n  actual:   ${actual.unallocate()}\n  expected: ${want.unallocate()}`);
}

/** The sum of everything a cycle offered (unallocated). */
export function totalOffered(view: CycleView): Resources {
  let total = Resources.EMPTY;
  for (const e of view.entries()) total = total.plus(e.resources.unallocate());
  return total;
}
