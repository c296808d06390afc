/**
 * Agent and framework ids as one string object each. Every decoded message brings its own copy of
 * an id; the engine keys its maps by id (filters by agent, allocations by framework, …), and a map
 * whose key is one copy and whose lookup brings another compares their characters, reading the
 * key's copy wherever the decoder left it: at 10k agents × 1k frameworks that was a cold read per
 * lookup. Mapped to the copy seen first, the engine's lookups find their key by reference.
 * Bounded: when full the table starts over, which only costs those comparisons until ids are seen
 * again.
 */
export const CANONICAL_IDS = 1 << 17;

const canonical = new Map<string, string>();

/** The first string seen with `id`'s characters (`id` itself, the first time). */
export function canonicalId(id: string): string {
  const known = canonical.get(id);
  if (known !== undefined) return known;
  if (canonical.size >= CANONICAL_IDS) canonical.clear();
  canonical.set(id, id);
  return id;
}
