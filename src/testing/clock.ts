/** A clock that moves only when told to: what the engine's injected time looks like in tests. */
export class ManualClock {
  private current: number;

  constructor(start = 0) {
    this.current = start;
  }

  /** Milliseconds. */
  now(): number {
    return this.current;
  }

  /** The function to inject into the engine (`clock` option). */
  readonly fn = (): number => this.current;

  advance(ms: number): number {
    if (!(ms >= 0)) throw new RangeError(`a clock only moves forward (got ${ms} ms)`);
    this.current += ms;
    return this.current;
  }

  set(ms: number): void {
    if (!(ms >= this.current)) throw new RangeError(`a clock only moves forward (from ${this.current} to ${ms})`);
    this.current = ms;
  }
}
