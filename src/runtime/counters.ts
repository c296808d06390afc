/**
 * Counters kept on the JavaScript side and answered by `Stats` (the C++ side keeps its own:
 * calls, timeouts, restarts). Names are paths, e.g. `allocator/policy_errors/score`.
 */
export class Counters {
  private readonly values = new Map<string, number>();

  increment(name: string, by = 1): void {
    this.values.set(name, (this.values.get(name) ?? 0) + by);
  }

  get(name: string): number {
    return this.values.get(name) ?? 0;
  }

  /** Every counter, sorted by name (stable output for the host's metrics). */
  entries(): [string, number][] {
    return [...this.values].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  }
}
