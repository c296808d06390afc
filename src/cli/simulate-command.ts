/** `mesos-policy simulate <scenario.json> [--policy file.ts] [--cycles N] [--json]`. */
import { readFileSync } from 'node:fs';
import { ResourceError } from '../resources/index.ts';
import { AllocatorError } from '../allocator/index.ts';
import { parseScenario, ScenarioError } from '../sim/scenario.ts';
import { formatReport, simulate } from '../sim/simulator.ts';
import { parseArgs, UsageError } from './flags.ts';
import { loadPolicy, PolicyLoadError } from './load-policy.ts';
import type { CommandResult } from './resources-command.ts';

export const SIMULATE_USAGE = `usage: mesos-policy simulate <scenario.json> [--policy=<policy.ts|.js>] [--cycles=N] [--json]

Builds the cluster of the scenario, runs N allocation cycles with Mesos's default policy or the
given one, and prints each cycle's offers and the per-role dominant shares.`;

export async function simulateCommand(argv: readonly string[]): Promise<CommandResult> {
  try {
    const { flags, positional } = parseArgs(argv, ['policy', 'cycles'], ['json', 'help']);
    if (flags.has('help')) return { stdout: SIMULATE_USAGE + '\n', stderr: '', exitCode: 0 };
    if (positional.length !== 1) throw new UsageError('exactly one scenario file is required');
    const file = positional[0]!;
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(file, 'utf8'));
    } catch (e) {
      throw new ScenarioError(`cannot read scenario ${file}: ${(e as Error).message}`);
    }
    const scenario = parseScenario(json);
    const cyclesFlag = flags.get('cycles');
    const cycles = cyclesFlag === undefined ? scenario.cycles : Number(cyclesFlag);
    if (!Number.isInteger(cycles) || cycles < 0 || cycles > 100_000) throw new UsageError(`--cycles must be an integer between 0 and 100000, got '${cyclesFlag}'`);
    const policyFile = flags.get('policy');
    const policy = policyFile === undefined ? undefined : await loadPolicy(policyFile);
    const report = simulate(scenario, policy, cycles);
    const stdout = flags.get('json') === 'true' ? JSON.stringify(report, null, 2) + '\n' : formatReport(report);
    return { stdout, stderr: '', exitCode: 0 };
  } catch (e) {
    if (e instanceof UsageError) return { stdout: '', stderr: `error: ${e.message}\n${SIMULATE_USAGE}\n`, exitCode: 2 };
    if (e instanceof ScenarioError || e instanceof PolicyLoadError || e instanceof ResourceError || e instanceof AllocatorError) {
      return { stdout: '', stderr: `error: ${e.message}\n`, exitCode: 1 };
    }
    throw e;
  }
}
