// jvm-environment: heap sizes from the executor's mem, the framework's -Xmx respected, Kafka's
// KAFKA_HEAP_OPTS capped; directly and through serve() (agentExecutorEnvironmentDecorator).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseResources, type ExecutorView } from '../../src/index.ts';
import { decodeResponse, encodeRequest, toWire } from '../../src/runtime/requests.ts';
import { serve } from '../../src/runtime/serve.ts';
import policy, { jvmEnvironment } from './jvm-environment.ts';

const executor = (resources: string, environment: Record<string, string> = {}, name = 'app'): ExecutorView => ({
  executorId: `${name}-executor`,
  name,
  resources: parseResources(resources),
  labels: [],
  command: { value: 'run.sh', arguments: [], environment },
});

test('JAVA_OPTS gets -Xmx at 75 % of mem; the rest of the environment stays', () => {
  assert.deepEqual(jvmEnvironment(executor('cpus:1;mem:4096', { PATH: '/bin', JAVA_OPTS: '-server' })), { PATH: '/bin', JAVA_OPTS: '-server -Xmx3072m' });
});

test("the framework's own -Xmx wins; no mem or too little: unchanged", () => {
  assert.deepEqual(jvmEnvironment(executor('mem:4096', { JAVA_OPTS: '-Xmx1g' })), { JAVA_OPTS: '-Xmx1g' });
  assert.equal(jvmEnvironment(executor('cpus:1')), undefined);
  assert.equal(jvmEnvironment(executor('mem:32')), undefined);
});

test('Kafka executors get KAFKA_HEAP_OPTS, capped at 6 GiB', () => {
  assert.equal(jvmEnvironment(executor('mem:2048', {}, 'kafka-broker-0'))!['KAFKA_HEAP_OPTS'], '-Xms1536m -Xmx1536m');
  assert.equal(jvmEnvironment(executor('mem:32768', {}, 'kafka-broker-0'))!['KAFKA_HEAP_OPTS'], '-Xms6144m -Xmx6144m');
});

test('through serve(): the environment comes back as VALUE variables', async () => {
  const bundle = serve(policy);
  const request = encodeRequest({
    hook: {
      agentExecutorEnvironmentDecorator: {
        executorInfo: {
          executorId: { value: 'kafka-broker-1' },
          command: { value: 'kafka-server-start.sh', environment: { variables: [{ name: 'PATH', type: 1, value: '/bin' }, { name: 'TOKEN', type: 2 }] } },
          resources: toWire.resources('cpus:1;mem:1024'),
        },
      },
    },
  });
  const reply = decodeResponse(await bundle.handle('hook', request)).hook!;
  const env = Object.fromEntries(reply.environment!.variables.map((v) => [v.name, v.value]));
  // The SECRET variable is not the policy's to see; the module keeps it when it applies the reply.
  assert.deepEqual(env, { PATH: '/bin', JAVA_OPTS: '-Xmx768m', KAFKA_HEAP_OPTS: '-Xms768m -Xmx768m' });
});
