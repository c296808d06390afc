/**
 * Injected randomness for the engine. Engine code never calls Math.random(): whoever builds the
 * engine passes a `() => number` returning values in [0, 1), so a run can be replayed from its seed.
 */

/** A source of uniform numbers in [0, 1). */
export type RandomSource = () => number;

/**
 * A small, fast, seeded generator (the public-domain "mulberry32": a 32-bit Weyl sequence fed
 * through an integer mixer). Good enough for shuffles and tests; not for anything cryptographic.
 */
export function seededRandom(seed: number): RandomSource {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    // 32 random bits scaled into [0, 1): never 1.
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
