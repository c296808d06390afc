// Properties under random trouble: operator calls refused (409), stopped half way, answers lost;
// agents lost (some past the permanent-failure timeout) and back; tasks failing. Once the trouble
// stops, the ledger equals the cluster (nothing leaked, missing or double-booked), every node runs
// on its own reservations, one per host and per rack, and nothing needed a person.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { seededRandom } from '../../../src/allocator/index.ts';
import { dbCluster, placed } from './helpers.ts';

const SEEDS = 40;

test(`${SEEDS} seeded runs of trouble, then quiet: consistent ledger, every node running where its reservations are`, () => {
  for (let seed = 1; seed <= SEEDS; seed++) {
    const random = seededRandom(seed);
    const { cluster, policy } = dbCluster();
    const fw = cluster.frameworks.get('db-fw')!;
    const down = new Set<string>();
    let trouble = true;
    cluster.fault = (call) => {
      if (!trouble) return undefined;
      const r = random();
      const n = call.operations.length;
      if (r < 0.15) return { applied: 0, httpStatus: 409 };
      if (r < 0.25 && n > 1) return { applied: 1, httpStatus: 409 };
      if (r < 0.35) {
        const applied = Math.floor(random() * (n + 1));
        return { applied, reported: Math.max(0, applied - 1), httpStatus: 0 };
      }
      return undefined;
    };
    for (let cycle = 0; cycle < 120; cycle++) {
      const r = random();
      const agentId = `host-${Math.floor(random() * 6)}`;
      if (r < 0.04 && !down.has(agentId) && down.size < 1) {
        cluster.removeAgent(agentId);
        down.add(agentId);
      } else if (r < 0.1 && down.has(agentId)) {
        cluster.restoreAgent(agentId);
        down.delete(agentId);
      } else if (r < 0.14) {
        fw.end(`node-${Math.floor(random() * 3)}`);
      }
      for (const k of policy.frameworkRequests().kills) fw.end(k.podInstance);
      cluster.step();
    }
    trouble = false;
    for (const agentId of down) cluster.restoreAgent(agentId);
    for (let cycle = 0; cycle < 80; cycle++) {
      for (const k of policy.frameworkRequests().kills) fw.end(k.podInstance);
      cluster.step();
    }
    const where = `seed ${seed}`;
    const report = policy.ledger.reconcile(cluster.totals());
    assert.ok(report.consistent, `${where}: ${JSON.stringify({ leaked: report.leaked.map((l) => `${l.podInstance}@${l.agentId}`), missing: report.missing.map((m) => `${m.podInstance}@${m.agentId}`), mismatched: report.mismatched.map((m) => m.problem) })}`);
    const nodes = placed(policy);
    assert.equal(nodes.size, 3, where);
    assert.equal(fw.tasks.size, 3, where);
    for (const [name, task] of fw.tasks) assert.equal(task.agentId, nodes.get(name)!.agent, `${where}: ${name} runs on its own reservations`);
    assert.equal(new Set([...nodes.values()].map((n) => n.agent)).size, 3, where);
    assert.equal(new Set([...nodes.values()].map((n) => Number(n.agent.split('-')[1]) % 3)).size, 3, `${where}: one per rack`);
    assert.deepEqual(policy.outstandingCalls(), [], where);
    assert.deepEqual(policy.problems(), [], where);
  }
});
