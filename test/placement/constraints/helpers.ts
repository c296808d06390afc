// Agents for the constraint tests, written the way Marathon's ConstraintsTest writes offers:
// a hostname and Mesos `--attributes` text (parsed by the project's parseAttributes).
import { parseAttributes } from '../../../src/resources/index.ts';
import type { PlacementAgent, PlacementAttribute } from '../../../src/placement/constraints/index.ts';

let next = 0;

/** An agent with `hostname` and `attributes` in `--attributes` syntax (`rack:r1;level:0.8`). */
export function agent(hostname: string, attributes = '', domain?: { region: string; zone: string }): PlacementAgent {
  return {
    id: `agent-${next++}`,
    hostname,
    attributes: attributes === '' ? [] : parseAttributes(attributes),
    ...(domain === undefined ? {} : { domain }),
  };
}

/** An agent with hand-built attributes (SET, unnormalised ranges, raw scalars). */
export function agentWith(hostname: string, attributes: PlacementAttribute[]): PlacementAgent {
  return { id: `agent-${next++}`, hostname, attributes };
}

/** n agents on host `host-i` with attribute text made by `attrs(i)`. */
export function agents(n: number, attrs: (i: number) => string): PlacementAgent[] {
  return Array.from({ length: n }, (_, i) => agent(`host-${i}`, attrs(i)));
}
