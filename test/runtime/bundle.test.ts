// buildPolicyBundle: one CommonJS file that require()s under plain Node from anywhere (nothing
// but built-ins at run time) and answers the bridge protocol.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildPolicyBundle, PolicyBundleError } from '../../src/runtime/bundle.ts';
import { protocol, PROTOCOL_VERSION } from '../../src/runtime/protocol.ts';
import { decodeResponse, encodeRequest, helloRequest, toWire } from '../../src/runtime/requests.ts';

const fixture = (name: string): string => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
// Outside the repository: no node_modules to fall back on.
const dir = mkdtempSync(join(tmpdir(), 'mesos-policy-bundle-test-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

interface Bundle {
  handle(method: string, payload: Uint8Array): Uint8Array | Promise<Uint8Array>;
}

const load = (path: string): Bundle => createRequire(path)(path) as Bundle;

test('a policy importing `mesos-policy` bundles into one file that answers Hello and its hooks', async () => {
  const build = await buildPolicyBundle({ policy: fixture('package-import-policy.js'), outfile: join(dir, 'package.cjs') });
  assert.equal(build.outfile, join(dir, 'package.cjs'));
  assert.ok(build.bytes > 10_000);
  assert.deepEqual(build.warnings, []);
  const text = readFileSync(build.outfile, 'utf8');
  const required = [...text.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]!);
  assert.deepEqual(required.filter((name) => !name.startsWith('node:')), [], 'only Node built-ins are required at run time');
  assert.equal(text.match(/\bvar Resources = class\b/g)?.length, 1, 'the policy and the runtime share one resource model');
  const bundle = load(build.outfile);
  const hello = decodeResponse(await bundle.handle('hello', encodeRequest(helloRequest('hook')))).hello!;
  assert.equal(hello.protocolVersion, PROTOCOL_VERSION);
  assert.equal(hello.policyName, 'package-import');
  assert.equal(hello.hasHooks, true);
  const reply = decodeResponse(await bundle.handle('hook', encodeRequest({ hook: { agentResourcesDecorator: { agentInfo: { hostname: 'h', resources: toWire.resources('cpus:1') } } } }))).hook!;
  assert.deepEqual(reply.resources.map((r) => r.name), ['cpus', 'gpus']);
});

test('relative imports of the sources work too, minified; the bundle runs in a fresh Node process', async () => {
  const build = await buildPolicyBundle({ policy: fixture('relative-import-policy.ts'), outfile: join(dir, 'relative.cjs'), minify: true });
  const script = `
    const bundle = require(${JSON.stringify(build.outfile)});
    const answer = bundle.handle('hello', Buffer.from(${JSON.stringify(Buffer.from(encodeRequest(helloRequest())).toString('base64'))}, 'base64'));
    process.stdout.write(Buffer.from(answer).toString('base64'));
  `;
  const out = execFileSync(process.execPath, ['-e', script], { cwd: dir, encoding: 'utf8' });
  const hello = decodeResponse(Buffer.from(out, 'base64')).hello!;
  assert.deepEqual([hello.policyName, hello.hasAllocator], ['relative-import', true]);
});

test('the bundle serves the allocator with 64-bit fields as numbers', async () => {
  const build = await buildPolicyBundle({ policy: fixture('hooks-policy.ts'), outfile: join(dir, 'hooks.cjs') });
  const bundle = load(build.outfile);
  const answer = await bundle.handle('allocator', encodeRequest({
    nowMs: 0,
    allocatorBatch: {
      calls: [
        { initialize: {} },
        { addAgent: { agentId: 'a', agentInfo: { hostname: 'h' }, capabilities: toWire.agentCapabilities(['MULTI_ROLE']), total: toWire.resources('cpus:1;mem:64;ports:[4000000000-4000000010]') } },
        { addFramework: { frameworkId: 'f', frameworkInfo: toWire.frameworkInfo({ roles: ['r'], capabilities: ['MULTI_ROLE'] }), active: true } },
        { allocate: {} },
      ],
    },
  }));
  const replies = decodeResponse(answer).allocatorBatch!.replies;
  const ports = replies[3]!.allocation!.offers[0]!.resources.find((r) => r.name === 'ports')!;
  assert.deepEqual(ports.ranges!.range.map((r) => [r.begin, r.end]), [[4_000_000_000, 4_000_000_010]]);
  assert.equal(replies[3]!.allocation!.offers[0]!.resources[0]!.allocationInfo!.role, 'r');
  assert.equal(decodeResponse(await bundle.handle('x', new Uint8Array([0xff]))).error!.code, protocol.Error.Code.INVALID_REQUEST);
});

test('a policy that does not bundle is a PolicyBundleError naming the file and line', async () => {
  await assert.rejects(buildPolicyBundle({ policy: fixture('does-not-exist.ts'), outfile: join(dir, 'x.cjs') }), PolicyBundleError);
  await assert.rejects(buildPolicyBundle({ policy: fixture('bad-import-policy.js'), outfile: join(dir, 'y.cjs') }), (e: unknown) => e instanceof PolicyBundleError && /bad-import-policy\.js:\d+:\d+: .*mesos-policy\/nope/.test(e.message));
});
