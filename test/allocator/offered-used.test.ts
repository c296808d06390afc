// Offered vs. used: of what a framework holds on an agent, the engine keeps apart what its tasks
// use (Mesos transitionOfferedToAllocated / recoverResources(..., isAllocated) / addAgent and
// addFramework `used`), on every path that moves resources, and shows it to policies as
// FrameworkView.used. Mesos feeds it into the quota "consumed" metric only (Role::quotaConsumed).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AllocatorEngine } from '../../src/allocator/index.ts';
import { AllocatorError } from '../../src/allocator/errors.ts';
import type { FrameworkView, Policy } from '../../src/policy/index.ts';
import { parseResources, Resources } from '../../src/resources/index.ts';
import { assertResourcesEqual, buildCluster } from '../../src/testing/index.ts';

const CAPS = ['MULTI_ROLE', 'HIERARCHICAL_ROLE', 'RESERVATION_REFINEMENT'] as const;
const res = (text: string, role?: string) => (role === undefined ? parseResources(text) : parseResources(text).allocate(role));

function used(engine: AllocatorEngine, frameworkId: string, agentId: string): Resources {
  return engine.state.agents.get(agentId)!.allocated().get(frameworkId) ?? Resources.EMPTY;
}

function held(engine: AllocatorEngine, frameworkId: string, agentId: string): Resources {
  return engine.state.agents.get(agentId)!.offeredOrAllocated().get(frameworkId) ?? Resources.EMPTY;
}

/** The invariant on every path: used ⊆ held per framework, and the agent's total used is the sum. */
function assertBooks(engine: AllocatorEngine): void {
  for (const agent of engine.state.agents.values()) {
    let sum = Resources.EMPTY;
    for (const [frameworkId, u] of agent.allocated()) {
      assert.ok(held(engine, frameworkId, agent.id).contains(u), `${frameworkId} uses ${u} on ${agent.id} but holds ${held(engine, frameworkId, agent.id)}`);
      sum = sum.plus(u);
    }
    assert.ok(sum.equals(agent.totalAllocated));
  }
}

test('launch: the launched part is used, the rest stays offered; a decline returns offered resources only; a task end returns used ones', () => {
  const cluster = buildCluster({ agents: [{ id: 'a1', resources: 'cpus:4;mem:1024' }], frameworks: [{ id: 'f1', roles: ['web'] }] });
  const offered = cluster.runCycle().offered('f1', 'a1')!;
  const task = res('cpus:1;mem:256', 'web');
  cluster.engine.transitionOfferedToAllocated('a1', task, 'f1');
  assertResourcesEqual(used(cluster.engine, 'f1', 'a1'), task);
  assertResourcesEqual(held(cluster.engine, 'f1', 'a1'), offered, 'still all held: offered or allocated');
  cluster.decline('f1', 'a1', offered.minus(task));
  assertResourcesEqual(held(cluster.engine, 'f1', 'a1'), task);
  assertResourcesEqual(used(cluster.engine, 'f1', 'a1'), task, 'a decline of the offered part leaves the task alone');
  assertBooks(cluster.engine);
  cluster.finish('f1', 'a1', task);
  assert.equal(cluster.engine.state.agents.get('a1')!.allocated().size, 0);
  assert.ok(cluster.engine.state.agents.get('a1')!.totalAllocated.isEmpty());
  assertResourcesEqual(cluster.engine.state.agents.get('a1')!.available, 'cpus:4;mem:1024');
});

test('TestCluster.launch transitions for the framework that launched; FrameworkView.used shows it, allocation still shows everything held', () => {
  const views: FrameworkView[] = [];
  const policy: Policy = { operatorCalls: (ctx) => (views.push(...ctx.frameworks), []) };
  const cluster = buildCluster({ agents: [{ id: 'a1', resources: 'cpus:4;mem:1024' }], frameworks: [{ id: 'f1', roles: ['web'] }], policy });
  const offered = cluster.runCycle().offered('f1', 'a1')!;
  const view = views[0]!;
  assert.equal(view.used?.size, 0, 'merely offered: nothing used');
  assertResourcesEqual(view.allocation.get('a1')!, offered);
  cluster.launch('f1', 'a1', offered, res('cpus:2;mem:512', 'web'));
  cluster.clock.advance(1000);
  cluster.runCycle();
  const next = views.at(-1)!;
  assertResourcesEqual(next.used!.get('a1')!, res('cpus:2;mem:512', 'web'));
  assertResourcesEqual(next.allocation.get('a1')!, res('cpus:2;mem:512', 'web'), 'the declined rest went back (and is filtered)');
  // The offer stage's view reads the same books.
  const engineView = cluster.engine.state.frameworks.get('f1')!.policyView!;
  assertResourcesEqual(engineView.used!.get('a1')!, res('cpus:2;mem:512', 'web'));
});

test('addAgent and addFramework `used` are used (running tasks at a failover), in either order', () => {
  for (const order of ['agent-first', 'framework-first'] as const) {
    const engine = new AllocatorEngine();
    engine.initialize({ seed: 1 });
    const task = res('cpus:1;mem:128', 'web');
    const addAgent = () => engine.addAgent('a1', { hostname: 'a1' }, CAPS, undefined, res('cpus:4;mem:1024'), new Map([['f1', task]]));
    const addFramework = () => engine.addFramework('f1', { roles: ['web'], capabilities: ['MULTI_ROLE'] }, new Map([['a1', task]]), true);
    if (order === 'agent-first') { addAgent(); addFramework(); } else { addFramework(); addAgent(); }
    assertResourcesEqual(used(engine, 'f1', 'a1'), task, order);
    assert.equal(engine.quotaConsumed().get('web')!.get('cpus'), 1, `${order}: consumed counts it once`);
    assert.equal(engine.quotaConsumed().get('web')!.get('mem'), 128);
    const offered = engine.allocate(0).offers.get('f1')!.get('web')!.get('a1')!;
    assertResourcesEqual(offered, res('cpus:3;mem:896', 'web'), 'the rest is offered');
    engine.recoverResources('f1', 'a1', task, undefined, true);
    assertResourcesEqual(used(engine, 'f1', 'a1'), Resources.EMPTY);
    assertBooks(engine);
  }
});

test('without a framework id the transition goes to the framework whose offer holds the resources; a wrong guess among identical offers is corrected by the next recover', () => {
  for (const answer of ['other-declines', 'launcher-finishes'] as const) {
    const cluster = buildCluster({ agents: [{ id: 'a1', resources: 'cpus:2' }], frameworks: [{ id: 'f1', roles: ['web'] }, { id: 'f2', roles: ['web'] }] });
    const engine = cluster.engine;
    const first = cluster.runCycle().entries();
    assert.equal(first.length, 1);
    const [holder, other] = first[0]!.frameworkId === 'f1' ? ['f1', 'f2'] : ['f2', 'f1'];
    cluster.decline(holder, 'a1', res('cpus:1', 'web')); // no filter: the other framework gets it next
    cluster.clock.advance(1000);
    assertResourcesEqual(cluster.runCycle().offered(other, 'a1')!, res('cpus:1', 'web'));
    // Both hold cpus:1 offered in 'web'; `other` launches, Mesos does not say who.
    engine.transitionOfferedToAllocated('a1', res('cpus:1', 'web'));
    assert.equal(engine.state.agents.get('a1')!.totalAllocated.scalar('cpus'), 1);
    const guessed = [...engine.state.agents.get('a1')!.allocated().keys()];
    assert.deepEqual(guessed, [holder], 'the first holder is guessed');
    if (answer === 'other-declines') {
      // `holder` declines its offer: the use was `other`'s.
      cluster.decline(holder, 'a1', res('cpus:1', 'web'));
      assertResourcesEqual(used(engine, other, 'a1'), res('cpus:1', 'web'));
      assertResourcesEqual(used(engine, holder, 'a1'), Resources.EMPTY);
    } else {
      // `other`'s task ends: the books move `holder`'s part back to offered.
      cluster.finish(other, 'a1', res('cpus:1', 'web'));
      assertResourcesEqual(used(engine, holder, 'a1'), Resources.EMPTY);
      assertResourcesEqual(held(engine, holder, 'a1'), res('cpus:1', 'web'), 'still holding its offer');
    }
    assertBooks(engine);
  }
});

test('launching what is not offered throws AllocatorError and changes nothing', () => {
  const cluster = buildCluster({ agents: [{ id: 'a1', resources: 'cpus:4;mem:1024' }], frameworks: [{ id: 'f1', roles: ['web'] }] });
  const offered = cluster.runCycle().offered('f1', 'a1')!;
  const before = held(cluster.engine, 'f1', 'a1');
  assert.throws(() => cluster.engine.transitionOfferedToAllocated('a1', res('cpus:5', 'web'), 'f1'), AllocatorError);
  assert.throws(() => cluster.engine.transitionOfferedToAllocated('a1', res('cpus:5', 'web')), /not offered to any framework/);
  assert.throws(() => cluster.engine.transitionOfferedToAllocated('nope', res('cpus:1', 'web')), AllocatorError);
  assertResourcesEqual(held(cluster.engine, 'f1', 'a1'), before);
  assert.equal(cluster.engine.state.agents.get('a1')!.allocated().size, 0);
  cluster.engine.transitionOfferedToAllocated('a1', offered, 'f1');
  assert.throws(() => cluster.engine.transitionOfferedToAllocated('a1', res('cpus:1', 'web'), 'f1'), /not offered to framework f1/, 'all used: nothing left offered');
});

test('updateAllocation on the offered part (RESERVE) leaves the used part as it is; the converted resources are offered, and can be launched on', () => {
  const cluster = buildCluster({ agents: [{ id: 'a1', resources: 'cpus:4;mem:1024;disk:1000' }], frameworks: [{ id: 'f1', roles: ['web'], principal: 'p' }] });
  const offered = cluster.runCycle().offered('f1', 'a1')!;
  const task = res('cpus:1;mem:128', 'web');
  cluster.engine.transitionOfferedToAllocated('a1', task, 'f1');
  const rest = offered.minus(task);
  const reserved = res('cpus:1;disk:100').pushReservation({ type: 'DYNAMIC', role: 'web', principal: 'p' }).allocate('web');
  cluster.accept('f1', 'a1', rest, [{ type: 'RESERVE', resources: reserved }], ['web']);
  assertResourcesEqual(used(cluster.engine, 'f1', 'a1'), task, 'the task is untouched');
  assert.ok(held(cluster.engine, 'f1', 'a1').contains(task));
  assertResourcesEqual(held(cluster.engine, 'f1', 'a1').reserved('web'), reserved);
  assertBooks(cluster.engine);
  cluster.engine.transitionOfferedToAllocated('a1', reserved, 'f1');
  assertResourcesEqual(used(cluster.engine, 'f1', 'a1'), task.plus(reserved));
  assertBooks(cluster.engine);
});

test('removeFramework, removeAgent and updateAgent: used goes with the framework or the agent, and survives a new total', () => {
  const cluster = buildCluster({ agents: [{ id: 'a1', resources: 'cpus:4;mem:1024' }, { id: 'a2', resources: 'cpus:4;mem:1024' }], frameworks: [{ id: 'f1', roles: ['web'] }] });
  const cycle = cluster.runCycle();
  for (const agentId of ['a1', 'a2']) cluster.engine.transitionOfferedToAllocated(agentId, res('cpus:1', 'web'), 'f1');
  cluster.engine.updateAgent('a1', { hostname: 'a1' }, res('cpus:8;mem:1024'));
  assertResourcesEqual(used(cluster.engine, 'f1', 'a1'), res('cpus:1', 'web'), 'a new total keeps the tasks');
  cluster.engine.removeAgent('a2');
  assert.equal(cluster.engine.quotaConsumed().get('web')?.get('cpus'), 1, 'the removed agent’s use is gone');
  cluster.engine.removeFramework('f1');
  assert.equal(cluster.engine.state.agents.get('a1')!.allocated().size, 0);
  assert.equal(cluster.engine.quotaConsumed().get('web'), undefined);
  assertResourcesEqual(cluster.engine.state.agents.get('a1')!.available, 'cpus:8;mem:1024');
  assert.ok(cycle.offerCount > 0);
});

test('ending tasks on resources the books have as offered still returns them (Mesos would CHECK-fail; a refusal would strand them)', () => {
  const cluster = buildCluster({ agents: [{ id: 'a1', resources: 'cpus:4' }], frameworks: [{ id: 'f1', roles: ['web'] }] });
  const offered = cluster.runCycle().offered('f1', 'a1')!;
  cluster.engine.transitionOfferedToAllocated('a1', res('cpus:1', 'web'), 'f1');
  cluster.finish('f1', 'a1', res('cpus:2', 'web'));
  assertResourcesEqual(held(cluster.engine, 'f1', 'a1'), offered.minus(res('cpus:2', 'web')));
  assert.equal(used(cluster.engine, 'f1', 'a1').scalar('cpus'), undefined, 'the one used cpu went with them');
  assertBooks(cluster.engine);
});

test('addResourceProvider `used` is used (a task on it ends with isAllocated = true)', () => {
  const cluster = buildCluster({ agents: [{ id: 'a1', resources: 'cpus:4' }], frameworks: [{ id: 'f1', roles: ['web'] }] });
  const disk = res('disk:100', 'web');
  cluster.engine.addResourceProvider('a1', res('disk:100'), new Map([['f1', disk]]));
  assertResourcesEqual(used(cluster.engine, 'f1', 'a1'), disk);
  cluster.engine.recoverResources('f1', 'a1', disk, undefined, true);
  assertResourcesEqual(used(cluster.engine, 'f1', 'a1'), Resources.EMPTY);
  assertBooks(cluster.engine);
});

test('quotaConsumed (Mesos Role::quotaConsumed, the consumed metric): used unreserved non-revocable scalars up the role tree plus reservations; offers do not count', () => {
  const cluster = buildCluster({ agents: [{ id: 'a1', resources: 'cpus:4;mem:1024;cpus(eng):2' }], frameworks: [{ id: 'f1', roles: ['eng/web'] }] });
  const offered = cluster.runCycle().offered('f1', 'a1')!;
  assert.deepEqual(cluster.engine.quotaConsumed(), new Map([['eng', new Map([['cpus', 2]])]]), 'only the reservation, not the offer');
  cluster.launch('f1', 'a1', offered, res('cpus:1;mem:256', 'eng/web'));
  assert.deepEqual(cluster.engine.quotaConsumed(), new Map([
    ['eng', new Map([['cpus', 3], ['mem', 256]])],
    ['eng/web', new Map([['cpus', 1], ['mem', 256]])],
  ]));
});
