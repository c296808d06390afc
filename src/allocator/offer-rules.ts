/**
 * Small rules the cycle applies per (agent, role, framework), kept apart from the cycle's
 * control flow: capability stripping, which resources count against quota, and the views a
 * policy sees.
 */
import type { Resources } from '../resources/index.ts';
import type { AgentView, FrameworkView } from '../policy/index.ts';
import { usedBy } from './used.ts';
import type { AgentState } from './agent.ts';
import type { FrameworkState } from './framework.ts';
import type { Quantities } from './quantities.ts';
import type { AllocatorState } from './state.ts';

export function shuffle<T>(items: T[], random: () => number): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const t = items[i]!;
    items[i] = items[j]!;
    items[j] = t;
  }
  return items;
}

export function isQuotaScalar(r: { type: string; reservations: readonly unknown[]; revocable?: boolean }): boolean {
  return r.type === 'SCALAR' && r.reservations.length === 0 && r.revocable !== true;
}

export const EMPTY_QUANTITIES: Quantities = new Map();

/** The names of `resources` when all of them are unreserved non-revocable scalars, else undefined. */
export function plainScalarNames(resources: Resources): string[] | undefined {
  // Straight on the items' identities: this runs for every agent of every cycle.
  const items = resources.itemsView();
  const names: string[] = [];
  for (let i = 0; i < items.length; i++) {
    const meta = items[i]!.meta;
    if (meta.type !== 'SCALAR' || meta.reservations.length > 0 || meta.revocable || meta.disk !== undefined) return undefined;
    if (!names.includes(meta.name)) names.push(meta.name);
  }
  return names.sort();
}

/** Whether any of `resources` is revocable (without building the revocable subset). */
export function hasRevocable(resources: Resources): boolean {
  for (const item of resources.itemsView()) if (item.meta.revocable) return true;
  return false;
}

export function isOwnReservation(r: { reservations: readonly { role: string }[] }, role: string): boolean {
  const n = r.reservations.length;
  return n > 0 && r.reservations[n - 1]!.role === role;
}

export function ancestorsOf(role: string): string[] {
  const out: string[] = [];
  for (let i = role.length - 1; i >= 0; i--) if (role.charCodeAt(i) === 47) out.push(role.slice(0, i));
  return out;
}

export function scalarMilli(q: ReadonlyMap<string, number>): Quantities {
  const out: Quantities = new Map();
  for (const [name, amount] of q) {
    const milli = Math.round(amount * 1000);
    if (milli > 0) out.set(name, milli);
  }
  return out;
}

/** Mesos `stripIncapableResources`: shared, revocable and refined reservations need capabilities. */
export function stripIncapableResources(resources: Resources, framework: FrameworkState): Resources {
  const shared = framework.has('SHARED_RESOURCES');
  const revocable = framework.has('REVOCABLE_RESOURCES');
  const refinement = framework.has('RESERVATION_REFINEMENT');
  if (shared && revocable && refinement) return resources;
  // Usually nothing needs a capability: then `filter` would keep everything, so skip it.
  let strip = false;
  for (const item of resources.itemsView()) {
    const meta = item.meta;
    if ((!shared && meta.shared) || (!revocable && meta.revocable) || (!refinement && meta.reservations.length > 1)) {
      strip = true;
      break;
    }
  }
  if (!strip) return resources;
  return resources.filter((r) => (shared || r.shared !== true) && (revocable || r.revocable !== true) && (refinement || r.reservations.length <= 1));
}

/**
 * The policy's view of a framework, built once per change of the framework (`update` drops it)
 * rather than per (framework, agent) visit: building it was the largest part of calling a stage.
 * Same own properties as before; `allocation` and `used` are still computed when read (they change with every offer and launch).
 */
export function frameworkView(state: AllocatorState, framework: FrameworkState): FrameworkView {
  return (framework.policyView ??= {
    id: framework.id,
    ...(framework.info.name === undefined ? {} : { name: framework.info.name }),
    roles: framework.roles,
    capabilities: framework.capabilities,
    ...(framework.info.principal === undefined ? {} : { principal: framework.info.principal }),
    get allocation(): ReadonlyMap<string, Resources> {
      const out = new Map<string, Resources>();
      for (const agent of state.agents.values()) {
        const held = agent.offeredOrAllocated().get(framework.id);
        if (held !== undefined) out.set(agent.id, held);
      }
      return out;
    },
    get used(): ReadonlyMap<string, Resources> {
      return usedBy(state, framework.id);
    },
  });
}

/** The policy's view of an agent, kept on the agent until its info or total is replaced; `available` is read live. */
export function agentView(agent: AgentState): AgentView {
  const cached = agent.policyView;
  if (cached !== undefined && cached.info === agent.info && cached.view.total === agent.total) return cached.view;
  const view: AgentView = {
    id: agent.id,
    hostname: agent.info.hostname,
    attributes: agent.info.attributes ?? [],
    ...(agent.info.domain === undefined ? {} : { domain: agent.info.domain }),
    total: agent.total,
    get available() {
      return agent.available;
    },
  };
  agent.policyView = { info: agent.info, view };
  return view;
}
