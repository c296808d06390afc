// Offline execution: all of a plan's operations or none, and an error that names the operation and agent.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { executeOperations, executePlan, operationsByAgent, planOperations, planService, PlanExecutionError, toOfferOperations, type Plan } from '../../../src/placement/index.ts';
import { applyOperation } from '../../../src/resources/index.ts';
import { agent, brokers, mountDisk, resourcesOf, spec } from './helpers.ts';

const volumes = { volumes: [{ containerPath: 'data', sizeMb: 1000, disk: 'MOUNT' as const }] };

test('a plan executes per placement, in order; the input map is not changed', () => {
  const cluster = ['a', 'b'].map((id) => agent(id, { extra: [mountDisk('/mnt/0', 2000)] }));
  const before = resourcesOf(cluster);
  const plan = planService(spec([brokers(2, 'hostname=unique', volumes)]), cluster);
  assert.deepEqual(planOperations(plan).map((s) => [s.podInstance, s.operations.map((o) => o.type)]), [
    ['broker-0', ['RESERVE', 'CREATE']],
    ['broker-1', ['RESERVE', 'CREATE']],
  ]);
  const after = executePlan(before, plan);
  for (const id of ['a', 'b']) {
    assert.equal(after.get(id)!.persistentVolumes().size, 1);
    assert.equal(before.get(id)!.persistentVolumes().size, 0);
  }
});

test('if any operation fails nothing changes, and the error names the operation, the instance and the agent', () => {
  const cluster = ['a', 'b'].map((id) => agent(id, { extra: [mountDisk('/mnt/0', 2000)] }));
  const plan = planService(spec([brokers(2, 'hostname=unique', volumes)]), cluster);
  const before = resourcesOf(cluster);
  // The second agent lost its MOUNT disk since the plan was made.
  const changed = new Map(before);
  changed.set(plan.placements[1]!.agent.id, agent('x').resources);
  assert.throws(() => executePlan(changed, plan), (e: unknown) => {
    assert.ok(e instanceof PlanExecutionError);
    assert.equal(e.agentId, plan.placements[1]!.agent.id);
    assert.equal(e.podInstance, 'broker-1');
    assert.equal(e.operation, 'RESERVE');
    assert.equal(e.operationIndex, 0);
    assert.match(e.message, /^RESERVE #0 for broker-1 on agent \S+ failed: RESERVE: .* does not contain .*; nothing was applied$/);
    return true;
  });
  assert.equal(changed.get(plan.placements[0]!.agent.id), before.get(plan.placements[0]!.agent.id), 'the first agent is untouched');
  assert.throws(() => executeOperations(new Map(), planOperations(plan)), /agent \S+ is not in the cluster/);
});

test('principals are checked as the master checks them', () => {
  const cluster = [agent('a')];
  const plan: Plan = planService(spec([brokers(1)]), cluster);
  assert.throws(() => executeOperations(resourcesOf(cluster), planOperations(plan), { principal: 'someone-else' }), /does not match the reservation principal 'kafka-principal'/);
  assert.doesNotThrow(() => executePlan(resourcesOf(cluster), plan));
});

test('a framework\'s form: the operations allocated to the role apply to the offer, one list per agent', () => {
  const cluster = ['a', 'b'].map((id) => agent(id, { extra: [mountDisk('/mnt/0', 2000)] }));
  const plan = planService(spec([brokers(2, undefined, volumes)], 'kafka'), cluster);
  const byAgent = operationsByAgent(plan);
  assert.equal(byAgent.size, 2);
  assert.equal([...byAgent.values()].reduce((n, ops) => n + ops.length, 0), 4);
  for (const [id, ops] of byAgent) {
    let offer = resourcesOf(cluster).get(id)!.allocate('kafka');
    for (const op of toOfferOperations(ops, 'kafka')) offer = applyOperation(offer, op, { frameworkRoles: ['kafka'], principal: 'kafka-principal' });
    assert.ok(offer.persistentVolumes().size >= 1);
    assert.ok([...offer].every((r) => r.allocationRole === 'kafka'));
  }
});
