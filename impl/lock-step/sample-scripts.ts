import type { RealBeginMode, RealJournal, RealLockScript, RealLockStep } from './lock-script.js';

export interface SampleScriptOptions {
  /** Up to this many connections (at least 1). Default 5. */
  readonly maxConnections?: number;
  /** Up to this many steps. Default 40. */
  readonly maxSteps?: number;
}

/**
 * `count` varied lock scripts, the same for the same seed: for the driver's benchmark and for checking the
 * reuse path against the fresh path. Not the conformance arbitraries (those are fast-check's, in
 * properties/); this only needs to reach every kind of outcome often: both journals, 1 to maxConnections
 * connections, 1 to 3 keys, steps weighted towards transactions that read, write and finish.
 */
export function sampleScripts(count: number, seed: number, options: SampleScriptOptions = {}): RealLockScript[] {
  const next = xorshift32(seed);
  const pick = (n: number): number => next() % n;
  const maxConnections = options.maxConnections ?? 5;
  const maxSteps = options.maxSteps ?? 40;
  const scripts: RealLockScript[] = [];
  for (let s = 0; s < count; s++) {
    const journal: RealJournal = pick(2) === 0 ? 'delete' : 'wal';
    const connections = 1 + pick(maxConnections);
    const keys = ['a', 'b', 'c'].slice(0, 1 + pick(3));
    const steps: RealLockStep[] = [];
    const length = 1 + pick(maxSteps);
    for (let i = 0; i < length; i++) {
      const conn = pick(connections);
      const key = keys[pick(keys.length)] ?? 'a';
      const r = pick(100);
      if (r < 22) steps.push({ conn, op: 'begin', mode: BEGIN_MODES[pick(BEGIN_MODES.length)] ?? 'deferred' });
      else if (r < 50) steps.push({ conn, op: 'read', key });
      else if (r < 75) steps.push({ conn, op: 'write', key });
      else if (r < 90) steps.push({ conn, op: 'commit' });
      else steps.push({ conn, op: 'rollback' });
    }
    scripts.push({ journal, connections, keys, steps });
  }
  return scripts;
}

const BEGIN_MODES: readonly RealBeginMode[] = ['deferred', 'immediate', 'exclusive'];

/** A small deterministic generator of unsigned 32-bit integers (Marsaglia's xorshift). */
function xorshift32(seed: number): () => number {
  let x = (seed >>> 0) || 0x9e3779b9;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x;
  };
}
