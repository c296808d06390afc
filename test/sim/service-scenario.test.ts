// Scenario files with data services: parsing, errors that say where, agent templates, and the
// per-cycle report (text and JSON). Plain scenarios keep the plain simulator.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseScenario, ScenarioError } from '../../src/sim/scenario.ts';
import { simulateServices, formatServiceReport } from '../../src/sim/service-report.ts';
import { simulateCommand } from '../../src/cli/simulate-command.ts';

const spec = { name: 'zk', role: 'zk', principal: 'zk', pods: [{ type: 'server', count: 3, resources: 'cpus:1;mem:1024', volumes: [{ containerPath: 'data', sizeMb: 1000 }], constraints: 'hostname=unique' }] };
const base = {
  options: { allocationIntervalMs: 1000, seed: 1 },
  agents: [{ id: 'a', count: 4, resources: 'cpus:4;mem:8192;disk:10000', attributes: 'rack:r{n%2};row:{n/2};host:{n}', mountDisks: [{ root: '/mnt/0', sizeMb: 5000 }] }],
  services: [{ spec, mode: 'framework', permanentFailureTimeoutMs: 5000, destroyGraceMs: 2000, failureDomain: 'rack', replaceRateLimit: { perDomain: 2, windowMs: 1000 } }],
  cycles: 3,
};

test('services, controller options, agent templates and MOUNT disks are parsed', () => {
  const s = parseScenario(base);
  assert.deepEqual(s.agents.map((a) => a.attributesText), ['rack:r0;row:0;host:0', 'rack:r1;row:0;host:1', 'rack:r0;row:1;host:2', 'rack:r1;row:1;host:3']);
  assert.equal(s.agents[0]!.resources.filter((r) => r.disk?.source?.type === 'MOUNT').disk(), 5000);
  assert.equal(s.services[0]!.frameworkId, 'zk');
  assert.deepEqual(s.services[0]!.controller, { mode: 'framework', deploy: 'parallel', permanentFailureTimeoutMs: 5000, destroyGraceMs: 2000, replaceRateLimit: { perDomain: 2, windowMs: 1000 }, failureDomain: 'rack' });
  assert.deepEqual(s.events, []);
});

test('events name agents and services that exist, one kind each', () => {
  const s = parseScenario({ ...base, events: [
    { cycle: 1, removeAgent: 'a-1' }, { cycle: 2, addAgent: 'a-1' }, { cycle: 2, advanceMs: 60000 },
    { cycle: 3, taskFailure: { service: 'zk', podInstance: 'server-0' } }, { cycle: 3, maintenance: { agent: 'a-2', startInMs: 1000, durationMs: 5000 } },
    { cycle: 4, scale: { service: 'zk', pod: 'server', count: 2 } }, { cycle: 5, replace: { service: 'zk', podInstance: 'server-1' } },
  ] });
  assert.deepEqual(s.events.map((e) => e.kind), ['removeAgent', 'addAgent', 'advance', 'taskFailure', 'maintenance', 'scale', 'replace']);
  const bad: Array<[unknown, RegExp]> = [
    [{ cycle: 1, removeAgent: 'nope' }, /events\[0\]\.removeAgent: no agent 'nope'/],
    [{ cycle: 1, scale: { service: 'kafka', pod: 'x', count: 1 } }, /events\[0\]\.scale\.service: no service named 'kafka'/],
    [{ cycle: 1, removeAgent: 'a-0', addAgent: 'a-0' }, /exactly one of/],
    [{ cycle: -1, removeAgent: 'a-0' }, /events\[0\]\.cycle: expected a non-negative integer/],
  ];
  for (const [event, message] of bad) assert.throws(() => parseScenario({ ...base, events: [event] }), (e: Error) => e instanceof ScenarioError && message.test(e.message));
});

test('bad services are clear errors', () => {
  const cases: Array<[unknown, RegExp]> = [
    [[{ spec: { ...spec, pods: [] } }], /services\[0\]\.spec: /],
    [[{ spec, mode: 'magic' }], /services\[0\]\.mode: expected 'operator' or 'framework'/],
    [[{ spec, colour: 1 }], /services\[0\]: unknown field 'colour'/],
    [[{ spec: 'zk.json' }], /a spec file \(zk\.json\) needs a reader/],
    [[{ spec }, { spec }], /two services named 'zk'/],
  ];
  for (const [services, message] of cases) assert.throws(() => parseScenario({ ...base, services }), (e: Error) => e instanceof ScenarioError && message.test(e.message), String(message));
});

test('simulateServices reports per cycle and summarizes each service', () => {
  const report = simulateServices(parseScenario(base));
  assert.equal(report.kind, 'services');
  assert.equal(report.cycles.length, 3);
  assert.equal(report.services['zk']!.ledgerConsistent, true);
  assert.equal(Object.keys(report.services['zk']!.volumes).length, 3);
  const text = formatServiceReport(report);
  assert.match(text, /cycle 0 \(t=0 ms\): \d+ offers, running zk=\d/);
  assert.match(text, /\[zk\] placed server-0 on a-\d: deploy/);
  assert.match(text, /service zk: ledger equals the cluster/);
});

test('the CLI reads spec files next to the scenario, and the scenario\'s policy; --policy overrides it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mesos-policy-svc-'));
  writeFileSync(join(dir, 'zk.json'), JSON.stringify(spec));
  writeFileSync(join(dir, 'policy.ts'), "export default { name: 'mine', filter() { return true; } };");
  writeFileSync(join(dir, 'scenario.json'), JSON.stringify({ ...base, services: [{ spec: 'zk.json' }], policy: 'policy.ts', events: [{ cycle: 1, taskFailure: { service: 'zk', podInstance: 'server-2' } }] }));
  const r = await simulateCommand([join(dir, 'scenario.json'), '--json']);
  assert.equal(r.exitCode, 0, r.stderr);
  const report = JSON.parse(r.stdout);
  assert.ok(report.cycles[1].events.some((e: { kind: string; podInstance: string }) => e.kind === 'relaunched' && e.podInstance === 'server-2'));
  const missing = await simulateCommand([join(dir, 'scenario.json'), `--policy=${join(dir, 'none.ts')}`]);
  assert.equal(missing.exitCode, 1);
  writeFileSync(join(dir, 'broken.json'), JSON.stringify({ ...base, services: [{ spec: 'absent.json' }] }));
  const broken = await simulateCommand([join(dir, 'broken.json')]);
  assert.equal(broken.exitCode, 1);
  assert.match(broken.stderr, /services\[0\]\.spec: cannot read absent\.json/);
});

test('plain scenarios still run the plain simulator', async () => {
  const r = await simulateCommand(['examples/scenarios/seed.json', '--cycles=1', '--json']);
  assert.equal(r.exitCode, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout).kind, undefined);
});
