/** A small flag parser in Mesos's style: `--name=value` or `--name value`, and `file://` values read from disk. */
import { readFileSync } from 'node:fs';

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export interface ParsedArgs {
  readonly flags: Map<string, string>;
  readonly positional: string[];
}

export function parseArgs(argv: readonly string[], known: readonly string[], booleans: readonly string[] = []): ParsedArgs {
  const flags = new Map<string, string>();
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--')) {
      positional.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq < 0 ? undefined : eq);
    if (!known.includes(name) && !booleans.includes(name)) throw new UsageError(`unknown flag --${name}`);
    if (booleans.includes(name)) {
      flags.set(name, eq < 0 ? 'true' : arg.slice(eq + 1));
      continue;
    }
    let value: string | undefined;
    if (eq >= 0) value = arg.slice(eq + 1);
    else if (i + 1 < argv.length) value = argv[++i];
    if (value === undefined) throw new UsageError(`flag --${name} needs a value`);
    flags.set(name, readFlagValue(name, value));
  }
  return { flags, positional };
}

/** Mesos flags accept `file:///path` to read a value from a file. */
export function readFlagValue(name: string, value: string): string {
  if (!value.startsWith('file://')) return value;
  const path = value.slice('file://'.length);
  try {
    return readFileSync(path, 'utf8').trim();
  } catch (e) {
    throw new UsageError(`--${name}: cannot read ${path}: ${(e as Error).message}`);
  }
}
