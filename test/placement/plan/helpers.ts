// Small clusters for the planner and ledger tests: agents written as Mesos flags.
import { parseAttributes, parseResources, Resources, type ResourceInput } from '../../../src/resources/index.ts';
import { parseServiceSpec, type ClusterAgent, type PodSpecInput, type ServiceSpec } from '../../../src/placement/index.ts';

export interface AgentFlags {
  /** `--resources` text (default `cpus:8;mem:32768;disk:100000`). */
  readonly resources?: string;
  /** Extra resources that the flag cannot say (MOUNT disks, dynamic reservations). */
  readonly extra?: readonly ResourceInput[];
  /** `--attributes` text. */
  readonly attributes?: string;
  readonly zone?: string;
}

/** An agent `id` on host `${id}.example`. */
export function agent(id: string, flags: AgentFlags = {}): ClusterAgent {
  const base = parseResources(flags.resources ?? 'cpus:8;mem:32768;disk:100000', { commandLine: false });
  return {
    id,
    hostname: `${id}.example`,
    attributes: flags.attributes === undefined ? [] : parseAttributes(flags.attributes),
    ...(flags.zone === undefined ? {} : { domain: { region: 'us-east', zone: flags.zone } }),
    resources: flags.extra === undefined ? base : base.plus(Resources.of(flags.extra)),
  };
}

export function mountDisk(root: string, sizeMb: number): ResourceInput {
  return { name: 'disk', scalar: sizeMb, disk: { source: { type: 'MOUNT', root } } };
}

/** Agent id → resources, as executePlan and reconcile take them. */
export function resourcesOf(agents: readonly ClusterAgent[]): Map<string, Resources> {
  return new Map(agents.map((a) => [a.id, a.resources]));
}

/** The cluster view after execution: the same agents with their new resources. */
export function withResources(agents: readonly ClusterAgent[], resources: ReadonlyMap<string, Resources>): ClusterAgent[] {
  return agents.map((a) => ({ ...a, resources: resources.get(a.id) ?? a.resources }));
}

export function spec(pods: PodSpecInput[], role = 'kafka'): ServiceSpec {
  return parseServiceSpec({ name: 'kafka', role, principal: 'kafka-principal', pods });
}

/** A broker pod: `cpus:1;mem:1024` and the given constraints. */
export function brokers(count: number, constraints?: unknown, extra: Partial<PodSpecInput> = {}): PodSpecInput {
  return { type: 'broker', count, resources: 'cpus:1;mem:1024', ...(constraints === undefined ? {} : { constraints }), ...extra };
}

/** A fake clock for the ledger. */
export function clock(start = 1_000): { now: () => number; advance: (ms: number) => void } {
  let t = start;
  return { now: () => t, advance: (ms) => void (t += ms) };
}
