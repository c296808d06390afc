/**
 * The bridge's figures (issue 4): round trips from a host thread, a 10,000-event batch, runtime
 * start, and one allocation cycle at 10k agents × 1k frameworks through the bridge against the pure
 * engine. The native parts run in build/native/bridge_latency and bridge_replay (C++ host threads,
 * libprotobuf, the embedded Node 18 runtime); the pure engine runs in this process (Node 20).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs/minimal.js';
import { AllocatorEngine, DEFAULT_MIN_ALLOCATABLE_RESOURCES, parseMinAllocatableResources } from '../src/allocator/index.ts';
import { parseResources, type Range, type Resources } from '../src/resources/index.ts';
import { buildPolicyBundle } from '../src/runtime/bundle.ts';
import { decodeResponse, encodeRequest, toWire } from '../src/runtime/requests.ts';
import { resourcesFromWire } from '../src/runtime/codec/index.ts';
import type { wire } from '../src/runtime/protocol.ts';
import { serve } from '../src/runtime/serve.ts';
import { nativeBinary } from '../test/native/build-dir.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const build = nativeBinary;

export interface BridgeFigures {
  readonly latency: Readonly<Record<string, number>>;
  readonly batchMs: number;
  readonly batchEvents: number;
  readonly cycle: { readonly agents: number; readonly frameworks: number; readonly engineMs: number; readonly inProcessMs: number; readonly bridgeMs: number; readonly offers: number };
}

const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
const AGENT_CAPABILITIES = ['MULTI_ROLE', 'HIERARCHICAL_ROLE', 'RESERVATION_REFINEMENT'] as const;
const DECLINE = { refuseSeconds: 2147483647 };
const TOTAL = 'cpus:24;mem:4096;disk:4096;ports:[31000-32000]';

function sixteenPorts(): Range[] {
  return Array.from({ length: 16 }, (_, i) => ({ begin: 31000 + i * 62, end: 31000 + i * 62 }));
}

/** Length-delimited, as bridge_replay reads them. */
function delimited(messages: readonly Uint8Array[]): Uint8Array {
  const writer = protobuf.Writer.create();
  for (const m of messages) writer.bytes(m);
  return writer.finish();
}

function run(binary: string, args: string[]): string {
  if (!existsSync(binary)) throw new Error(`${binary} is missing: run \`npm run build:native\``);
  const r = spawnSync(binary, args, { encoding: 'utf8', timeout: 30 * 60_000, maxBuffer: 256 << 20 });
  if (r.status !== 0) throw new Error(`${binary} failed (${r.status ?? r.signal}):\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

/** Mesos's DeclineOffers shape (bench/allocator.bench.ts) as requests; the in-process runtime answers them so the declines follow its offers. */
export function declineOffersRequests(agents: number, frameworks: number, rounds: number): { requests: Uint8Array[]; inProcessMs: number[]; offers: number } {
  const bundle = serve({});
  const requests: Uint8Array[] = [];
  const inProcessMs: number[] = [];
  let offers = 0;
  const send = (now: number, allocator: wire.IAllocatorCall | undefined, batch?: wire.IAllocatorCall[]): wire.IResponse => {
    const bytes = encodeRequest(batch === undefined ? { nowMs: now, allocator: allocator! } : { nowMs: now, allocatorBatch: { calls: batch } });
    requests.push(bytes);
    const start = process.hrtime.bigint();
    const answer = bundle.handle('bench', bytes) as Uint8Array;
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    if (allocator?.allocate) inProcessMs.push(ms);
    return decodeResponse(answer);
  };
  let now = 0;
  send(now, {
    initialize: {
      seed: 1,
      minAllocatableResources: parseMinAllocatableResources(DEFAULT_MIN_ALLOCATABLE_RESOURCES).map((q) => ({ quantities: Object.fromEntries([...q].map(([k, v]) => [k, { value: v }])) })),
    },
  });
  send(now, undefined, Array.from({ length: frameworks }, (_, i) => ({ addFramework: { frameworkId: `framework${i}`, frameworkInfo: toWire.frameworkInfo({ roles: ['*'], capabilities: ['MULTI_ROLE'] }), active: true } })));
  const total = toWire.resources(TOTAL);
  const used: Resources = parseResources('cpus:16;mem:2014;disk:1024').plus([{ name: 'ports', ranges: sixteenPorts() }]).allocate('*');
  const usedWire = toWire.resources(used);
  send(now, undefined, Array.from({ length: agents }, (_, i) => ({
    addAgent: { agentId: `agent${i}`, agentInfo: toWire.agentInfo({ hostname: `host${i}` }), capabilities: toWire.agentCapabilities(AGENT_CAPABILITIES), total, used: [{ id: `framework${i % frameworks}`, resources: usedWire }] },
  })));
  let last = send(now, { allocate: { force: true } });
  for (let round = 0; round < rounds; round++) {
    const declines: wire.IAllocatorCall[] = (last.allocator?.allocation?.offers ?? []).map((o) => ({
      recoverResources: { frameworkId: o.frameworkId, agentId: o.agentId, resources: toWire.resources(resourcesFromWire(o.resources, 'offer')), filters: toWire.filters(DECLINE) },
    }));
    if (declines.length > 0) send(now, undefined, declines);
    now += 1000;
    last = send(now, { allocate: { force: true } });
    offers += last.allocator?.allocation?.offers?.length ?? 0;
  }
  return { requests, inProcessMs, offers };
}

/** The same calls on the engine directly (what bench/allocator.bench.ts times). */
export function declineOffersEngine(agents: number, frameworks: number, rounds: number): number[] {
  const clock = { now: 0 };
  const engine = new AllocatorEngine();
  engine.initialize({ clock: () => clock.now, seed: 1 });
  for (let i = 0; i < frameworks; i++) engine.addFramework(`framework${i}`, { roles: ['*'], capabilities: ['MULTI_ROLE'] }, new Map(), true);
  const total = parseResources(TOTAL);
  const used = parseResources('cpus:16;mem:2014;disk:1024').plus([{ name: 'ports', ranges: sixteenPorts() }]).allocate('*');
  for (let i = 0; i < agents; i++) engine.addAgent(`agent${i}`, { hostname: `host${i}` }, AGENT_CAPABILITIES, undefined, total, new Map([[`framework${i % frameworks}`, used]]));
  let last = engine.allocate(clock.now);
  const ms: number[] = [];
  for (let round = 0; round < rounds; round++) {
    for (const [f, byRole] of last.offers) for (const byAgent of byRole.values()) for (const [a, r] of byAgent) engine.recoverResources(f, a, r, DECLINE);
    clock.now += 1000;
    const start = process.hrtime.bigint();
    last = engine.allocate(clock.now);
    ms.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return ms;
}

export async function runBridgeBench(options: { agents?: number; frameworks?: number; rounds?: number; calls?: number } = {}): Promise<BridgeFigures> {
  const agents = options.agents ?? 10_000;
  const frameworks = options.frameworks ?? 1_000;
  const rounds = options.rounds ?? 5;
  const dir = mkdtempSync(join(tmpdir(), 'mesos-policy-bridge-bench-'));
  try {
    const bundle = join(dir, 'policy.js');
    await buildPolicyBundle({ policy: join(root, 'bench', 'native', 'fixtures', 'hook-policy.ts'), outfile: bundle, minify: true });

    const latency: Record<string, number> = {};
    const out = run(build('bridge_latency'), [join(root, 'bench', 'native', 'fixtures', 'echo.cjs'), bundle, String(options.calls ?? 20_000)]);
    for (const line of out.split('\n')) {
      const m = /^figure (\S+) (\S+)$/.exec(line);
      if (m) latency[m[1]!] = Number(m[2]);
    }

    // 10,000 events in one batch: agents registering with a master that has just been elected.
    const batchEvents = 10_000;
    const events = Array.from({ length: batchEvents }, (_, i) => ({
      addAgent: { agentId: `agent${i}`, agentInfo: toWire.agentInfo({ hostname: `host${i}` }), capabilities: toWire.agentCapabilities(AGENT_CAPABILITIES), total: toWire.resources(TOTAL) },
    }));
    const batchRequests = [encodeRequest({ nowMs: 0, allocator: { initialize: { seed: 1 } } }), encodeRequest({ nowMs: 0, allocatorBatch: { calls: events } })];
    const batchMs = median([0, 1, 2].map(() => timings(bundle, batchRequests, dir).find((t) => t.call === 'allocator_batch')!.us / 1000));

    // One allocation cycle at agents × frameworks.
    const stream = declineOffersRequests(agents, frameworks, rounds);
    const allocates = timings(bundle, stream.requests, dir).filter((t) => t.call === 'allocator').map((t) => t.us / 1000);
    // The timed rounds are the allocate calls after the first (the setup's own cycle), as in the engine run.
    const bridgeMs = median(allocates.slice(-rounds));
    const engineMs = median(declineOffersEngine(agents, frameworks, rounds));
    return {
      latency, batchMs, batchEvents,
      cycle: { agents, frameworks, engineMs, inProcessMs: median(stream.inProcessMs.slice(-rounds)), bridgeMs, offers: Math.round(stream.offers / rounds) },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Replays requests through bridge_replay; per-request host-side microseconds. */
function timings(bundle: string, requests: readonly Uint8Array[], dir: string): Array<{ call: string; us: number }> {
  const input = join(dir, 'requests.bin');
  const replies = join(dir, 'replies.bin');
  const times = join(dir, 'timings.txt');
  writeFileSync(input, delimited(requests));
  run(build('bridge_replay'), [bundle, input, replies, '--timings', times]);
  return readFileSync(times, 'utf8').trim().split('\n').map((line) => {
    const [call, us] = line.split(' ');
    return { call: call!, us: Number(us) };
  });
}

export function formatBridgeFigures(f: BridgeFigures): string {
  const l = f.latency;
  const c = f.cycle;
  const overhead = ((c.bridgeMs - c.engineMs) / c.engineMs) * 100;
  return [
    `  empty round trip (transport only), p50 / p99         ${l.empty_p50_us?.toFixed(1)} / ${l.empty_p99_us?.toFixed(1)} µs   (goal p99 ≤ 50 µs)`,
    `  hook call, ${l.hook_request_bytes} B TaskInfo (C++ ⇄ protobufjs ⇄ policy), p50 / p99   ${l.hook_p50_us?.toFixed(1)} / ${l.hook_p99_us?.toFixed(1)} µs   (goal p99 ≤ 150 µs)`,
    `  4 host threads, empty calls                          ${Math.round(l.four_threads_calls_per_s ?? 0).toLocaleString('en-US')} calls/s`,
    `  runtime start with the policy bundle, median / max   ${l.start_ms_median?.toFixed(0)} / ${l.start_ms_max?.toFixed(0)} ms   (goal ≤ 300 ms)`,
    `  batch of ${f.batchEvents.toLocaleString('en-US')} addAgent events                    ${f.batchMs.toFixed(1)} ms  (${Math.round(f.batchEvents / (f.batchMs / 1000)).toLocaleString('en-US')} events/s)`,
    `  allocation cycle ${c.agents}×${c.frameworks} (DeclineOffers, ~${c.offers} offers/cycle): engine ${c.engineMs.toFixed(0)} ms, serve() in process ${c.inProcessMs.toFixed(0)} ms, through the bridge ${c.bridgeMs.toFixed(0)} ms → +${overhead.toFixed(0)}% (goal ≤ 10%)`,
  ].join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const quick = process.env.BENCH_QUICK === '1';
  const figures = await runBridgeBench(quick ? { agents: 1000, frameworks: 100, calls: 5000 } : {});
  console.log(formatBridgeFigures(figures));
}
