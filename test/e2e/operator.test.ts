// The allocator module's operator calls in a real mesos-master (loopback only): the policy
// (fixtures/operator-policy.ts) asks for a reservation for role `data` with an owner label and a
// persistent volume on it; the module makes RESERVE_RESOURCES and CREATE_VOLUMES against its own
// master, the results reach the policy, and the master's state has them. Three runs: no HTTP
// authentication; authentication with the module's credentials; a wrong secret (401: nothing
// reserved, the master stays up). Skipped, saying what is missing, when there is no Mesos.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildPolicyBundle } from '../../src/runtime/bundle.ts';
import type { OperatorCallResult } from '../../src/index.ts';
import { findMesos, type MesosEnv } from './mesos-env.ts';
import { MesosMaster, startAgent, type Agent, type HttpCredential, type V1Agent, type V1Resource } from './mesos-cluster.ts';
import { killPids, pidsMentioning, stopProcess, waitFor, type Daemon } from './processes.ts';
import { subscribe } from './v1-scheduler.ts';
import { DISK_MB, PRINCIPAL, RESULT_MARK, ROLE, VOLUME_ID } from './fixtures/operator-policy.ts';

const RESOURCES = 'cpus:2; mem:1024; disk:1024; ports:[31000-32000]';
const SECRET = 'e2e-secret';

const found = findMesos();
const skip = 'missing' in found ? `no Mesos to run against: ${found.missing}` : false;
if (skip !== false) console.log(`# test/e2e/operator.test.ts skipped: ${skip}`);

interface Run {
  readonly master: MesosMaster;
  readonly agent: Agent;
  readonly log: string;
}

/** The results the policy printed (one line each), in order. */
function policyResults(log: string): OperatorCallResult[] {
  return readFileSync(log, 'utf8')
    .split('\n')
    .filter((line) => line.includes(RESULT_MARK))
    .map((line) => JSON.parse(line.slice(line.indexOf(RESULT_MARK) + RESULT_MARK.length)) as OperatorCallResult);
}

function reservedForData(resource: V1Resource): boolean {
  const last = resource.reservations?.at(-1);
  return last !== undefined && last.type === 'DYNAMIC' && last.role === ROLE;
}

function ownerLabel(resource: V1Resource): string | undefined {
  return resource.reservations?.at(-1)?.labels?.labels?.find((l) => l.key === 'owner')?.value;
}

/**
 * Subscribes a v1 HTTP framework in `role` (RESERVATION_REFINEMENT: offers in the post-reservation
 * format) and returns the resources of its first offer; then the framework disconnects.
 */
async function firstOffer(master: MesosMaster, role: string, timeoutMs = 30_000): Promise<V1Resource[]> {
  const scheduler = await subscribe(master, { name: `operator-e2e-${role}`, roles: [role], capabilities: ['MULTI_ROLE', 'RESERVATION_REFINEMENT'] });
  try {
    return (await scheduler.offers(timeoutMs)).flatMap((o) => o.resources);
  } finally {
    scheduler.close();
  }
}

describe('operator calls from the allocator module in a real Mesos', { skip, timeout: 300_000 }, () => {
  const env = found as MesosEnv;
  let dir: string;
  let bundle: string;
  const running: Daemon[] = [];

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mesos-policy-e2e-operator-'));
    bundle = (await buildPolicyBundle({ policy: 'test/e2e/fixtures/operator-policy.ts', outfile: join(dir, 'operator-policy.js') })).outfile;
  });

  after(async () => {
    await stopAll();
    if (process.env.E2E_KEEP === undefined) rmSync(dir, { recursive: true, force: true });
    else console.log(`kept ${dir}`);
  });

  async function stopAll(): Promise<void> {
    for (const daemon of running.splice(0).reverse()) await stopProcess(daemon);
    killPids(pidsMentioning(dir));
  }

  /**
   * A master with the allocator module (extra module parameters `parameters`, extra master flags
   * `flags`) and one agent. The master's operator-API reads use `credential` when given.
   */
  async function start(name: string, parameters: Record<string, string>, flags: string[], credential?: HttpCredential): Promise<Run> {
    const runDir = join(dir, name);
    mkdirSync(runDir, { recursive: true });
    const modulesFile = join(runDir, 'modules.json');
    const moduleParameters = Object.entries({ policy: bundle, ...parameters }).map(([key, value]) => ({ key, value }));
    writeFileSync(modulesFile, JSON.stringify({
      libraries: [{ file: env.library, modules: [{ name: 'org_mesos_policy_Allocator', parameters: moduleParameters }] }],
    }));
    const master = await MesosMaster.start(env, { dir: runDir, modulesFile, flags: ['--allocator=org_mesos_policy_Allocator', ...flags] });
    running.push(master.daemon);
    master.credential = credential;
    const agent = await startAgent(env, { dir: runDir, master, flags: [`--resources=${RESOURCES}`] });
    running.push(agent.daemon);
    return { master, agent, log: join(runDir, 'master.log') };
  }

  /** Waits until the policy has printed `count` results. */
  async function results(run: Run, count: number): Promise<OperatorCallResult[]> {
    return waitFor(`${count} operator-call results to reach the policy`, 60_000, async () => {
      run.master.assertAlive();
      const seen = policyResults(run.log);
      return seen.length >= count ? seen : undefined;
    }, 250);
  }

  async function onlyAgent(run: Run): Promise<V1Agent> {
    const agents = await run.master.agents();
    assert.equal(agents.length, 1);
    return agents[0]!;
  }

  /** The reservation and the volume are in the agent's total resources, as the policy asked. */
  async function assertReservedWithVolume(run: Run): Promise<void> {
    const agent = await waitFor('the reservation and the volume in GET_AGENTS', 30_000, async () => {
      const a = await onlyAgent(run);
      return (a.total_resources ?? []).some((r) => r.disk?.persistence?.id === VOLUME_ID) ? a : undefined;
    });
    const total = agent.total_resources ?? [];
    const cpus = total.find((r) => r.name === 'cpus' && reservedForData(r));
    const mem = total.find((r) => r.name === 'mem' && reservedForData(r));
    const volume = total.find((r) => r.disk?.persistence?.id === VOLUME_ID);
    assert.equal(cpus?.scalar?.value, 1, 'cpus:1 reserved for data');
    assert.equal(mem?.scalar?.value, 64, 'mem:64 reserved for data');
    assert.equal(ownerLabel(cpus!), 'operator-e2e', 'the reservation carries the owner label');
    assert.equal(cpus!.reservations!.at(-1)!.principal, PRINCIPAL);
    assert.ok(volume !== undefined && reservedForData(volume), 'the volume is on disk reserved for data');
    assert.equal(volume.scalar?.value, DISK_MB);
    assert.equal(volume.disk?.persistence?.principal, PRINCIPAL);
  }

  async function assertTwoSucceeded(run: Run): Promise<void> {
    const [reserve, volume] = await results(run, 2);
    assert.deepEqual({ id: reserve!.id, ok: reserve!.ok, applied: reserve!.applied }, { id: 'reserve', ok: true, applied: 1 });
    assert.deepEqual({ id: volume!.id, ok: volume!.ok, applied: volume!.applied }, { id: 'volume', ok: true, applied: 1 });
    await assertReservedWithVolume(run);
    const metrics = await run.master.metrics();
    assert.equal(metrics['mesos_policy/allocator/operator_calls/made'], 2);
    assert.equal(metrics['mesos_policy/allocator/operator_calls/succeeded'], 2);
    assert.equal(metrics['mesos_policy/allocator/operator_calls/failed'], 0);
    run.master.assertAlive();
  }

  test('without HTTP authentication: the reservation and the volume are made and offered to role data', async () => {
    try {
      const run = await start('open', {}, []);
      await assertTwoSucceeded(run);
      // A framework of role `data` is offered them: the reserved cpus with their label, the volume.
      const offered = await firstOffer(run.master, ROLE);
      const cpus = offered.find((r) => r.name === 'cpus' && reservedForData(r));
      assert.equal(cpus?.scalar?.value, 1, `reserved cpus in the offer: ${JSON.stringify(offered)}`);
      assert.equal(ownerLabel(cpus!), 'operator-e2e');
      assert.equal(offered.find((r) => r.disk?.persistence?.id === VOLUME_ID)?.scalar?.value, DISK_MB, 'the volume in the offer');
    } finally {
      await stopAll();
    }
  });

  function credentialsFile(name: string): string {
    const file = join(dir, `${name}-http-credentials.json`);
    writeFileSync(file, JSON.stringify({ credentials: [{ principal: PRINCIPAL, secret: SECRET }] }), { mode: 0o600 });
    return file;
  }

  test('with the master\'s HTTP authentication and the module\'s credential file', async () => {
    const credential = join(dir, 'module-credential.json');
    writeFileSync(credential, JSON.stringify({ principal: PRINCIPAL, secret: SECRET }), { mode: 0o600 });
    try {
      const run = await start('authenticated', { operator_credential: credential },
        ['--authenticate_http_readwrite', `--credentials=${credentialsFile('authenticated')}`],
        { principal: PRINCIPAL, secret: SECRET });
      await assertTwoSucceeded(run);
    } finally {
      await stopAll();
    }
  });

  test('with a wrong secret: 401 reaches the policy, nothing is reserved, the master stays up', async () => {
    try {
      const run = await start('wrong-secret', { operator_principal: PRINCIPAL, operator_secret: 'not-the-secret' },
        ['--authenticate_http_readwrite', `--credentials=${credentialsFile('wrong-secret')}`],
        { principal: PRINCIPAL, secret: SECRET });
      const seen = await results(run, 2);
      for (const result of seen) {
        assert.equal(result.ok, false, JSON.stringify(result));
        assert.equal(result.applied, 0);
        assert.equal(result.httpStatus, 401);
      }
      const metrics = await run.master.metrics();
      assert.equal(metrics['mesos_policy/allocator/operator_calls/failed'], 2);
      assert.equal(metrics['mesos_policy/allocator/operator_calls/succeeded'], 0);
      const total = (await onlyAgent(run)).total_resources ?? [];
      assert.deepEqual(total.filter((r) => (r.reservations ?? []).length > 0 || r.disk?.persistence !== undefined), [],
        'nothing reserved, no volume');
      run.master.assertAlive();
    } finally {
      await stopAll();
    }
  });
});
