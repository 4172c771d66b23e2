/** The truly concurrent barrier harness (seed 002, Actifix): see barrier.ts. */
export {
  BARRIER_DATABASE_FILE,
  BARRIER_DEFAULT_BUSY_TIMEOUT_MS,
  BARRIER_DEFAULT_HOLD_MS,
  runBarrier,
  type BarrierEvent,
  type BarrierJournal,
  type BarrierMode,
  type BarrierOptions,
  type BarrierRange,
  type BarrierResult,
  type BarrierRun,
  type BarrierSqlStep,
  type BarrierStepTiming,
  type BarrierSummary,
  type BarrierTiming,
  type BarrierWorkerResult,
} from './barrier.js';
export { formatMs, renderBarrier, renderBarrierRun } from './render.js';
