/** Mesos `SlaveInfo` (AgentInfo here), its capabilities and `DomainInfo` ⇄ the engine's inputs. */
import type { AgentCapability, AgentInfo, DomainInfo } from '../../allocator/index.ts';
import { protocol, type wire } from '../protocol.ts';
import { attributesFromWire, attributesToWire } from './attributes.ts';
import { CodecError } from './errors.ts';
import { enumName, list, opt } from './presence.ts';

const AGENT_CAPABILITIES: ReadonlySet<AgentCapability> = new Set<AgentCapability>([
  'MULTI_ROLE', 'HIERARCHICAL_ROLE', 'RESERVATION_REFINEMENT', 'RESOURCE_PROVIDER', 'RESIZE_VOLUME', 'AGENT_OPERATION_FEEDBACK', 'AGENT_DRAINING', 'TASK_RESOURCE_LIMITS',
]);

/** The fault domain, when it has both a region and a zone (Mesos requires both). */
export function domainFromWire(d: wire.IDomainInfo | null | undefined): DomainInfo | undefined {
  const fault = d === null || d === undefined ? undefined : opt(d, 'faultDomain');
  if (fault === undefined) return undefined;
  const region = opt(fault, 'region');
  const zone = opt(fault, 'zone');
  if (region === undefined || zone === undefined) return undefined;
  return { region: region.name ?? '', zone: zone.name ?? '' };
}

export function domainToWire(d: DomainInfo): wire.IDomainInfo {
  return { faultDomain: { region: { name: d.region }, zone: { name: d.zone } } };
}

/** Capability types by name; UNKNOWN and numbers this runtime does not know are dropped, as Mesos ignores them. */
export function agentCapabilitiesFromWire(capabilities: readonly wire.AgentInfo.ICapability[] | null | undefined): AgentCapability[] {
  const out: AgentCapability[] = [];
  for (const c of list(capabilities)) {
    const name = enumName(protocol.AgentInfo.Capability.Type, AGENT_CAPABILITIES, c.type);
    if (name !== undefined) out.push(name);
  }
  return out;
}

export function agentCapabilitiesToWire(capabilities: readonly AgentCapability[]): wire.AgentInfo.ICapability[] {
  return capabilities.map((c) => ({ type: protocol.AgentInfo.Capability.Type[c] }));
}

/** What the allocator reads of SlaveInfo: hostname (required), attributes, fault domain. */
export function agentInfoFromWire(info: wire.IAgentInfo | null | undefined, field: string): AgentInfo {
  const hostname = info === null || info === undefined ? undefined : opt(info, 'hostname');
  if (info === null || info === undefined || hostname === undefined) throw new CodecError(`${field}.hostname`, 'is required');
  const domain = domainFromWire(opt(info, 'domain'));
  return { hostname, attributes: attributesFromWire(info.attributes, `${field}.attributes`), ...(domain === undefined ? {} : { domain }) };
}

export function agentInfoToWire(info: AgentInfo): wire.IAgentInfo {
  return {
    hostname: info.hostname,
    ...(info.attributes === undefined || info.attributes.length === 0 ? {} : { attributes: attributesToWire(info.attributes) }),
    ...(info.domain === undefined ? {} : { domain: domainToWire(info.domain) }),
  };
}
