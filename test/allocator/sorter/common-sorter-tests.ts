// Behaviour every sorter shares, after Mesos's typed CommonSorterTest cases
// (src/tests/sorter_tests.cpp), run by drf-sorter.test.ts and random-sorter.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseResources, Resources, type ResourceInput } from '../../../src/resources/index.ts';
import { SorterError, type Sorter } from '../../../src/allocator/sorter/index.ts';

export const r = (text: string): Resources => parseResources(text, { commandLine: false });
/** Scalar quantities of a resource text, as `addAgent` takes them. */
export const q = (text: string): Map<string, number> => r(text).scalars().quantities();
export const quantities = (m: ReadonlyMap<string, number>): Record<string, number> => Object.fromEntries([...m].sort());

/** A persistent volume on disk statically reserved to role `r` (the model refuses unreserved volumes). */
export const volume = (id: string, size: number, extra: Partial<ResourceInput> = {}): ResourceInput => ({
  name: 'disk',
  scalar: size,
  reservations: [{ type: 'STATIC', role: 'r' }],
  disk: { persistence: { id }, volume: { containerPath: 'data', mode: 'RW' } },
  ...extra,
});

const sorted = (clients: readonly string[]) => [...clients].sort();

/** Adds and activates clients. */
export function withClients<S extends Sorter>(sorter: S, ...clients: string[]): S {
  for (const c of clients) {
    sorter.add(c);
    sorter.activate(c);
  }
  return sorter;
}

export function commonSorterTests(kind: string, make: () => Sorter): void {
  test(`${kind}: removing a child collapses its parent back into a leaf (Mesos RemoveLeafCollapseParent)`, () => {
    const s = make();
    s.addAgent('agentId', q('cpus:100;mem:100'));
    for (const [c, res] of [['a', 'cpus:10;mem:10'], ['b', 'cpus:6;mem:6'], ['a/c', 'cpus:5;mem:5']] as const) {
      s.add(c);
      s.activate(c);
      s.allocated(c, 'agentId', r(res));
    }
    assert.deepEqual(sorted(s.sort()), ['a', 'a/c', 'b']);
    s.remove('a/c');
    assert.deepEqual(sorted(s.sort()), ['a', 'b']);
    assert.equal(s.count(), 2);
    assert.deepEqual(quantities(s.allocationScalarQuantities('a')), { cpus: 10, mem: 10 });
  });

  test(`${kind}: a collapsed parent keeps the inactive state of its virtual leaf (Mesos RemoveLeafCollapseParentInactive)`, () => {
    const s = make();
    s.addAgent('agentId', q('cpus:100;mem:100'));
    for (const [c, res] of [['a', 'cpus:10;mem:10'], ['b', 'cpus:6;mem:6'], ['a/c', 'cpus:5;mem:5']] as const) {
      s.add(c);
      s.activate(c);
      s.allocated(c, 'agentId', r(res));
    }
    s.deactivate('a');
    assert.deepEqual(sorted(s.sort()), ['a/c', 'b']);
    s.remove('a/c');
    assert.deepEqual(s.sort(), ['b']);
    s.activate('a');
    assert.deepEqual(sorted(s.sort()), ['a', 'b']);
  });

  test(`${kind}: update() converts an allocation without changing its quantities (Mesos UpdateAllocation)`, () => {
    const s = make();
    s.add('a');
    s.add('b');
    s.activate('a');
    s.activate('b');
    s.addAgent('agentId', q('cpus:10;mem:10;disk:10'));
    s.allocated('a', 'agentId', r('cpus:10;mem:10;disk(r):10'));
    // A CREATE of a 5 MB persistent volume out of the allocated disk.
    const oldAllocation = s.allocationOnAgent('a', 'agentId');
    const newAllocation = oldAllocation.minus(r('disk(r):5')).plus([volume('ID', 5)]);
    s.update('a', 'agentId', oldAllocation, newAllocation);
    assert.equal(s.allocation('a').size, 1);
    assert.ok(s.allocationOnAgent('a', 'agentId').equals(newAllocation));
    assert.deepEqual(quantities(s.allocationScalarQuantities('a')), { cpus: 10, disk: 10, mem: 10 });
    assert.deepEqual(quantities(s.allocationScalarQuantities()), { cpus: 10, disk: 10, mem: 10 });
    assert.equal(s.allocationCount('a'), 1, 'an update is not an allocation');

    // An allocation may be updated to nothing (MESOS-9015): the agent's entry goes.
    s.add('c');
    s.activate('c');
    s.allocated('c', 'agentId2', r('cpus:10;mem:10;disk(r):10'));
    s.update('c', 'agentId2', r('cpus:10;mem:10;disk(r):10'), Resources.EMPTY);
    assert.equal(s.allocation('c').size, 0);
    assert.deepEqual(quantities(s.allocationScalarQuantities('c')), {});
  });

  test(`${kind}: update() of a nested client updates its ancestors (Mesos UpdateAllocationNestedClient)`, () => {
    const s = make();
    s.add('a/x');
    s.add('b/y');
    s.activate('a/x');
    s.activate('b/y');
    s.addAgent('agentId', q('cpus:10;mem:10;disk:10'));
    s.allocated('a/x', 'agentId', r('cpus:10;mem:10;disk(r):10'));
    const oldAllocation = s.allocationOnAgent('a/x', 'agentId');
    const newAllocation = oldAllocation.minus(r('disk(r):5')).plus([volume('ID', 5)]);
    s.update('a/x', 'agentId', oldAllocation, newAllocation);
    assert.ok(s.allocationOnAgent('a/x', 'agentId').equals(newAllocation));
    assert.deepEqual(quantities(s.allocationScalarQuantities('a/x')), { cpus: 10, disk: 10, mem: 10 });
    assert.deepEqual(quantities(s.allocationScalarQuantities()), { cpus: 10, disk: 10, mem: 10 });
  });

  test(`${kind}: inactive clients still report and count their allocations (Mesos AllocationForInactiveClient)`, () => {
    const s = make();
    s.addAgent('agentId', q('cpus:10;mem:10'));
    s.add('a');
    s.add('b');
    s.activate('b');
    s.allocated('a', 'agentId', r('cpus:2;mem:2'));
    s.allocated('b', 'agentId', r('cpus:3;mem:3'));
    assert.deepEqual(s.sort(), ['b']);
    assert.ok(s.allocationOnAgent('a', 'agentId').equals(r('cpus:2;mem:2')));
    assert.deepEqual(quantities(s.allocationScalarQuantities('a')), { cpus: 2, mem: 2 });
    assert.ok(s.allocationOnAgent('b', 'agentId').equals(r('cpus:3;mem:3')));
    assert.deepEqual(quantities(s.allocationScalarQuantities()), { cpus: 5, mem: 5 });
    assert.equal(s.allocationCount('a'), 1);
  });

  test(`${kind}: allocations are kept per agent, non-scalars included (Mesos MultipleSlaves, MultipleSlavesUpdateAllocation)`, () => {
    const s = make();
    s.add('framework');
    s.activate('framework');
    const agent = r('cpus:2;mem:512;disk(r):10;ports:[31000-32000]');
    s.addAgent('agentA', agent.scalars().quantities());
    s.addAgent('agentB', agent.scalars().quantities());
    s.allocated('framework', 'agentA', agent);
    s.allocated('framework', 'agentB', agent);
    assert.equal(s.allocation('framework').size, 2);
    assert.ok(s.allocationOnAgent('framework', 'agentA').equals(agent));
    assert.ok(s.allocationOnAgent('framework', 'agentB').equals(agent));
    assert.deepEqual(quantities(s.allocationScalarQuantities('framework')), { cpus: 4, disk: 20, mem: 1024 });

    const converted = agent.minus(r('disk(r):5')).plus([volume('ID', 5)]);
    s.update('framework', 'agentA', agent, converted);
    s.update('framework', 'agentB', agent, converted);
    assert.ok(s.allocationOnAgent('framework', 'agentA').equals(converted));
    assert.ok(s.allocationOnAgent('framework', 'agentB').equals(converted));
    assert.deepEqual(quantities(s.allocationScalarQuantities()), { cpus: 4, disk: 20, mem: 1024 });
  });

  test(`${kind}: contains() and count() see inactive clients; internal nodes are not clients`, () => {
    const s = make();
    s.add('a');
    s.add('b/c');
    s.add('b/d');
    assert.equal(s.count(), 3);
    assert.ok(s.contains('a') && s.contains('b/c') && !s.contains('b'));
    assert.deepEqual(s.sort(), []);
    s.add('b');
    assert.ok(s.contains('b'));
    s.remove('b/c');
    s.remove('b/d');
    assert.ok(s.contains('b'));
    assert.equal(s.count(), 2);
  });

  test(`${kind}: mistakes throw a SorterError and change nothing (Mesos CHECK-fails)`, () => {
    const s = make();
    s.addAgent('agentId', q('cpus:10;mem:10'));
    s.add('a');
    s.activate('a');
    s.allocated('a', 'agentId', r('cpus:2;mem:2'));
    assert.throws(() => s.add('a'), SorterError);
    assert.throws(() => s.add(''), SorterError);
    assert.throws(() => s.add('x//y'), SorterError);
    assert.throws(() => s.add('x/./y'), SorterError);
    assert.throws(() => s.remove('nope'), SorterError);
    assert.throws(() => s.activate('nope'), SorterError);
    assert.throws(() => s.allocated('nope', 'agentId', r('cpus:1')), SorterError);
    assert.throws(() => s.unallocated('a', 'agentId', r('cpus:3')), /does not contain/);
    assert.throws(() => s.unallocated('a', 'other', r('cpus:1')), /holds nothing on agent 'other'/);
    assert.throws(() => s.update('a', 'agentId', r('cpus:3'), r('cpus:1')), SorterError);
    assert.throws(() => s.addAgent('agentId', q('cpus:1')), SorterError);
    assert.throws(() => s.removeAgent('unknown'), SorterError);
    assert.throws(() => s.updateWeight('a', 0), SorterError);
    assert.throws(() => s.updateWeight('a', Number.NaN), SorterError);
    assert.deepEqual(s.sort(), ['a']);
    assert.ok(s.allocationOnAgent('a', 'agentId').equals(r('cpus:2;mem:2')));
    assert.deepEqual(quantities(s.allocationScalarQuantities()), { cpus: 2, mem: 2 });
  });
}
