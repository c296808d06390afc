// A shared persistent volume through the allocator module in a real Mesos (loopback only): two
// tasks of one framework use one shared volume (SHARED_RESOURCES); then the master and the agent
// fail over, so the agent reregisters with both tasks and the master hands the allocator its used
// resources, the volume held twice. When the tasks end, each gives back its own resources, its
// copy of the volume included, and the engine's books must have held both copies: an adapter that
// listed the volume once (Mesos's RepeatedPtrField form of Resources does) made the second task's
// recovery fail and lost its cpus and mem for good. Skipped, saying what is missing, when there is
// no Mesos.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildPolicyBundle } from '../../src/runtime/bundle.ts';
import { findMesos, type MesosEnv } from './mesos-env.ts';
import { MesosMaster, startAgent, type V1Resource } from './mesos-cluster.ts';
import { killPids, pidsMentioning, stopProcess, waitFor, type Daemon } from './processes.ts';
import { subscribe, type Scheduler, type V1Offer } from './v1-scheduler.ts';

const ROLE = 'data';
const RESOURCES = `cpus:2;mem:1024;disk(${ROLE}):256`;
const CAPABILITIES = ['MULTI_ROLE', 'RESERVATION_REFINEMENT', 'SHARED_RESOURCES'];
/** Long enough to outlive the failover (a few seconds here), short enough for the suite. */
const TASK_SECONDS = 30;

const found = findMesos();
const skip = 'missing' in found ? `no Mesos to run against: ${found.missing}` : false;
if (skip !== false) console.log(`# test/e2e/shared-volume.test.ts skipped: ${skip}`);

const allocated = { role: ROLE };
const volume = {
  name: 'disk', type: 'SCALAR', scalar: { value: 64 }, allocation_info: allocated,
  reservations: [{ type: 'STATIC', role: ROLE }],
  disk: { persistence: { id: 'shared-volume' }, volume: { container_path: 'volume', mode: 'RW' } },
  shared: {},
};

function task(name: string, offer: V1Offer): Record<string, unknown> {
  return {
    name, task_id: { value: name }, agent_id: offer.agent_id,
    resources: [
      { name: 'cpus', type: 'SCALAR', scalar: { value: 0.5 }, allocation_info: allocated },
      { name: 'mem', type: 'SCALAR', scalar: { value: 64 }, allocation_info: allocated },
      volume,
    ],
    command: { value: `test -d volume && sleep ${TASK_SECONDS}` },
  };
}

/** Scalars of an offer by name, shared ones apart ("disk" and "disk (shared)"). */
function scalars(offers: readonly V1Offer[]): Record<string, number> {
  const sums: Record<string, number> = {};
  for (const r of offers.flatMap((o) => o.resources) as Array<V1Resource & { shared?: object }>) {
    if (r.scalar === undefined) continue;
    const key = r.shared === undefined ? r.name : `${r.name} (shared)`;
    sums[key] = (sums[key] ?? 0) + r.scalar.value;
  }
  return sums;
}

describe('a shared persistent volume through the allocator module in a real Mesos', { skip, timeout: 300_000 }, () => {
  const env = found as MesosEnv;
  let dir: string;
  const running: Daemon[] = [];
  const schedulers: Scheduler[] = [];

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'mesos-policy-e2e-shared-'));
  });

  after(async () => {
    schedulers.forEach((s) => s.close());
    for (const daemon of running.splice(0).reverse()) await stopProcess(daemon);
    killPids(pidsMentioning(dir));
    if (process.env.E2E_KEEP === undefined) rmSync(dir, { recursive: true, force: true });
    else console.log(`kept ${dir}`);
  });

  test('two tasks on one shared volume, master and agent failed over: each task gives back its own resources', async () => {
    const bundle = (await buildPolicyBundle({ policy: 'test/e2e/fixtures/drf-policy.ts', outfile: join(dir, 'drf-policy.js') })).outfile;
    const modulesFile = join(dir, 'modules.json');
    writeFileSync(modulesFile, JSON.stringify({
      libraries: [{ file: env.library, modules: [{ name: 'org_mesos_policy_Allocator', parameters: [{ key: 'policy', value: bundle }] }] }],
    }));
    const flags = ['--allocator=org_mesos_policy_Allocator'];
    const master = await MesosMaster.start(env, { dir: join(dir, 'master-1'), modulesFile, flags });
    running.push(master.daemon);
    const agent = await startAgent(env, { dir, master, flags: [`--resources=${RESOURCES}`] });
    running.push(agent.daemon);

    // The framework creates the shared volume on its reserved disk and launches two tasks on it.
    const framework = await subscribe(master, { name: 'shared-volume-e2e', roles: [ROLE], capabilities: CAPABILITIES, durable: true });
    schedulers.push(framework);
    const [offer] = await framework.offers();
    assert.ok(offer !== undefined);
    await framework.call({
      type: 'ACCEPT',
      accept: {
        offer_ids: [offer.id],
        operations: [{ type: 'CREATE', create: { volumes: [volume] } }, { type: 'LAUNCH', launch: { task_infos: [task('task-1', offer), task('task-2', offer)] } }],
        filters: { refuse_seconds: 3600 },
      },
    });
    const started = new Set<string>();
    while (started.size < 2) {
      const status = await framework.update();
      assert.ok(['TASK_STAGING', 'TASK_STARTING', 'TASK_RUNNING'].includes(status.state), `${status.task_id.value} ${status.state}: ${status.message ?? ''}`);
      if (status.state === 'TASK_RUNNING') started.add(status.task_id.value);
    }
    framework.close();

    // Master and agent fail over: the agent recovers its executors and reregisters with the new
    // master (same address; an in-memory registry admits it), which adds it to the allocator with
    // the framework's used resources, the shared volume in them twice.
    await stopProcess(master.daemon);
    await stopProcess(agent.daemon);
    const master2 = await MesosMaster.start(env, { dir: join(dir, 'master-2'), modulesFile, flags, port: master.port });
    running.push(master2.daemon);
    const agent2 = await startAgent(env, { dir, master: master2, port: agent.port, flags: [`--resources=${RESOURCES}`] });
    running.push(agent2.daemon);

    // The tasks end with no framework connected, so no offer is outstanding to hide a short count.
    await waitFor('both tasks to finish', (TASK_SECONDS + 60) * 1000, async () => {
      master2.assertAlive();
      const finished = (await master2.tasks()).filter((t) => t.state === 'TASK_FINISHED');
      return finished.length === 2 ? true : undefined;
    }, 500);
    // The module's counters reach the master's metrics with its next Stats poll.
    const metrics = await waitFor('both recoveries in the metrics', 30_000, async () => {
      const m = await master2.metrics();
      return (m['mesos_policy/allocator/calls/recoverResources'] ?? 0) >= 2 ? m : undefined;
    }, 500);
    assert.equal(metrics['mesos_policy/allocator/calls/addAgent'], 1, 'the reregistered agent came with its used resources');
    assert.equal(metrics['mesos_policy/allocator/calls/recoverResources'], 2, "each task's end gave its resources back");
    assert.equal(metrics['mesos_policy/allocator/errors'], 0, 'no recovery was refused');

    // Everything is offered again: both tasks' cpus and mem, the disk and the volume.
    const again = await subscribe(master2, { name: 'shared-volume-e2e', roles: [ROLE], capabilities: CAPABILITIES, durable: true, frameworkId: framework.frameworkId });
    schedulers.push(again);
    assert.deepEqual(scalars(await again.offers()), { cpus: 2, mem: 1024, disk: 192, 'disk (shared)': 64 });
    master2.assertAlive();
  });
});
