// A small data service for the in-master tests: `db` (role `data`), 3 nodes with a volume each,
// one per host, one per rack, on 6 hosts in 3 racks.
import { dataServicePolicy, parseServiceSpec, type DataServicePolicy, type DataServicePolicyOptions, type ServiceSpec } from '../../../src/placement/index.ts';
import { MasterCluster } from './master-cluster.ts';

export function dbSpec(count = 3, name = 'db', role = 'data'): ServiceSpec {
  return parseServiceSpec({
    name, role, principal: name,
    pods: [{ type: 'node', count, resources: 'cpus:2;mem:2048', volumes: [{ containerPath: 'data', sizeMb: 10000 }], constraints: 'hostname=unique,rack=groupBy:3' }],
  });
}

export const TUNING: DataServicePolicyOptions['controller'] = { failureDomain: 'rack', permanentFailureTimeoutMs: 60_000, destroyGraceMs: 30_000 };

export function dbCluster(options: DataServicePolicyOptions = {}, spec = dbSpec()): { cluster: MasterCluster; policy: DataServicePolicy; lines: string[] } {
  const lines: string[] = [];
  const policy = dataServicePolicy(spec, { controller: TUNING, log: (l) => lines.push(l), ...options });
  const cluster = new MasterCluster(policy, 6, 3);
  cluster.addServiceFramework('db-fw', spec.name, spec.role);
  return { cluster, policy, lines };
}

/** podInstance → agent and volume, from the ledger's current entries. */
export function placed(policy: DataServicePolicy, service = 'db'): Map<string, { agent: string; volume: string }> {
  const out = new Map<string, { agent: string; volume: string }>();
  for (const e of policy.ledger.entries({ service, retired: false })) if (e.persistenceId !== undefined) out.set(e.podInstance, { agent: e.agentId, volume: e.persistenceId });
  return out;
}

export const opTypes = (call: { operations: readonly { type: string }[] }) => call.operations.map((o) => o.type).join(',');
