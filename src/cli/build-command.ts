/** `mesos-policy build <policy.ts> [-o out.js] [--minify]`: the one JS file the Mesos module loads. */
import { basename, extname, resolve } from 'node:path';
import { buildPolicyBundle, PolicyBundleError } from '../runtime/bundle.ts';
import { parseArgs, UsageError } from './flags.ts';
import { BundleInspectError, describeBundle, inspectBundle } from './inspect-bundle.ts';
import type { CommandResult } from './resources-command.ts';

export const BUILD_USAGE = `usage: mesos-policy build <policy.ts|.js> [-o <bundle.js>] [--minify]

Bundles the policy (its default export, definePolicy({...})) with the mesos-policy runtime into
one CommonJS file for the Node embedded in libmesos_policy.so; give its path to the modules'
'policy' parameter (mesos-policy modules-json). Default output: <policy>.bundle.js in the
current directory.`;

function defaultOutput(policy: string): string {
  return resolve(`${basename(policy, extname(policy))}.bundle.js`);
}

function kib(bytes: number): string {
  return bytes < 1024 ? `${bytes} B` : `${(bytes / 1024).toFixed(1)} KiB`;
}

export async function buildCommand(argv: readonly string[]): Promise<CommandResult> {
  try {
    const expanded = argv.map((a) => (a === '-o' ? '--output' : a.startsWith('-o=') ? `--output=${a.slice(3)}` : a));
    const { flags, positional } = parseArgs(expanded, ['output'], ['minify', 'help']);
    if (flags.has('help')) return { stdout: BUILD_USAGE + '\n', stderr: '', exitCode: 0 };
    if (positional.length !== 1) throw new UsageError('exactly one policy file is required');
    const policy = positional[0]!;
    const outfile = flags.get('output') ?? defaultOutput(policy);
    const built = await buildPolicyBundle({ policy, outfile, minify: flags.get('minify') === 'true' });
    const warnings = built.warnings.map((w) => `warning: ${w}\n`).join('');
    // Load it as the module will: a default export that is not a policy only shows at load time.
    const info = await inspectBundle(built.outfile);
    return { stdout: `${built.outfile} (${kib(built.bytes)})\n${describeBundle(info)}\n`, stderr: warnings, exitCode: 0 };
  } catch (e) {
    if (e instanceof UsageError) return { stdout: '', stderr: `error: ${e.message}\n${BUILD_USAGE}\n`, exitCode: 2 };
    if (e instanceof PolicyBundleError || e instanceof BundleInspectError) return { stdout: '', stderr: `error: ${e.message}\n`, exitCode: 1 };
    throw e;
  }
}
