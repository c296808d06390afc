/**
 * Deterministic randomness for plans: uuid-shaped ids and the seeded agent order that breaks
 * ties. Seeded, never Math.random, so the same inputs give the same plan.
 */
import type { IdSource } from './types.ts';

/** mulberry32: small, fast, good enough for ids and tie-breaking (not for secrets). */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

const HEX_DIGITS = '0123456789abcdef';

/**
 * Ids shaped like version-4 UUIDs (`xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx`) from a seeded
 * generator (128 bits drawn per id, 122 kept); ids `taken` says are in use are skipped, so a
 * later plan with the same seed does not collide with what the ledger holds. The text is built
 * from one reused code array: ids are made by the thousand in a pass.
 */
export function seededIds(seed: number, taken?: (id: string) => boolean): IdSource {
  const next = mulberry32(seed ^ 0x5eed1d5);
  const codes = new Array<number>(36);
  const put = (at: number, value: number, digits: number) => {
    for (let i = digits - 1; i >= 0; i--) {
      codes[at + i] = HEX_DIGITS.charCodeAt(value & 0xf);
      value >>>= 4;
    }
  };
  return () => {
    for (;;) {
      const a = next();
      const b = next();
      const c = next();
      const d = next();
      put(0, a, 8);
      codes[8] = 45; // '-'
      put(9, b >>> 16, 4);
      codes[13] = 45;
      put(14, (b & 0x0fff) | 0x4000, 4);
      codes[18] = 45;
      put(19, ((c >>> 16) & 0x3fff) | 0x8000, 4);
      codes[23] = 45;
      put(24, c & 0xffff, 4);
      put(28, d, 8);
      const id = String.fromCharCode(...codes);
      if (taken === undefined || !taken(id)) return id;
    }
  };
}

/** A seeded 32-bit hash of an agent id (FNV-1a, then murmur3's finaliser): the tie-breaking order. */
export function agentRank(agentId: string, seed: number): number {
  let h = 0x811c9dc5 ^ (seed >>> 0);
  for (let i = 0; i < agentId.length; i++) h = Math.imul(h ^ agentId.charCodeAt(i), 0x01000193);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
