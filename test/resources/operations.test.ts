// applyOperation: RESERVE, UNRESERVE, CREATE, DESTROY, GROW_VOLUME, SHRINK_VOLUME with the
// master's validation (src/master/validation.cpp) and conversions (resources_utils.cpp).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyOperation, operationConversions, parseResources, OperationError, Resources, formatMesos, type ResourceInput, type OfferOperation } from '../../src/resources/index.ts';

const agent = parseResources('cpus:8;mem:4096;disk:1000;cpus(prod):2;disk(prod):500');
const dyn = (role: string, principal = 'ops') => [{ type: 'DYNAMIC' as const, role, principal }];
const disk = (size: number, reservations: ResourceInput['reservations'] = [], extra: Partial<ResourceInput> = {}): ResourceInput => ({ name: 'disk', scalar: size, reservations, ...extra });
const vol = (id: string, size: number, reservations = dyn('kafka'), extra: Partial<ResourceInput> = {}): ResourceInput =>
  disk(size, reservations, { disk: { persistence: { id, principal: 'ops' }, volume: { containerPath: 'data', mode: 'RW' } }, ...extra });

function rejects(resources: Resources, op: OfferOperation, reason: RegExp, ctx = {}): void {
  const before = formatMesos(resources);
  assert.throws(() => applyOperation(resources, op, ctx), (e: unknown) => e instanceof OperationError && reason.test(e.message));
  assert.equal(formatMesos(resources), before, 'a failed operation changes nothing');
}

test('RESERVE moves unreserved resources to a dynamic reservation', () => {
  const after = applyOperation(agent, { type: 'RESERVE', resources: [disk(300, dyn('kafka')), { name: 'cpus', scalar: 2, reservations: dyn('kafka') }] });
  assert.equal(after.unreserved().disk(), 700);
  assert.equal(after.reserved('kafka').disk(), 300);
  assert.equal(after.reserved('kafka').cpus(), 2);
  assert.deepEqual(Object.fromEntries(after.quantities()), Object.fromEntries(agent.quantities()));
});

test('RESERVE refines a reservation to a strict subrole', () => {
  const after = applyOperation(agent, { type: 'RESERVE', resources: [disk(200, [{ type: 'STATIC', role: 'prod' }, { type: 'DYNAMIC', role: 'prod/kafka', principal: 'ops' }])] });
  assert.equal(after.reserved('prod').disk(), 300);
  assert.equal(after.reserved('prod/kafka').disk(), 200);
  rejects(agent, { type: 'RESERVE', resources: [disk(200, [{ type: 'STATIC', role: 'prod' }, { type: 'DYNAMIC', role: 'stage' }])] }, /not a refinement/);
});

test('RESERVE is refused when the resources are not there, not dynamic, or for *', () => {
  rejects(agent, { type: 'RESERVE', resources: [disk(5000, dyn('kafka'))] }, /does not contain/);
  rejects(agent, { type: 'RESERVE', resources: [disk(10, [{ type: 'STATIC', role: 'kafka' }])] }, /not dynamically reserved/);
  rejects(agent, { type: 'RESERVE', resources: [disk(10, dyn('*'))] }, /cannot be reserved/);
  rejects(agent, { type: 'RESERVE', resources: [] }, /no resources/);
  rejects(agent, { type: 'RESERVE', resources: [{ name: 'cpus', scalar: 1, revocable: true, reservations: dyn('kafka') }] }, /revocable/);
});

test('RESERVE checks the principal against the authenticated one', () => {
  rejects(agent, { type: 'RESERVE', resources: [disk(10, dyn('kafka', 'alice'))] }, /does not match/, { principal: 'bob' });
  rejects(agent, { type: 'RESERVE', resources: [disk(10, [{ type: 'DYNAMIC', role: 'kafka' }])] }, /no principal/, { principal: 'bob' });
  assert.ok(applyOperation(agent, { type: 'RESERVE', resources: [disk(10, dyn('kafka', 'bob'))] }, { principal: 'bob' }).reserved('kafka').disk() === 10);
});

test('RESERVE with source re-reserves from one role to another (reservation update)', () => {
  const kafka = applyOperation(agent, { type: 'RESERVE', resources: [disk(300, dyn('kafka'))] });
  const moved = applyOperation(kafka, { type: 'RESERVE', source: [disk(300, dyn('kafka'))], resources: [disk(300, dyn('cassandra'))] });
  assert.equal(moved.reserved('kafka').disk(), undefined);
  assert.equal(moved.reserved('cassandra').disk(), 300);
  rejects(kafka, { type: 'RESERVE', source: [disk(300, dyn('kafka'))], resources: [disk(200, dyn('cassandra'))] }, /identical resource quantities/);
  rejects(
    kafka,
    { type: 'RESERVE', source: [disk(100, dyn('kafka')), disk(100, dyn('other'))], resources: [disk(200, dyn('cassandra'))] },
    /mixed reservations/,
  );
});

test('UNRESERVE pops one reservation level', () => {
  const kafka = applyOperation(agent, { type: 'RESERVE', resources: [disk(300, dyn('kafka'))] });
  assert.ok(applyOperation(kafka, { type: 'UNRESERVE', resources: [disk(300, dyn('kafka'))] }).equals(agent));
  const refined = applyOperation(agent, { type: 'RESERVE', resources: [disk(200, [{ type: 'STATIC', role: 'prod' }, { type: 'DYNAMIC', role: 'prod/kafka', principal: 'ops' }])] });
  const back = applyOperation(refined, { type: 'UNRESERVE', resources: [disk(200, [{ type: 'STATIC', role: 'prod' }, { type: 'DYNAMIC', role: 'prod/kafka', principal: 'ops' }])] });
  assert.ok(back.equals(agent));
});

test('UNRESERVE refuses static reservations and persistent volumes; no UNRESERVE under a volume', () => {
  rejects(agent, { type: 'UNRESERVE', resources: [disk(100, [{ type: 'STATIC', role: 'prod' }])] }, /not dynamically reserved/);
  const withVolume = applyOperation(applyOperation(agent, { type: 'RESERVE', resources: [disk(300, dyn('kafka'))] }), { type: 'CREATE', volumes: [vol('b0', 300)] });
  rejects(withVolume, { type: 'UNRESERVE', resources: [vol('b0', 300)] }, /destroy the volume first/);
  rejects(withVolume, { type: 'UNRESERVE', resources: [disk(300, dyn('kafka'))] }, /does not contain/);
});

test('CREATE turns reserved disk into a persistent volume; DESTROY turns it back', () => {
  const reserved = applyOperation(agent, { type: 'RESERVE', resources: [disk(300, dyn('kafka'))] });
  const created = applyOperation(reserved, { type: 'CREATE', volumes: [vol('b0', 200)] });
  assert.equal(created.persistentVolumes().disk(), 200);
  assert.equal(created.reserved('kafka').disk(), 300);
  assert.equal(formatMesos(created.persistentVolumes()), 'disk(reservations: [(DYNAMIC,kafka,ops)])[b0:data]:200');
  const destroyed = applyOperation(created, { type: 'DESTROY', volumes: [vol('b0', 200)] });
  assert.ok(destroyed.equals(reserved));
});

test('CREATE: volumes only on reserved disk, unique ids per role, read-write, principal', () => {
  rejects(agent, { type: 'CREATE', volumes: [vol('x', 10, [])] }, /unreserved/);
  rejects(agent, { type: 'CREATE', volumes: [{ name: 'cpus', scalar: 1, reservations: dyn('prod'), disk: { persistence: { id: 'x' }, volume: { containerPath: 'd', mode: 'RW' } } }] }, /DiskInfo should not be set for cpus/);
  const reserved = applyOperation(agent, { type: 'RESERVE', resources: [disk(300, dyn('kafka'))] });
  const created = applyOperation(reserved, { type: 'CREATE', volumes: [vol('b0', 100)] });
  rejects(created, { type: 'CREATE', volumes: [vol('b0', 100)] }, /not unique/);
  rejects(reserved, { type: 'CREATE', volumes: [vol('b1', 10), vol('b1', 10)] }, /not unique/);
  rejects(reserved, { type: 'CREATE', volumes: [vol('ro', 10, dyn('kafka'), { disk: { persistence: { id: 'ro' }, volume: { containerPath: 'd', mode: 'RO' } } })] }, /read-only/);
  rejects(reserved, { type: 'CREATE', volumes: [disk(10, dyn('kafka'))] }, /not a persistent volume/);
  rejects(reserved, { type: 'CREATE', volumes: [vol('bad/id', 10)] }, /invalid characters/);
  rejects(reserved, { type: 'CREATE', volumes: [vol('b2', 10)] }, /does not match/, { principal: 'mallory' });
  rejects(reserved, { type: 'CREATE', volumes: [vol('b2', 1000)] }, /does not contain/);
  // The same id in another role is fine.
  const other = applyOperation(created, { type: 'RESERVE', resources: [disk(100, dyn('cassandra'))] });
  assert.equal(applyOperation(other, { type: 'CREATE', volumes: [vol('b0', 100, dyn('cassandra'))] }).persistentVolumes().size, 2);
});

test('CREATE on a MOUNT disk takes the whole disk', () => {
  const mountDisk = (reservations: ResourceInput['reservations']): ResourceInput => disk(1000, reservations, { disk: { source: { type: 'MOUNT', root: '/mnt/d1' } } });
  const withMount = Resources.of([{ name: 'cpus', scalar: 4 }, mountDisk([{ type: 'STATIC', role: 'kafka' }])]);
  const mountVolume = (size: number) => disk(size, [{ type: 'STATIC', role: 'kafka' }], { disk: { source: { type: 'MOUNT', root: '/mnt/d1' }, persistence: { id: 'm' }, volume: { containerPath: 'data', mode: 'RW' } } });
  rejects(withMount, { type: 'CREATE', volumes: [mountVolume(500)] }, /does not contain/);
  const created = applyOperation(withMount, { type: 'CREATE', volumes: [mountVolume(1000)] });
  assert.equal(created.persistentVolumes().disk(), 1000);
  assert.ok(applyOperation(created, { type: 'DESTROY', volumes: [mountVolume(1000)] }).equals(withMount));
});

test('DESTROY: only known volumes that are not in use; shared copies block it', () => {
  const reserved = applyOperation(agent, { type: 'RESERVE', resources: [disk(300, dyn('kafka'))] });
  rejects(reserved, { type: 'DESTROY', volumes: [vol('nope', 10)] }, /not found/);
  const created = applyOperation(reserved, { type: 'CREATE', volumes: [vol('b0', 100)] });
  rejects(created, { type: 'DESTROY', volumes: [vol('b0', 100)] }, /in use/, { used: Resources.of([vol('b0', 100)]).allocate('kafka') });
  const shared = vol('s', 50, dyn('kafka'), { shared: true });
  const withShared = applyOperation(reserved, { type: 'CREATE', volumes: [shared] }).plus([shared]);
  rejects(withShared, { type: 'DESTROY', volumes: [shared] }, /additional shared copies/);
});

test('GROW_VOLUME and SHRINK_VOLUME resize a volume on the same reserved disk', () => {
  const reserved = applyOperation(agent, { type: 'RESERVE', resources: [disk(300, dyn('kafka'))] });
  const created = applyOperation(reserved, { type: 'CREATE', volumes: [vol('b0', 100)] });
  const grown = applyOperation(created, { type: 'GROW_VOLUME', volume: vol('b0', 100), addition: disk(150, dyn('kafka')) });
  assert.equal(grown.persistentVolumes().disk(), 250);
  assert.equal(grown.reserved('kafka').disk(), 300);
  const shrunk = applyOperation(grown, { type: 'SHRINK_VOLUME', volume: vol('b0', 250), subtract: 150 });
  assert.ok(shrunk.equals(created));
  rejects(created, { type: 'GROW_VOLUME', volume: vol('b0', 100), addition: disk(150) }, /incompatible/);
  rejects(created, { type: 'GROW_VOLUME', volume: vol('b0', 100), addition: disk(500, dyn('kafka')) }, /does not contain/);
  rejects(created, { type: 'GROW_VOLUME', volume: vol('b0', 100), addition: disk(0, dyn('kafka')) }, /greater than zero/);
  rejects(created, { type: 'SHRINK_VOLUME', volume: vol('b0', 100), subtract: 100 }, /smaller than the size/);
  rejects(created, { type: 'SHRINK_VOLUME', volume: vol('b0', 100), subtract: 0 }, /greater than zero/);
  rejects(created, { type: 'SHRINK_VOLUME', volume: vol('b0', 100, dyn('kafka'), { shared: true }), subtract: 10 }, /shared/);
});

test('framework-initiated operations work on allocated resources of one of its roles', () => {
  const offered = agent.allocate('kafka');
  const reservation = { name: 'disk', scalar: 100, reservations: dyn('kafka'), allocationRole: 'kafka' };
  const after = applyOperation(offered, { type: 'RESERVE', resources: [reservation] }, { frameworkRoles: ['kafka'] });
  assert.equal(after.reserved('kafka').disk(), 100);
  for (const r of after) assert.equal(r.allocationRole, 'kafka');
  rejects(offered, { type: 'RESERVE', resources: [reservation] }, /framework only has roles/, { frameworkRoles: ['web'] });
  rejects(offered, { type: 'RESERVE', resources: [disk(100, dyn('kafka'))] }, /allocated resources/, { frameworkRoles: ['kafka'] });
  rejects(offered, { type: 'RESERVE', resources: [reservation] }, /operator API/);
});

test('operationConversions exposes what the allocator applies', () => {
  const [conversion] = operationConversions({ type: 'RESERVE', resources: [disk(10, dyn('kafka'))] });
  assert.equal(formatMesos(conversion!.consumed), 'disk:10');
  assert.equal(formatMesos(conversion!.converted), 'disk(reservations: [(DYNAMIC,kafka,ops)]):10');
});

test('malformed operations are OperationErrors', () => {
  rejects(agent, { type: 'LAUNCH' } as unknown as OfferOperation, /unsupported operation/);
  rejects(agent, null as unknown as OfferOperation, /must be an object/);
  rejects(agent, { type: 'RESERVE' } as unknown as OfferOperation, /'resources' is required/);
  rejects(agent, { type: 'RESERVE', resources: [{ name: 'gpus', scalar: 0.5, reservations: dyn('ml') }] }, /whole number/);
});
