/**
 * A one-master, one-agent Mesos on loopback for the end-to-end test, and the master's HTTP
 * endpoints it reads: /state, /metrics/snapshot, and the v1 operator API's GET_TASKS (whose
 * resources keep their reservations, unlike /state's per-name sums).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { MesosEnv } from './mesos-env.ts';
import { Fatal, freePort, logTail, startProcess, stopProcess, waitFor, type Daemon } from './processes.ts';

export interface MasterOptions {
  readonly dir: string;
  readonly modulesFile: string;
  readonly flags: readonly string[];
  /** A port to take again (a master restarted where its agents look for it); else a free one. */
  readonly port?: number;
}

/** HTTP Basic credentials for a master started with `--authenticate_http_readwrite`. */
export interface HttpCredential {
  readonly principal: string;
  readonly secret: string;
}

export class MesosMaster {
  /** Sent with operator-API calls when set (the master's HTTP authentication is on). */
  credential: HttpCredential | undefined;

  private constructor(readonly daemon: Daemon, readonly port: number) {}

  static async start(env: MesosEnv, options: MasterOptions): Promise<MesosMaster> {
    const port = options.port ?? (await freePort());
    const workDir = join(options.dir, 'master');
    mkdirSync(workDir, { recursive: true });
    const args = [
      '--ip=127.0.0.1', `--port=${port}`, `--work_dir=${workDir}`, '--registry=in_memory',
      `--modules=file://${options.modulesFile}`, ...options.flags,
    ];
    const master = new MesosMaster(startProcess('mesos-master', env.master, args, join(options.dir, 'master.log')), port);
    await waitFor('the master to serve /health', 30_000, async () => {
      master.assertAlive();
      return (await fetch(`${master.url}/health`)).ok ? true : undefined;
    });
    return master;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  assertAlive(): void {
    const status = this.daemon.exited();
    if (status !== undefined) throw new Fatal(`mesos-master ended (${status}):\n${logTail(this.daemon.log)}`);
  }

  async json<T>(path: string): Promise<T> {
    const response = await fetch(`${this.url}${path}`);
    if (!response.ok) throw new Error(`GET ${path}: HTTP ${response.status}`);
    return (await response.json()) as T;
  }

  async state(): Promise<MasterState> {
    return this.json<MasterState>('/state');
  }

  async metrics(): Promise<Record<string, number>> {
    return this.json<Record<string, number>>('/metrics/snapshot');
  }

  /** One v1 operator-API call (JSON), with `credential` when set. */
  async operatorCall<T>(call: { readonly type: string }): Promise<T> {
    const headers: Record<string, string> = { 'Content-Type': 'application/json', Accept: 'application/json' };
    if (this.credential !== undefined) {
      headers.Authorization = `Basic ${Buffer.from(`${this.credential.principal}:${this.credential.secret}`).toString('base64')}`;
    }
    const response = await fetch(`${this.url}/api/v1`, { method: 'POST', headers, body: JSON.stringify(call) });
    if (!response.ok) throw new Error(`${call.type}: HTTP ${response.status} ${await response.text()}`);
    return (await response.json()) as T;
  }

  /** Every task the master knows (running and completed), with full resources and labels. */
  async tasks(): Promise<V1Task[]> {
    const body = await this.operatorCall<{ get_tasks: Record<string, V1Task[] | undefined> }>({ type: 'GET_TASKS' });
    return [...(body.get_tasks.tasks ?? []), ...(body.get_tasks.completed_tasks ?? [])];
  }

  /** The registered agents with their total resources (reservations and volumes included). */
  async agents(): Promise<V1Agent[]> {
    const body = await this.operatorCall<{ get_agents: { agents?: V1Agent[] } }>({ type: 'GET_AGENTS' });
    return body.get_agents.agents ?? [];
  }

  async stop(): Promise<void> {
    await stopProcess(this.daemon);
  }
}

export interface MasterState {
  readonly slaves: ReadonlyArray<{ readonly id: string; readonly attributes: Readonly<Record<string, string | number>> }>;
  readonly frameworks: ReadonlyArray<{
    readonly id: string;
    readonly role: string;
    readonly offers: ReadonlyArray<{ readonly resources: Readonly<Record<string, unknown>>; readonly allocation_info?: { readonly role: string } }>;
  }>;
}

export interface V1Resource {
  readonly name: string;
  readonly scalar?: { readonly value: number };
  readonly reservations?: ReadonlyArray<{
    readonly type: string;
    readonly role: string;
    readonly principal?: string;
    readonly labels?: { readonly labels?: ReadonlyArray<{ readonly key: string; readonly value?: string }> };
  }>;
  readonly disk?: { readonly persistence?: { readonly id: string; readonly principal?: string } };
}

export interface V1Agent {
  readonly agent_info: { readonly id: { readonly value: string }; readonly hostname: string };
  readonly total_resources?: readonly V1Resource[];
}

export interface V1Task {
  readonly name: string;
  readonly state: string;
  readonly resources: readonly V1Resource[];
  readonly labels?: { readonly labels?: ReadonlyArray<{ readonly key: string; readonly value?: string }> };
}

export interface AgentOptions {
  readonly dir: string;
  readonly master: MesosMaster;
  readonly flags: readonly string[];
  /** A port to take again (an agent restarted to recover its executors: its AgentInfo must not change); else a free one. */
  readonly port?: number;
}

export interface Agent {
  readonly daemon: Daemon;
  readonly url: string;
  readonly port: number;
}

/**
 * Labels of the tasks named `name` in the agent's /state. The master applies its label decorator
 * only to the task it sends the agent (master.cpp), so decorated labels show there, not in the master.
 */
export async function agentTaskLabels(agent: Agent, name: string): Promise<Array<{ key: string; value?: string }>> {
  const state = (await (await fetch(`${agent.url}/state`)).json()) as unknown;
  const found: Array<{ key: string; value?: string }> = [];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(visit);
    else if (typeof node === 'object' && node !== null) {
      const o = node as Record<string, unknown>;
      if (o.name === name && Array.isArray(o.labels)) found.push(...(o.labels as Array<{ key: string; value?: string }>));
      Object.values(o).forEach(visit);
    }
  };
  visit(state);
  return found;
}

export async function startAgent(env: MesosEnv, options: AgentOptions): Promise<Agent> {
  const port = options.port ?? (await freePort());
  const root = join(options.dir, 'agent');
  for (const sub of ['work', 'run', 'fetch']) mkdirSync(join(root, sub), { recursive: true });
  const args = [
    `--master=${options.master.address}`, '--ip=127.0.0.1', `--port=${port}`,
    // Its own directories: nothing shared with another agent on this machine.
    `--work_dir=${join(root, 'work')}`, `--runtime_dir=${join(root, 'run')}`, `--fetcher_cache_dir=${join(root, 'fetch')}`,
    '--launcher=posix', '--isolation=posix/cpu,posix/mem', '--no-systemd_enable_support',
    ...options.flags,
  ];
  const agent = startProcess('mesos-agent', env.agent, args, join(options.dir, 'agent.log'));
  await waitFor('the agent to register', 60_000, async () => {
    const status = agent.exited();
    if (status !== undefined) throw new Fatal(`mesos-agent ended (${status}):\n${logTail(agent.log)}`);
    options.master.assertAlive();
    return (await options.master.state()).slaves.length > 0 ? true : undefined;
  });
  return { daemon: agent, url: `http://127.0.0.1:${port}`, port };
}

export interface TaskRun {
  readonly name: string;
  readonly daemon: Daemon;
}

/** One mesos-execute framework with one task; it exits once the task is terminal. */
export function runTask(env: MesosEnv, dir: string, master: MesosMaster, name: string, role: string, resources: string): TaskRun {
  const args = [`--master=${master.address}`, `--name=${name}`, `--role=${role}`, `--resources=${resources}`, '--command=echo e2e-ok'];
  return { name, daemon: startProcess(`mesos-execute ${name}`, env.execute, args, join(dir, `execute-${name}.log`)) };
}

/** Waits for the task to reach TASK_FINISHED (and its mesos-execute to exit). */
export async function finished(master: MesosMaster, run: TaskRun, timeoutMs = 60_000): Promise<V1Task> {
  const task = await waitFor(`task ${run.name} to finish`, timeoutMs, async () => {
    master.assertAlive();
    const found = (await master.tasks()).find((t) => t.name === run.name);
    if (found !== undefined && found.state !== 'TASK_FINISHED' && found.state !== 'TASK_RUNNING' && found.state !== 'TASK_STARTING' && found.state !== 'TASK_STAGING') {
      throw new Fatal(`task ${run.name} ended ${found.state}:\n${logTail(run.daemon.log, 15)}`);
    }
    return found?.state === 'TASK_FINISHED' ? found : undefined;
  }, 500);
  await Promise.race([run.daemon.done, new Promise((resolve) => setTimeout(resolve, 10_000))]);
  return task;
}
