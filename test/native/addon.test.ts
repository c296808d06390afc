// The Node-API binding (native/addon) as an ordinary .node addon under the system Node: its test
// host makes blocking host calls from a pool of C++ threads through the same Request/RequestQueue
// code the embedded runtime uses, and this process plays the policy side (serve/complete/log).
// build/native/mesos_policy_addon.node is built by `npm run build:native`; a missing file is a
// failure, not a skip.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { nativeBinary } from './build-dir.ts';

const addonPath = nativeBinary('mesos_policy_addon.node');

type Status = 'ok' | 'error' | 'timeout' | 'unavailable';
interface CallResult {
  status: Status;
  value: Buffer;
}
// handler(id, method, payload) → the answer now, or undefined and complete(id, …) later.
type Handler = (id: number, method: string, payload: Buffer) => Uint8Array | string | undefined;
interface TestHost {
  serve(handler: Handler): void;
  complete(id: number, ok: boolean, answer: Uint8Array | string): void;
  log(level: number, text: string): void;
  call(method: string, payload: Uint8Array | string, deadlineMs: number): Promise<CallResult>;
  close(): void;
  logs(): string[];
  stats(): { submitted: number; delivered: number; outstanding: number; wakeups: number; polled: number };
}
interface Addon {
  createTestHost(options?: { threads?: number; spinWaitUs?: number }): TestHost;
  napiVersion: number;
}

function load(): Addon {
  assert.ok(existsSync(addonPath), `${addonPath} is missing: run \`npm run build:native\``);
  return createRequire(import.meta.url)(addonPath) as Addon;
}

// What bootstrap.js does for a policy's handle(): sync answers returned, promises answered through
// complete(), throws and rejections as errors with their stack.
function policy(host: TestHost, handle: (method: string, payload: Buffer) => unknown): Handler {
  const describe = (err: unknown) => (err instanceof Error ? String(err.stack) : `non-Error thrown: ${String(err)}`);
  return (id, method, payload) => {
    let answer: unknown;
    try {
      answer = handle(method, payload);
    } catch (err) {
      host.complete(id, false, describe(err));
      return undefined;
    }
    if (typeof answer === 'string' || answer instanceof Uint8Array) return answer;
    Promise.resolve(answer).then(
      (value) => host.complete(id, true, value as Uint8Array | string),
      (err: unknown) => host.complete(id, false, describe(err)),
    );
    return undefined;
  };
}

// Blocks this (the policy's) thread, as a busy policy would: host threads keep calling meanwhile.
function blockFor(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

const allBytes = Uint8Array.from({ length: 256 }, (_, i) => i);

test('the addon loads under the system Node and reports its Node-API version', () => {
  const addon = load();
  assert.equal(typeof addon.createTestHost, 'function');
  assert.equal(addon.napiVersion, 8);
});

test('bytes round-trip: all 256 values, a 1 MB payload, string answers as UTF-8, later answers', async () => {
  const host = load().createTestHost({ threads: 2 });
  try {
    host.serve(
      policy(host, (method, payload) => {
        if (method === 'echo') return payload;
        if (method === 'text') return `héllo ${payload.length}`;
        if (method === 'later') return new Promise((resolve) => setImmediate(() => resolve(Uint8Array.from(payload).reverse())));
        throw new Error(`unknown method ${method}`);
      }),
    );
    const echoed = await host.call('echo', allBytes, 1000);
    assert.equal(echoed.status, 'ok');
    assert.deepEqual([...echoed.value], [...allBytes]);

    const big = Buffer.alloc(1 << 20);
    for (let i = 0; i < big.length; i++) big[i] = (i * 7919) & 0xff;
    const bigEcho = await host.call('echo', big, 5000);
    assert.equal(bigEcho.status, 'ok');
    assert.ok(bigEcho.value.equals(big), '1 MB payload comes back unchanged');

    const text = await host.call('text', allBytes, 1000);
    assert.equal(text.status, 'ok');
    assert.equal(text.value.toString('utf8'), 'héllo 256');

    const later = await host.call('later', allBytes, 1000);
    assert.equal(later.status, 'ok');
    assert.deepEqual([...later.value], [...allBytes].reverse());
  } finally {
    host.close();
  }
});

test('a throw, a rejected promise and a wrong answer type are errors', async () => {
  const host = load().createTestHost({ threads: 2 });
  try {
    host.serve((id, method, payload) => {
      // Thrown out of the handler itself: the C++ side catches it.
      if (method === 'escape') throw new Error(`escaped ${payload.toString()}`);
      if (method === 'wrongType') return 42 as unknown as string;
      return policy(host, (m) => {
        if (m === 'throw') throw new Error('boom');
        if (m === 'reject') return Promise.reject(new Error('rejected'));
        return 'fine';
      })(id, method, payload);
    });
    const escaped = await host.call('escape', 'x1', 1000);
    assert.equal(escaped.status, 'error');
    assert.match(escaped.value.toString(), /Error: escaped x1\n\s+at /);
    const thrown = await host.call('throw', '', 1000);
    assert.equal(thrown.status, 'error');
    assert.match(thrown.value.toString(), /Error: boom/);
    const rejected = await host.call('reject', '', 1000);
    assert.equal(rejected.status, 'error');
    assert.match(rejected.value.toString(), /Error: rejected/);
    const wrong = await host.call('wrongType', '', 1000);
    assert.equal(wrong.status, 'error');
    assert.match(wrong.value.toString(), /other than a Uint8Array, a string or undefined/);
    const fine = await host.call('other', '', 1000);
    assert.deepEqual([fine.status, fine.value.toString()], ['ok', 'fine']);
  } finally {
    host.close();
  }
});

test('deadlines: while queued, while running, waiting for a promise; late answers are dropped', async () => {
  const host = load().createTestHost({ threads: 4 });
  try {
    let never = 0;
    host.serve(
      policy(host, (method, payload) => {
        if (method === 'busy') {
          blockFor(Number(payload.toString()));
          return 'late';
        }
        if (method === 'never') {
          never++;
          return new Promise(() => {});
        }
        return payload;
      }),
    );
    // Queued: this thread is busy, so the request waits in the queue past its deadline.
    const queued = host.call('echo', 'q', 50);
    blockFor(200);
    const q = await queued;
    assert.equal(q.status, 'timeout');
    assert.match(q.value.toString(), /deadline of 50 ms while queued/);

    // Running: the handler keeps the loop busy past the deadline (a Node-API addon cannot interrupt
    // it); the caller returns at its deadline and the late answer is dropped.
    const started = Date.now();
    const running = await host.call('busy', '300', 50);
    assert.equal(running.status, 'timeout');
    assert.match(running.value.toString(), /deadline of 50 ms$/);
    assert.ok(Date.now() - started >= 250, 'the result is delivered once the loop is free again');

    const pending = await host.call('never', '', 50);
    assert.equal(pending.status, 'timeout');
    assert.match(pending.value.toString(), /waiting for its promise/);
    assert.equal(never, 1);

    const after = await host.call('echo', 'after', 1000);
    assert.deepEqual([after.status, after.value.toString()], ['ok', 'after']);
  } finally {
    host.close();
  }
});

// spinWaitUs: the loop polls the queue after each batch and the callers spin (spin-then-block).
for (const spinWaitUs of [0, 200]) {
test(`8 host threads x 500 calls, spinWaitUs ${spinWaitUs}: every call answered exactly once, correctly`, async () => {
  const host = load().createTestHost({ threads: 8, spinWaitUs });
  try {
    host.serve(
      policy(host, (method, payload) => {
        if (method === 'async') return new Promise((resolve) => setImmediate(() => resolve(payload)));
        if (method === 'await') return (async () => payload)();
        return payload;
      }),
    );
    const methods = ['sync', 'async', 'await'];
    const calls: Promise<CallResult>[] = [];
    const payloads: Buffer[] = [];
    for (let i = 0; i < 8 * 500; i++) {
      const payload = Buffer.alloc(8 + (i % 64));
      payload.writeUInt32LE(i, 0);
      payload.writeUInt32LE(i ^ 0x5a5a5a5a, 4);
      payloads.push(payload);
      calls.push(host.call(methods[i % 3]!, payload, 10_000));
    }
    const results = await Promise.all(calls);
    const wrong = results.filter((r, i) => r.status !== 'ok' || !r.value.equals(payloads[i]!));
    assert.equal(wrong.length, 0, `${wrong.length} wrong; first: ${wrong[0]?.status} ${wrong[0]?.value.toString()}`);
    const stats = host.stats();
    assert.equal(stats.submitted, 4000);
    assert.equal(stats.delivered, 4000, 'each call delivered exactly once');
    assert.equal(stats.outstanding, 0);

    // And it keeps serving after all that.
    if (spinWaitUs === 0) assert.equal(stats.polled, 0, 'no polling without a spin window');
    else assert.ok(stats.polled > 0, `requests taken by polling: ${stats.polled} (wake-ups ${stats.wakeups})`);

    const after = await host.call('sync', allBytes, 1000);
    assert.equal(after.status, 'ok');
    assert.deepEqual([...after.value], [...allBytes]);
  } finally {
    host.close();
  }
});
}

test('createTestHost refuses a spinWaitUs out of range', () => {
  assert.throws(() => load().createTestHost({ spinWaitUs: -1 }), /spinWaitUs must be between 0 and 100000/);
});

test('log() reaches the host; close() fails waiting and later calls with unavailable', async () => {
  const host = load().createTestHost({ threads: 2 });
  let release: (() => void) | undefined;
  host.serve((id, method) => {
    if (method === 'hold') {
      release = () => host.complete(id, true, 'too late');
      return undefined;
    }
    host.log(2, `serving ${method}`);
    return 'ok';
  });
  const logged = await host.call('m', '', 1000);
  assert.equal(logged.status, 'ok');
  assert.ok(host.logs().includes('warning: serving m'), host.logs().join('\n'));

  const held = host.call('hold', '', 10_000);
  await new Promise((resolve) => setTimeout(resolve, 50));
  host.close();
  const h = await held;
  assert.equal(h.status, 'unavailable');
  release?.(); // an answer after close is dropped
  const after = await host.call('m', '', 1000);
  assert.equal(after.status, 'unavailable');
});
