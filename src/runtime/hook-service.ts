/**
 * HookCall → the policy's `hooks` (src/policy/hooks.ts). A missing hook, or one returning
 * undefined, answers an empty HookReply: "leave unchanged", Mesos's None. A hook that throws or
 * returns something invalid answers POLICY_FAILED (the adapter then leaves things unchanged) and
 * is counted under `hooks/errors/<hook>`.
 */
import type { HookName, HookPolicy } from '../policy/index.ts';
import {
  agentViewFromWire, containerIdFromWire, executorFromWire, frameworkViewFromWire, resourcesFromWire, taskFromWire, taskStatusFromWire,
} from './codec/index.ts';
import { CodecError } from './codec/errors.ts';
import { opt } from './codec/presence.ts';
import type { Counters } from './counters.ts';
import { CallError, ErrorCode } from './errors.ts';
import { callPolicyMethod, PolicyCallees } from './policy-call.ts';
import { attributesResult, environmentResult, labelsResult, resourcesResultToWire } from './policy-results.ts';
import type { wire } from './protocol.ts';

type HookCallCase = NonNullable<wire.HookCall['call']>;
type Reply = wire.IHookReply;

interface HookSpec<K extends HookCallCase> {
  /** The hook's arguments, decoded completely before the hook runs. */
  readonly args: (m: NonNullable<wire.IHookCall[K]>) => unknown[];
  /** The hook's value (not undefined) as a reply. */
  readonly reply: (what: string, value: unknown) => Reply;
}

const NOTHING = (): Reply => ({});
const LABELS = (what: string, value: unknown): Reply => ({ labels: labelsResult(what, value) });
const RESOURCES = (what: string, value: unknown): Reply => ({ hasResources: true, resources: resourcesResultToWire(what, value) });

function required<T>(value: T | null | undefined, field: string): T {
  if (value === null || value === undefined) throw new CodecError(field, 'is required');
  return value;
}

/** HookCall's case names are the hook names (proto snake_case → camelCase). */
const HOOKS: { readonly [K in HookCallCase]: HookSpec<K> } = {
  masterLaunchTaskLabelDecorator: {
    args: (m) => [taskFromWire(opt(m, 'task'), 'task'), frameworkViewFromWire(opt(m, 'frameworkInfo')), agentViewFromWire(opt(m, 'agentInfo'), 'agent_info')],
    reply: LABELS,
  },
  masterLaunchTaskResourceDecorator: {
    args: (m) => [taskFromWire(opt(m, 'task'), 'task'), resourcesFromWire(m.agentResources, 'agent_resources')],
    reply: RESOURCES,
  },
  masterAgentLostHook: { args: (m) => [agentViewFromWire(opt(m, 'agentInfo'), 'agent_info')], reply: NOTHING },
  agentRunTaskLabelDecorator: {
    args: (m) => {
      const executor = opt(m, 'executorInfo');
      return [
        taskFromWire(opt(m, 'task'), 'task'),
        executor === undefined ? undefined : executorFromWire(executor, 'executor_info'),
        frameworkViewFromWire(opt(m, 'frameworkInfo')),
        agentViewFromWire(opt(m, 'agentInfo'), 'agent_info'),
      ];
    },
    reply: LABELS,
  },
  agentExecutorEnvironmentDecorator: {
    args: (m) => [executorFromWire(required(opt(m, 'executorInfo'), 'executor_info'), 'executor_info')],
    reply: (what, value) => ({ environment: environmentResult(what, value) }),
  },
  agentPostFetchHook: { args: (m) => [containerIdFromWire(opt(m, 'containerId'), 'container_id'), m.directory ?? ''], reply: NOTHING },
  agentRemoveExecutorHook: {
    args: (m) => [frameworkViewFromWire(opt(m, 'frameworkInfo')), executorFromWire(required(opt(m, 'executorInfo'), 'executor_info'), 'executor_info')],
    reply: NOTHING,
  },
  agentTaskStatusDecorator: { args: (m) => [m.frameworkId ?? '', taskStatusFromWire(opt(m, 'status'), 'status')], reply: LABELS },
  agentResourcesDecorator: { args: (m) => [agentViewFromWire(opt(m, 'agentInfo'), 'agent_info')], reply: RESOURCES },
  agentAttributesDecorator: {
    args: (m) => [agentViewFromWire(opt(m, 'agentInfo'), 'agent_info')],
    reply: (what, value) => ({ hasAttributes: true, attributes: attributesResult(what, value) }),
  },
};

export class HookService {
  private readonly callees: PolicyCallees;

  constructor(
    private readonly hooks: HookPolicy | undefined,
    private readonly counters: Counters,
  ) {
    this.callees = new PolicyCallees('hook', 'hooks/errors/', counters);
  }

  /** Throws CallError / CodecError for the caller to answer; may return a Promise when the hook does. */
  call(call: wire.HookCall): Reply | Promise<Reply> {
    const kind = call.call;
    if (kind === undefined) throw new CallError(ErrorCode.UNSUPPORTED, 'a HookCall with no hook this runtime knows');
    const name: HookName = kind;
    this.counters.incrementNamed('hooks/calls/', name);
    if (this.hooks === undefined) throw new CallError(ErrorCode.UNSUPPORTED, `the policy bundle has no hooks (hook '${name}' called)`);
    const spec = HOOKS[kind] as HookSpec<HookCallCase>;
    const args = spec.args(call[kind] as never);
    const { what, onError } = this.callees.of(name);
    return callPolicyMethod(this.hooks, name, args, what, spec.reply, onError);
  }
}
