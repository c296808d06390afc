/**
 * The plain-data views hooks and isolators see (src/policy/hooks.ts), from the wire's TaskInfo,
 * ExecutorInfo, CommandInfo, FrameworkInfo, AgentInfo, ContainerID and TaskStatus; and the
 * `Environment` both ways.
 */
import type { Label } from '../../resources/index.ts';
import type {
  AgentInfoView, CommandView, ContainerIdView, EnvironmentVariables, ExecutorView, FrameworkInfoView, TaskState, TaskStatusView, TaskView,
} from '../../policy/index.ts';
import { protocol, type wire } from '../protocol.ts';
import { attributesFromWire } from './attributes.ts';
import { domainFromWire } from './agent.ts';
import { CodecError } from './errors.ts';
import { frameworkCapabilitiesFromWire } from './framework.ts';
import { list, opt, type Assembling } from './presence.ts';
import { resourcesFromWire } from './resources.ts';
import { labelsFromWire } from './values.ts';

const VariableType = protocol.Environment.Variable.Type;

/** VALUE variables as name → value; SECRET ones are not the policy's to see (the adapter keeps them). */
export function environmentFromWire(env: wire.IEnvironment | null | undefined): EnvironmentVariables {
  const out: Record<string, string> = {};
  if (env === null || env === undefined) return out;
  for (const v of list(env.variables)) {
    if ((v.type ?? VariableType.UNKNOWN) === VariableType.SECRET) continue;
    out[v.name ?? ''] = v.value ?? '';
  }
  return out;
}

export function environmentToWire(env: EnvironmentVariables): wire.IEnvironment {
  return { variables: Object.entries(env).map(([name, value]) => ({ name, type: VariableType.VALUE, value })) };
}

/**
 * Environment records built from cached (frozen, shared) Environment messages: one per distinct
 * environment, frozen, as the message it comes from. An app's instances launch with the same
 * environment (tens of variables), so a label decorator's call finds it built.
 */
const builtEnvironments = new WeakMap<wire.IEnvironment, EnvironmentVariables>();

function environmentOf(environment: wire.IEnvironment): EnvironmentVariables {
  if (!Object.isFrozen(environment)) return environmentFromWire(environment);
  let built = builtEnvironments.get(environment);
  if (built === undefined) builtEnvironments.set(environment, (built = Object.freeze(environmentFromWire(environment))));
  return built;
}

/**
 * The command's view. Its environment comes built from the decode cache's message (environmentOf)
 * rather than built on first read through an accessor: defining one per call cost more than the
 * rest of a label decorator's conversion.
 */
function commandFromWire(c: wire.ICommandInfo): CommandView {
  const environment = opt(c, 'environment');
  const view: Assembling<CommandView> = { arguments: list(c.arguments), environment: environment === undefined ? NO_VARIABLES : environmentOf(environment) };
  const value = opt(c, 'value');
  if (value !== undefined) view.value = value;
  const user = opt(c, 'user');
  if (user !== undefined) view.user = user;
  return view as CommandView;
}

const NO_VARIABLES: EnvironmentVariables = Object.freeze({});

/** Freezes a view's plain objects and arrays, all the way down; class instances (Resources) are immutable already. */
function freezeView<V>(value: V): V {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return value;
  const proto = Object.getPrototypeOf(value) as unknown;
  if (!Array.isArray(value) && proto !== Object.prototype && proto !== null) return value;
  Object.freeze(value);
  for (const key of Object.keys(value)) freezeView((value as Record<string, unknown>)[key]);
  return value;
}

/**
 * A view of a cached (frozen, shared) message is built once and frozen, as the message is, and
 * every call that brings the same bytes gets it (codec/resource-cache.ts: a hook call's agent,
 * framework and labels); a view of any other message is built each time. What `build` throws
 * is not kept: the same bytes fail again, as they should.
 */
function sharedViews<M extends object, V>(build: (message: M, field: string) => V): (message: M, field: string) => V {
  const built = new WeakMap<M, V>();
  return (message, field) => {
    if (!Object.isFrozen(message)) return build(message, field);
    let view = built.get(message);
    if (view === undefined) built.set(message, (view = freezeView(build(message, field))));
    return view;
  };
}

const labelsView = sharedViews((labels: wire.ILabels) => labelsFromWire(labels));
const NO_LABELS: readonly Label[] = Object.freeze([]);

/** A message's labels (absent: none). */
function labelsOf(labels: wire.ILabels | undefined): readonly Label[] {
  return labels === undefined ? NO_LABELS : labelsView(labels, 'labels');
}

export function executorFromWire(e: wire.IExecutorInfo, field: string): ExecutorView {
  const frameworkId = opt(e, 'frameworkId')?.value ?? undefined;
  const name = opt(e, 'name');
  const command = opt(e, 'command');
  const view: Assembling<ExecutorView> = { executorId: opt(e, 'executorId')?.value ?? '' };
  if (frameworkId !== undefined) view.frameworkId = frameworkId;
  if (name !== undefined) view.name = name;
  if (command !== undefined) view.command = commandFromWire(command);
  view.resources = resourcesFromWire(e.resources, `${field}.resources`);
  view.labels = labelsOf(opt(e, 'labels'));
  return view as ExecutorView;
}

export function taskFromWire(t: wire.ITaskInfo | null | undefined, field: string): TaskView {
  if (t === null || t === undefined) throw new CodecError(field, 'is required');
  const agentId = opt(t, 'agentId')?.value ?? undefined;
  const executor = opt(t, 'executor');
  const command = opt(t, 'command');
  const view: Assembling<TaskView> = { name: t.name ?? '', taskId: opt(t, 'taskId')?.value ?? '' };
  if (agentId !== undefined) view.agentId = agentId;
  view.resources = resourcesFromWire(t.resources, `${field}.resources`);
  if (executor !== undefined) view.executor = executorFromWire(executor, `${field}.executor`);
  if (command !== undefined) view.command = commandFromWire(command);
  view.labels = labelsOf(opt(t, 'labels'));
  return view as TaskView;
}

const NO_FRAMEWORK: FrameworkInfoView = freezeView({ name: '', user: '', roles: ['*'], capabilities: [], labels: [] });

export function frameworkViewFromWire(f: wire.IFrameworkInfo | null | undefined): FrameworkInfoView {
  return f === null || f === undefined ? NO_FRAMEWORK : frameworkView(f, 'framework_info');
}

const frameworkView = sharedViews((f: wire.IFrameworkInfo): FrameworkInfoView => {
  const capabilities = frameworkCapabilitiesFromWire(f.capabilities);
  const role = opt(f, 'role');
  const roles = capabilities.includes('MULTI_ROLE') ? [...new Set(list(f.roles))] : [role === undefined || role === '' ? '*' : role];
  const id = opt(f, 'id')?.value ?? undefined;
  const principal = opt(f, 'principal');
  const hostname = opt(f, 'hostname');
  const view: Assembling<FrameworkInfoView> = {};
  if (id !== undefined) view.id = id;
  view.name = f.name ?? '';
  view.user = f.user ?? '';
  view.roles = roles;
  if (principal !== undefined) view.principal = principal;
  if (hostname !== undefined) view.hostname = hostname;
  view.capabilities = capabilities;
  view.labels = labelsOf(opt(f, 'labels'));
  return view as FrameworkInfoView;
});

export function agentViewFromWire(a: wire.IAgentInfo | null | undefined, field: string): AgentInfoView {
  if (a === null || a === undefined) throw new CodecError(field, 'is required');
  return agentView(a, field);
}

const agentView = sharedViews((a: wire.IAgentInfo, field: string): AgentInfoView => {
  const id = opt(a, 'id')?.value ?? undefined;
  const port = opt(a, 'port');
  const domain = domainFromWire(opt(a, 'domain'));
  const view: Assembling<AgentInfoView> = {};
  if (id !== undefined) view.id = id;
  view.hostname = a.hostname ?? '';
  if (port !== undefined) view.port = port;
  view.resources = resourcesFromWire(a.resources, `${field}.resources`);
  view.attributes = attributesFromWire(a.attributes, `${field}.attributes`);
  if (domain !== undefined) view.domain = domain;
  return view as AgentInfoView;
});

export function containerIdFromWire(c: wire.IContainerID | null | undefined, field: string): ContainerIdView {
  if (c === null || c === undefined) throw new CodecError(field, 'is required');
  const parent = opt(c, 'parent');
  return parent === undefined ? { value: c.value ?? '' } : { value: c.value ?? '', parent: containerIdFromWire(parent, `${field}.parent`) };
}

export function containerIdToWire(c: ContainerIdView): wire.IContainerID {
  return c.parent === undefined ? { value: c.value } : { value: c.value, parent: containerIdToWire(c.parent) };
}

export function taskStatusFromWire(s: wire.ITaskStatus | null | undefined, field: string): TaskStatusView {
  if (s === null || s === undefined) throw new CodecError(field, 'is required');
  const stateNumber = opt(s, 'state');
  const state = stateNumber === undefined ? undefined : (protocol.TaskState[stateNumber] as TaskState | undefined);
  if (state === undefined) throw new CodecError(`${field}.state`, stateNumber === undefined ? 'is required' : `unknown TaskState ${stateNumber}`);
  const message = opt(s, 'message');
  const reason = opt(s, 'reason');
  const agentId = opt(s, 'agentId')?.value ?? undefined;
  const executorId = opt(s, 'executorId')?.value ?? undefined;
  const timestamp = opt(s, 'timestamp');
  const healthy = opt(s, 'healthy');
  return {
    taskId: opt(s, 'taskId')?.value ?? '',
    state,
    ...(message === undefined ? {} : { message }),
    ...(reason === undefined ? {} : { reason }),
    ...(agentId === undefined ? {} : { agentId }),
    ...(executorId === undefined ? {} : { executorId }),
    ...(timestamp === undefined ? {} : { timestamp }),
    ...(healthy === undefined ? {} : { healthy }),
    labels: labelsOf(opt(s, 'labels')),
  };
}
