/**
 * `mesos-policy modules-json`: the `--modules` manifest for libmesos_policy.so and a policy
 * bundle, plus the master/agent flags that use it. The JSON goes to stdout (or -o), the flags to
 * stderr (stdout with --flags), so `mesos-policy modules-json ... > modules.json` just works.
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs, UsageError } from './flags.ts';
import { BundleInspectError, describeBundle, inspectBundle } from './inspect-bundle.ts';
import {
  daemonFlags, LOG_LEVELS, MODULE_KINDS, modulesManifest, ModulesOptionsError, type LogLevel, type ModuleKind, type ModulesOptions, type OnError,
} from './modules-manifest.ts';
import type { CommandResult } from './resources-command.ts';

export const MODULES_JSON_USAGE = `usage: mesos-policy modules-json --library=<libmesos_policy.so> --policy=<bundle.js> [--modules=allocator,hook,isolator]
       [--heap-mb=N] [--call-timeout-ms=N | --call-timeout-ms=hook:N,allocator:N,...] [--on-error=default|fail]
       [--log-level=debug|info|warning|error] [--watch-interval-ms=N] [--reload-check-ms=N]
       [--operator-credential=<file>] [--operator-api-url=<url>] [--operator-timeout-ms=N] [-o modules.json] [--flags]

Prints Mesos's --modules manifest (JSON, absolute paths) for the module library and a policy bundle
built with 'mesos-policy build', and on stderr the mesos-master / mesos-agent flags that use it
(--flags: the flags only, on stdout). --modules defaults to the kinds of policy the bundle has
(allocator stages, hooks, an isolator); a hook or isolator module over a bundle without one is
refused, as Mesos would at start-up. The allocator module over a bundle without stages runs
Mesos's DRF rules in the policy engine. --reload-check-ms=N makes each module look at the bundle
file every N ms and reload it in place when it changed (0, the default: read at start only).
--operator-credential names the credential file (Mesos's --credential format) with which the
allocator module makes the policy's operator calls (RESERVE_RESOURCES, CREATE_VOLUMES, ...) when the
master authenticates HTTP; --operator-api-url overrides where they go (default: the master itself).`;

function integer(name: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text)) throw new ModulesOptionsError(`--${name} must be a positive integer, got '${text}'`);
  return Number(text);
}

function callTimeouts(text: string | undefined): ModulesOptions['callTimeoutMs'] {
  if (text === undefined || !text.includes(':')) return integer('call-timeout-ms', text);
  const perKind: Partial<Record<ModuleKind, number>> = {};
  for (const item of text.split(',')) {
    const [kind, ms] = item.split(':');
    if (!MODULE_KINDS.includes(kind as ModuleKind)) throw new ModulesOptionsError(`--call-timeout-ms: unknown module '${kind}' in '${item}'`);
    perKind[kind as ModuleKind] = integer('call-timeout-ms', ms);
  }
  return perKind;
}

function moduleList(text: string): ModuleKind[] {
  return text.split(',').map((s) => s.trim()).filter((s) => s !== '') as ModuleKind[];
}

/** -o is the one short flag; the parser knows long ones only. */
function expandShort(argv: readonly string[]): string[] {
  return argv.map((a) => (a === '-o' ? '--output' : a.startsWith('-o=') ? `--output=${a.slice(3)}` : a));
}

/** A shell word: the JSON inline needs quoting, a file:// URL does not. */
function shellWord(text: string): string {
  return /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}

export async function modulesJsonCommand(argv: readonly string[]): Promise<CommandResult> {
  try {
    const known = ['library', 'policy', 'modules', 'heap-mb', 'call-timeout-ms', 'on-error', 'log-level', 'watch-interval-ms', 'reload-check-ms', 'operator-credential', 'operator-api-url', 'operator-timeout-ms', 'output'];
    const { flags, positional } = parseArgs(expandShort(argv), known, ['flags', 'help']);
    if (flags.has('help')) return { stdout: MODULES_JSON_USAGE + '\n', stderr: '', exitCode: 0 };
    if (positional.length > 0) throw new UsageError(`unexpected argument '${positional[0]}'`);
    const library = flags.get('library');
    const policy = flags.get('policy');
    if (library === undefined) throw new UsageError('--library is required (the path of libmesos_policy.so)');
    if (policy === undefined) throw new UsageError('--policy is required (a bundle built with mesos-policy build)');
    const logLevel = flags.get('log-level');
    if (logLevel !== undefined && !LOG_LEVELS.includes(logLevel as LogLevel)) {
      throw new ModulesOptionsError(`--log-level must be one of ${LOG_LEVELS.join(', ')}, got '${logLevel}'`);
    }
    const options: Omit<ModulesOptions, 'modules'> = {
      library,
      policy,
      heapMb: integer('heap-mb', flags.get('heap-mb')),
      callTimeoutMs: callTimeouts(flags.get('call-timeout-ms')),
      onError: flags.get('on-error') as OnError | undefined,
      logLevel: logLevel as LogLevel | undefined,
      watchIntervalMs: integer('watch-interval-ms', flags.get('watch-interval-ms')),
      reloadCheckMs: integer('reload-check-ms', flags.get('reload-check-ms')),
      operatorCredential: flags.get('operator-credential'),
      operatorApiUrl: flags.get('operator-api-url'),
      operatorTimeoutMs: integer('operator-timeout-ms', flags.get('operator-timeout-ms')),
    };
    // Checks the files and ranges before loading the bundle, so a typo is reported as such.
    modulesManifest({ ...options, modules: ['allocator'] });
    const info = await inspectBundle(resolve(policy));
    const has: Record<ModuleKind, boolean> = { allocator: info.hasAllocator, hook: info.hasHooks, isolator: info.hasIsolator };
    const requested = flags.get('modules');
    const modules = requested === undefined ? MODULE_KINDS.filter((k) => has[k]) : moduleList(requested);
    const manifest = modulesManifest({ ...options, modules });
    for (const kind of modules) {
      if (!has[kind] && kind !== 'allocator') throw new ModulesOptionsError(`the policy bundle has no ${kind === 'hook' ? 'hooks' : 'isolator'}: Mesos would refuse the ${kind} module`);
    }

    const json = JSON.stringify(manifest);
    const output = flags.get('output');
    if (output !== undefined) writeFileSync(output, json + '\n');
    const d = daemonFlags(modules, output === undefined ? json : `file://${resolve(output)}`);
    const flagText = [
      `# ${describeBundle(info)}; modules: ${modules.join(', ')}`,
      ...(d.master.length > 0 ? [`mesos-master ${d.master.map(shellWord).join(' ')}`] : []),
      ...(d.agent.length > 0 ? [`mesos-agent ${d.agent.map(shellWord).join(' ')}`] : []),
    ].join('\n') + '\n';
    if (flags.get('flags') === 'true') return { stdout: flagText, stderr: '', exitCode: 0 };
    const stdout = output === undefined ? json + '\n' : `wrote ${resolve(output)}\n`;
    return { stdout, stderr: flagText, exitCode: 0 };
  } catch (e) {
    if (e instanceof UsageError) return { stdout: '', stderr: `error: ${e.message}\n${MODULES_JSON_USAGE}\n`, exitCode: 2 };
    if (e instanceof ModulesOptionsError || e instanceof BundleInspectError) return { stdout: '', stderr: `error: ${e.message}\n`, exitCode: 1 };
    throw e;
  }
}
