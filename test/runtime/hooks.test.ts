// Hook and isolator calls: plain views in, replies out; missing hooks and undefined leave things
// unchanged; async hooks answer through a Promise; throwing or wrong-shaped answers are
// POLICY_FAILED and counted; a bundle without hooks or isolator answers UNSUPPORTED.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { definePolicy, type AgentInfoView, type FrameworkInfoView, type TaskView } from '../../src/policy/index.ts';
import type { Attribute, Label } from '../../src/resources/index.ts';
import { resourcesFromWire } from '../../src/runtime/codec/index.ts';
import { protocol, type wire } from '../../src/runtime/protocol.ts';
import { decodeRequest, decodeResponse, encodeRequest, toWire, type Decoded } from '../../src/runtime/requests.ts';
import { serve } from '../../src/runtime/serve.ts';
import hooksPolicy from './fixtures/hooks-policy.ts';
import throwingPolicy from './fixtures/throwing-policy.ts';

const Code = protocol.Error.Code;

const TASK: wire.ITaskInfo = {
  name: 'broker-1',
  taskId: { value: 't1' },
  agentId: { value: 'a1' },
  resources: toWire.resources('cpus:2;mem:1024', 'kafka'),
  labels: { labels: [{ key: 'app', value: 'kafka' }] },
};
const EXECUTOR: wire.IExecutorInfo = {
  executorId: { value: 'e1' },
  frameworkId: { value: 'f1' },
  command: { value: 'run', environment: { variables: [{ name: 'A', type: 1, value: '1' }, { name: 'SECRET', type: 2 }] } },
  resources: toWire.resources('cpus:0.1;mem:32'),
};
const FRAMEWORK: wire.IFrameworkInfo = { name: 'kafka', user: 'root', id: { value: 'f1' }, roles: ['kafka'], capabilities: [{ type: 6 }] };
// The agent's own resources as SlaveInfo carries them: pre-refinement `role` fields.
const AGENT: wire.IAgentInfo = {
  hostname: 'h1',
  id: { value: 'a1' },
  resources: [{ name: 'cpus', type: 0, scalar: { value: 4 }, role: 'kafka' }, { name: 'mem', type: 0, scalar: { value: 8192 } }],
  attributes: toWire.attributes('rack:r1'),
};

async function hook(bundle: ReturnType<typeof serve>, call: wire.IHookCall): Promise<Decoded<wire.Response>> {
  return decodeResponse(await bundle.handle('hook', encodeRequest({ hook: call })));
}

async function isolator(bundle: ReturnType<typeof serve>, call: wire.IIsolatorCall): Promise<Decoded<wire.Response>> {
  return decodeResponse(await bundle.handle('isolator', encodeRequest({ isolator: call })));
}

async function stats(bundle: ReturnType<typeof serve>): Promise<Map<string, number>> {
  const response = decodeResponse(await bundle.handle('control', encodeRequest({ control: { stats: {} } })));
  return new Map(response.control!.stats!.counters.map((c) => [c.name, c.value]));
}

test('label decorator: views of task, framework and agent in; the new labels out', async () => {
  const bundle = serve(hooksPolicy);
  const answer = bundle.handle('hook', encodeRequest({ hook: { masterLaunchTaskLabelDecorator: { task: TASK, frameworkInfo: FRAMEWORK, agentInfo: AGENT } } }));
  assert.ok(answer instanceof Uint8Array, 'a synchronous hook answers synchronously');
  const reply = decodeResponse(answer).hook!;
  assert.deepEqual(reply.labels!.labels.map((l) => [l.key, l.value]), [['app', 'kafka'], ['framework', 'kafka'], ['host', 'h1'], ['cpus', '2']]);
  assert.equal(reply.hasResources, false);
});

test('resource decorator: resources out with has_resources; undefined leaves them unchanged', async () => {
  const bundle = serve(hooksPolicy);
  const reserved = (await hook(bundle, { masterLaunchTaskResourceDecorator: { task: TASK, agentResources: AGENT.resources! } })).hook!;
  assert.equal(reserved.hasResources, true);
  assert.ok(resourcesFromWire(reserved.resources, 'r').equals(resourcesFromWire(TASK.resources, 't')));
  const unchanged = (await hook(bundle, { masterLaunchTaskResourceDecorator: { task: TASK, agentResources: toWire.resources('cpus:4') } })).hook!;
  assert.equal(protocol.HookReply.encode(unchanged).finish().length, 0, 'an empty HookReply');
});

test('async hooks: handle() answers through a Promise', async () => {
  const bundle = serve(hooksPolicy);
  const answer = bundle.handle('hook', encodeRequest({ hook: { agentRunTaskLabelDecorator: { task: TASK, executorInfo: EXECUTOR, frameworkInfo: FRAMEWORK, agentInfo: AGENT } } }));
  assert.ok(answer instanceof Promise);
  const reply = decodeResponse(await answer).hook!;
  assert.deepEqual(reply.labels!.labels.map((l) => l.key), ['executor', 'app']);
  assert.equal(reply.labels!.labels[0]!.value, 'e1');
  const attributes = (await hook(bundle, { agentAttributesDecorator: { agentInfo: AGENT } })).hook!;
  assert.equal(attributes.hasAttributes, true);
  assert.deepEqual(attributes.attributes.map((a) => a.name), ['rack', 'decorated']);
});

test('environment decorator sees VALUE variables only and answers the new environment', async () => {
  const reply = (await hook(serve(hooksPolicy), { agentExecutorEnvironmentDecorator: { executorInfo: EXECUTOR } })).hook!;
  assert.deepEqual(reply.environment!.variables.map((v) => [v.name, v.value, v.type]), [['A', '1', 1], ['EXECUTOR', 'e1', 1]]);
});

test('agent resources decorator: the agent resources (legacy role upgraded) plus a GPU', async () => {
  const reply = (await hook(serve(hooksPolicy), { agentResourcesDecorator: { agentInfo: AGENT } })).hook!;
  assert.equal(reply.hasResources, true);
  assert.equal(resourcesFromWire(reply.resources, 'r').toString(), 'cpus(reservations: [(STATIC,kafka)]):4; mem:8192; gpus:1');
});

test('task status decorator: labels only when the hook has something to say', async () => {
  const bundle = serve(hooksPolicy);
  const failed = (await hook(bundle, { agentTaskStatusDecorator: { frameworkId: 'f1', status: { taskId: { value: 't1' }, state: protocol.TaskState.TASK_FAILED } } })).hook!;
  assert.deepEqual(failed.labels!.labels.map((l) => [l.key, l.value]), [['failed-for', 'f1']]);
  const running = (await hook(bundle, { agentTaskStatusDecorator: { frameworkId: 'f1', status: { taskId: { value: 't1' }, state: protocol.TaskState.TASK_RUNNING } } })).hook!;
  assert.equal(running.labels, null);
});

test('a hook the policy does not define: empty HookReply ("leave unchanged")', async () => {
  const bundle = serve(hooksPolicy);
  for (const call of [{ masterAgentLostHook: { agentInfo: AGENT } }, { agentPostFetchHook: { containerId: { value: 'c' }, directory: '/d' } }, { agentRemoveExecutorHook: { frameworkInfo: FRAMEWORK, executorInfo: EXECUTOR } }]) {
    const response = await hook(bundle, call);
    assert.equal(response.result, 'hook', JSON.stringify(call));
    assert.equal(protocol.HookReply.encode(response.hook!).finish().length, 0, 'an empty HookReply');
  }
});

test('hooks that throw, reject or return wrong shapes: POLICY_FAILED naming the hook, counted per hook', async () => {
  const bundle = serve(throwingPolicy);
  const calls: Array<[wire.IHookCall, RegExp]> = [
    [{ masterLaunchTaskLabelDecorator: { task: TASK, frameworkInfo: FRAMEWORK, agentInfo: AGENT } }, /hook masterLaunchTaskLabelDecorator failed: Error: boom/],
    [{ agentRunTaskLabelDecorator: { task: TASK, frameworkInfo: FRAMEWORK, agentInfo: AGENT } }, /hook agentRunTaskLabelDecorator failed: Error: boom/],
    [{ agentResourcesDecorator: { agentInfo: AGENT } }, /hook agentResourcesDecorator returned resources that are not valid/],
    [{ agentExecutorEnvironmentDecorator: { executorInfo: EXECUTOR } }, /environment variable 'X' with a number value/],
    [{ agentAttributesDecorator: { agentInfo: AGENT } }, /attribute 'a' of type "SET"/],
    [{ agentTaskStatusDecorator: { frameworkId: 'f', status: { state: 1 } } }, /label #0 without a string key/],
  ];
  for (const [call, message] of calls) {
    const response = await hook(bundle, call);
    assert.equal(response.error?.code, Code.POLICY_FAILED, JSON.stringify(call));
    assert.match(response.error!.message, message);
  }
  const counters = await stats(bundle);
  assert.equal(counters.get('hooks/errors/masterLaunchTaskLabelDecorator'), 1);
  assert.equal(counters.get('hooks/errors/agentRunTaskLabelDecorator'), 1);
  assert.equal(counters.get('errors/policy_failed'), 6);
});

test('a hook call with an invalid message is INVALID_REQUEST, not a policy failure', async () => {
  const bundle = serve(hooksPolicy);
  const response = await hook(bundle, { masterLaunchTaskLabelDecorator: { frameworkInfo: FRAMEWORK, agentInfo: AGENT } });
  assert.equal(response.error?.code, Code.INVALID_REQUEST);
  assert.match(response.error!.message, /^task: is required/);
  const badResources = await hook(bundle, { masterLaunchTaskLabelDecorator: { task: { ...TASK, resources: [{ name: 'cpus', type: 0, scalar: { value: -1 } }] }, frameworkInfo: FRAMEWORK, agentInfo: AGENT } });
  assert.equal(badResources.error?.code, Code.INVALID_REQUEST);
  assert.equal((await stats(bundle)).get('hooks/errors/masterLaunchTaskLabelDecorator'), undefined);
});

test('a bundle without hooks or isolator answers UNSUPPORTED; an empty HookCall too', async () => {
  const bundle = serve(definePolicy({ name: 'allocator-only' }));
  assert.equal((await hook(bundle, { masterAgentLostHook: { agentInfo: AGENT } })).error?.code, Code.UNSUPPORTED);
  assert.equal((await isolator(bundle, { cleanup: { containerId: { value: 'c' } } })).error?.code, Code.UNSUPPORTED);
  assert.equal((await hook(serve(hooksPolicy), {})).error?.code, Code.UNSUPPORTED);
});

test('isolator: prepare → launch info, watch → limitation or nothing, usage → statistics (async)', async () => {
  const bundle = serve(hooksPolicy);
  const containerId = { value: 'c-1', parent: { value: 'c-0' } };
  const prepared = (await isolator(bundle, { prepare: { containerId, executorInfo: EXECUTOR, taskInfo: TASK, resources: TASK.resources!, directory: '/sandbox', user: 'kafka' } })).isolator!;
  assert.deepEqual(prepared.launchInfo!.environment!.variables.map((v) => [v.name, v.value]), [['CONTAINER', 'c-1'], ['USER', 'kafka']]);
  assert.deepEqual(prepared.launchInfo!.preExecCommands, ['echo hi']);
  const fine = (await isolator(bundle, { watch: { containerId, diskUsage: toWire.resources('disk:50') } })).isolator!;
  assert.equal(fine.limitation, null);
  const over = (await isolator(bundle, { watch: { containerId, diskUsage: toWire.resources('disk:150') } })).isolator!;
  assert.equal(over.limitation!.message, 'disk 150 > 100');
  assert.equal(over.limitation!.reason, protocol.TaskStatus.Reason.REASON_CONTAINER_LIMITATION_DISK);
  assert.equal(resourcesFromWire(over.limitation!.resources, 'r').disk(), 150);
  const usageAnswer = bundle.handle('isolator', encodeRequest({ isolator: { usage: { containerId } } }));
  assert.ok(usageAnswer instanceof Promise);
  assert.deepEqual(decodeResponse(await usageAnswer).isolator!.statistics, { disk_used_bytes: 3 });
  for (const call of [{ isolate: { containerId, pid: 42 } }, { cleanup: { containerId } }, { recover: { states: [{ containerId, pid: 1 }], orphans: [{ value: 'o' }] } }, { update: { containerId, resourceLimits: { cpus: { value: 2 } } } }]) {
    const response = await isolator(bundle, call);
    assert.equal(response.result, 'isolator', JSON.stringify(call));
    assert.equal(protocol.IsolatorReply.encode(response.isolator!).finish().length, 0, 'an empty IsolatorReply');
  }
});

test('isolator failures: POLICY_FAILED, counted per method', async () => {
  const bundle = serve(throwingPolicy);
  const containerId = { value: 'c' };
  for (const [call, message] of [
    [{ prepare: { containerId } }, /isolator prepare failed: Error: boom in prepare/],
    [{ watch: { containerId } }, /isolator watch failed/],
    [{ usage: { containerId } }, /statistic 'disk' = a lot/],
  ] as Array<[wire.IIsolatorCall, RegExp]>) {
    const response = await isolator(bundle, call);
    assert.equal(response.error?.code, Code.POLICY_FAILED);
    assert.match(response.error!.message, message);
  }
  const counters = await stats(bundle);
  assert.equal(counters.get('isolator/errors/prepare'), 1);
  assert.equal(counters.get('isolator/errors/watch'), 1);
  assert.equal(counters.get('isolator/errors/usage'), 1);
  assert.equal((await isolator(bundle, { isolator: undefined } as wire.IIsolatorCall)).error?.code, Code.UNSUPPORTED);
});

test("a task's command environment: VALUE variables only, the same frozen record for the same environment, a policy cannot change it", async () => {
  const seen: unknown[] = [];
  const bundle = serve(definePolicy({
    name: 'env-reader',
    hooks: {
      masterLaunchTaskLabelDecorator: (task) => {
        const environment = task.command?.environment;
        seen.push(environment);
        assert.throws(() => { (environment as Record<string, string>).A = 'changed'; }, TypeError, 'a policy cannot change what the next call sees');
        return [...task.labels, { key: 'a', value: environment?.A ?? 'none' }];
      },
    },
  }));
  const call = { masterLaunchTaskLabelDecorator: { task: { ...TASK, command: EXECUTOR.command }, frameworkInfo: FRAMEWORK, agentInfo: AGENT } };
  for (let i = 0; i < 2; i++) assert.deepEqual((await hook(bundle, call)).hook!.labels!.labels.map((l) => [l.key, l.value]), [['app', 'kafka'], ['a', '1']]);
  assert.deepEqual(seen[0], { A: '1' });
  assert.equal(seen[0], seen[1], 'built once for the same environment');
  const other = { masterLaunchTaskLabelDecorator: { ...call.masterLaunchTaskLabelDecorator, task: { ...TASK, command: { value: 'run', environment: { variables: [{ name: 'A', type: 1, value: '2' }] } } } } };
  assert.equal((await hook(bundle, other)).hook!.labels!.labels[1]!.value, '2');
});

test("a hook call's agent, framework and labels: one frozen view per distinct message, a policy cannot change them", async () => {
  const seen: Array<{ task: TaskView; framework: FrameworkInfoView; agent: AgentInfoView }> = [];
  const bundle = serve(definePolicy({
    name: 'view-reader',
    hooks: {
      masterLaunchTaskLabelDecorator: (task, framework, agent) => {
        seen.push({ task, framework, agent });
        if (task.name === 'mutate') (agent.attributes as Attribute[]).push({ name: 'x', type: 'TEXT', text: 'y' });
        return [...task.labels, { key: 'rack', value: agent.attributes[0]?.type === 'TEXT' ? agent.attributes[0].text : '?' }];
      },
    },
  }));
  const call = (task: wire.ITaskInfo, agent: wire.IAgentInfo) => ({ masterLaunchTaskLabelDecorator: { task, frameworkInfo: FRAMEWORK, agentInfo: agent } });
  const labelsOf = (response: Decoded<wire.Response>) => response.hook!.labels!.labels.map((l) => [l.key, l.value]);
  // Two tasks of one app on one agent: a new task view each, the same agent, framework and labels.
  assert.deepEqual(labelsOf(await hook(bundle, call(TASK, AGENT))), [['app', 'kafka'], ['rack', 'r1']]);
  assert.deepEqual(labelsOf(await hook(bundle, call({ ...TASK, taskId: { value: 't2' } }, AGENT))), [['app', 'kafka'], ['rack', 'r1']]);
  const [first, second] = seen;
  assert.notEqual(first!.task, second!.task);
  assert.equal(second!.task.taskId, 't2');
  assert.equal(first!.agent, second!.agent);
  assert.equal(first!.framework, second!.framework);
  assert.equal(first!.task.labels, second!.task.labels);
  for (const shared of [first!.agent, first!.agent.attributes, first!.agent.attributes[0], first!.framework, first!.framework.roles, first!.framework.labels, first!.task.labels, first!.task.labels[0]]) {
    assert.ok(Object.isFrozen(shared), JSON.stringify(shared));
  }
  assert.deepEqual(first!.agent.attributes, [{ name: 'rack', type: 'TEXT', text: 'r1' }]);
  assert.deepEqual(first!.framework.roles, ['kafka']);
  // Another agent: its own view.
  const other = { ...AGENT, hostname: 'h2', id: { value: 'a2' }, attributes: toWire.attributes('rack:r2') };
  assert.deepEqual(labelsOf(await hook(bundle, call(TASK, other))), [['app', 'kafka'], ['rack', 'r2']]);
  assert.notEqual(seen[2]!.agent, first!.agent);
  assert.equal(seen[2]!.agent.hostname, 'h2');
  // A policy that writes to a shared view fails (POLICY_FAILED); the next call sees it unchanged.
  const failed = await hook(bundle, call({ ...TASK, name: 'mutate' }, AGENT));
  assert.equal(failed.error?.code, Code.POLICY_FAILED);
  assert.match(failed.error!.message, /TypeError/);
  assert.deepEqual(labelsOf(await hook(bundle, call(TASK, AGENT))), [['app', 'kafka'], ['rack', 'r1']]);
  assert.equal(seen[4]!.agent, first!.agent);
  assert.equal(seen[4]!.agent.attributes.length, 1);
});

test("only hook calls share decoded AgentInfo messages: an allocator's addAgent decodes its own", () => {
  serve(hooksPolicy); // installs the decode caches
  const inHook = () => decodeRequest(encodeRequest({ hook: { masterAgentLostHook: { agentInfo: AGENT } } })).hook!.masterAgentLostHook!.agentInfo!;
  const inAllocator = () => decodeRequest(encodeRequest({ allocator: { addAgent: { agentId: 'a1', agentInfo: AGENT, total: toWire.resources('cpus:4') } } })).allocator!.addAgent!.agentInfo!;
  const hooked = inHook();
  assert.equal(inHook(), hooked);
  assert.ok(Object.isFrozen(hooked));
  const allocated = inAllocator();
  assert.notEqual(allocated, hooked);
  assert.notEqual(inAllocator(), allocated);
  assert.ok(!Object.isFrozen(allocated));
  assert.deepEqual({ ...allocated }, { ...hooked });
});

test('a hook answering a thenable whose `then` throws: POLICY_FAILED, counted once', async () => {
  const bundle = serve(definePolicy({
    name: 'bad-thenable',
    hooks: {
      masterLaunchTaskLabelDecorator: () => ({ get then(): never { throw new Error('no then'); } }) as unknown as Label[],
    },
  }));
  const response = await hook(bundle, { masterLaunchTaskLabelDecorator: { task: TASK, frameworkInfo: FRAMEWORK, agentInfo: AGENT } });
  assert.equal(response.error?.code, Code.POLICY_FAILED);
  assert.match(response.error!.message, /hook masterLaunchTaskLabelDecorator failed: Error: no then/);
  assert.equal((await stats(bundle)).get('hooks/errors/masterLaunchTaskLabelDecorator'), 1);
});
