/**
 * Seeded random inputs and a difference measure, for `--verify` and the project's checks
 * (tests, acceptance scripts): the same seed gives the same numbers everywhere.
 */

/** A seeded generator of uniform numbers in [0, 1) (mulberry32). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `size` values uniform in [-scale, scale), from `seed`. */
export function uniformValues(size: number, seed: number, scale = 1): Float32Array {
  const next = seededRandom(seed);
  return Float32Array.from({ length: size }, () => (next() * 2 - 1) * scale);
}

/** Largest absolute difference; Infinity for different lengths or any NaN. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let m = 0;
  for (let k = 0; k < a.length; k++) m = Math.max(m, Math.abs(a[k] - b[k]));
  return Number.isNaN(m) ? Infinity : m;
}
