// Service specs: what parses, and every error named by its path.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  parsePodInstanceName, parseServiceSpec, podInstanceName, podInstances, ServiceSpecError,
} from '../../../src/placement/index.ts';

const kafka = {
  name: 'kafka',
  role: 'kafka-role',
  principal: 'kafka-principal',
  pods: [
    {
      type: 'broker',
      count: 3,
      resources: 'cpus:2;mem:8192;ports:[9092-9092]',
      volumes: [{ containerPath: 'kafka-broker-data', sizeMb: 5000, disk: 'MOUNT' }],
      constraints: 'hostname=unique,rack=like:r.*',
    },
    { type: 'zookeeper', count: 3, resources: [{ name: 'cpus', scalar: 0.5 }, { name: 'mem', scalar: 1024 }], volumes: [{ containerPath: 'zk', sizeMb: 512 }], constraints: [['hostname', 'MAX_PER', '1']] },
  ],
};

/** The issues of a spec that must not parse. */
function issues(input: unknown): Array<[string, string]> {
  try {
    parseServiceSpec(input);
  } catch (e) {
    assert.ok(e instanceof ServiceSpecError, String(e));
    return e.issues.map((i) => [i.path, i.problem]);
  }
  assert.fail('expected a ServiceSpecError');
}

function withPod(index: number, change: Record<string, unknown>): unknown {
  return { ...kafka, pods: kafka.pods.map((p, i) => (i === index ? { ...p, ...change } : p)) };
}

test('a Kafka spec parses: resources as text or objects, MOUNT and ROOT volumes, both constraint syntaxes', () => {
  const spec = parseServiceSpec(JSON.stringify(kafka));
  assert.equal(spec.name, 'kafka');
  assert.equal(spec.role, 'kafka-role');
  const [broker, zk] = spec.pods;
  assert.equal(broker!.resources.cpus(), 2);
  assert.deepEqual(broker!.resources.ports(), [{ begin: 9092, end: 9092 }]);
  assert.deepEqual(broker!.volumes, [{ containerPath: 'kafka-broker-data', sizeMb: 5000, disk: 'MOUNT' }]);
  assert.deepEqual(broker!.constraints, [
    { type: 'UNIQUE', field: 'hostname' },
    { type: 'LIKE', field: 'rack', pattern: 'r.*' },
  ]);
  assert.equal(zk!.resources.mem(), 1024);
  assert.deepEqual(zk!.volumes, [{ containerPath: 'zk', sizeMb: 512, disk: 'ROOT' }], 'ROOT is the default');
  assert.deepEqual(zk!.constraints, [{ type: 'MAX_PER', field: 'hostname', max: 1 }]);
});

test('instances are named ${type}-${index}, pods in order', () => {
  const spec = parseServiceSpec(kafka);
  assert.deepEqual(podInstances(spec).map((i) => i.name), ['broker-0', 'broker-1', 'broker-2', 'zookeeper-0', 'zookeeper-1', 'zookeeper-2']);
  assert.equal(podInstanceName('kafka-broker', 3), 'kafka-broker-3');
  assert.deepEqual(parsePodInstanceName('kafka-broker-3'), { podType: 'kafka-broker', index: 3 });
  assert.equal(parsePodInstanceName('broker'), undefined);
  assert.equal(parsePodInstanceName('broker-03'), undefined);
});

test('volume errors name the path: pods[1].volumes[0].sizeMb', () => {
  const bad = withPod(1, { volumes: [{ containerPath: 'zk', sizeMb: -5 }] });
  assert.deepEqual(issues(bad), [['pods[1].volumes[0].sizeMb', 'expected a positive number']]);
  assert.throws(() => parseServiceSpec(bad), { name: 'ServiceSpecError', message: 'pods[1].volumes[0].sizeMb: expected a positive number' });
  assert.deepEqual(issues(withPod(0, { volumes: [{ containerPath: '/var/data', sizeMb: 1 }, { containerPath: 'a/../b', sizeMb: 1, disk: 'PATH' }] })), [
    ['pods[0].volumes[0].containerPath', 'expected a path relative to the sandbox, got "/var/data"'],
    ['pods[0].volumes[1].containerPath', `expected a normalised relative path without '.', '..' or empty components, got "a/../b"`],
    ['pods[0].volumes[1].disk', `expected 'ROOT' or 'MOUNT', got "PATH"`],
  ]);
  assert.deepEqual(issues(withPod(0, { volumes: [{ containerPath: 'd', sizeMb: 1 }, { containerPath: 'd', sizeMb: 2 }] })), [
    ['pods[0].volumes[1].containerPath', '"d" is used by another volume of this pod'],
  ]);
});

test('service fields: name, role (not *, valid), principal; every problem is reported at once', () => {
  assert.deepEqual(issues({ ...kafka, name: '', role: '*', principal: 7 }), [
    ['name', 'expected a non-empty string, got ""'],
    ['role', "the service reserves resources, so it needs a role other than '*'"],
    ['principal', 'expected a non-empty string, got 7'],
  ]);
  assert.deepEqual(issues({ ...kafka, role: 'a//b' }), [['role', "role 'a//b' cannot contain two adjacent slashes"]]);
  assert.deepEqual(issues({ ...kafka, name: 'my kafka' }), [['name', 'expected at most 63 characters without whitespace or slashes, got "my kafka"']]);
  assert.deepEqual(issues({ ...kafka, pods: [] }), [['pods', 'expected a non-empty array of pods, got []']]);
  const many = new ServiceSpecError([{ path: 'a', problem: 'x' }, { path: 'b', problem: 'y' }]);
  assert.equal(many.message, 'a: x (and 1 more: b)');
});

test('unknown fields are refused rather than ignored (a misspelt "constraint" would drop a rule)', () => {
  assert.deepEqual(issues(withPod(0, { constraint: 'hostname=unique' })), [
    ['pods[0].constraint', 'unknown field (expected one of type, count, resources, volumes, constraints)'],
  ]);
  assert.deepEqual(issues({ ...kafka, rolee: 'x' }), [['rolee', 'unknown field (expected one of name, role, principal, pods)']]);
});

test('pod fields: type is a DNS label and unique, count a non-negative integer', () => {
  assert.deepEqual(issues(withPod(0, { type: 'Broker_1' })), [['pods[0].type', 'expected lower-case letters, digits and inner dashes (a DNS label), got "Broker_1"']]);
  assert.deepEqual(issues(withPod(1, { type: 'broker' })), [['pods[1].type', 'pod type "broker" is declared twice']]);
  assert.deepEqual(issues(withPod(0, { count: 1.5 })), [['pods[0].count', 'expected a non-negative integer, got 1.5']]);
  assert.doesNotThrow(() => parseServiceSpec(withPod(0, { count: 0 })));
});

test('pod resources: Mesos text or objects, unreserved and without DiskInfo', () => {
  assert.deepEqual(issues(withPod(0, { resources: 'cpus:2;mem' })), [["pods[0].resources", "missing or extra ':' in 'mem' at position 7"]]);
  assert.deepEqual(issues(withPod(0, { resources: 'cpus(kafka-role):2' })), [
    ['pods[0].resources', "'cpus' is reserved; pod resources are written unreserved and the planner reserves them to the service's role"],
  ]);
  assert.deepEqual(issues(withPod(0, { resources: [{ name: 'disk', scalar: 10, disk: { source: { type: 'MOUNT', root: '/mnt' } } }] })), [
    ['pods[0].resources', "'disk' has DiskInfo; declare persistent disks under volumes"],
  ]);
  assert.deepEqual(issues(withPod(0, { resources: '' })), [['pods[0].resources', 'expected at least one resource']]);
  assert.deepEqual(issues(withPod(0, { resources: 42 })), [['pods[0].resources', 'expected Mesos resource text ("cpus:2;mem:8192") or an array of resources, got 42']]);
});

test('constraint errors carry the constraints module\'s path under the pod', () => {
  const [[path, problem]] = issues(withPod(1, { constraints: [['hostname', 'MAX_PER', '1'], ['rack', 'GROUP_BY', 'x']] })) as [[string, string]];
  assert.equal(path, 'pods[1].constraints[1]');
  assert.match(problem, /\["rack","GROUP_BY","x"\]/);
  const [[path2]] = issues(withPod(0, { constraints: 'hostname=unique,rack=bogus:1' })) as [[string, string]];
  assert.equal(path2, 'pods[0].constraints (entry 2)');
});

test('JSON text that does not parse, and a non-object', () => {
  assert.deepEqual(issues('{"name":').map(([p]) => p), ['$']);
  assert.deepEqual(issues([1, 2]), [['$', 'expected a service object, got [1,2]']]);
});
