/**
 * A seeded random source for the retry decorator's jitter: mulberry32, one stream per worker. The lock-step
 * driver injects it so that the real decorator sleeps exactly as the model predicts; the model
 * (spec/retry/backoff.ts) computes the same draws by itself, and test/retry.test.ts checks that the two agree.
 */

/** The seed of worker `worker`'s stream, derived from the scenario's jitter seed. */
export function jitterStreamSeed(jitterSeed: number, worker: number): number {
  // murmur3's fmix32: related seeds (consecutive workers) must not give related streams; mulberry32's first
  // draws from seeds that differ by a constant multiple are close to each other.
  let h = (jitterSeed + Math.imul(worker + 1, 0x9e3779b1)) | 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) | 0;
}

/** A stream of draws in [0, 1). */
export function seededRandom(seed: number): () => number {
  let state = seed | 0;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), state | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
