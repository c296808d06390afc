// Resources arithmetic, containment and Mesos's merge rules (src/common/resources.cpp).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseResources, Resources, formatMesos, type ResourceInput } from '../../src/resources/index.ts';

const r = (text: string) => parseResources(text, { commandLine: false });

// Rows of the arithmetic table in resources-facts.md.
test('cpus:2;mem:1024 − cpus:1 = cpus:1; mem:1024', () => {
  assert.equal(formatMesos(r('cpus:2;mem:1024').minus(r('cpus:1'))), 'cpus:1; mem:1024');
});
test('ports:[1-20] − ports:[5-6] = ports:[1-4, 7-20]', () => {
  assert.equal(formatMesos(r('ports:[1-20]').minus(r('ports:[5-6]'))), 'ports:[1-4, 7-20]');
});
test('ports:[1-20] − ports:[30-40] leaves ports:[1-20]', () => {
  assert.equal(formatMesos(r('ports:[1-20]').minus(r('ports:[30-40]'))), 'ports:[1-20]');
});
test('subtraction never goes below zero: cpus:1 − cpus:2 is empty', () => {
  assert.ok(r('cpus:1').minus(r('cpus:2')).isEmpty());
});
test('unreserved cpus are subtracted only from unreserved: cpus(prod):8;cpus:2 − cpus:3 = cpus(prod):8', () => {
  assert.equal(formatMesos(r('cpus(prod):8;cpus:2').minus(r('cpus:3'))), 'cpus(reservations: [(STATIC,prod)]):8');
});
test('cpus:1 + cpus:1;mem:10 = cpus:2; mem:10', () => {
  assert.equal(formatMesos(r('cpus:1').plus(r('cpus:1;mem:10'))), 'cpus:2; mem:10');
});
test('ports:[1-5] + ports:[3-10] = ports:[1-10]', () => {
  assert.equal(formatMesos(r('ports:[1-5]').plus(r('ports:[3-10]'))), 'ports:[1-10]');
});
test('containment as observed on Mesos', () => {
  assert.equal(r('ports:[31000-32000]').contains(r('ports:[31000-31010]')), true);
  assert.equal(r('cpus:2;mem:1024').contains(r('cpus:1')), true);
  assert.equal(r('cpus:1').contains(r('cpus:2;mem:1024')), false);
  assert.equal(r('cpus(prod):8').contains(r('cpus:8')), false, 'reserved and unreserved are different resources');
  assert.equal(r('cpus(prod):8;cpus:2').contains(r('cpus:3')), false);
});

test('scalars are fixed point with three decimals', () => {
  assert.ok(r('cpus:1.5123').equals(r('cpus:1.512')));
  assert.equal(formatMesos(r('cpus:0.1').plus(r('cpus:0.2'))), 'cpus:0.3', 'no floating-point drift');
  let sum = Resources.EMPTY;
  for (let i = 0; i < 1000; i++) sum = sum.plus(r('cpus:0.001'));
  assert.equal(sum.cpus(), 1);
});

test('a zero scalar vanishes', () => {
  assert.ok(r('cpus:1').minus(r('cpus:1')).isEmpty());
  assert.equal(r('cpus:2;mem:0').size, 1);
});

test('sets unite and subtract by item', () => {
  assert.equal(formatMesos(r('bugs:{a,b}').plus(r('bugs:{b,c}'))), 'bugs:{a, b, c}');
  assert.equal(formatMesos(r('bugs:{a,b,c}').minus(r('bugs:{b}'))), 'bugs:{a, c}');
  assert.ok(r('bugs:{a,b,c}').contains(r('bugs:{c,a}')));
  assert.ok(!r('bugs:{a}').contains(r('bugs:{a,b}')));
});

const reserved = (role: string, type: 'STATIC' | 'DYNAMIC', extra: Partial<ResourceInput> = {}): ResourceInput => ({
  name: 'cpus',
  scalar: 1,
  reservations: [{ type, role, ...(type === 'DYNAMIC' ? { principal: 'ops' } : {}) }],
  ...extra,
});

test('merge rules: reservations with different labels stay distinct', () => {
  const a = reserved('r', 'DYNAMIC', { reservations: [{ type: 'DYNAMIC', role: 'r', labels: [{ key: 'owner', value: 'a' }] }] });
  const b = reserved('r', 'DYNAMIC', { reservations: [{ type: 'DYNAMIC', role: 'r', labels: [{ key: 'owner', value: 'b' }] }] });
  assert.equal(Resources.of([a, b]).size, 2);
  assert.equal(Resources.of([a, a]).size, 1);
  assert.equal(Resources.of([a, a]).cpus(), 2);
});

test('merge rules: labels compare without regard to order', () => {
  const ab = reserved('r', 'DYNAMIC', { reservations: [{ type: 'DYNAMIC', role: 'r', labels: [{ key: 'a' }, { key: 'b', value: '1' }] }] });
  const ba = reserved('r', 'DYNAMIC', { reservations: [{ type: 'DYNAMIC', role: 'r', labels: [{ key: 'b', value: '1' }, { key: 'a' }] }] });
  assert.equal(Resources.of([ab, ba]).size, 1);
});

test('merge rules: STATIC and DYNAMIC reservations of one role, principals, allocation roles and revocable stay distinct', () => {
  assert.equal(Resources.of([reserved('r', 'STATIC'), reserved('r', 'DYNAMIC')]).size, 2);
  assert.equal(Resources.of([reserved('r', 'DYNAMIC'), reserved('r', 'DYNAMIC', { reservations: [{ type: 'DYNAMIC', role: 'r', principal: 'x' }] })]).size, 2);
  assert.equal(Resources.of([{ name: 'cpus', scalar: 1, allocationRole: 'a' }, { name: 'cpus', scalar: 1, allocationRole: 'b' }]).size, 2);
  assert.equal(Resources.of([{ name: 'cpus', scalar: 1 }, { name: 'cpus', scalar: 1, revocable: true }]).size, 2);
  assert.equal(Resources.of([{ name: 'cpus', scalar: 1, providerId: 'p1' }, { name: 'cpus', scalar: 1 }]).size, 2);
});

const volume = (id: string, size = 10, extra: Partial<ResourceInput> = {}): ResourceInput => ({
  name: 'disk',
  scalar: size,
  reservations: [{ type: 'DYNAMIC', role: 'db', principal: 'ops' }],
  disk: { persistence: { id }, volume: { containerPath: 'data', mode: 'RW' } },
  ...extra,
});
const mount = (root: string, size = 100): ResourceInput => ({ name: 'disk', scalar: size, disk: { source: { type: 'MOUNT', root } } });

test('merge rules: persistent volumes never merge, even with the same id', () => {
  const vs = Resources.of([volume('v1'), volume('v1')]);
  assert.equal(vs.size, 2);
  assert.equal(vs.disk(), 20);
  // Subtracting one removes exactly one equal copy.
  assert.equal(vs.minus([volume('v1')]).size, 1);
  // contains counts volumes one by one.
  assert.ok(vs.contains([volume('v1'), volume('v1')]));
  assert.ok(!Resources.of([volume('v1')]).contains([volume('v1'), volume('v1')]));
});

test('exclusive disks subtract only as a whole: a MOUNT disk is not partly consumed', () => {
  const disks = Resources.of([mount('/mnt/a', 100)]);
  assert.ok(!disks.contains([mount('/mnt/a', 50)]), 'half a MOUNT disk is not available');
  assert.ok(disks.minus([mount('/mnt/a', 50)]).equals(disks), 'subtracting part of it changes nothing');
  assert.ok(disks.minus([mount('/mnt/a', 100)]).isEmpty());
  assert.equal(Resources.of([mount('/mnt/a'), mount('/mnt/b')]).size, 2);
  // PATH disks combine like the root disk.
  const path = (size: number): ResourceInput => ({ name: 'disk', scalar: size, disk: { source: { type: 'PATH', root: '/p' } } });
  assert.equal(Resources.of([path(1), path(2)]).disk(), 3);
  assert.ok(Resources.of([path(3)]).contains([path(2)]));
});

test('a persistent volume differing only in container path or mode is the same volume (Mesos ignores DiskInfo.volume)', () => {
  const a = Resources.of([volume('v1')]);
  assert.ok(a.contains([volume('v1', 10, { disk: { persistence: { id: 'v1' }, volume: { containerPath: 'elsewhere', mode: 'RW' } } })]));
});

test('shared volumes are held with a count and stay available while allocated', () => {
  const shared = volume('s', 10, { shared: true });
  const twice = Resources.of([shared, shared]);
  assert.equal(twice.size, 1);
  assert.equal(twice.count(shared), 2);
  assert.equal(twice.toArray().length, 2);
  assert.ok(twice.contains([shared, shared]));
  assert.ok(!Resources.of([shared]).contains([shared, shared]));
  assert.equal(twice.minus([shared]).count(shared), 1);
  assert.ok(twice.minus([shared, shared]).isEmpty());
  assert.equal(formatMesos(twice), 'disk(reservations: [(DYNAMIC,db,ops)])[s:data]<SHARED>:10<2>');
  // A shared volume is not the same resource as the non-shared one.
  assert.ok(!Resources.of([shared]).contains([volume('s')]));
});

test('filters: reserved, unreserved, allocatableTo, reservedToRoleSubtree, revocable, shared, volumes', () => {
  const all = Resources.of([
    { name: 'cpus', scalar: 4 },
    { name: 'cpus', scalar: 2, reservations: [{ type: 'STATIC', role: 'eng' }] },
    { name: 'cpus', scalar: 1, reservations: [{ type: 'STATIC', role: 'eng' }, { type: 'DYNAMIC', role: 'eng/backend' }] },
    { name: 'cpus', scalar: 3, revocable: true },
    volume('v'),
    volume('s', 5, { shared: true }),
  ]);
  assert.equal(all.unreserved().cpus(), 7);
  assert.equal(all.reserved().cpus(), 3);
  assert.equal(all.reserved('eng').cpus(), 2, 'reserved(role) is the reservation role, the last entry');
  assert.equal(all.reserved('eng/backend').cpus(), 1);
  // Reserved for R goes to R and R's descendants only.
  assert.equal(all.allocatableTo('eng').cpus(), 9);
  assert.equal(all.allocatableTo('eng/backend').cpus(), 10);
  assert.equal(all.allocatableTo('eng/backend/x').cpus(), 10);
  assert.equal(all.allocatableTo('engineering').cpus(), 7, 'a name prefix is not a subrole');
  assert.equal(all.allocatableTo('db').disk(), 15);
  assert.equal(all.allocatableTo('other').disk(), undefined);
  assert.equal(all.reservedToRoleSubtree('eng').cpus(), 3);
  assert.equal(all.revocable().cpus(), 3);
  assert.equal(all.nonRevocable().cpus(), 7);
  assert.equal(all.persistentVolumes().size, 2);
  assert.equal(all.shared().size, 1);
  assert.equal(all.nonShared().disk(), 10);
  assert.deepEqual([...all.reservations().keys()].sort(), ['db', 'eng', 'eng/backend']);
  assert.deepEqual([...all.names()].sort(), ['cpus', 'disk']);
});

test('allocation roles: allocate, unallocate, allocations and allocatedToRoleSubtree', () => {
  const offered = r('cpus:2;mem:10').allocate('web');
  for (const x of offered) assert.equal(x.allocationRole, 'web');
  assert.ok(!offered.contains(r('cpus:1')), 'allocated and unallocated resources differ');
  assert.ok(offered.unallocate().equals(r('cpus:2;mem:10')));
  assert.deepEqual([...offered.allocations().keys()], ['web']);
  assert.equal(offered.allocatedToRoleSubtree('web').size, 2);
  assert.throws(() => r('cpus:1').allocations(), /no allocation role/);
  // Objects that differ only in allocation role combine once re-allocated.
  const mixed = r('cpus:1').allocate('a').plus(r('cpus:1').allocate('b'));
  assert.equal(mixed.size, 2);
  assert.equal(mixed.unallocate().size, 1);
  assert.equal(mixed.allocate('c').size, 1);
});

test('reservation stacks: push a refinement, pop it, toUnreserved', () => {
  const prod = r('cpus(prod):4;mem(prod):100');
  const refined = prod.pushReservation({ type: 'DYNAMIC', role: 'prod/db', principal: 'ops' });
  for (const x of refined) assert.deepEqual(x.reservations.map((e) => e.role), ['prod', 'prod/db']);
  assert.ok(refined.popReservation().equals(prod));
  assert.ok(refined.toUnreserved().equals(r('cpus:4;mem:100')));
  assert.throws(() => prod.pushReservation({ type: 'DYNAMIC', role: 'stage' }), /not a refinement/);
  assert.throws(() => prod.pushReservation({ type: 'STATIC', role: 'prod/x' }), /cannot be STATIC/);
  assert.throws(() => r('cpus:1').popReservation(), /not reserved/);
});

test('quantities: scalars summed, ranges counted by element, sets by item (Mesos ResourceQuantities)', () => {
  const q = r('cpus(a):1.5;cpus:2;ports:[1-10,21-30];bugs:{x,y,z}').quantities();
  assert.deepEqual(Object.fromEntries(q), { cpus: 3.5, ports: 20, bugs: 3 });
  assert.deepEqual(r('ports:[1-5]').ports(), [{ begin: 1, end: 5 }]);
  assert.deepEqual(r('ports(a):[1-5];ports:[6-9]').ports(), [{ begin: 1, end: 9 }]);
  assert.equal(r('mem:1').cpus(), undefined);
  assert.ok(r('cpus(a):1;cpus:2;ports:[1-2]').toStrippedScalarQuantity().equals(r('cpus:3')));
});

test('equality is mutual containment and ignores order', () => {
  assert.ok(r('cpus:1;mem:2').equals(r('mem:2;cpus:1')));
  assert.ok(!r('cpus:1;mem:2').equals(r('cpus:1')));
  assert.ok(Resources.EMPTY.equals(r('')));
});

test('values are immutable: arithmetic returns new values', () => {
  const a = r('cpus:2');
  const b = a.plus(r('cpus:1'));
  assert.equal(a.cpus(), 2);
  assert.equal(b.cpus(), 3);
  a.minus(r('cpus:2'));
  assert.equal(a.cpus(), 2);
});

test('a derived value kept with a Resources is its owner\'s alone, and invisible to equality', () => {
  const a = parseResources('cpus:2;mem:64');
  const encoder = {};
  const other = {};
  assert.equal(a.derived(encoder), undefined);
  a.keepDerived(encoder, 'bytes');
  assert.equal(a.derived<string>(encoder), 'bytes');
  assert.equal(a.derived(other), undefined, 'another owner sees nothing');
  assert.deepEqual(a, parseResources('cpus:2;mem:64'), 'not part of the value');
  a.keepDerived(other, 42);
  assert.equal(a.derived(encoder), undefined, 'one slot: the last owner replaced it');
  assert.equal(a.derived<number>(other), 42);
});
