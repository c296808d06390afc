/** A tiny benchmark harness: warm up, then run batches for at least `minMs` and report ops/s. */
export interface BenchResult {
  readonly name: string;
  readonly opsPerSecond: number;
  readonly nsPerOp: number;
}

let sink = 0;

/** `fn` must return something derived from its work so the JIT cannot drop it. */
export function bench(name: string, fn: () => unknown, minMs = 1000): BenchResult {
  const consume = (x: unknown) => {
    sink = (sink + (x === undefined || x === null ? 0 : typeof x === 'object' ? 1 : Number(x) || 1)) | 0;
  };
  // Warm up so the JIT has optimised the hot paths before timing.
  const warmUntil = performance.now() + Math.min(300, minMs / 2);
  while (performance.now() < warmUntil) for (let i = 0; i < 1000; i++) consume(fn());
  let ops = 0;
  let batch = 1000;
  const start = process.hrtime.bigint();
  let elapsedNs = 0n;
  while (elapsedNs < BigInt(minMs) * 1_000_000n) {
    for (let i = 0; i < batch; i++) consume(fn());
    ops += batch;
    elapsedNs = process.hrtime.bigint() - start;
    if (batch < 1_000_000) batch *= 2;
  }
  const ns = Number(elapsedNs);
  return { name, opsPerSecond: (ops / ns) * 1e9, nsPerOp: ns / ops };
}

export function printTable(title: string, results: readonly BenchResult[]): void {
  console.log(`\n${title}`);
  const width = Math.max(...results.map((r) => r.name.length));
  for (const r of results) {
    console.log(`  ${r.name.padEnd(width)}  ${Math.round(r.opsPerSecond).toLocaleString('en-US').padStart(12)} ops/s  ${r.nsPerOp.toFixed(0).padStart(7)} ns/op`);
  }
}

export function sinkValue(): number {
  return sink;
}
