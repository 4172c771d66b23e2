import type { RealLockScript } from './lock-script.js';
import { LockStepPool } from './lock-step-pool.js';
import { runLockScript } from './run-lock-script.js';
import { sampleScripts } from './sample-scripts.js';

export interface LockStepBenchOptions {
  /** How many scripts each path runs. Default 1000. */
  readonly scripts?: number;
  /** Seed of {@link sampleScripts}. Default 1. */
  readonly seed?: number;
}

export interface LockStepBenchResult {
  readonly scripts: number;
  readonly steps: number;
  /** runLockScript: a fresh directory, database and connections per script. */
  readonly freshPerSecond: number;
  /** LockStepPool.run: one database per script shape, reset between scripts. */
  readonly reusePerSecond: number;
  readonly freshMs: number;
  readonly reuseMs: number;
}

/** Scripts per second through the fresh path and the reuse path, on the same sample scripts. */
export function benchLockStep(options: LockStepBenchOptions = {}): LockStepBenchResult {
  const scripts = sampleScripts(options.scripts ?? 1000, options.seed ?? 1);
  const steps = scripts.reduce((n, s) => n + s.steps.length, 0);
  const freshMs = timeMs(() => {
    for (const s of scripts) runLockScript(s);
  });
  const pool = new LockStepPool();
  let reuseMs: number;
  try {
    reuseMs = timeMs(() => {
      for (const s of scripts) pool.run(s);
    });
  } finally {
    pool.close();
  }
  return {
    scripts: scripts.length,
    steps,
    freshPerSecond: rate(scripts, freshMs),
    reusePerSecond: rate(scripts, reuseMs),
    freshMs,
    reuseMs,
  };
}

function timeMs(f: () => void): number {
  const start = process.hrtime.bigint();
  f();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

function rate(scripts: readonly RealLockScript[], ms: number): number {
  return Math.round((scripts.length / ms) * 1000);
}
