// The engine through the bridge equals the engine: each scenario runs on the pure TypeScript engine
// and as encoded requests; the requests are then replayed by build/native/bridge_replay — C++
// protobuf messages through the embedded Node 18 runtime (a policy bundle built with
// buildPolicyBundle), exactly as the Mesos allocator adapter drives it — and every decision that comes
// back must equal the pure engine's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { buildPolicyBundle } from '../../src/runtime/bundle.ts';
import protobuf from 'protobufjs/minimal.js';
import { decodeRequest, decodeResponseStream } from '../../src/runtime/requests.ts';
import { protocol } from '../../src/runtime/protocol.ts';
import type { Policy } from '../../src/policy/index.ts';
import type { wire } from '../../src/runtime/protocol.ts';
import { DirectDriver, WireDriver, describeOffers, type AllocateResult, type Driver } from '../runtime/fixtures/drivers.ts';
import { randomCalls, seedCluster } from './replay/scenarios.ts';
import dataService from '../../examples/policies/data-service.ts';
import defaultPolicy from './replay/default-policy.ts';
import { nativeBinary } from './build-dir.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const binary = nativeBinary('bridge_replay');

type Scenario = (d: Driver) => Promise<AllocateResult[]>;

/** A WireDriver whose every request is also recorded, in order, for bridge_replay. */
function recordingDriver(policy: Policy): { driver: WireDriver; requests: Uint8Array[] } {
  const driver = new WireDriver(policy);
  const requests: Uint8Array[] = [];
  const handle = driver.bundle.handle.bind(driver.bundle);
  (driver.bundle as { handle: typeof handle }).handle = (method, payload) => {
    requests.push(Uint8Array.from(payload));
    return handle(method, payload);
  };
  return { driver, requests };
}

/** Length-delimited, as protobuf's writeDelimitedTo (what bridge_replay reads). */
function delimited(messages: readonly Uint8Array[]): Uint8Array {
  const writer = protobuf.Writer.create();
  for (const m of messages) writer.bytes(m);
  return writer.finish();
}

/** Replays `requests` through the native bridge; returns its replies, one per request. */
function replay(bundle: string, requests: readonly Uint8Array[], dir: string): wire.Response[] {
  const input = join(dir, 'requests.bin');
  const output = join(dir, 'replies.bin');
  writeFileSync(input, delimited(requests));
  const run = spawnSync(binary, [bundle, input, output], { encoding: 'utf8', timeout: 300_000 });
  assert.equal(run.error, undefined, `could not run ${binary}: ${run.error?.message}`);
  assert.equal(run.status, 0, `bridge_replay exited with ${run.status ?? run.signal}:\n${run.stdout}\n${run.stderr}`);
  return decodeResponseStream(readFileSync(output));
}

/** The decisions in a native allocate reply, in the form DirectDriver's results are described in. */
function decisionsOf(replies: readonly wire.Response[], requests: readonly Uint8Array[]): number {
  let allocations = 0;
  replies.forEach((reply, i) => {
    assert.ok(reply.error === null || reply.error === undefined, `request ${i} failed in the bridge: ${reply.error?.message}`);
    if (decodeRequest(requests[i]!).allocator?.allocate) {
      assert.ok(reply.allocator?.allocation, `request ${i} (allocate) got no allocation from the bridge`);
      allocations++;
    }
  });
  return allocations;
}

/** Resource lists the bridge's allocate replies sent once for several offers (protocol 2). */
function sharedListsOf(replies: readonly wire.Response[]): number {
  return replies.reduce((n, reply) => n + (reply.allocator?.allocation?.sharedResources?.length ?? 0), 0);
}

/** Runs the scenario both ways and compares; returns how many shared resource lists the bridge sent. */
async function check(name: string, policy: Policy, policyFile: string, scenario: Scenario): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'mesos-policy-replay-'));
  try {
    const bundle = join(dir, 'policy.js');
    await buildPolicyBundle({ policy: policyFile, outfile: bundle });

    const direct = await scenario(new DirectDriver(policy));
    const { driver, requests } = recordingDriver(policy);
    const wired = await scenario(driver);
    // The in-process wire path agrees with the engine (test/runtime checks this in depth) ...
    assert.deepEqual(wired.map(describeOffers), direct.map(describeOffers), `${name}: serve() in process differs from the engine`);
    assert.ok(direct.some((r) => r.offers.length > 0), `${name}: the scenario made no offers; it would prove nothing`);

    // ... and the bridge's answers to the same requests are those very decisions.
    const replies = replay(bundle, requests, dir);
    assert.equal(replies.length, requests.length, 'one reply per request');
    assert.equal(decisionsOf(replies, requests), direct.length, 'one allocation per allocate call');
    const asDriverSaw = await scenarioReplies(policy, scenario, replies, requests);
    assert.deepEqual(asDriverSaw.map(describeOffers), direct.map(describeOffers), `${name}: the bridge's decisions differ from the engine's`);
    return sharedListsOf(replies);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The native replies (decodeResponseStream has expanded their shared lists; re-encoded, they list
 * every offer's resources) decoded exactly as the WireDriver decodes its own: a WireDriver whose handle()
 * answers with the bridge's replies in order (and checks each request is the one recorded).
 */
async function scenarioReplies(policy: Policy, scenario: Scenario, replies: readonly wire.Response[], requests: readonly Uint8Array[]): Promise<AllocateResult[]> {
  const driver = new WireDriver(policy);
  let i = 0;
  (driver.bundle as { handle: (m: string, p: Uint8Array) => Uint8Array }).handle = (_method, payload) => {
    assert.ok(i < requests.length && Buffer.from(payload).equals(Buffer.from(requests[i]!)), `request ${i} differs from the recorded one`);
    return protocol.Response.encode(replies[i++]!).finish();
  };
  return scenario(driver);
}

test('bridge_replay is built', () => {
  assert.ok(existsSync(binary), `${binary} is missing: run \`npm run build:native\` (scripts/install.sh does)`);
});

test('the seed cluster through the bridge: same offers as the engine (default policy)', { timeout: 300_000 }, async () => {
  const shared = await check('seed/default', defaultPolicy, join(root, 'test', 'native', 'replay', 'default-policy.ts'), seedCluster);
  assert.ok(shared > 0, 'alike agents: some offers named a shared resource list, so the comparison covers them');
});

test('the seed cluster through the bridge: same offers as the engine (data-service example policy)', { timeout: 300_000 }, async () => {
  await check('seed/data-service', dataService, join(root, 'examples', 'policies', 'data-service.ts'), seedCluster);
});

test('random call sequences through the bridge: same offers as the engine', { timeout: 600_000 }, async () => {
  for (const seed of [1, 2, 3]) {
    await check(`random/${seed}`, defaultPolicy, join(root, 'test', 'native', 'replay', 'default-policy.ts'), (d) => randomCalls(d, seed, 300));
  }
});
