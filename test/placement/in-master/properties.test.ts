// Properties under random trouble: operator calls refused (409), stopped half way, answers lost;
// agents lost (some past the permanent-failure timeout) and back; tasks failing; the master
// restarting at random points (in the middle of a call: some of its operations made, no answer,
// the cycle's later calls not made). The framework is naive (it launches out of whatever of an
// instance's reservations it is offered), so the allocator's offers alone must keep every node
// from starting without its volume. Once the trouble stops, the ledger equals the cluster
// (nothing leaked, missing or double-booked), every node runs on its own reservations, one per
// host and per rack, and nothing needed a person.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { seededRandom } from '../../../src/allocator/index.ts';
import { dataServicePolicy, type DataServicePolicy } from '../../../src/placement/index.ts';
import { dbCluster, dbSpec, placed, TUNING } from './helpers.ts';
import type { CallFault, MasterCluster, ServiceFramework } from './master-cluster.ts';

const SEEDS = 40;
const RESTART_CASES = 1000;

/** The master stops during this cycle's calls: call `call` makes `applied` operations, the later ones none; no answers. */
interface Crash {
  readonly call: number;
  readonly applied: number;
}

function withCrash(crash: () => Crash | undefined, otherwise: CallFault): CallFault {
  let n = 0;
  let current: Crash | undefined;
  return (call) => {
    const c = crash();
    if (c !== current) {
      current = c;
      n = 0;
    }
    if (c === undefined) return otherwise(call);
    const i = n++;
    if (i < c.call) return otherwise(call);
    return { applied: i === c.call ? Math.min(c.applied, call.operations.length) : 0, httpStatus: 0, answered: false };
  };
}

function restart(cluster: MasterCluster): DataServicePolicy {
  const fresh = dataServicePolicy(dbSpec(), { controller: TUNING });
  cluster.failover(fresh);
  return fresh;
}

function assertSettled(cluster: MasterCluster, policy: DataServicePolicy, fw: ServiceFramework, where: string): void {
  const report = policy.ledger.reconcile(cluster.totals());
  assert.ok(report.consistent, `${where}: ${JSON.stringify({ leaked: report.leaked.map((l) => `${l.podInstance}@${l.agentId}`), missing: report.missing.map((m) => `${m.podInstance}@${m.agentId}`), mismatched: report.mismatched.map((m) => m.problem) })}`);
  const nodes = placed(policy);
  assert.equal(nodes.size, 3, where);
  assert.equal(fw.tasks.size, 3, where);
  for (const [name, task] of fw.tasks) assert.equal(task.agentId, nodes.get(name)!.agent, `${where}: ${name} runs on its own reservations`);
  assert.equal(new Set([...nodes.values()].map((n) => n.agent)).size, 3, where);
  assert.equal(new Set([...nodes.values()].map((n) => Number(n.agent.split('-')[1]) % 3)).size, 3, `${where}: one per rack`);
  assert.ok(policy.ledger.instances('db').every((r) => r.incomplete === undefined), `${where}: every placement complete`);
  assert.deepEqual(policy.outstandingCalls(), [], where);
  assert.deepEqual(policy.problems(), [], where);
}

function assertNeverWithoutVolume(fw: ServiceFramework, where: string): void {
  const bad = fw.launched.find((l) => l.volumes.length !== 1);
  assert.equal(bad, undefined, `${where}: ${bad?.podInstance} launched on ${bad?.agentId} with volumes [${bad?.volumes.join(', ')}]`);
}

test(`${SEEDS} seeded runs of trouble and restarts, then quiet: consistent ledger, every node running where its reservations are, never without its volume`, () => {
  let restarts = 0;
  for (let seed = 1; seed <= SEEDS; seed++) {
    const random = seededRandom(seed);
    let { cluster, policy } = dbCluster();
    const fw = cluster.frameworks.get('db-fw')!;
    fw.naive = true;
    const down = new Set<string>();
    let trouble = true;
    let crash: Crash | undefined;
    cluster.fault = withCrash(() => crash, (call) => {
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
    });
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
      } else if (r < 0.18) {
        // Also while an agent is down, or right before one is lost: the fresh policy adopts what it sees, and the rest when its agent is back (late-adoption.ts).
        crash = { call: Math.floor(random() * 3), applied: Math.floor(random() * 3) };
      }
      for (const k of policy.frameworkRequests().kills) fw.end(k.podInstance);
      cluster.step();
      if (crash !== undefined) {
        crash = undefined;
        policy = restart(cluster);
        restarts++;
      }
      assertNeverWithoutVolume(fw, `seed ${seed} cycle ${cycle}`);
    }
    trouble = false;
    for (const agentId of down) cluster.restoreAgent(agentId);
    for (let cycle = 0; cycle < 80; cycle++) {
      for (const k of policy.frameworkRequests().kills) fw.end(k.podInstance);
      cluster.step();
    }
    assertNeverWithoutVolume(fw, `seed ${seed}`);
    assertSettled(cluster, policy, fw, `seed ${seed}`);
  }
  assert.ok(restarts >= SEEDS, `${restarts} restarts in ${SEEDS} runs`);
});

test(`${RESTART_CASES} restarts at random points of a deploy (which call, how many of its operations made; one to three RESERVEs per call; an agent away in some): every node completed, then launched on its volume`, () => {
  for (let seed = 1; seed <= RESTART_CASES; seed++) {
    const random = seededRandom(seed * 7919);
    let { cluster, policy } = dbCluster();
    // Some clusters hold mem and/or disk dynamically reserved to the role, unlabelled: the plan then
    // relabels them with RESERVEs of their own, and a restart can fall between two RESERVEs.
    const preReserved = (['mem', 'disk'] as const).filter(() => random() < 0.4);
    for (const name of preReserved) {
      for (const id of cluster.engine.state.agents.keys()) {
        cluster.engine.applyAvailable(id, [{ type: 'RESERVE', resources: [{ name, scalar: name === 'mem' ? 4096 : 20000, reservations: [{ type: 'DYNAMIC', role: 'data', principal: 'ops' }] }] }]);
      }
    }
    const fw = cluster.frameworks.get('db-fw')!;
    fw.naive = true;
    const crashAt = Math.floor(random() * 3);
    let crash: Crash | undefined;
    let refusing = random() < 0.3; // some calls refused before the restart, so the deploy spreads over cycles
    cluster.fault = withCrash(() => crash, () => (refusing && random() < 0.4 ? { applied: 0, httpStatus: 409 } : undefined));
    // Some restarts find an agent away (lost at a cycle of the deploy, the crash's included): it
    // re-registers a few cycles after the restart with what it holds (late-adoption.ts).
    const awayRandom = seededRandom(seed * 104_729);
    const away = awayRandom() < 0.3 ? { agentId: `host-${Math.floor(awayRandom() * 6)}`, at: Math.floor(awayRandom() * (crashAt + 1)), back: Math.floor(awayRandom() * 4) } : undefined;
    for (let cycle = 0; cycle <= crashAt; cycle++) {
      if (cycle === crashAt) crash = { call: Math.floor(random() * 3), applied: Math.floor(random() * 4) };
      if (away?.at === cycle) cluster.removeAgent(away.agentId);
      cluster.step();
      if (crash !== undefined) {
        crash = undefined;
        refusing = false;
        policy = restart(cluster);
        if (random() < 0.2) policy = restart(cluster); // a second restart before the first policy ran a cycle
      }
    }
    for (let cycle = 0; cycle < (away?.back ?? 0) + 5; cycle++) {
      if (away?.back === cycle) cluster.restoreAgent(away.agentId);
      cluster.step(); // complete, offer, launch, seen running
    }
    const where = `case ${seed}${away === undefined ? '' : ` (${away.agentId} away from cycle ${away.at}, back ${away.back} cycles after the restart)`}`;
    assertNeverWithoutVolume(fw, where);
    assertSettled(cluster, policy, fw, where);
  }
});
