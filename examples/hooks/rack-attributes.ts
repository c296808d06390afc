/**
 * Agent attribute decoration from a rack map: each agent advertises `rack:<name>` looked up by its
 * hostname, so rack-aware placement (examples/policies/rack-spread.ts, placement constraints) works
 * without editing every agent's --attributes. An agent that already says its rack keeps it (the
 * operator's flag wins); a host not in the map is left unchanged and logged, so a new machine is
 * noticed rather than silently rack-less.
 *
 * Runs in the agent at start (`--hooks=org_mesos_policy_Hook`, agentAttributesDecorator).
 */
import { definePolicy, type AgentInfoView, type Attribute } from '../../src/index.ts';

/** hostname → rack. In practice generated from the inventory, then `mesos-policy build`. */
export const RACKS: Readonly<Record<string, string>> = {
  'node-01.dc1': 'r1',
  'node-02.dc1': 'r1',
  'node-03.dc1': 'r2',
  'node-04.dc1': 'r2',
  'node-05.dc1': 'r3',
};

/** The short name matches too (`node-01` for `node-01.dc1`), as agents often report either. */
export function rackOf(hostname: string, racks: Readonly<Record<string, string>> = RACKS): string | undefined {
  const exact = racks[hostname];
  if (exact !== undefined) return exact;
  const short = hostname.split('.')[0]!;
  for (const [host, rack] of Object.entries(racks)) if (host.split('.')[0] === short) return rack;
  return undefined;
}

export function rackAttributes(agent: AgentInfoView): readonly Attribute[] | undefined {
  if (agent.attributes.some((a) => a.name === 'rack')) return undefined;
  const rack = rackOf(agent.hostname);
  if (rack === undefined) {
    console.warn(`rack-attributes: ${agent.hostname} is not in the rack map; it advertises no rack`);
    return undefined;
  }
  return [...agent.attributes, { name: 'rack', type: 'TEXT', text: rack }];
}

export default definePolicy({
  name: 'rack-attributes',
  hooks: {
    agentAttributesDecorator: rackAttributes,
  },
});
