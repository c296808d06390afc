/**
 * Builds a policy bundle: the user's policy and the runtime (serve, the codec, the engine,
 * protobufjs) in ONE CommonJS file for the embedded Node 18 whose `module.exports` is
 * `serve(policy)`, i.e. it exports `handle(method, payload)`. The file needs nothing but Node's
 * built-ins at run time.
 *
 * `mesos-policy` (and `mesos-policy/testing`) resolve to this copy's sources, so the policy and
 * the runtime share one resource model (its classes are compared by identity).
 */
import { build, type Message, type Plugin } from 'esbuild';
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface BuildPolicyBundleOptions {
  /** The user's policy (.ts or .js); its default export is `definePolicy({...})`. */
  readonly policy: string;
  readonly outfile: string;
  readonly minify?: boolean;
}

export interface PolicyBundleBuild {
  readonly outfile: string;
  readonly bytes: number;
  readonly warnings: readonly string[];
}

export class PolicyBundleError extends Error {
  override readonly name = 'PolicyBundleError';
}

// Run from src/ under tsx, or from dist/ once compiled: the sources next to this file either way.
const EXTENSION = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
const here = (path: string): string => fileURLToPath(new URL(`${path}${EXTENSION}`, import.meta.url));

const PACKAGE_ENTRIES: Readonly<Record<string, string>> = {
  'mesos-policy': here('../index'),
  'mesos-policy/testing': here('../testing/index'),
};

const resolvePackage: Plugin = {
  name: 'mesos-policy',
  setup(b) {
    b.onResolve({ filter: /^mesos-policy(\/.*)?$/ }, (args) => {
      const path = PACKAGE_ENTRIES[args.path];
      return path === undefined ? { errors: [{ text: `'${args.path}' is not an entry point of mesos-policy (use 'mesos-policy' or 'mesos-policy/testing')` }] } : { path };
    });
    // protobufjs loads `long` when it can; the runtime reads 64-bit fields as numbers (protocol.ts), so leave it out.
    b.onResolve({ filter: /^long$/ }, (args) => (args.importer.includes('protobufjs') ? { path: 'long', namespace: 'mesos-policy-empty' } : undefined));
    b.onLoad({ filter: /.*/, namespace: 'mesos-policy-empty' }, () => ({ contents: 'module.exports = null;', loader: 'js' }));
  },
};

function format(m: Message): string {
  return `${m.location === null ? '' : `${m.location.file}:${m.location.line}:${m.location.column}: `}${m.text}`;
}

/** protobufjs looks for optional modules through a direct eval; harmless, and not the user's to fix. */
function isKnownNoise(m: Message): boolean {
  return m.location?.file.includes('@protobufjs/inquire') === true;
}

export async function buildPolicyBundle(options: BuildPolicyBundleOptions): Promise<PolicyBundleBuild> {
  const policy = resolve(options.policy);
  const outfile = resolve(options.outfile);
  const entry = [
    `import policy from ${JSON.stringify(policy)};`,
    `import { serve } from ${JSON.stringify(here('./serve'))};`,
    'const bundle = serve(policy);',
    'export const handle = bundle.handle;',
  ].join('\n');
  let warnings: Message[];
  try {
    const result = await build({
      stdin: { contents: entry, resolveDir: process.cwd(), sourcefile: 'mesos-policy-bundle-entry.js', loader: 'js' },
      bundle: true,
      format: 'cjs',
      platform: 'node',
      target: 'node18',
      outfile,
      minify: options.minify ?? false,
      plugins: [resolvePackage],
      logLevel: 'silent',
      banner: { js: `// mesos-policy bundle of ${policy.replace(/\*\//g, '* /')}` },
    });
    warnings = result.warnings;
  } catch (e) {
    const errors = (e as { errors?: Message[] }).errors;
    throw new PolicyBundleError(`cannot bundle policy ${options.policy}: ${errors?.map(format).join('; ') ?? String(e)}`);
  }
  return { outfile, bytes: statSync(outfile).size, warnings: warnings.filter((w) => !isKnownNoise(w)).map(format) };
}
