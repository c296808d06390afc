/**
 * Loads a policy file for the CLI: TypeScript or JavaScript, bundled with esbuild for Node 18
 * (the embedded runtime's version) into one ES module, then imported. Its default export is
 * the policy (`definePolicy({...})`).
 */
import { build } from 'esbuild';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { HOOK_NAMES, ISOLATOR_METHODS, type Policy } from '../policy/index.ts';

export class PolicyLoadError extends Error {
  override readonly name = 'PolicyLoadError';
}

const STAGES = ['sortRoles', 'sortFrameworks', 'filter', 'score', 'size', 'onAgentAdded', 'onAgentRemoved', 'onResourcesRecovered', 'onQuotaChanged', 'onWeightsChanged', 'operatorCalls', 'operatorCallResult'];

/** Bundles `file` into one ES module text (what the Mesos module loads, later). */
export async function bundlePolicy(file: string): Promise<string> {
  try {
    const result = await build({
      entryPoints: [resolve(file)],
      bundle: true,
      format: 'esm',
      platform: 'node',
      target: 'node18',
      write: false,
      logLevel: 'silent',
    });
    return result.outputFiles[0]!.text;
  } catch (e) {
    const errors = (e as { errors?: Array<{ text: string; location?: { file: string; line: number } }> }).errors;
    const detail = errors?.map((x) => `${x.location ? `${x.location.file}:${x.location.line}: ` : ''}${x.text}`).join('; ') ?? String(e);
    throw new PolicyLoadError(`cannot bundle policy ${file}: ${detail}`);
  }
}

export async function loadPolicy(file: string): Promise<Policy> {
  const code = await bundlePolicy(file);
  const dir = mkdtempSync(join(tmpdir(), 'mesos-policy-'));
  const path = join(dir, 'policy.mjs');
  writeFileSync(path, code);
  let module: { default?: unknown };
  try {
    module = await import(pathToFileURL(path).href);
  } catch (e) {
    throw new PolicyLoadError(`policy ${file} failed to load: ${(e as Error).message}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const policy = module.default;
  if (typeof policy !== 'object' || policy === null) throw new PolicyLoadError(`policy ${file} has no default export (export default definePolicy({...}))`);
  for (const [key, value] of Object.entries(policy)) {
    if (key === 'name') continue;
    // hooks and isolator are part of a policy (src/policy/policy.ts): the simulator ignores them,
    // the Mesos modules run them; checked here so a typo fails offline, not at the agent's start.
    if (key === 'hooks' || key === 'isolator') {
      checkSection(file, key, value, key === 'hooks' ? HOOK_NAMES : ISOLATOR_METHODS);
      continue;
    }
    if (key === 'reservationOwners') {
      checkSection(file, key, value, RESERVATION_OWNERS_METHODS, true);
      continue;
    }
    if (!STAGES.includes(key)) throw new PolicyLoadError(`policy ${file}: unknown stage '${key}' (known: ${[...STAGES, 'reservationOwners', 'hooks', 'isolator'].join(', ')})`);
    if (typeof value !== 'function') throw new PolicyLoadError(`policy ${file}: stage '${key}' must be a function`);
  }
  return policy as Policy;
}

/** `reservationOwners` is an object of two functions, both required (src/policy/policy.ts ReservationOwners). */
const RESERVATION_OWNERS_METHODS = ['owner', 'owns'];

function checkSection(file: string, section: string, value: unknown, known: readonly string[], allRequired = false): void {
  if (value === undefined) return;
  if (typeof value !== 'object' || value === null) throw new PolicyLoadError(`policy ${file}: '${section}' must be an object of functions`);
  for (const [name, fn] of Object.entries(value)) {
    if (!known.includes(name)) throw new PolicyLoadError(`policy ${file}: unknown ${section} method '${name}' (known: ${known.join(', ')})`);
    if (typeof fn !== 'function') throw new PolicyLoadError(`policy ${file}: ${section}.${name} must be a function`);
  }
  const missing = allRequired ? known.filter((name) => !(name in value)) : [];
  if (missing.length > 0) throw new PolicyLoadError(`policy ${file}: ${section} lacks ${missing.join(' and ')}`);
}
