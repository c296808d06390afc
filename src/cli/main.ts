#!/usr/bin/env node
/** The `mesos-policy` command. */
import { resourcesCommand, RESOURCES_USAGE, type CommandResult } from './resources-command.ts';

const USAGE = `usage: mesos-policy <command> [flags]

commands:
  resources   parse and validate an agent's --resources / --attributes and print them

${RESOURCES_USAGE}`;

export function main(argv: readonly string[]): CommandResult {
  const [command, ...rest] = argv;
  switch (command) {
    case 'resources':
      return resourcesCommand(rest);
    case undefined:
    case 'help':
    case '--help':
      return { stdout: USAGE + '\n', stderr: '', exitCode: command === undefined ? 2 : 0 };
    default:
      return { stdout: '', stderr: `error: unknown command '${command}'\n${USAGE}\n`, exitCode: 2 };
  }
}

const result = main(process.argv.slice(2));
process.stdout.write(result.stdout);
process.stderr.write(result.stderr);
process.exitCode = result.exitCode;
