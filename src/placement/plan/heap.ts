/**
 * A max-heap of agent indices ordered by a fixed score (the pod's agent-only soft constraints),
 * then a key (the pod's headroom on the agent), then the seeded rank, then the index: the
 * planner's "best agent first" order. Keys may go stale as other
 * placements consume capacity; since capacity only shrinks, a popped agent whose key dropped is
 * pushed back with its new key (lazy update) instead of the heap tracking every change.
 */
export class AgentHeap {
  readonly #heap: Int32Array;
  #size = 0;
  /** The key each agent was pushed with. */
  readonly #key: Float64Array;
  readonly #rank: Uint32Array;
  readonly #score: Float64Array | undefined;

  /** `score`: per agent, fixed for the heap's life (undefined: all equal). */
  constructor(capacity: number, rank: Uint32Array, score?: Float64Array) {
    this.#heap = new Int32Array(capacity);
    this.#key = new Float64Array(rank.length);
    this.#rank = rank;
    this.#score = score;
  }

  /** The best agent without removing it; -1 when empty. */
  peek(): number {
    return this.#size === 0 ? -1 : this.#heap[0]!;
  }

  get size(): number {
    return this.#size;
  }

  keyOf(agent: number): number {
    return this.#key[agent]!;
  }

  #before(a: number, b: number): boolean {
    const score = this.#score;
    if (score !== undefined && score[a] !== score[b]) return score[a]! > score[b]!;
    const ka = this.#key[a]!;
    const kb = this.#key[b]!;
    if (ka !== kb) return ka > kb;
    const ra = this.#rank[a]!;
    const rb = this.#rank[b]!;
    return ra !== rb ? ra < rb : a < b;
  }

  /** Adds without ordering; call `heapify` once after a batch (O(n) instead of O(n log n)). */
  append(agent: number, key: number): void {
    this.#key[agent] = key;
    this.#heap[this.#size++] = agent;
  }

  heapify(): void {
    for (let i = (this.#size >> 1) - 1; i >= 0; i--) this.#down(i);
  }

  push(agent: number, key: number): void {
    this.#key[agent] = key;
    const heap = this.#heap;
    let i = this.#size++;
    heap[i] = agent;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.#before(agent, heap[parent]!)) break;
      heap[i] = heap[parent]!;
      i = parent;
    }
    heap[i] = agent;
  }

  /** The best agent, removed; -1 when empty. */
  pop(): number {
    if (this.#size === 0) return -1;
    const heap = this.#heap;
    const top = heap[0]!;
    const last = heap[--this.#size]!;
    if (this.#size > 0) {
      heap[0] = last;
      this.#down(0);
    }
    return top;
  }

  #down(start: number): void {
    const heap = this.#heap;
    const n = this.#size;
    const agent = heap[start]!;
    let i = start;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= n) break;
      if (child + 1 < n && this.#before(heap[child + 1]!, heap[child]!)) child++;
      if (!this.#before(heap[child]!, agent)) break;
      heap[i] = heap[child]!;
      i = child;
    }
    heap[i] = agent;
  }
}
