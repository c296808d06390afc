/**
 * Executor environment injection ("subverting environment variables"): JVM services get a heap
 * sized from the memory Mesos gives their executor, so a framework that asks for 4 GiB does not
 * start a JVM that assumes the whole machine (or 1/4 of it) is its own.
 *
 *   JAVA_OPTS        `-Xmx<heap>m` appended, unless the framework already set -Xmx
 *   KAFKA_HEAP_OPTS  `-Xms<heap>m -Xmx<heap>m` for Kafka executors (Kafka's start script reads it),
 *                    capped at 6 GiB: Kafka wants page cache more than heap
 *
 * heap = 75 % of the executor's mem (for a command task Mesos's executor carries the task's
 * resources). An executor without mem is left alone. Runs in the agent
 * (`--hooks=org_mesos_policy_Hook`, agentExecutorEnvironmentDecorator). The hook returns the whole
 * VALUE environment: what it does not mention is dropped, so it starts from the executor's own.
 */
import { definePolicy, type ExecutorView } from '../../src/index.ts';

export const HEAP_FRACTION = 0.75;
export const KAFKA_HEAP_CAP_MB = 6144;
/** Below this a JVM does not start usefully; leave such executors as they are. */
export const MIN_HEAP_MB = 64;

export function heapMb(memMb: number): number {
  return Math.floor(memMb * HEAP_FRACTION);
}

function isKafka(executor: ExecutorView): boolean {
  const text = `${executor.name ?? ''} ${executor.executorId} ${executor.command?.value ?? ''}`.toLowerCase();
  return text.includes('kafka');
}

export function jvmEnvironment(executor: ExecutorView): Record<string, string> | undefined {
  const mem = executor.resources.mem();
  if (mem === undefined || heapMb(mem) < MIN_HEAP_MB) return undefined;
  const heap = heapMb(mem);
  const env: Record<string, string> = { ...executor.command?.environment };
  const javaOpts = env['JAVA_OPTS'] ?? '';
  if (!/(^|\s)-Xmx\S+/.test(javaOpts)) env['JAVA_OPTS'] = `${javaOpts} -Xmx${heap}m`.trim();
  if (isKafka(executor)) {
    const kafkaHeap = Math.min(heap, KAFKA_HEAP_CAP_MB);
    env['KAFKA_HEAP_OPTS'] = `-Xms${kafkaHeap}m -Xmx${kafkaHeap}m`;
  }
  return env;
}

export default definePolicy({
  name: 'jvm-environment',
  hooks: {
    agentExecutorEnvironmentDecorator: jvmEnvironment,
  },
});
