/**
 * Child processes for the end-to-end test: daemons with their output in a log file, free loopback
 * ports, polling, and a clean-up that ends only what this test started — each by its PID,
 * including executors the agent forked (found by the test's temp dir in their environment).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { openSync, closeSync, readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/** Loopback only: libprocess binds LIBPROCESS_IP, which would otherwise be the host's address. */
export const LOOPBACK_ENV: NodeJS.ProcessEnv = { ...process.env, LIBPROCESS_IP: '127.0.0.1' };

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

export interface Daemon {
  readonly name: string;
  readonly pid: number;
  readonly log: string;
  /** Exit code or signal once it ended; undefined while it runs. */
  exited(): string | undefined;
  /** Resolves when it ended, with its exit code (null after a signal). */
  readonly done: Promise<number | null>;
}

export function startProcess(name: string, file: string, args: readonly string[], log: string): Daemon {
  const fd = openSync(log, 'a');
  let child: ChildProcess;
  try {
    child = spawn(file, args, { stdio: ['ignore', fd, fd], env: LOOPBACK_ENV });
  } finally {
    closeSync(fd); // the child has its own copy
  }
  if (child.pid === undefined) throw new Error(`${name}: could not start ${file}`);
  let status: string | undefined;
  const done = new Promise<number | null>((resolve) => {
    child.once('exit', (code, signal) => {
      status = code === null ? `signal ${signal}` : `exit ${code}`;
      resolve(code);
    });
    child.once('error', (e) => {
      status = `error ${e.message}`;
      resolve(null);
    });
  });
  return { name, pid: child.pid, log, exited: () => status, done };
}

export function logTail(log: string, lines = 30): string {
  try {
    return readFileSync(log, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

export async function sleep(ms: number): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, ms));
}

/** An error that ends a waitFor at once (a daemon died), instead of being retried like a failed probe. */
export class Fatal extends Error {
  override readonly name = 'Fatal';
}

/** Polls `probe` until it returns a value (not undefined) or the time is up. */
export async function waitFor<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>, intervalMs = 250): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (e) {
      if (e instanceof Fatal) throw e;
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last === undefined ? '' : ` (last error: ${String(last)})`}`);
    await sleep(intervalMs);
  }
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves once it has exited. */
export async function stopProcess(daemon: Daemon, graceMs = 5000): Promise<void> {
  if (daemon.exited() !== undefined) return;
  try {
    process.kill(daemon.pid, 'SIGTERM');
  } catch {
    return; // already gone
  }
  const timer = setTimeout(() => {
    try {
      process.kill(daemon.pid, 'SIGKILL');
    } catch {
      // gone meanwhile
    }
  }, graceMs);
  await daemon.done;
  clearTimeout(timer);
}

/** PIDs of processes whose command line or environment mentions `marker` (an agent's executors: their sandbox is under its work_dir). */
export function pidsMentioning(marker: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      const environ = readFileSync(`/proc/${entry}/environ`, 'utf8');
      if (cmdline.includes(marker) || environ.includes(marker)) pids.push(Number(entry));
    } catch {
      // exited meanwhile, or not ours to read
    }
  }
  return pids;
}

export function killPids(pids: readonly number[]): void {
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}
