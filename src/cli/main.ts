#!/usr/bin/env node
/** The `mesos-policy` command. */
import { resourcesCommand, RESOURCES_USAGE, type CommandResult } from './resources-command.ts';
import { simulateCommand, SIMULATE_USAGE } from './simulate-command.ts';
import { buildCommand, BUILD_USAGE } from './build-command.ts';
import { modulesJsonCommand, MODULES_JSON_USAGE } from './modules-json-command.ts';

const USAGE = `usage: mesos-policy <command> [flags]

commands:
  simulate      run allocation cycles over a scenario with the default or a given policy
  resources     parse and validate an agent's --resources / --attributes and print them
  build         bundle a policy into the one JS file the Mesos modules load
  modules-json  print the --modules manifest and the master/agent flags for a bundle

${SIMULATE_USAGE}

${RESOURCES_USAGE}

${BUILD_USAGE}

${MODULES_JSON_USAGE}`;

export async function main(argv: readonly string[]): Promise<CommandResult> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'resources':
      return resourcesCommand(rest);
    case 'simulate':
      return simulateCommand(rest);
    case 'build':
      return buildCommand(rest);
    case 'modules-json':
      return modulesJsonCommand(rest);
    case undefined:
    case 'help':
    case '--help':
      return { stdout: USAGE + '\n', stderr: '', exitCode: command === undefined ? 2 : 0 };
    default:
      return { stdout: '', stderr: `error: unknown command '${command}'\n${USAGE}\n`, exitCode: 2 };
  }
}

const result = await main(process.argv.slice(2));
process.stdout.write(result.stdout);
process.stderr.write(result.stderr);
process.exitCode = result.exitCode;
