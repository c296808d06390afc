// The in-master policy drives a data service through operator calls: placement, launches seen
// as allocations, failed calls re-planned (and half-made ones undone), agents lost and back,
// task failures, replace with a kill request, permanent failure with a destroy after the grace.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dbCluster, dbSpec, opTypes, placed } from './helpers.ts';

test('cycle 0 reserves and creates a volume per node (one per host and rack); cycle 1 the framework launches them: running', () => {
  const { cluster, policy } = dbCluster();
  const first = cluster.step();
  assert.equal(first.calls.length, 3);
  assert.deepEqual(first.calls.map(opTypes), ['RESERVE,CREATE', 'RESERVE,CREATE', 'RESERVE,CREATE']);
  assert.ok(first.results.every((r) => r.ok));
  assert.deepEqual(policy.status('db').map((s) => s.phase), ['idle', 'idle', 'idle']);
  assert.equal(policy.frameworkRequests().launchable.length, 3);
  cluster.steps(2); // launched after cycle 1's operator calls: seen (used) at cycle 2's
  assert.equal(cluster.frameworks.get('db-fw')!.tasks.size, 3);
  assert.deepEqual(policy.status('db').map((s) => s.phase), ['running', 'running', 'running']);
  const where = placed(policy);
  assert.equal(new Set([...where.values()].map((p) => p.agent)).size, 3);
  assert.equal(new Set([...where.values()].map((p) => Number(p.agent.split('-')[1]) % 3)).size, 3, 'one per rack');
  assert.ok(policy.ledger.reconcile(cluster.totals()).consistent);
  assert.deepEqual(policy.problems(), []);
  assert.deepEqual(policy.outstandingCalls(), []);
});

test('a call refused with 409 before any operation is failed and re-planned on the next cycle, not lost', () => {
  const { cluster, policy } = dbCluster();
  let refused: string | undefined;
  cluster.fault = (call) => {
    if (refused !== undefined) return undefined;
    refused = call.id;
    return { applied: 0, httpStatus: 409 };
  };
  const first = cluster.step();
  assert.equal(first.results.filter((r) => !r.ok).length, 1);
  assert.equal(policy.status('db').filter((s) => s.phase === 'pending').length, 1);
  const second = cluster.step();
  assert.equal(second.calls.length, 1, 'the refused instance is planned again');
  assert.ok(second.results[0]!.ok);
  cluster.steps(2);
  assert.equal(cluster.frameworks.get('db-fw')!.tasks.size, 3);
  assert.ok(policy.ledger.reconcile(cluster.totals()).consistent);
});

test('a call that stops half made (RESERVE made, CREATE refused) is undone first, then re-planned: nothing leaks', () => {
  const { cluster, policy } = dbCluster();
  let half: string | undefined;
  cluster.fault = (call) => {
    if (half !== undefined) return undefined;
    half = call.id;
    return { applied: 1, httpStatus: 409 };
  };
  cluster.step();
  const agentOfHalf = cluster.calls.find((c) => c.id === half)!.agentId;
  assert.equal(cluster.reserved(agentOfHalf, 'db').size, 1, 'the RESERVE was made');
  const second = cluster.step();
  assert.deepEqual(second.calls.map((c) => [c.id, opTypes(c)]), [[`${half}/undo`, 'UNRESERVE']]);
  assert.ok(second.results[0]!.ok);
  assert.equal(cluster.reserved(agentOfHalf, 'db').size, 0, 'undone');
  const third = cluster.step();
  assert.deepEqual(third.calls.map(opTypes), ['RESERVE,CREATE'], 're-planned once the undo is done');
  cluster.steps(2);
  assert.equal(cluster.frameworks.get('db-fw')!.tasks.size, 3);
  const report = policy.ledger.reconcile(cluster.totals());
  assert.ok(report.consistent, JSON.stringify(report.leaked.map((l) => l.resourceId)));
});

test('a call whose answer was lost (HTTP 0) is settled by looking at the agent: made → confirmed, not made → undone', () => {
  const { cluster, policy } = dbCluster();
  let n = 0;
  cluster.fault = (call) => {
    n++;
    if (n === 1) return { applied: 2, reported: 1, httpStatus: 0 }; // both made, the answer to the CREATE lost
    if (n === 2) return { applied: 1, reported: 1, httpStatus: 0 }; // RESERVE made, CREATE not
    void call;
    return undefined;
  };
  cluster.step();
  const second = cluster.step();
  assert.deepEqual(second.calls.map(opTypes), ['UNRESERVE'], 'only the half-made one is undone');
  cluster.steps(3);
  assert.equal(cluster.frameworks.get('db-fw')!.tasks.size, 3);
  assert.equal(placed(policy).size, 3);
  assert.ok(policy.ledger.reconcile(cluster.totals()).consistent);
});

test('an agent lost and back: its node relaunches there on the same volume; nothing reserved, created or destroyed meanwhile', () => {
  const { cluster, policy } = dbCluster();
  cluster.steps(2);
  const before = placed(policy);
  const [victim, where] = [...before][0]!;
  const callsBefore = cluster.calls.length;
  cluster.removeAgent(where.agent);
  cluster.steps(2);
  assert.equal(policy.status('db').find((s) => s.podInstance === victim)!.phase, 'lost');
  cluster.restoreAgent(where.agent);
  cluster.steps(3);
  assert.equal(cluster.calls.length, callsBefore, 'no operator call at all');
  assert.equal(policy.status('db').find((s) => s.podInstance === victim)!.phase, 'running');
  assert.deepEqual(placed(policy), before, 'same agents, same volumes');
  assert.equal(cluster.frameworks.get('db-fw')!.tasks.get(victim)!.agentId, where.agent);
});

test('a task that fails relaunches in place: its resources back unallocated → idle, offered again → running, same volume', () => {
  const { cluster, policy, lines } = dbCluster();
  cluster.steps(3); // placed, launched, seen running
  const before = placed(policy);
  cluster.frameworks.get('db-fw')!.end('node-1');
  cluster.step();
  assert.ok(lines.some((l) => l.startsWith('db: task-ended node-1')));
  cluster.steps(2); // offered, launched, then seen used
  assert.equal(policy.status('db').find((s) => s.podInstance === 'node-1')!.phase, 'running');
  assert.ok(lines.some((l) => l.startsWith('db: relaunched node-1')));
  assert.deepEqual(placed(policy), before);
});

test('operator replace: the framework is asked to kill (with its id); once it has, the node is placed afresh and the old volume destroyed after the grace', () => {
  const { cluster, policy } = dbCluster();
  cluster.steps(2);
  const old = placed(policy).get('node-0')!;
  policy.controller('db')!.replace('node-0');
  cluster.step();
  const kills = policy.frameworkRequests().kills;
  assert.deepEqual(kills.map((k) => [k.podInstance, k.agentId, k.frameworkId, k.reason]), [['node-0', old.agent, 'db-fw', 'replace']]);
  cluster.frameworks.get('db-fw')!.end('node-0');
  cluster.steps(3);
  assert.deepEqual(policy.frameworkRequests().kills, []);
  const now = placed(policy).get('node-0')!;
  assert.notEqual(now.agent, old.agent);
  assert.notEqual(now.volume, old.volume);
  assert.equal(cluster.frameworks.get('db-fw')!.tasks.get('node-0')!.agentId, now.agent, 'relaunched on the new agent, never on the retired volume');
  assert.equal(cluster.reserved(old.agent, 'db').get('node-0')?.volumes[0], old.volume, 'kept during the grace');
  cluster.steps(31);
  assert.equal(cluster.reserved(old.agent, 'db').size, 0, 'destroyed and unreserved after it');
  assert.ok(cluster.calls.some((c) => c.agentId === old.agent && opTypes(c) === 'DESTROY,UNRESERVE'));
  assert.ok(policy.ledger.reconcile(cluster.totals()).consistent);
});

test('an agent gone past the permanent-failure timeout: replaced on another host of its rack; its old reservations destroyed once it is back and the grace is over', () => {
  const { cluster, policy } = dbCluster();
  cluster.steps(2);
  const old = placed(policy).get('node-2')!;
  cluster.removeAgent(old.agent);
  cluster.steps(63);
  const now = placed(policy).get('node-2')!;
  assert.notEqual(now.agent, old.agent);
  assert.equal(Number(now.agent.split('-')[1]) % 3, Number(old.agent.split('-')[1]) % 3, 'same rack (GROUP_BY keeps one per rack)');
  assert.equal(policy.status('db').find((s) => s.podInstance === 'node-2')!.phase, 'running');
  cluster.restoreAgent(old.agent);
  cluster.steps(32);
  assert.equal(cluster.reserved(old.agent, 'db').size, 0);
  assert.ok(policy.ledger.reconcile(cluster.totals()).consistent);
});

test('maintenance passed on by whoever knows it: the node is asked to stop, moves within its rack, then the framework may ACCEPT the inverse offer', () => {
  const { cluster, policy } = dbCluster({}, dbSpec(3));
  cluster.steps(2);
  const old = placed(policy).get('node-1')!;
  const window = { start: cluster.now + 3_600_000 };
  cluster.engine.updateUnavailability(old.agent, window);
  policy.maintenance(old.agent, window);
  policy.inverseOffer(old.agent, window);
  cluster.step();
  assert.deepEqual(policy.frameworkRequests().kills.map((k) => [k.podInstance, k.reason]), [['node-1', 'move']]);
  cluster.frameworks.get('db-fw')!.end('node-1');
  cluster.steps(3);
  const now = placed(policy).get('node-1')!;
  assert.notEqual(now.agent, old.agent);
  assert.equal(Number(now.agent.split('-')[1]) % 3, Number(old.agent.split('-')[1]) % 3);
  assert.deepEqual(policy.frameworkRequests().acceptInverseOffers.map((a) => a.agentId), [old.agent]);
  policy.maintenance(old.agent, undefined);
  assert.deepEqual(policy.frameworkRequests().acceptInverseOffers, []);
});
