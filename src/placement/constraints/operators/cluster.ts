/**
 * CLUSTER: with a value, the agent's value must be it; without, the first instance goes to any
 * agent that has the field and every later one must share the value of the first placed
 * instance still running (Marathon: `allInstances.headOption`).
 */
import { describeField, fieldReader, missingFieldReason } from '../field-value.ts';
import type { PlacementTally } from '../tally.ts';
import type { Constraint, PlacementAgent } from '../types.ts';
import { shown, type Rule } from './rule.ts';

type Cluster = Extract<Constraint, { type: 'CLUSTER' }>;

export function clusterRule(constraint: Cluster): Rule {
  const { field, value: wanted } = constraint;
  const read = fieldReader(field);
  const rule = wanted === undefined ? 'CLUSTER' : `CLUSTER ${wanted}`;
  /** The value every instance must share: the constraint's, or the first instance's (null if it lacks the field). */
  const target = (tally: PlacementTally): string | null | undefined => {
    if (wanted !== undefined) return wanted;
    const first = tally.first();
    return first === undefined ? undefined : (read(first) ?? null);
  };
  return {
    constraint,
    accepts(agent, tally) {
      const value = read(agent);
      if (value === undefined) return false;
      const t = target(tally);
      return t === undefined || t === value;
    },
    reason(agent: PlacementAgent, tally: PlacementTally) {
      const value = read(agent);
      if (value === undefined) return missingFieldReason(agent, field, rule);
      if (wanted !== undefined) return `${shown(field, value)} is not ${wanted} (${rule})`;
      const t = target(tally);
      if (t === null) return `the first placed instance's agent lacks ${describeField(field)}, so no agent can join it (${rule})`;
      return `${shown(field, value)}, but the first placed instance is on ${shown(field, String(t))} (${rule})`;
    },
  };
}
