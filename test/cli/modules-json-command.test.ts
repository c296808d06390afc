// `mesos-policy modules-json`: Mesos's manifest with absolute paths, the matching daemon flags,
// and the module's own checks (files exist, values in range, the bundle has what a module needs).
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { buildPolicyBundle } from '../../src/runtime/bundle.ts';
import { modulesJsonCommand } from '../../src/cli/modules-json-command.ts';
import { daemonFlags, modulesManifest, ModulesOptionsError } from '../../src/cli/modules-manifest.ts';

let dir: string;
let library: string;
let smoke: string; // hooks + isolator, no allocator stages
let stagesOnly: string;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mesos-policy-modules-'));
  library = join(dir, 'libmesos_policy.so'); // only its existence is checked
  writeFileSync(library, '');
  smoke = (await buildPolicyBundle({ policy: 'test/native/mesos/fixtures/smoke-policy.ts', outfile: join(dir, 'smoke.js') })).outfile;
  const policy = join(dir, 'stages.ts');
  writeFileSync(policy, 'export default { name: "stages", score() { return 1; } };');
  stagesOnly = (await buildPolicyBundle({ policy, outfile: join(dir, 'stages.js') })).outfile;
});
after(() => rmSync(dir, { recursive: true, force: true }));

test('prints the manifest for the kinds the bundle has, absolute paths, flags on stderr', async () => {
  const result = await modulesJsonCommand([`--library=${relative(process.cwd(), library)}`, `--policy=${smoke}`, '--heap-mb=128', '--on-error', 'fail', '--log-level=debug']);
  assert.equal(result.exitCode, 0, result.stderr);
  const manifest = JSON.parse(result.stdout);
  assert.equal(manifest.libraries[0].file, library);
  assert.deepEqual(manifest.libraries[0].modules.map((m: { name: string }) => m.name), ['org_mesos_policy_Hook', 'org_mesos_policy_Isolator']);
  assert.deepEqual(manifest.libraries[0].modules[0].parameters, [
    { key: 'policy', value: smoke },
    { key: 'heap_mb', value: '128' },
    { key: 'on_error', value: 'fail' },
    { key: 'log_level', value: 'debug' },
  ]);
  assert.match(result.stderr, /policy 'mesos-smoke'/);
  assert.match(result.stderr, /^mesos-master '--modules=\{.*\}' --hooks=org_mesos_policy_Hook$/m);
  assert.match(result.stderr, /^mesos-agent '--modules=\{.*\}' --hooks=org_mesos_policy_Hook --isolation=posix\/cpu,posix\/mem,org_mesos_policy_Isolator$/m);
});

test('-o writes the file and the flags name it; --flags prints only the flags; per-kind timeouts', async () => {
  const out = join(dir, 'modules.json');
  const result = await modulesJsonCommand([`--library=${library}`, `--policy=${smoke}`, '--modules=allocator,hook', '--call-timeout-ms=hook:300,allocator:5000', '-o', out, '--flags']);
  assert.equal(result.exitCode, 0, result.stderr);
  assert.equal(result.stderr, '');
  assert.match(result.stdout, new RegExp(`^mesos-master --modules=file://${out} --allocator=org_mesos_policy_Allocator --hooks=org_mesos_policy_Hook$`, 'm'));
  const modules = JSON.parse(readFileSync(out, 'utf8')).libraries[0].modules as Array<{ name: string; parameters: Array<{ key: string; value: string }> }>;
  assert.deepEqual(modules.map((m) => m.parameters.find((p) => p.key === 'call_timeout_ms')?.value), ['5000', '300']);
});

test('refuses what the module would refuse: missing files, out-of-range values, a kind the bundle lacks', async () => {
  const base = [`--library=${library}`, `--policy=${smoke}`];
  const cases: Array<[string[], RegExp]> = [
    [[`--library=${join(dir, 'nope.so')}`, `--policy=${smoke}`], /module library .*nope\.so does not exist/],
    [[`--library=${library}`, `--policy=${join(dir, 'nope.js')}`], /policy bundle .*nope\.js does not exist/],
    [[`--library=${library}`, `--policy=${library}`], /exports no handle\(\)/],
    [[...base, '--heap-mb=0'], /heap_mb must be an integer between 1 and 1048576/],
    [[...base, '--call-timeout-ms=-5'], /--call-timeout-ms must be a positive integer/],
    [[...base, '--call-timeout-ms=hooks:5'], /unknown module 'hooks'/],
    [[...base, '--call-timeout-ms=999999999'], /call_timeout_ms \(allocator\) must be an integer between 1 and 86400000/],
    [[...base, '--on-error=ignore'], /on_error must be 'default' or 'fail'/],
    [[...base, '--log-level=trace'], /--log-level must be one of debug, info, warning, error/],
    [[...base, '--modules=allocator,gpu'], /unknown module 'gpu'/],
    [[...base, '--modules=hook,hook'], /named twice/],
    [[`--library=${library}`, `--policy=${stagesOnly}`, '--modules=allocator,hook'], /has no hooks: Mesos would refuse the hook module/],
    [[...base, '--modules=hook', '--watch-interval-ms=10'], /watch_interval_ms applies to the isolator module only/],
    [[...base, '--reload-check-ms=999999999'], /reload_check_ms must be an integer between 1 and 86400000/],
    [[...base, '--reload-check-ms=2s'], /--reload-check-ms must be a positive integer/],
  ];
  for (const [argv, message] of cases) {
    const result = await modulesJsonCommand(argv);
    assert.equal(result.exitCode, 1, `${argv.join(' ')}: ${result.stderr}`);
    assert.match(result.stderr, message);
    assert.equal(result.stdout, '');
  }
  assert.equal((await modulesJsonCommand([`--policy=${smoke}`])).exitCode, 2);
  assert.equal((await modulesJsonCommand([...base, '--frobnicate=1'])).exitCode, 2);
});

test('a bundle with only allocator stages gets the allocator module alone; the master flags only', async () => {
  const result = await modulesJsonCommand([`--library=${library}`, `--policy=${stagesOnly}`, '--flags']);
  assert.equal(result.exitCode, 0, result.stderr);
  assert.match(result.stdout, /policy 'stages' .*: allocator; modules: allocator/);
  assert.match(result.stdout, /^mesos-master .*--allocator=org_mesos_policy_Allocator$/m);
  assert.doesNotMatch(result.stdout, /mesos-agent/);
});

test('the library function: same checks, and daemonFlags per kind', () => {
  assert.throws(() => modulesManifest({ library, policy: smoke, modules: [] }), ModulesOptionsError);
  const m = modulesManifest({ library, policy: smoke, modules: ['isolator'], watchIntervalMs: 250 });
  assert.deepEqual(m.libraries[0]!.modules[0]!.parameters[1], { key: 'watch_interval_ms', value: '250' });
  assert.deepEqual(daemonFlags(['isolator'], 'X'), { master: [], agent: ['--modules=X', '--isolation=posix/cpu,posix/mem,org_mesos_policy_Isolator'] });
});

test('--reload-check-ms goes to every module; 0 (off) is accepted as the module accepts it', async () => {
  const result = await modulesJsonCommand([`--library=${library}`, `--policy=${smoke}`, '--reload-check-ms=2000']);
  assert.equal(result.exitCode, 0, result.stderr);
  const modules = JSON.parse(result.stdout).libraries[0].modules as Array<{ parameters: Array<{ key: string; value: string }> }>;
  assert.deepEqual(modules.map((m) => m.parameters.find((p) => p.key === 'reload_check_ms')?.value), ['2000', '2000']);
  const off = modulesManifest({ library, policy: smoke, modules: ['hook'], reloadCheckMs: 0 });
  assert.deepEqual(off.libraries[0]!.modules[0]!.parameters[1], { key: 'reload_check_ms', value: '0' });
});

test('--operator-credential, --operator-api-url and --operator-timeout-ms go to the allocator module only, checked as the module checks them', async () => {
  const credential = join(dir, 'credential.json');
  writeFileSync(credential, '{"principal": "mesos-policy", "secret": "s3cret"}');
  const result = await modulesJsonCommand([
    `--library=${library}`, `--policy=${smoke}`, '--modules=allocator,hook', `--operator-credential=${relative(process.cwd(), credential)}`,
    '--operator-api-url=http://10.0.0.1:5050/api/v1', '--operator-timeout-ms=15000',
  ]);
  assert.equal(result.exitCode, 0, result.stderr);
  const [allocator, hook] = JSON.parse(result.stdout).libraries[0].modules as Array<{ parameters: Array<{ key: string; value: string }> }>;
  const param = (m: { parameters: Array<{ key: string; value: string }> }, key: string) => m.parameters.find((p) => p.key === key)?.value;
  assert.equal(param(allocator!, 'operator_credential'), credential, 'made absolute');
  assert.equal(param(allocator!, 'operator_api_url'), 'http://10.0.0.1:5050/api/v1');
  assert.equal(param(allocator!, 'operator_timeout_ms'), '15000');
  assert.equal(hook!.parameters.some((p) => p.key.startsWith('operator_')), false);

  assert.throws(() => modulesManifest({ library, policy: smoke, modules: ['allocator'], operatorCredential: join(dir, 'missing.json') }), /the operator credential file .*missing\.json does not exist/);
  assert.throws(() => modulesManifest({ library, policy: smoke, modules: ['allocator'], operatorApiUrl: 'ftp://x/api/v1' }), /operator_api_url must be an http/);
  assert.throws(() => modulesManifest({ library, policy: smoke, modules: ['hook'], operatorTimeoutMs: 1000 }), /allocator module only/);
  assert.throws(() => modulesManifest({ library, policy: smoke, modules: ['allocator'], operatorTimeoutMs: 0 }), /operator_timeout_ms must be an integer/);
});
