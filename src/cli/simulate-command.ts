/** `mesos-policy simulate <scenario.json> [--policy file.ts] [--cycles N] [--json]`. */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { ResourceError } from '../resources/index.ts';
import { AllocatorError } from '../allocator/index.ts';
import { parseScenario, ScenarioError } from '../sim/scenario.ts';
import { formatReport, simulate } from '../sim/simulator.ts';
import { formatServiceReport, simulateServices } from '../sim/service-report.ts';
import { parseArgs, UsageError } from './flags.ts';
import { loadPolicy, PolicyLoadError } from './load-policy.ts';
import type { CommandResult } from './resources-command.ts';

export const SIMULATE_USAGE = `usage: mesos-policy simulate <scenario.json> [--policy=<policy.ts|.js>] [--cycles=N] [--json]

Builds the cluster of the scenario, runs N allocation cycles with Mesos's default policy or the
given one, and prints each cycle's offers and the per-role dominant shares. A scenario with
data services (\`services\`, \`events\`) runs their lifecycle controllers and prints per cycle
the placements, launches, sticky relaunches, replacements and volumes created or destroyed; its
\`policy\` field names a policy file relative to the scenario (--policy overrides it).`;

export async function simulateCommand(argv: readonly string[]): Promise<CommandResult> {
  try {
    const { flags, positional } = parseArgs(argv, ['policy', 'cycles'], ['json', 'help']);
    if (flags.has('help')) return { stdout: SIMULATE_USAGE + '\n', stderr: '', exitCode: 0 };
    if (positional.length !== 1) throw new UsageError('exactly one scenario file is required');
    const file = positional[0]!;
    let input: unknown;
    try {
      input = JSON.parse(readFileSync(file, 'utf8'));
    } catch (e) {
      throw new ScenarioError(`cannot read scenario ${file}: ${(e as Error).message}`);
    }
    const base = dirname(resolve(file));
    const scenario = parseScenario(input, { readSpec: (path) => JSON.parse(readFileSync(resolve(base, path), 'utf8')) as unknown });
    const cyclesFlag = flags.get('cycles');
    const cycles = cyclesFlag === undefined ? scenario.cycles : Number(cyclesFlag);
    if (!Number.isInteger(cycles) || cycles < 0 || cycles > 100_000) throw new UsageError(`--cycles must be an integer between 0 and 100000, got '${cyclesFlag}'`);
    const policyFile = flags.get('policy') ?? (scenario.policy === undefined ? undefined : resolve(base, scenario.policy));
    const policy = policyFile === undefined ? undefined : await loadPolicy(policyFile);
    const json = flags.get('json') === 'true';
    let stdout: string;
    if (scenario.services.length > 0 || scenario.events.length > 0) {
      const report = simulateServices(scenario, policy, cycles);
      stdout = json ? JSON.stringify(report, null, 2) + '\n' : formatServiceReport(report);
    } else {
      const report = simulate(scenario, policy, cycles);
      stdout = json ? JSON.stringify(report, null, 2) + '\n' : formatReport(report);
    }
    return { stdout, stderr: '', exitCode: 0 };
  } catch (e) {
    if (e instanceof UsageError) return { stdout: '', stderr: `error: ${e.message}\n${SIMULATE_USAGE}\n`, exitCode: 2 };
    if (e instanceof ScenarioError || e instanceof PolicyLoadError || e instanceof ResourceError || e instanceof AllocatorError) {
      return { stdout: '', stderr: `error: ${e.message}\n`, exitCode: 1 };
    }
    throw e;
  }
}
