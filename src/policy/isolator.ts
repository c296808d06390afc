/**
 * The isolator policy: Mesos's `mesos::slave::Isolator` (include/mesos/slave/isolator.hpp) in
 * TypeScript words, for isolation decisions (launch environment, limits, usage figures) rather
 * than kernel mechanics, which stay in C++. Every method is optional and may return a Promise;
 * a missing method is a no-op, as in Mesos's default Isolator.
 */
import type { Resources } from '../resources/index.ts';
import type { Awaitable, ContainerIdView, EnvironmentVariables, ExecutorView, TaskView } from './hooks.ts';

/** Mesos `ContainerState`: a container the agent recovered. */
export interface ContainerStateView {
  readonly containerId: ContainerIdView;
  readonly executor?: ExecutorView;
  readonly pid?: number;
  readonly directory?: string;
}

/** What `prepare` gets about the container about to launch. */
export interface PrepareRequest {
  readonly executor?: ExecutorView;
  readonly task?: TaskView;
  readonly resources: Resources;
  readonly directory?: string;
  readonly user?: string;
}

/** Mesos `ContainerLaunchInfo` (subset): what to add to the launch. */
export interface LaunchInfo {
  readonly environment?: EnvironmentVariables;
  /** Shell commands run before the executor. */
  readonly preExecCommands?: readonly string[];
}

export type LimitationReason = 'REASON_CONTAINER_LIMITATION' | 'REASON_CONTAINER_LIMITATION_DISK' | 'REASON_CONTAINER_LIMITATION_MEMORY';

/** Mesos `ContainerLimitation`: the container went over a limit (it will be killed). */
export interface Limitation {
  readonly message: string;
  readonly resources?: Resources;
  /** Default REASON_CONTAINER_LIMITATION. */
  readonly reason?: LimitationReason;
}

export interface WatchRequest {
  /** Measured persistent-volume / sandbox usage, when the agent has it. */
  readonly diskUsage: Resources;
}

export interface IsolatorPolicy {
  /** The agent restarted: these containers are still alive; orphans are not known to it. */
  recover?(states: readonly ContainerStateView[], orphans: readonly ContainerIdView[]): Awaitable<void>;
  /** Before launch: environment and commands to add (undefined: nothing). */
  prepare?(containerId: ContainerIdView, request: PrepareRequest): Awaitable<LaunchInfo | undefined>;
  isolate?(containerId: ContainerIdView, pid: number): Awaitable<void>;
  /** Polled: a limitation the container has hit now, or undefined. */
  watch?(containerId: ContainerIdView, request: WatchRequest): Awaitable<Limitation | undefined>;
  /** New resource requests and limits (name → amount) for the container. */
  update?(containerId: ContainerIdView, resourceRequests: Resources, resourceLimits: Readonly<Record<string, number>>): Awaitable<void>;
  /** Usage statistics as name → value (e.g. `disk_used_bytes`). */
  usage?(containerId: ContainerIdView): Awaitable<Readonly<Record<string, number>> | undefined>;
  status?(containerId: ContainerIdView): Awaitable<void>;
  cleanup?(containerId: ContainerIdView): Awaitable<void>;
}

export type IsolatorMethod = keyof IsolatorPolicy;

/** Every isolator method, in IsolatorCall's order. */
export const ISOLATOR_METHODS: readonly IsolatorMethod[] = Object.freeze(['recover', 'prepare', 'isolate', 'watch', 'update', 'usage', 'status', 'cleanup']);
