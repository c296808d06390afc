/**
 * Why an instance could not be placed: every agent of the view is counted once, under the first
 * check it fails — excluded by the caller, then the constraints (in the pod's order), then the
 * resources — like the Kubernetes scheduler's "0/5 nodes are available: 3 Insufficient cpu…".
 */
import { describeConstraint, type EvaluationOptions, type PlacementTally } from '../constraints/index.ts';
import type { ClusterCapacity } from './capacity.ts';
import type { PodDemand } from './demand.ts';
import type { PodRules } from './pod-rules.ts';
import type { UnplacedReason } from './types.ts';

export interface ReportInput {
  readonly capacity: ClusterCapacity;
  readonly demand: PodDemand;
  readonly rules: PodRules;
  readonly tally: PlacementTally;
  readonly options: EvaluationOptions;
  readonly excluded: ReadonlyArray<string | undefined>;
}

/** `fail` → `fails` for one agent. */
function agree(n: number, phrase: string): string {
  if (n !== 1) return phrase;
  const space = phrase.indexOf(' ');
  const verb = space < 0 ? phrase : phrase.slice(0, space);
  const rest = space < 0 ? '' : phrase.slice(space);
  const singular = verb === 'are' ? 'is' : verb === 'fail' || verb === 'lack' ? `${verb}s` : verb;
  return singular + rest;
}

export function unplacedReasons(input: ReportInput): UnplacedReason[] {
  const { capacity, demand, rules, tally, options, excluded } = input;
  const counts = new Map<string, { agents: number; example: string }>();
  const count = (reason: string, example: string) => {
    const entry = counts.get(reason);
    if (entry === undefined) counts.set(reason, { agents: 1, example });
    else entry.agents++;
  };
  capacity.agents.forEach((agent, a) => {
    const exclusion = excluded[a];
    if (exclusion !== undefined) return count(`are excluded: ${exclusion}`, `agent ${agent.id}: ${exclusion}`);
    const verdict = rules.compiled.evaluate(agent, tally, options);
    if (!verdict.ok) {
      const reason = verdict.constraint === undefined ? 'are outside the local region' : `fail ${describeConstraint(verdict.constraint)}`;
      return count(reason, `agent ${agent.id}: ${verdict.reason}`);
    }
    const take = capacity.planTake(a, demand);
    if (typeof take === 'string') return count(take, `agent ${agent.id} (${agent.hostname}) has ${describeFree(capacity, a, take)}`);
    // Unreachable when called after a failed search; reported rather than hidden.
    return count('were not chosen', `agent ${agent.id} fits`);
  });
  return [...counts]
    .map(([reason, { agents, example }]) => ({ reason, agents, example }))
    .sort((x, y) => y.agents - x.agents || (x.reason < y.reason ? -1 : x.reason > y.reason ? 1 : 0));
}

/** What the agent has of the lacking scalar (`mem 4096 free`), for the example sentence. */
function describeFree(capacity: ClusterCapacity, a: number, lack: string): string {
  const m = /^lack (\S+) [0-9.]+$/.exec(lack);
  if (m === null) return `no room: ${lack}`;
  return `${m[1]} ${capacity.free(a, m[1]!) / 1000} free for the role: ${lack}`;
}

export function summarize(reasons: readonly UnplacedReason[]): string {
  if (reasons.length === 0) return 'no agent: the cluster view has no agents';
  return `no agent: ${reasons.map((r) => `${r.agents} agent${r.agents === 1 ? '' : 's'} ${agree(r.agents, r.reason)}`).join(', ')}`;
}
