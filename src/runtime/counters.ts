/**
 * Counters kept on the JavaScript side and answered by `Stats` (the C++ side keeps its own:
 * calls, timeouts, restarts). Names are paths, e.g. `allocator/policy_errors/score`.
 */
export class Counters {
  private readonly values = new Map<string, number>();
  private readonly names = new Map<string, Map<string, string>>();

  increment(name: string, by = 1): void {
    this.values.set(name, (this.values.get(name) ?? 0) + by);
  }

  /** `increment(prefix + name)` without building the string per call (the hot paths count every call). */
  incrementNamed(prefix: string, name: string): void {
    let names = this.names.get(prefix);
    if (names === undefined) this.names.set(prefix, (names = new Map()));
    let full = names.get(name);
    if (full === undefined) names.set(name, (full = prefix + name));
    this.increment(full);
  }

  get(name: string): number {
    return this.values.get(name) ?? 0;
  }

  /** Every counter, sorted by name (stable output for the host's metrics). */
  entries(): [string, number][] {
    return [...this.values].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  }
}
