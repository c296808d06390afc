// formatResources back to --resources (text or JSON) and Mesos's log rendering.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatResources, formatMesos, parseResources, applyOperation, Resources, ResourceError } from '../../src/resources/index.ts';

test('text form when every resource can be written in it', () => {
  const text = 'cpus(prod):8; cpus(stage):2; mem:15360; disk:710534; ports:[31000-32000,33000-33010]; bugs(debug):{a,b,c}';
  const r = parseResources(text);
  assert.equal(formatResources(r), text);
  assert.ok(parseResources(formatResources(r)).equals(r));
});

test('JSON form for what the text form cannot say, and it parses back', () => {
  const agent = parseResources('[{"name":"disk","type":"SCALAR","scalar":{"value":100},"role":"kafka","disk":{"source":{"type":"MOUNT","mount":{"root":"/mnt/a"}}}},{"name":"cpus","type":"SCALAR","scalar":{"value":2}}]');
  const text = formatResources(agent);
  assert.ok(text.startsWith('['));
  assert.ok(parseResources(text).equals(agent));

  const reserved = applyOperation(parseResources('disk:100;cpus:1'), {
    type: 'RESERVE',
    resources: [{ name: 'disk', scalar: 100, reservations: [{ type: 'DYNAMIC', role: 'db', principal: 'ops', labels: [{ key: 'owner', value: 'mysql-0' }] }] }],
  });
  const withVolume = applyOperation(reserved, {
    type: 'CREATE',
    volumes: [{ name: 'disk', scalar: 100, reservations: [{ type: 'DYNAMIC', role: 'db', principal: 'ops', labels: [{ key: 'owner', value: 'mysql-0' }] }], disk: { persistence: { id: 'mysql-0', principal: 'ops' }, volume: { containerPath: 'data', mode: 'RW' } }, shared: true }],
  });
  const json = formatResources(withVolume.allocate('db'));
  assert.ok(parseResources(json, { commandLine: false }).equals(withVolume.allocate('db')));
  assert.throws(() => parseResources(json), /cannot be specified at the command line/);
});

test('set items or roles with syntax characters use the JSON form', () => {
  const r = Resources.of([{ name: 'bugs', set: ['a b', 'c'] }, { name: 'cpus', scalar: 1, reservations: [{ type: 'STATIC', role: 'a:b' }] }]);
  assert.ok(formatResources(r).startsWith('['));
  assert.ok(parseResources(formatResources(r)).equals(r));
  assert.throws(() => formatResources(r, { form: "text" }), (e: unknown) => e instanceof ResourceError && /cannot be written in the --resources text form/.test(e.message));
});

test("Mesos's rendering", () => {
  assert.equal(formatMesos(Resources.EMPTY), '{}');
  const r = Resources.of([
    { name: 'cpus', scalar: 1, allocationRole: 'r', reservations: [{ type: 'STATIC', role: 'r' }] },
    { name: 'cpus', scalar: 1, revocable: true },
    { name: 'disk', scalar: 5, reservations: [{ type: 'DYNAMIC', role: 'r', principal: 'p', labels: [{ key: 'k', value: 'v' }, { key: 'x' }] }], disk: { source: { type: 'MOUNT', root: '/m' }, persistence: { id: 'id1' }, volume: { containerPath: 'c', mode: 'RW' } } },
  ]);
  assert.equal(
    String(r),
    'cpus(allocated: r)(reservations: [(STATIC,r)]):1; cpus{REV}:1; disk(reservations: [(DYNAMIC,r,p,{k: v, x})])[MOUNT:/m,id1:c]:5',
  );
});
