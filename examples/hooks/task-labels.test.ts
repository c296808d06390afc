// task-labels: the decorator called directly, and through serve() with an encoded HookCall (as
// the master's hook module sends it).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Resources, type FrameworkInfoView, type TaskView } from '../../src/index.ts';
import { protocol } from '../../src/runtime/protocol.ts';
import { decodeResponse, encodeRequest, toWire } from '../../src/runtime/requests.ts';
import { serve } from '../../src/runtime/serve.ts';
import policy, { ownerOf } from './task-labels.ts';

const framework = (name: string, roles: string[]): FrameworkInfoView => ({ name, user: 'root', roles, capabilities: [], labels: [] });
const task = (labels: TaskView['labels'] = []): TaskView => ({ name: 't', taskId: 't1', resources: Resources.EMPTY, labels });

test('owner: the role table first (a sub-role uses its parent), else the name prefix', () => {
  assert.deepEqual(ownerOf(framework('anything', ['kafka'])), { team: 'streaming', costCenter: 'CC-1042' });
  assert.deepEqual(ownerOf(framework('x', ['kafka/prod'])), { team: 'streaming', costCenter: 'CC-1042' });
  assert.deepEqual(ownerOf(framework('payments-ledger', ['payments'])), { team: 'payments', costCenter: 'unassigned' });
});

test('labels are added; those the framework set itself win', async () => {
  const decorate = policy.hooks.masterLaunchTaskLabelDecorator;
  assert.deepEqual(await decorate(task([{ key: 'app', value: 'a' }]), framework('f', ['hdfs'])), [
    { key: 'app', value: 'a' }, { key: 'team', value: 'analytics' }, { key: 'cost_center', value: 'CC-2010' },
  ]);
  assert.deepEqual(await decorate(task([{ key: 'team', value: 'mine' }]), framework('f', ['hdfs'])), [
    { key: 'team', value: 'mine' }, { key: 'cost_center', value: 'CC-2010' },
  ]);
});

test('through serve(): a HookCall in, the labels in the HookReply', async () => {
  const bundle = serve(policy);
  const request = encodeRequest({
    hook: {
      masterLaunchTaskLabelDecorator: {
        task: { name: 'broker', taskId: { value: 't1' }, resources: toWire.resources('cpus:1;mem:128'), labels: { labels: [{ key: 'app', value: 'kafka' }] } },
        frameworkInfo: { name: 'kafka', user: 'root', roles: ['cassandra'], capabilities: [{ type: 6 }] },
        agentInfo: { hostname: 'h1' },
      },
    },
  });
  const reply = decodeResponse(await bundle.handle('hook', request)).hook!;
  assert.deepEqual(reply.labels!.labels.map((l) => [l.key, l.value]), [['app', 'kafka'], ['team', 'storage'], ['cost_center', 'CC-1077']]);
  // A hook this policy does not have: an empty HookReply, "unchanged".
  const other = decodeResponse(await bundle.handle('hook', encodeRequest({ hook: { agentAttributesDecorator: { agentInfo: { hostname: 'h1' } } } })));
  assert.equal(protocol.HookReply.encode(other.hook!).finish().length, 0);
});
