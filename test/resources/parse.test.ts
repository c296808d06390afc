// parseResources against every row of ../shared/reference/resources-facts.md (observed on Mesos).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseResources, ResourceParseError, ResourceError, Resources, formatMesos } from '../../src/resources/index.ts';

/** Input → Mesos's own rendering of the result (`{}` when empty). */
const accepted: Array<[string, string]> = [
  ['cpus(*):8; mem(*):15360; disk(*):710534; ports(*):[31000-32000]', 'cpus:8; mem:15360; disk:710534; ports:[31000-32000]'],
  [
    'cpus(prod):8; cpus(stage):2; mem(*):15360; disk(*):710534; ports(*):[31000-32000]',
    'cpus(reservations: [(STATIC,prod)]):8; cpus(reservations: [(STATIC,stage)]):2; mem:15360; disk:710534; ports:[31000-32000]',
  ],
  ['cpus:1.5123', 'cpus:1.512'],
  ['cpus:0', '{}'],
  ['', '{}'],
  [';;cpus:1;;', 'cpus:1'],
  ['cpus: 8 ; mem : 100', 'cpus:8; mem:100'],
  ['cpus:1;cpus:2', 'cpus:3'],
  ['mem:1.5;mem:1.5', 'mem:3'],
  ['ports:[1-10,11-20]', 'ports:[1-20]'],
  ['ports:[11-20,1-10]', 'ports:[1-20]'],
  ['ports:[1-10,5-20]', 'ports:[1-20]'],
  ['ports:[0-0]', 'ports:[0-0]'],
  ['bugs:{a,b,c}', 'bugs:{a, b, c}'],
  ['bugs:{}', '{}'],
  ['cpus(a/b):1', 'cpus(reservations: [(STATIC,a/b)]):1'],
  ['disk:1;disk(prod):2', 'disk:1; disk(reservations: [(STATIC,prod)]):2'],
  ['[{"name":"cpus","type":"SCALAR","scalar":{"value":8}}]', 'cpus:8'],
  ['[{"name":"cpus","type":"SCALAR","scalar":{"value":8},"role":"prod"}]', 'cpus(reservations: [(STATIC,prod)]):8'],
  ['bugs(debug_role):{a,b,c}', 'bugs(reservations: [(STATIC,debug_role)]):{a, b, c}'],
];

for (const [input, mesos] of accepted) {
  test(`Mesos accepts ${JSON.stringify(input)} as ${mesos}`, () => {
    assert.equal(formatMesos(parseResources(input)), mesos);
  });
}

/** Input → a fragment of the reason; every one is a typed error naming the token. */
const rejected: Array<[string, RegExp, string]> = [
  ['cpus(prod):8; cpus(stage):2 mem(*):15360; disk(*):710534', /missing or extra ':'/, 'cpus(stage):2 mem(*):15360'],
  ['cpus:0.0001', /rounds to zero/, 'cpus:0.0001'],
  ['cpus:1;cpus:[1-2]', /same name \('cpus'\) but different types/, 'cpus:[1-2]'],
  ['ports:[20-10]', /begin > end/, 'ports:[20-10]'],
  ['ports:[1-10', /mismatched brackets/, 'ports:[1-10'],
  ['ports:[a-b]', /expecting non-negative integers/, 'ports:[a-b]'],
  ['foo:bar', /type TEXT/, 'foo:bar'],
  ['cpus:-1', /type TEXT/, 'cpus:-1'],
  ['cpus:inf', /type TEXT/, 'cpus:inf'],
  ['cpus:nan', /type TEXT/, 'cpus:nan'],
  ['cpus:0x10', /type TEXT/, 'cpus:0x10'],
  ['cpus8', /missing or extra ':'/, 'cpus8'],
  [':1', /empty resource name/, ':1'],
  ['cpus:', /missing or extra ':'/, 'cpus:'],
  ['cpus(prod:1', /mismatched parentheses/, 'cpus(prod:1'],
  ['bugs:{a,a}', /duplicated set elements/, 'bugs:{a,a}'],
  ['cpus(.):1', /'\.' as a component/, 'cpus(.):1'],
  ['cpus(..):1', /'\.\.' as a component/, 'cpus(..):1'],
  ['cpus(-a):1', /starts with a dash/, 'cpus(-a):1'],
  ['cpus(a//b):1', /two adjacent slashes/, 'cpus(a//b):1'],
  ['cpus(/a):1', /cannot start with a slash/, 'cpus(/a):1'],
  ['cpus(a/):1', /cannot end with a slash/, 'cpus(a/):1'],
  ['cpus():1', /empty string/, 'cpus():1'],
  ['cpus(a b):1', /whitespace/, 'cpus(a b):1'],
  ['cpus(*/a):1', /'\*' as a component/, 'cpus(*/a):1'],
  ['cpus(a/*):1', /'\*' as a component/, 'cpus(a/*):1'],
  ['cpus::1', /missing or extra ':'/, 'cpus::1'],
  ['cpus(a)x:1', /unexpected text after '\)'/, 'cpus(a)x:1'],
  ['ports:[1-2]x', /unexpected text after '\]'/, 'ports:[1-2]x'],
  ['ports:x[1-2]', /unexpected '\['/, 'ports:x[1-2]'],
  ['ports:[1,2]', /begin-end/, 'ports:[1,2]'],
  ['ports:[1-2-3]', /begin-end/, 'ports:[1-2-3]'],
  ['ports:[99999999999999999999-1]', /too large/, 'ports:[99999999999999999999-1]'],
  ['cpus:1e300', /too large/, 'cpus:1e300'],
];

for (const [input, reason, token] of rejected) {
  test(`Mesos rejects ${JSON.stringify(input)}`, () => {
    assert.throws(
      () => parseResources(input),
      (e: unknown) => {
        assert.ok(e instanceof ResourceParseError, `expected ResourceParseError, got ${String(e)}`);
        assert.match(e.message, reason);
        assert.equal(e.token, token);
        assert.equal(e.position, input.indexOf(token));
        return true;
      },
    );
  });
}

test('the position points at the offending token in a long agent line', () => {
  const input = 'cpus:8; mem:1024;   disk:-5; ports:[1-2]';
  const error = (() => {
    try {
      parseResources(input);
    } catch (e) {
      return e as ResourceParseError;
    }
    return undefined;
  })();
  assert.ok(error instanceof ResourceParseError);
  assert.equal(error.position, 20);
  assert.equal(error.token, 'disk:-5');
  assert.match(error.message, /at position 20/);
});

test('a named role is a STATIC reservation; * is unreserved', () => {
  const r = parseResources('cpus(prod):8; mem(*):1024');
  const [cpus, mem] = [...r];
  assert.deepEqual(cpus!.reservations, [{ type: 'STATIC', role: 'prod' }]);
  assert.deepEqual(mem!.reservations, []);
});

test('defaultRole reserves resources written without a role (deprecated --default_role)', () => {
  const r = parseResources('cpus:4; mem(*):10', { defaultRole: 'ops' });
  assert.equal(formatMesos(r), 'cpus(reservations: [(STATIC,ops)]):4; mem:10');
  assert.throws(() => parseResources('cpus:1', { defaultRole: 'a//b' }), ResourceError);
  const json = parseResources('[{"name":"cpus","type":"SCALAR","scalar":{"value":1}}]', { defaultRole: 'ops' });
  assert.equal(formatMesos(json), 'cpus(reservations: [(STATIC,ops)]):1');
});

test('JSON form: MOUNT and PATH disks are allowed at the command line and never merge', () => {
  const r = parseResources(
    JSON.stringify([
      { name: 'disk', type: 'SCALAR', scalar: { value: 100 }, role: 'kafka', disk: { source: { type: 'MOUNT', mount: { root: '/mnt/a' } } } },
      { name: 'disk', type: 'SCALAR', scalar: { value: 100 }, role: 'kafka', disk: { source: { type: 'MOUNT', mount: { root: '/mnt/a' } } } },
      { name: 'disk', type: 'SCALAR', scalar: { value: 50 }, disk: { source: { type: 'PATH', path: { root: '/p' } } } },
      { name: 'disk', type: 'SCALAR', scalar: { value: 50 }, disk: { source: { type: 'PATH', path: { root: '/p' } } } },
    ]),
  );
  assert.equal(r.size, 3);
  assert.equal(formatMesos(r), 'disk(reservations: [(STATIC,kafka)])[MOUNT:/mnt/a]:100; disk(reservations: [(STATIC,kafka)])[MOUNT:/mnt/a]:100; disk[PATH:/p]:100');
});

test('JSON form: command-line rules (no DYNAMIC, no volumes, no revocable)', () => {
  const volume = {
    name: 'disk', type: 'SCALAR', scalar: { value: 10 },
    reservations: [{ type: 'STATIC', role: 'r' }],
    disk: { persistence: { id: 'v' }, volume: { container_path: 'data', mode: 'RW' } },
  };
  assert.throws(() => parseResources(JSON.stringify([volume])), /persistent volumes cannot be specified at the command line/);
  assert.throws(() => parseResources('[{"name":"cpus","type":"SCALAR","scalar":{"value":1},"revocable":{}}]'), /revocable resources cannot/);
  assert.throws(
    () => parseResources('[{"name":"cpus","type":"SCALAR","scalar":{"value":1},"role":"r","reservation":{"principal":"p"}}]'),
    /dynamic reservations cannot be specified at the command line/,
  );
  // The same text is fine where the master's checkpointed state is read.
  const r = parseResources(JSON.stringify([volume]), { commandLine: false });
  assert.equal(r.persistentVolumes().size, 1);
});

test('JSON form: malformed input is a typed error naming the element', () => {
  const cases: Array<[string, RegExp]> = [
    ['[{"name":"cpus","type":"SCALAR","scalar":{"value":1}}', /invalid JSON/],
    ['[{"name":"cpus","type":"TEXT","text":{"value":"x"}}]', /unknown field 'text'|TEXT/],
    ['[{"name":"cpus","type":"SCALAR","scaler":{"value":1}}]', /unknown field 'scaler'/],
    ['[{"name":"cpus","type":"SCALAR","scalar":{"value":"1"}}]', /expected a number/],
    ['[{"name":"cpus","type":"SCALAR","scalar":{"value":-1}}]', /value < 0/],
    ['[{"name":"ports","type":"RANGES","ranges":{"range":[{"begin":1,"end":5},{"begin":3,"end":8}]}}]', /overlapping ranges/],
    ['[{"name":"cpus","type":"SCALAR","scalar":{"value":1},"disk":{"source":{"type":"MOUNT"}}}]', /DiskInfo should not be set for cpus/],
    ['[{"name":"disk","type":"SCALAR","scalar":{"value":1},"disk":{"source":{"type":"BLOCK","mount":{"root":"/x"}}}}]', /should not be set for BLOCK/],
    ['[{"name":"cpus","type":"SCALAR","scalar":{"value":1},"role":"*","reservation":{}}]', /role "\*" cannot be dynamically reserved/],
    ['[{"name":"cpus","type":"SCALAR","scalar":{"value":1},"reservations":[{"type":"STATIC","role":"*"}]}]', /cannot be reserved/],
    ['[{"name":"cpus","type":"SCALAR","scalar":{"value":1},"shared":{}}]', /cannot be shared/],
    ['{"name":"cpus"}', /invalid JSON|must be an array/],
    ['[1]', /expected an object/],
  ];
  for (const [input, reason] of cases) {
    assert.throws(
      () => parseResources(input, { commandLine: false }),
      (e: unknown) => e instanceof ResourceParseError && reason.test(e.message),
      input,
    );
  }
});

test('JSON form: the legacy role/reservation fields become a reservation stack', () => {
  const r = parseResources('[{"name":"cpus","type":"SCALAR","scalar":{"value":2},"role":"web","reservation":{"principal":"ops"}}]', { commandLine: false });
  assert.deepEqual([...r][0]!.reservations, [{ type: 'DYNAMIC', role: 'web', principal: 'ops' }]);
  assert.throws(
    () => parseResources('[{"name":"cpus","type":"SCALAR","scalar":{"value":2},"role":"web","reservations":[{"type":"STATIC","role":"api"}]}]'),
    /does not match the role/,
  );
});

test('non-string input and bad options are typed errors, not TypeErrors', () => {
  assert.throws(() => parseResources(undefined as unknown as string), ResourceParseError);
  assert.throws(() => parseResources(42 as unknown as string), ResourceParseError);
});

test('Resources.of validates plain objects the same way', () => {
  assert.throws(() => Resources.of([{ name: 'cpus', scalar: Number.NaN }]), ResourceError);
  assert.throws(() => Resources.of([{ name: 'ports', ranges: [{ begin: 5, end: 1 }] }]), /begin > end/);
  assert.throws(() => Resources.of([{ name: 'bugs', set: ['a', 'a'] }]), /duplicated/);
  assert.throws(() => Resources.of([{ name: '', scalar: 1 }]), /empty resource name/);
  assert.throws(() => Resources.of(5 as unknown as []), ResourceError);
  assert.throws(() => Resources.of([{ name: 'cpus', scalar: 1, set: ['a'] }]), /exactly/);
  assert.throws(() => Resources.of([{ name: 'cpus', type: 'TEXT' as 'SCALAR', scalar: 1 }]), /never TEXT/);
});
