// The real-SQLite lock-step driver: lock scripts run on real connections one statement at a time.
export type {
  RealBeginMode,
  RealJournal,
  RealLockScript,
  RealLockStep,
  RealStepOutcome,
  RealStepStatus,
} from './lock-script.js';
export { runLockScript, type RunLockScriptOptions } from './run-lock-script.js';
export { LockStepPool, type LockStepPoolOptions, type LockStepPoolStats } from './lock-step-pool.js';
export {
  DEFAULT_WAIT_TIMEOUT_MS,
  measureWouldWait,
  withWouldWait,
  type MeasureWouldWaitOptions,
  type TimedStepOutcome,
} from './measure-would-wait.js';
export { statusOfCode } from './step-status.js';
export { SCRATCH_PREFIX } from './scratch-database.js';
export { MAX_CONNECTIONS } from './validate-script.js';
export { sampleScripts, type SampleScriptOptions } from './sample-scripts.js';
export { benchLockStep, type LockStepBenchOptions, type LockStepBenchResult } from './bench-lock-step.js';
export { rawStatementRate } from './raw-rate.js';
