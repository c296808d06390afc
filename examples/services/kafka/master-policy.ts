/**
 * Kafka managed from inside the master: the allocator module itself reserves each broker's
 * cpus, mem, port and data volume through the operator API (RESERVE_RESOURCES, CREATE_VOLUMES),
 * one broker per host, 5 per rack; it offers a broker's reservations to the kafka framework
 * only, and only while the broker may run there; a broker whose host is lost waits for it (10
 * minutes) before it is placed elsewhere, one rack at a time, and its old volume is destroyed
 * 10 minutes after that. The kafka framework launches each broker out of the offer that carries
 * its reservations and kills what the policy asks (written to the master's log).
 *
 * Load it as the master's allocator (`--allocator=org_mesos_policy_Allocator`, parameter
 * `policy` = the bundle of this file); the module's operator credentials let it make the calls
 * (see src/placement/lifecycle/README.md, "Inside the master").
 *
 * In your own repository, import from 'mesos-policy' instead of the relative paths.
 */
import { definePolicy } from '../../../src/policy/index.ts';
import { dataServicePolicy, parseServiceSpec, type DataServicePolicyOptions, type ServiceSpec } from '../../../src/placement/index.ts';

/** spec.json's service (inlined so the bundle needs no file beside it; the test checks they agree). */
export const kafkaSpec: ServiceSpec = parseServiceSpec({
  name: 'kafka',
  role: 'kafka',
  principal: 'kafka',
  pods: [
    {
      type: 'broker',
      count: 20,
      resources: 'cpus:2;mem:8192;ports:[9092-9092]',
      volumes: [{ containerPath: 'kafka-data', sizeMb: 50000 }],
      constraints: 'hostname=unique,rack=groupBy:4',
    },
  ],
});

export const KAFKA_TUNING: NonNullable<DataServicePolicyOptions['controller']> = {
  failureDomain: 'rack',
  permanentFailureTimeoutMs: 600_000,
  destroyGraceMs: 600_000,
  replaceRateLimit: { perDomain: 1, windowMs: 600_000 },
};

/** A fresh policy (tests make one each); `specs` defaults to Kafka alone. */
export function kafkaMasterPolicy(options: DataServicePolicyOptions = {}, specs: readonly ServiceSpec[] = [kafkaSpec]) {
  return definePolicy(dataServicePolicy(specs, { controller: KAFKA_TUNING, ...options }));
}

export default kafkaMasterPolicy({ log: (line) => console.info(line) });
