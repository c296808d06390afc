/**
 * The `--modules` manifest for libmesos_policy.so (Mesos's `Modules` message as JSON) and the
 * master/agent flags that go with it. The same checks as native/mesos/module_params.cc, so a
 * manifest this writes is one the module accepts; the paths are made absolute because Mesos
 * resolves relative ones against its own working directory.
 */
import { statSync } from 'node:fs';
import { resolve } from 'node:path';

export type ModuleKind = 'allocator' | 'hook' | 'isolator';
export const MODULE_KINDS: readonly ModuleKind[] = ['allocator', 'hook', 'isolator'];
export type OnError = 'default' | 'fail';
export type LogLevel = 'debug' | 'info' | 'warning' | 'error';
export const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warning', 'error'];

/** The names Mesos looks the modules up by (the symbols libmesos_policy.so exports). */
export const MODULE_NAMES: Readonly<Record<ModuleKind, string>> = {
  allocator: 'org_mesos_policy_Allocator',
  hook: 'org_mesos_policy_Hook',
  isolator: 'org_mesos_policy_Isolator',
};

/** module_params.cc's limits. */
export const MAX_HEAP_MB = 1 << 20;
export const MAX_MS = 24 * 3600 * 1000;

export interface ModulesOptions {
  readonly library: string;
  readonly policy: string;
  readonly modules: readonly ModuleKind[];
  readonly heapMb?: number;
  /** One deadline for every module, or one per kind (hooks block the master's actor: keep theirs short). */
  readonly callTimeoutMs?: number | Partial<Record<ModuleKind, number>>;
  readonly onError?: OnError;
  readonly logLevel?: LogLevel;
  /** Isolator only. */
  readonly watchIntervalMs?: number;
  /** How often each module looks at the bundle file and reloads it in place when it changed; 0 or absent: never. */
  readonly reloadCheckMs?: number;
  /** Allocator only: the operator calls' credential, a file in Mesos's credential format (`{"principal","secret"}` JSON or `principal secret`). */
  readonly operatorCredential?: string;
  /** Allocator only: where operator calls go; default the master's own address. */
  readonly operatorApiUrl?: string;
  /** Allocator only: time-out of one operator-API request. */
  readonly operatorTimeoutMs?: number;
}

export interface ModulesManifest {
  readonly libraries: ReadonlyArray<{
    readonly file: string;
    readonly modules: ReadonlyArray<{ readonly name: string; readonly parameters: ReadonlyArray<{ readonly key: string; readonly value: string }> }>;
  }>;
}

export class ModulesOptionsError extends Error {
  override readonly name = 'ModulesOptionsError';
}

function existingFile(what: string, path: string): string {
  const absolute = resolve(path);
  let isFile = false;
  try {
    isFile = statSync(absolute).isFile();
  } catch {
    // reported below, with the path
  }
  if (!isFile) throw new ModulesOptionsError(`${what} ${absolute} does not exist or is not a file`);
  return absolute;
}

function checkRange(what: string, value: number | undefined, max: number): void {
  if (value === undefined) return;
  if (!Number.isInteger(value) || value < 1 || value > max) throw new ModulesOptionsError(`${what} must be an integer between 1 and ${max}, got ${value}`);
}

function timeoutFor(kind: ModuleKind, option: ModulesOptions['callTimeoutMs']): number | undefined {
  return typeof option === 'number' || option === undefined ? option : option[kind];
}

export function modulesManifest(options: ModulesOptions): ModulesManifest {
  const library = existingFile('the module library', options.library);
  const policy = existingFile('the policy bundle', options.policy);
  if (options.modules.length === 0) throw new ModulesOptionsError('no modules: name at least one of allocator, hook, isolator');
  for (const [i, kind] of options.modules.entries()) {
    if (!MODULE_KINDS.includes(kind)) throw new ModulesOptionsError(`unknown module '${String(kind)}' (known: ${MODULE_KINDS.join(', ')})`);
    if (options.modules.indexOf(kind) !== i) throw new ModulesOptionsError(`module '${kind}' is named twice`);
  }
  checkRange('heap_mb', options.heapMb, MAX_HEAP_MB);
  for (const kind of MODULE_KINDS) checkRange(`call_timeout_ms (${kind})`, timeoutFor(kind, options.callTimeoutMs), MAX_MS);
  checkRange('watch_interval_ms', options.watchIntervalMs, MAX_MS);
  if (options.reloadCheckMs !== 0) checkRange('reload_check_ms', options.reloadCheckMs, MAX_MS);
  if (options.onError !== undefined && options.onError !== 'default' && options.onError !== 'fail') {
    throw new ModulesOptionsError(`on_error must be 'default' or 'fail', got '${String(options.onError)}'`);
  }
  if (options.logLevel !== undefined && !LOG_LEVELS.includes(options.logLevel)) {
    throw new ModulesOptionsError(`log_level must be one of ${LOG_LEVELS.join(', ')}, got '${String(options.logLevel)}'`);
  }
  checkRange('operator_timeout_ms', options.operatorTimeoutMs, MAX_MS);
  const operatorCredential = options.operatorCredential === undefined ? undefined : existingFile('the operator credential file', options.operatorCredential);
  if (options.operatorApiUrl !== undefined && !/^https?:\/\/[^/\s]+\/\S*$/.test(options.operatorApiUrl)) {
    throw new ModulesOptionsError(`operator_api_url must be an http:// or https:// URL with a path (Mesos's: http://host:5050/api/v1), got '${options.operatorApiUrl}'`);
  }
  const operatorOptions = [options.operatorCredential, options.operatorApiUrl, options.operatorTimeoutMs].some((o) => o !== undefined);
  if (operatorOptions && !options.modules.includes('allocator')) {
    throw new ModulesOptionsError('the operator_* parameters apply to the allocator module only, which is not in the list');
  }
  if (options.watchIntervalMs !== undefined && !options.modules.includes('isolator')) {
    throw new ModulesOptionsError('watch_interval_ms applies to the isolator module only, which is not in the list');
  }

  const modules = options.modules.map((kind) => {
    const parameters = [{ key: 'policy', value: policy }];
    const add = (key: string, value: string | number | undefined): void => {
      if (value !== undefined) parameters.push({ key, value: String(value) });
    };
    add('heap_mb', options.heapMb);
    add('call_timeout_ms', timeoutFor(kind, options.callTimeoutMs));
    add('on_error', options.onError);
    add('log_level', options.logLevel);
    if (kind === 'isolator') add('watch_interval_ms', options.watchIntervalMs);
    add('reload_check_ms', options.reloadCheckMs);
    if (kind === 'allocator') {
      add('operator_credential', operatorCredential);
      add('operator_api_url', options.operatorApiUrl);
      add('operator_timeout_ms', options.operatorTimeoutMs);
    }
    return { name: MODULE_NAMES[kind], parameters };
  });
  return { libraries: [{ file: library, modules }] };
}

export interface DaemonFlags {
  readonly master: readonly string[];
  readonly agent: readonly string[];
}

/**
 * The flags that select the modules. `modulesFlag` is the `--modules` value (inline JSON or
 * `file:///abs/modules.json`); one manifest serves both daemons, since Mesos only creates the
 * modules a flag names. The agent's isolation keeps Mesos's posix isolators before ours.
 */
export function daemonFlags(modules: readonly ModuleKind[], modulesFlag: string): DaemonFlags {
  const master: string[] = [];
  const agent: string[] = [];
  if (modules.includes('allocator')) master.push(`--allocator=${MODULE_NAMES.allocator}`);
  if (modules.includes('hook')) {
    master.push(`--hooks=${MODULE_NAMES.hook}`);
    agent.push(`--hooks=${MODULE_NAMES.hook}`);
  }
  if (modules.includes('isolator')) agent.push(`--isolation=posix/cpu,posix/mem,${MODULE_NAMES.isolator}`);
  // A daemon that uses none of the modules needs no manifest.
  return {
    master: master.length === 0 ? [] : [`--modules=${modulesFlag}`, ...master],
    agent: agent.length === 0 ? [] : [`--modules=${modulesFlag}`, ...agent],
  };
}
