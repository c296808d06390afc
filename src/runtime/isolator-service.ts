/**
 * IsolatorCall → the policy's `isolator` (src/policy/isolator.ts). A missing method answers an
 * empty IsolatorReply (Mesos's default Isolator does nothing); a method that throws or returns
 * something invalid answers POLICY_FAILED, counted under `isolator/errors/<method>`.
 */
import type { IsolatorMethod, IsolatorPolicy } from '../policy/index.ts';
import { containerIdFromWire, executorFromWire, resourcesFromWire, taskFromWire } from './codec/index.ts';
import { list, opt } from './codec/presence.ts';
import { scalarMapFromWire } from './codec/values.ts';
import type { Counters } from './counters.ts';
import { CallError, ErrorCode } from './errors.ts';
import { callPolicyMethod, PolicyCallees } from './policy-call.ts';
import { launchInfoResult, limitationResult, statisticsResult } from './policy-results.ts';
import type { wire } from './protocol.ts';

type IsolatorCallCase = NonNullable<wire.IsolatorCall['call']>;
type Reply = wire.IIsolatorReply;

interface MethodSpec<K extends IsolatorCallCase> {
  readonly args: (m: NonNullable<wire.IIsolatorCall[K]>) => unknown[];
  readonly reply: (what: string, value: unknown) => Reply;
}

const NOTHING = (): Reply => ({});
const container = (m: { containerId?: wire.IContainerID | null }): unknown => containerIdFromWire(opt(m, 'containerId'), 'container_id');

/** IsolatorCall's case names are the method names. */
const METHODS: { readonly [K in IsolatorCallCase]: MethodSpec<K> } = {
  recover: {
    args: (m) => [
      list(m.states).map((s, i) => {
        const executor = opt(s, 'executorInfo');
        const pid = opt(s, 'pid');
        const directory = opt(s, 'directory');
        return {
          containerId: containerIdFromWire(opt(s, 'containerId'), `states[${i}].container_id`),
          ...(executor === undefined ? {} : { executor: executorFromWire(executor, `states[${i}].executor_info`) }),
          ...(pid === undefined ? {} : { pid }),
          ...(directory === undefined ? {} : { directory }),
        };
      }),
      list(m.orphans).map((o, i) => containerIdFromWire(o, `orphans[${i}]`)),
    ],
    reply: NOTHING,
  },
  prepare: {
    args: (m) => {
      const executor = opt(m, 'executorInfo');
      const task = opt(m, 'taskInfo');
      const directory = opt(m, 'directory');
      const user = opt(m, 'user');
      return [container(m), {
        ...(executor === undefined ? {} : { executor: executorFromWire(executor, 'executor_info') }),
        ...(task === undefined ? {} : { task: taskFromWire(task, 'task_info') }),
        resources: resourcesFromWire(m.resources, 'resources'),
        ...(directory === undefined ? {} : { directory }),
        ...(user === undefined ? {} : { user }),
      }];
    },
    reply: (what, value) => ({ launchInfo: launchInfoResult(what, value) }),
  },
  isolate: { args: (m) => [container(m), m.pid ?? 0], reply: NOTHING },
  watch: {
    args: (m) => [container(m), { diskUsage: resourcesFromWire(m.diskUsage, 'disk_usage') }],
    reply: (what, value) => ({ limitation: limitationResult(what, value) }),
  },
  update: {
    args: (m) => [container(m), resourcesFromWire(m.resourceRequests, 'resource_requests'), Object.fromEntries(scalarMapFromWire(m.resourceLimits, 'resource_limits'))],
    reply: NOTHING,
  },
  usage: { args: (m) => [container(m)], reply: (what, value) => ({ statistics: statisticsResult(what, value) }) },
  status: { args: (m) => [container(m)], reply: NOTHING },
  cleanup: { args: (m) => [container(m)], reply: NOTHING },
};

export class IsolatorService {
  private readonly callees: PolicyCallees;

  constructor(
    private readonly isolator: IsolatorPolicy | undefined,
    private readonly counters: Counters,
  ) {
    this.callees = new PolicyCallees('isolator', 'isolator/errors/', counters);
  }

  call(call: wire.IsolatorCall): Reply | Promise<Reply> {
    const kind = call.call;
    if (kind === undefined) throw new CallError(ErrorCode.UNSUPPORTED, 'an IsolatorCall with no method this runtime knows');
    const name: IsolatorMethod = kind;
    this.counters.increment(`isolator/calls/${name}`);
    const isolator = this.isolator;
    if (isolator === undefined) throw new CallError(ErrorCode.UNSUPPORTED, `the policy bundle has no isolator (isolator '${name}' called)`);
    const spec = METHODS[kind] as MethodSpec<IsolatorCallCase>;
    const args = spec.args(call[kind] as never);
    const { what, onError } = this.callees.of(name);
    return callPolicyMethod(isolator, name, args, what, spec.reply, onError);
  }
}
