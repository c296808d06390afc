/**
 * Task label decoration: every task launched by the master gets `team` and `cost_center` labels,
 * taken from the framework's role (a table the platform team owns) or, for a role not in it, from
 * the framework's name (`<team>-<service>`, e.g. `payments-kafka`). Chargeback and dashboards then
 * group tasks by label without every framework having to set them. Labels the framework set itself
 * win: a task that says its own team keeps it.
 *
 * Runs in the master (`--hooks=org_mesos_policy_Hook`); the labels show in the agent's /state and
 * in the task's status updates. Build and deploy: docs/deployment.md.
 * In your own repository, import from 'mesos-policy' instead of the relative path.
 */
import { definePolicy, type FrameworkInfoView, type Label } from '../../src/index.ts';

export interface Ownership {
  readonly team: string;
  readonly costCenter: string;
}

/** role → owner. Edit and rebuild the bundle (with reload_check_ms the master picks it up live). */
export const ROLE_OWNERS: Readonly<Record<string, Ownership>> = {
  kafka: { team: 'streaming', costCenter: 'CC-1042' },
  cassandra: { team: 'storage', costCenter: 'CC-1077' },
  hdfs: { team: 'analytics', costCenter: 'CC-2010' },
  mysql: { team: 'storage', costCenter: 'CC-1077' },
};

export const UNASSIGNED_COST_CENTER = 'unassigned';

/** The owner of a framework: its first role with an entry (a role `kafka/prod` uses `kafka`), else its name's prefix. */
export function ownerOf(framework: Pick<FrameworkInfoView, 'roles' | 'name'>): Ownership {
  for (const role of framework.roles) {
    const owner = ROLE_OWNERS[role] ?? ROLE_OWNERS[role.split('/')[0]!];
    if (owner !== undefined) return owner;
  }
  const prefix = framework.name.split(/[-_.]/)[0]!.toLowerCase();
  return { team: prefix === '' ? 'unknown' : prefix, costCenter: UNASSIGNED_COST_CENTER };
}

export default definePolicy({
  name: 'task-labels',
  hooks: {
    masterLaunchTaskLabelDecorator(task, framework): readonly Label[] {
      const owner = ownerOf(framework);
      const has = (key: string): boolean => task.labels.some((l) => l.key === key);
      return [
        ...task.labels,
        ...(has('team') ? [] : [{ key: 'team', value: owner.team }]),
        ...(has('cost_center') ? [] : [{ key: 'cost_center', value: owner.costCenter }]),
      ];
    },
  },
});
