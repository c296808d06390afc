/**
 * Mesos `FrameworkInfo` ⇄ the engine's FrameworkInfo: roles, capabilities (enum numbers → names)
 * and `offer_filters[role].min_allocatable_resources` (→ per-role alternatives of quantities).
 */
import type { FrameworkCapability, FrameworkInfo } from '../../allocator/index.ts';
import type { ResourceQuantities } from '../../resources/index.ts';
import { protocol, type wire } from '../protocol.ts';
import { enumName, entries, list, opt } from './presence.ts';
import { scalarMapFromWire, scalarMapToWire } from './values.ts';

const FRAMEWORK_CAPABILITIES: ReadonlySet<FrameworkCapability> = new Set<FrameworkCapability>([
  'MULTI_ROLE', 'RESERVATION_REFINEMENT', 'SHARED_RESOURCES', 'REVOCABLE_RESOURCES', 'GPU_RESOURCES', 'REGION_AWARE', 'PARTITION_AWARE', 'TASK_KILLING_STATE',
]);

/** Capability names; UNKNOWN and unknown numbers are dropped, as the allocator ignores them. */
export function frameworkCapabilitiesFromWire(capabilities: readonly wire.FrameworkInfo.ICapability[] | null | undefined): FrameworkCapability[] {
  const out: FrameworkCapability[] = [];
  for (const c of list(capabilities)) {
    const name = enumName(protocol.FrameworkInfo.Capability.Type, FRAMEWORK_CAPABILITIES, c.type);
    if (name !== undefined) out.push(name);
  }
  return out;
}

/**
 * Mesos ResourceQuantities from `OfferFilters.ResourceQuantities`: zero amounts vanish (absent
 * means zero); negative ones are an error.
 */
export function quantitiesFromWire(q: wire.OfferFilters.IResourceQuantities, field: string): ResourceQuantities {
  const out = new Map<string, number>();
  for (const [name, amount] of scalarMapFromWire(q.quantities, `${field}.quantities`)) if (amount > 0) out.set(name, amount);
  return out;
}

export function quantitiesToWire(q: ResourceQuantities): wire.OfferFilters.IResourceQuantities {
  return { quantities: scalarMapToWire(q) };
}

/** Per role, the alternatives of `min_allocatable_resources` when it is set (set but empty: no minimum). */
function minAllocatableFromWire(filters: { readonly [role: string]: wire.IOfferFilters } | null | undefined, field: string): Record<string, ResourceQuantities[]> | undefined {
  let out: Record<string, ResourceQuantities[]> | undefined;
  for (const [role, f] of entries(filters)) {
    const min = f === null || f === undefined ? undefined : opt(f, 'minAllocatableResources');
    if (min === undefined) continue;
    out ??= {};
    out[role] = list(min.quantities).map((q, i) => quantitiesFromWire(q, `${field}[${JSON.stringify(role)}].min_allocatable_resources.quantities[${i}]`));
  }
  return out;
}

export function frameworkInfoFromWire(info: wire.IFrameworkInfo | null | undefined, field: string): FrameworkInfo {
  if (info === null || info === undefined) return {};
  const out: { -readonly [K in keyof FrameworkInfo]: FrameworkInfo[K] } = {};
  const name = opt(info, 'name');
  if (name !== undefined) out.name = name;
  const roles = list(info.roles);
  if (roles.length > 0) out.roles = roles;
  const role = opt(info, 'role');
  if (role !== undefined && role !== '') out.role = role;
  const principal = opt(info, 'principal');
  if (principal !== undefined) out.principal = principal;
  out.capabilities = frameworkCapabilitiesFromWire(info.capabilities);
  const min = minAllocatableFromWire(info.offerFilters, `${field}.offer_filters`);
  if (min !== undefined) out.minAllocatableResources = min;
  return out;
}

export function frameworkInfoToWire(info: FrameworkInfo): wire.IFrameworkInfo {
  const out: wire.IFrameworkInfo = {};
  if (info.name !== undefined) out.name = info.name;
  if (info.roles !== undefined) out.roles = [...info.roles];
  if (info.role !== undefined) out.role = info.role;
  if (info.principal !== undefined) out.principal = info.principal;
  if (info.capabilities !== undefined) out.capabilities = info.capabilities.map((c) => ({ type: protocol.FrameworkInfo.Capability.Type[c] }));
  if (info.minAllocatableResources !== undefined) {
    const filters: { [role: string]: wire.IOfferFilters } = {};
    for (const [role, alternatives] of Object.entries(info.minAllocatableResources)) {
      filters[role] = { minAllocatableResources: { quantities: alternatives.map(quantitiesToWire) } };
    }
    out.offerFilters = filters;
  }
  return out;
}
