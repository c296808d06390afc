// mesos-policy inside a real mesos-master / mesos-agent (loopback only): the policy's allocator
// makes the offers, reservations stay with their role, hooks decorate tasks and agents, and a
// policy that throws or hangs neither crashes the master nor stops offers. Skipped, saying what is
// missing, when there is no Mesos (see mesos-env.ts).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { buildPolicyBundle } from '../../src/runtime/bundle.ts';
import { daemonFlags, modulesManifest, type ModulesOptions } from '../../src/cli/modules-manifest.ts';
import { findMesos, type MesosEnv } from './mesos-env.ts';
import { agentTaskLabels, finished, MesosMaster, runTask, startAgent, type Agent, type TaskRun, type V1Resource } from './mesos-cluster.ts';
import { killPids, pidsMentioning, sleep, stopProcess, waitFor, type Daemon } from './processes.ts';

const RESOURCES = 'cpus(prod):8; cpus(stage):2; mem(*):15360; disk(*):710534; ports(*):[31000-32000]';
const ATTRIBUTES = 'disks:sata;raid:jbod;dc:1;rack:3';

const found = findMesos();
const skip = 'missing' in found ? `no Mesos to run against: ${found.missing}` : false;
if (skip !== false) console.log(`# test/e2e/mesos.test.ts skipped: ${skip}`);

function reservationRoles(resource: V1Resource): string[] {
  return (resource.reservations ?? []).map((r) => r.role);
}

/** Mesos's per-framework metric (master/frameworks/<name>/<id>/<what>), or undefined before it exists. */
function frameworkMetric(metrics: Record<string, number>, frameworkId: string, what: string): number | undefined {
  const key = Object.keys(metrics).find((k) => k.startsWith('master/frameworks/') && k.endsWith(`/${frameworkId}/${what}`));
  return key === undefined ? undefined : metrics[key];
}

describe('mesos-policy in a real Mesos', { skip, timeout: 300_000 }, () => {
  const env = found as MesosEnv;
  let dir: string;
  const running: Daemon[] = [];

  /** Writes a manifest with the same code as `mesos-policy modules-json`; returns its path and the daemon flags. */
  function manifest(name: string, options: Omit<ModulesOptions, 'library'>): { file: string; master: string[]; agent: string[] } {
    const file = join(dir, `${name}.json`);
    writeFileSync(file, JSON.stringify(modulesManifest({ library: env.library, ...options })));
    const flags = daemonFlags(options.modules, `file://${file}`);
    const withoutModules = (list: readonly string[]): string[] => list.filter((f) => !f.startsWith('--modules='));
    return { file, master: withoutModules(flags.master), agent: withoutModules(flags.agent) };
  }

  async function stopAll(): Promise<void> {
    // Frameworks first, then agents (their executors), then masters; each by its PID.
    for (const daemon of running.splice(0).reverse()) await stopProcess(daemon);
    killPids(pidsMentioning(dir));
  }

  function track<T extends Daemon | TaskRun | MesosMaster | Agent>(x: T): T {
    running.push('daemon' in x ? x.daemon : x);
    return x;
  }

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'mesos-policy-e2e-'));
  });

  after(async () => {
    await stopAll();
    if (process.env.E2E_KEEP === undefined) rmSync(dir, { recursive: true, force: true });
    else console.log(`kept ${dir}`);
  });

  test('the policy makes the offers, keeps reservations with their role, and its hooks decorate', async () => {
    const bundle = (await buildPolicyBundle({ policy: 'test/e2e/fixtures/e2e-policy.ts', outfile: join(dir, 'e2e-policy.js') })).outfile;
    const m = manifest('master', { policy: bundle, modules: ['allocator', 'hook'] });
    const a = manifest('agent', { policy: bundle, modules: ['hook'] });
    try {
      const master = track(await MesosMaster.start(env, { dir: join(dir, 'run1'), modulesFile: m.file, flags: m.master }));
      const agentProcess = track(await startAgent(env, { dir: join(dir, 'run1'), master, flags: [`--resources=${RESOURCES}`, `--attributes=${ATTRIBUTES}`, `--modules=file://${a.file}`, ...a.agent] }));

      // The agent attributes decorator ran in the agent: the master sees its extra attribute.
      const agent = (await master.state()).slaves[0]!;
      assert.equal(agent.attributes.policy_zone, 'e2e');
      assert.equal(agent.attributes.rack, 3);

      const work = join(dir, 'run1');
      // One at a time: mesos-execute declines an offer it cannot use and then suppresses for good,
      // so a task started while another framework holds the agent's mem could starve by chance.
      // prod needs its reservation (there are no unreserved cpus); stage fits in its own 2.
      const prodTask = await finished(master, track(runTask(env, work, master, 'prod-task', 'prod', 'cpus:4;mem:64')));
      const stageTask = await finished(master, track(runTask(env, work, master, 'stage-task', 'stage', 'cpus:1.5;mem:32')));
      // Would run only if prod's cpus leaked to stage (stage has 2 cpus, there are no unreserved ones).
      const stageTooBig = track(runTask(env, work, master, 'stage-too-big', 'stage', 'cpus:3;mem:32'));
      // Unreserved mem would fit, but the policy's filter refuses the role.
      const blocked = track(runTask(env, work, master, 'blocked-task', 'blocked', 'mem:32'));
      const frameworkOf = async (role: string): Promise<string | undefined> => (await master.state()).frameworks.find((f) => f.role === role)?.id;
      const tooBigId = await waitFor('stage-too-big to subscribe', 30_000, () => frameworkOf('stage'));
      const blockedId = await waitFor('blocked-task to subscribe', 30_000, () => frameworkOf('blocked'));
      // stage-too-big was offered stage's share and declined it (an offer with prod's cpus would have fit).
      const declined = await waitFor('stage-too-big to decline an offer', 30_000, async () => {
        const n = frameworkMetric(await master.metrics(), tooBigId, 'offers/declined');
        return n !== undefined && n >= 1 ? n : undefined;
      });
      assert.ok(declined >= 1);
      await sleep(3000); // a few more allocation cycles for blocked-task

      for (const r of prodTask.resources.filter((x) => x.name === 'cpus')) assert.deepEqual(reservationRoles(r), ['prod'], 'prod cpus come from its reservation');
      for (const r of stageTask.resources) assert.ok(reservationRoles(r).every((role) => role === 'stage'), `stage task resource ${JSON.stringify(r)} is stage's or unreserved`);
      assert.ok(stageTask.resources.some((r) => r.name === 'cpus' && reservationRoles(r).includes('stage')));

      const tasks = await master.tasks();
      assert.equal(tasks.find((t) => t.name === 'stage-too-big'), undefined, 'a 3-cpu stage task never ran: prod reservation did not leak');
      assert.equal(tasks.find((t) => t.name === 'blocked-task'), undefined, "the policy's filter kept role 'blocked' out");
      assert.equal(stageTooBig.daemon.exited(), undefined, 'mesos-execute for stage-too-big still waits');
      assert.equal(blocked.daemon.exited(), undefined, 'mesos-execute for blocked-task still waits');
      assert.equal(frameworkMetric(await master.metrics(), blockedId, 'offers/sent'), 0, 'role blocked was never offered anything');

      // The master label decorator ran for each launched task.
      assert.deepEqual(await agentTaskLabels(agentProcess, 'prod-task'), [{ key: 'mesos_policy_role', value: 'prod' }]);
      assert.deepEqual(await agentTaskLabels(agentProcess, 'stage-task'), [{ key: 'mesos_policy_role', value: 'stage' }]);

      const metrics = await master.metrics();
      assert.ok(metrics['mesos_policy/allocator/offers']! >= 2, `offers: ${metrics['mesos_policy/allocator/offers']}`);
      assert.ok(metrics['mesos_policy/hook/calls']! >= 2);
      assert.equal(metrics['mesos_policy/allocator/errors'], 0);
      assert.equal(metrics['mesos_policy/allocator/timeouts'], 0);
      master.assertAlive();
    } finally {
      await stopAll();
    }
  });

  test('a policy that throws and a hook that hangs: the master lives on and offers go on', async () => {
    const bundle = (await buildPolicyBundle({ policy: 'test/e2e/fixtures/faulty-policy.ts', outfile: join(dir, 'faulty-policy.js') })).outfile;
    const m = manifest('faulty-master', { policy: bundle, modules: ['allocator', 'hook'], callTimeoutMs: { hook: 300 } });
    try {
      const work = join(dir, 'run2');
      const master = track(await MesosMaster.start(env, { dir: work, modulesFile: m.file, flags: m.master }));
      const agent = track(await startAgent(env, { dir: work, master, flags: [`--resources=${RESOURCES}`, `--attributes=${ATTRIBUTES}`] }));

      const first = await finished(master, track(runTask(env, work, master, 'faulty-1', 'prod', 'cpus:1;mem:32')));
      // The label decorator was terminated at its deadline: labels unchanged, the task launched anyway.
      assert.deepEqual(await agentTaskLabels(agent, 'faulty-1'), []);
      assert.equal(first.state, 'TASK_FINISHED');
      const before = await master.metrics();
      // And the next framework still gets offers from the same policy runtime.
      await finished(master, track(runTask(env, work, master, 'faulty-2', 'stage', 'cpus:1;mem:32')));
      master.assertAlive();

      const metrics = await master.metrics();
      assert.ok(metrics['mesos_policy/allocator/offers']! > before['mesos_policy/allocator/offers']!, 'offers went on');
      assert.ok(metrics['mesos_policy/hook/timeouts']! >= 2, `hook timeouts: ${metrics['mesos_policy/hook/timeouts']}`);
      assert.ok(metrics['mesos_policy/hook/errors']! >= 2, `hook errors: ${metrics['mesos_policy/hook/errors']}`);
      assert.equal(metrics['mesos_policy/hook/runtime/serving'], 1, 'the hook runtime still serves after its call was terminated');
      // A throwing stage falls back to Mesos's rule for that decision; the call itself succeeds...
      assert.equal(metrics['mesos_policy/allocator/errors'], 0);
      assert.equal(metrics['mesos_policy/allocator/runtime/restarts'], 0);
      // ...but the runtime counts it, and the module publishes the runtime's counters (polled every second).
      const policyErrors = await waitFor('the policy errors in /metrics/snapshot', 10_000, async () => {
        const m = await master.metrics();
        const filter = m['mesos_policy/allocator/policy_errors/filter'] ?? 0;
        const hook = m['mesos_policy/hook/errors/masterLaunchTaskResourceDecorator'] ?? 0;
        return filter > 0 && hook > 0 ? { filter, hook, score: m['mesos_policy/allocator/policy_errors/score'] } : undefined;
      });
      assert.ok(policyErrors.filter > 0 && policyErrors.hook >= 2, JSON.stringify(policyErrors));
      assert.match(readFileSync(master.daemon.log, 'utf8'), /mesos-policy allocator: the policy failed \d+x allocator\/policy_errors\/filter/);
    } finally {
      await stopAll();
    }
  });

  test('reload_check_ms: a rebuilt bundle takes over without restarting the master; a broken one is refused', async () => {
    // The task-labels example as deployed (docs/deployment.md), then a v2 renamed over it.
    const bundle = (await buildPolicyBundle({ policy: 'examples/hooks/task-labels.ts', outfile: join(dir, 'task-labels.js') })).outfile;
    const m = manifest('reload-master', { policy: bundle, modules: ['allocator', 'hook'], reloadCheckMs: 200 });
    try {
      const work = join(dir, 'run3');
      const master = track(await MesosMaster.start(env, { dir: work, modulesFile: m.file, flags: m.master }));
      const agent = track(await startAgent(env, { dir: work, master, flags: ['--resources=cpus:4;mem:2048;disk:1024;ports:[31000-32000]'] }));
      await finished(master, track(runTask(env, work, master, 'reload-1', 'kafka', 'cpus:1;mem:32')));
      assert.deepEqual(await agentTaskLabels(agent, 'reload-1'), [{ key: 'team', value: 'streaming' }, { key: 'cost_center', value: 'CC-1042' }]);

      const v2 = join(dir, 'task-labels-v2.ts');
      writeFileSync(v2, [
        `import { definePolicy } from ${JSON.stringify(resolve('src/index.ts'))};`,
        `export default definePolicy({ name: 'task-labels-v2', hooks: { masterLaunchTaskLabelDecorator: (task) => [...task.labels, { key: 'team', value: 'reloaded' }] } });`,
      ].join('\n'));
      const built = (await buildPolicyBundle({ policy: v2, outfile: join(dir, 'task-labels-v2.js') })).outfile;
      renameSync(built, bundle); // atomic, as the docs advise
      // Both modules reload, and the allocator re-sends its state to the new runtime (after it took
      // over, asynchronously: the reload counters can tick before the resync does). Fails on timeout.
      await waitFor('both modules to reload and the allocator to re-send its state to the new runtime', 15_000, async () => {
        const x = await master.metrics();
        const both = x['mesos_policy/hook/runtime/reloads'] === 1 && x['mesos_policy/allocator/runtime/reloads'] === 1;
        return both && x['mesos_policy/allocator/resyncs']! >= 1 ? x : undefined;
      });
      // The next task: offered by the reloaded allocator (it knows the agent again), labelled by v2.
      await finished(master, track(runTask(env, work, master, 'reload-2', 'kafka', 'cpus:1;mem:32')));
      assert.deepEqual(await agentTaskLabels(agent, 'reload-2'), [{ key: 'team', value: 'reloaded' }]);

      // A bundle that does not load: refused, v2 keeps serving.
      const broken = join(dir, 'broken.js');
      writeFileSync(broken, 'this is not javascript (');
      renameSync(broken, bundle);
      await waitFor('the failed reload to be counted', 15_000, async () => ((await master.metrics())['mesos_policy/hook/runtime/failed_reloads'] === 1 ? true : undefined));
      await finished(master, track(runTask(env, work, master, 'reload-3', 'kafka', 'cpus:1;mem:32')));
      assert.deepEqual(await agentTaskLabels(agent, 'reload-3'), [{ key: 'team', value: 'reloaded' }]);
      const after = await master.metrics();
      assert.equal(after['mesos_policy/hook/runtime/reloads'], 1);
      assert.equal(after['mesos_policy/hook/runtime/serving'], 1);
      assert.match(readFileSync(master.daemon.log, 'utf8'), /mesos-policy hook: reloading .*task-labels\.js failed; the previous policy keeps serving/);
      master.assertAlive();
    } finally {
      await stopAll();
    }
  });
});
