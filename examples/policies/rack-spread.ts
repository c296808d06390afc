/**
 * Rack-aware spread: an agent goes to the eligible framework that holds the least on the
 * agent's rack (attribute `rack`), so every framework's tasks spread over racks. Everything
 * else — reservations, filters, quota, DRF as the tie-break — stays Mesos's.
 *
 * In your own repository, import from 'mesos-policy' instead of the relative path.
 */
import { definePolicy, type AgentView } from '../../src/index.ts';

const UNKNOWN_RACK = '(no rack)';

function rackOf(agent: Pick<AgentView, 'attributes'>): string {
  const attribute = agent.attributes.find((a) => a.name === 'rack');
  if (attribute === undefined) return UNKNOWN_RACK;
  return attribute.type === 'TEXT' ? attribute.text : attribute.type === 'SCALAR' ? String(attribute.scalar) : UNKNOWN_RACK;
}

/** agent id → rack, learned from the engine's lifecycle callbacks. */
const racks = new Map<string, string>();

export default definePolicy({
  name: 'rack-spread',

  onAgentAdded(agent) {
    racks.set(agent.id, rackOf(agent));
  },

  onAgentRemoved(agentId) {
    racks.delete(agentId);
  },

  /** Fewer agents of this framework on the agent's rack scores higher. */
  score(ctx) {
    const rack = rackOf(ctx.agent);
    let onRack = 0;
    for (const agentId of ctx.framework.allocation.keys()) if (racks.get(agentId) === rack) onRack++;
    return -onRack;
  },
});
