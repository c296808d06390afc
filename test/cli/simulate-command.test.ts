// `mesos-policy simulate`: runs the examples; bad scenarios and policies give clear errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simulateCommand } from '../../src/cli/simulate-command.ts';

test('simulates the seed scenario: offers and dominant shares per cycle', async () => {
  const result = await simulateCommand(['examples/scenarios/seed.json', '--cycles=2']);
  assert.equal(result.exitCode, 0, result.stderr);
  assert.match(result.stdout, /cycle 0 \(t=0 ms\)/);
  assert.match(result.stdout, /cycle 1 \(t=1000 ms\)/);
  assert.match(result.stdout, /dominant shares: .*prod=/);
  assert.doesNotMatch(result.stdout, /cycle 2/);
});

test('simulates the data services with the data-service policy, as JSON', async () => {
  const result = await simulateCommand(['examples/scenarios/data-services.json', '--policy', 'examples/policies/data-service.ts', '--json']);
  assert.equal(result.exitCode, 0, result.stderr);
  const report = JSON.parse(result.stdout);
  assert.equal(report.cycles.length, 3);
  const first = report.cycles[0].offers as Array<{ frameworkId: string; agentId: string; tasksLaunched: number }>;
  assert.ok(first.some((o) => o.frameworkId === 'kafka' && o.agentId === 'kafka-host-0' && o.tasksLaunched === 1));
  assert.deepEqual(report.policyErrors, {});
});

test('a broken scenario or policy is a clear error, exit 1', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mesos-policy-sim-'));
  const bad = join(dir, 'bad.json');
  writeFileSync(bad, JSON.stringify({ agents: [{ resources: 'cpus:-1' }] }));
  const r1 = await simulateCommand([bad]);
  assert.equal(r1.exitCode, 1);
  assert.match(r1.stderr, /agents\[0\]\.resources: .*TEXT/);
  const policy = join(dir, 'policy.ts');
  writeFileSync(policy, 'export default { sortRolez() { return []; } };');
  const r2 = await simulateCommand(['examples/scenarios/seed.json', `--policy=${policy}`]);
  assert.equal(r2.exitCode, 1);
  assert.match(r2.stderr, /unknown stage 'sortRolez'/);
  const owners = join(dir, 'owners.ts');
  writeFileSync(owners, 'export default { reservationOwners: { owner: () => undefined } };');
  const r2b = await simulateCommand(['examples/scenarios/seed.json', `--policy=${owners}`]);
  assert.equal(r2b.exitCode, 1);
  assert.match(r2b.stderr, /reservationOwners lacks owns/);
  const syntax = join(dir, 'syntax.ts');
  writeFileSync(syntax, 'export default {');
  const r3 = await simulateCommand(['examples/scenarios/seed.json', `--policy=${syntax}`]);
  assert.equal(r3.exitCode, 1);
  assert.match(r3.stderr, /cannot bundle policy/);
  assert.equal((await simulateCommand([])).exitCode, 2);
  assert.equal((await simulateCommand(['nope.json'])).exitCode, 1);
});

test('a policy that throws falls back to the default and the error is counted', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mesos-policy-sim-'));
  const policy = join(dir, 'throws.ts');
  writeFileSync(policy, 'export default { filter() { throw new Error("boom"); } };');
  const result = await simulateCommand(['examples/scenarios/seed.json', `--policy=${policy}`, '--cycles=1', '--json']);
  assert.equal(result.exitCode, 0, result.stderr);
  const report = JSON.parse(result.stdout);
  assert.ok(report.policyErrors.filter > 0);
  assert.ok(report.cycles[0].offers.length > 0, 'offers still made');
});

test('a policy with hooks and an isolator simulates; a misspelt hook is an error', async () => {
  const ok = await simulateCommand(['examples/scenarios/seed.json', '--policy=test/native/mesos/fixtures/smoke-policy.ts', '--cycles=1']);
  assert.equal(ok.exitCode, 0, ok.stderr);
  const dir = mkdtempSync(join(tmpdir(), 'mesos-policy-sim-'));
  const typo = join(dir, 'typo.ts');
  writeFileSync(typo, 'export default { hooks: { masterLaunchTaskLabelDecoratr() { return []; } } };');
  const bad = await simulateCommand(['examples/scenarios/seed.json', `--policy=${typo}`]);
  assert.equal(bad.exitCode, 1);
  assert.match(bad.stderr, /unknown hooks method 'masterLaunchTaskLabelDecoratr'/);
  const notFn = join(dir, 'notfn.ts');
  writeFileSync(notFn, 'export default { isolator: { prepare: 1 } };');
  assert.match((await simulateCommand(['examples/scenarios/seed.json', `--policy=${notFn}`])).stderr, /isolator\.prepare must be a function/);
});
