/**
 * The retry decorator's backoff, as pure functions of the scenario parameters: exponential growth with
 * jitter. The jitter is not random here: it is the `index`-th draw of a seeded stream (mulberry32, whose k-th
 * output depends only on the seed and k), one stream per worker, one draw per planned retry. The real
 * decorator takes a random source built from the same seed (impl/retry/seeded-random.ts re-declares the same
 * generator: impl/ may not import spec/), so both engines sleep for the same virtual milliseconds.
 */

const STEP = 0x6d2b79f5;

/** The seed of worker `worker`'s jitter stream, derived from the scenario's jitter seed. */
export function jitterStreamSeed(jitterSeed: number, worker: number): number {
  // murmur3's fmix32: related seeds (consecutive workers) must not give related streams; mulberry32's first
  // draws from seeds that differ by a constant multiple are close to each other.
  let h = (jitterSeed + Math.imul(worker + 1, 0x9e3779b1)) | 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) | 0;
}

/** The `index`-th (0-based) draw in [0, 1) of the mulberry32 stream seeded with `seed`. */
export function jitterDraw(seed: number, index: number): number {
  let t = (seed + Math.imul(index + 1, STEP)) | 0;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

/**
 * Milliseconds to sleep after failed attempt number `attempt` (1-based): base * 2^(attempt-1), plus a jitter
 * of up to one base (whole milliseconds).
 */
export function backoffDelayMs(baseMs: number, attempt: number, draw: number): number {
  return baseMs * 2 ** (attempt - 1) + Math.floor(draw * baseMs);
}
