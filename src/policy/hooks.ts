/**
 * The hook policy: Mesos's `mesos::Hook` (include/mesos/hook.hpp) in TypeScript words. Every
 * method is optional; a missing one, or one that returns undefined, leaves things as they are
 * (Mesos's `None`). A hook that throws (or rejects) leaves things unchanged too, and the error
 * is counted. Any method may return a Promise.
 *
 * Hooks see plain-data views of the Mesos messages (the subsets the bridge carries), never
 * protobuf classes, so the same hook runs in offline tests. Views are read-only (their types say
 * so). The runtime shares what repeats between calls, frozen: an agent's view, a framework's, a
 * message's labels and a command's environment are built once per distinct message, so writing
 * to one throws (and fails the hook). Build new values to change them: `[...task.labels, label]`.
 */
import type { Attribute, Label, Resources } from '../resources/index.ts';

export type Awaitable<T> = T | Promise<T>;

/**
 * Environment variables as name → value (Mesos `Environment`, VALUE variables). A view's record
 * is frozen (the runtime shares one per distinct environment): build a new one to change it,
 * `{ ...executor.command.environment, NAME: 'value' }`.
 */
export type EnvironmentVariables = Readonly<Record<string, string>>;

/** Mesos `CommandInfo` (subset). */
export interface CommandView {
  readonly value?: string;
  readonly user?: string;
  readonly arguments: readonly string[];
  readonly environment: EnvironmentVariables;
}

/** Mesos `ExecutorInfo` (subset). */
export interface ExecutorView {
  readonly executorId: string;
  readonly frameworkId?: string;
  readonly name?: string;
  readonly command?: CommandView;
  readonly resources: Resources;
  readonly labels: readonly Label[];
}

/** Mesos `TaskInfo` (subset). */
export interface TaskView {
  readonly name: string;
  readonly taskId: string;
  readonly agentId?: string;
  readonly resources: Resources;
  readonly executor?: ExecutorView;
  readonly command?: CommandView;
  readonly labels: readonly Label[];
}

/** Mesos `FrameworkInfo` (subset); `roles` are the effective roles (`roles` with MULTI_ROLE, else `role`, default `*`). */
export interface FrameworkInfoView {
  readonly id?: string;
  readonly name: string;
  readonly user: string;
  readonly roles: readonly string[];
  readonly principal?: string;
  readonly hostname?: string;
  /** FrameworkInfo.Capability type names, e.g. `MULTI_ROLE`. */
  readonly capabilities: readonly string[];
  readonly labels: readonly Label[];
}

/** Mesos `SlaveInfo` (subset). */
export interface AgentInfoView {
  readonly id?: string;
  readonly hostname: string;
  readonly port?: number;
  readonly resources: Resources;
  readonly attributes: readonly Attribute[];
  readonly domain?: { readonly region: string; readonly zone: string };
}

/** Mesos `ContainerID`: nested containers have a parent. */
export interface ContainerIdView {
  readonly value: string;
  readonly parent?: ContainerIdView;
}

export type TaskState =
  | 'TASK_STAGING' | 'TASK_STARTING' | 'TASK_RUNNING' | 'TASK_KILLING' | 'TASK_FINISHED' | 'TASK_FAILED' | 'TASK_KILLED'
  | 'TASK_ERROR' | 'TASK_LOST' | 'TASK_DROPPED' | 'TASK_UNREACHABLE' | 'TASK_GONE' | 'TASK_GONE_BY_OPERATOR' | 'TASK_UNKNOWN';

/** Mesos `TaskStatus` (subset). */
export interface TaskStatusView {
  readonly taskId: string;
  readonly state: TaskState;
  readonly message?: string;
  /** TaskStatus.Reason as its number in mesos.proto. */
  readonly reason?: number;
  readonly agentId?: string;
  readonly executorId?: string;
  /** Seconds since the epoch, as Mesos sets it. */
  readonly timestamp?: number;
  readonly healthy?: boolean;
  readonly labels: readonly Label[];
}

export interface HookPolicy {
  /** Master, before a task is launched: the task's new labels (they replace its labels). */
  masterLaunchTaskLabelDecorator?(task: TaskView, framework: FrameworkInfoView, agent: AgentInfoView): Awaitable<readonly Label[] | undefined>;
  /** Master, before a task is launched: the task's new resources, taken from `agentResources`. */
  masterLaunchTaskResourceDecorator?(task: TaskView, agentResources: Resources): Awaitable<Resources | undefined>;
  /** Master: an agent was lost (its tasks are being marked lost). */
  masterAgentLostHook?(agent: AgentInfoView): Awaitable<void>;
  /** Agent, before a task runs: the task's new labels. */
  agentRunTaskLabelDecorator?(task: TaskView, executor: ExecutorView | undefined, framework: FrameworkInfoView, agent: AgentInfoView): Awaitable<readonly Label[] | undefined>;
  /** Agent, before an executor starts: its whole new environment (replacing the VALUE variables it has). */
  agentExecutorEnvironmentDecorator?(executor: ExecutorView): Awaitable<EnvironmentVariables | undefined>;
  /** Agent: the fetcher has finished for a container. */
  agentPostFetchHook?(containerId: ContainerIdView, directory: string): Awaitable<void>;
  /** Agent: an executor is being removed. */
  agentRemoveExecutorHook?(framework: FrameworkInfoView, executor: ExecutorView): Awaitable<void>;
  /** Agent, before a status update is sent: the status's new labels. */
  agentTaskStatusDecorator?(frameworkId: string, status: TaskStatusView): Awaitable<readonly Label[] | undefined>;
  /** Agent, at start: the resources it will advertise (they may be empty). */
  agentResourcesDecorator?(agent: AgentInfoView): Awaitable<Resources | undefined>;
  /** Agent, at start: the attributes it will advertise. */
  agentAttributesDecorator?(agent: AgentInfoView): Awaitable<readonly Attribute[] | undefined>;
}

export type HookName = keyof HookPolicy;

/** Every hook, in HookCall's order. */
export const HOOK_NAMES: readonly HookName[] = Object.freeze([
  'masterLaunchTaskLabelDecorator',
  'masterLaunchTaskResourceDecorator',
  'masterAgentLostHook',
  'agentRunTaskLabelDecorator',
  'agentExecutorEnvironmentDecorator',
  'agentPostFetchHook',
  'agentRemoveExecutorHook',
  'agentTaskStatusDecorator',
  'agentResourcesDecorator',
  'agentAttributesDecorator',
]);
