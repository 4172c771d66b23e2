/**
 * Properties of the storage backend with a background result writer (seed 001, VoxLogicA-2). Known bad
 * variants: writer-gap/queued and writer-gap/db-first violate completed-implies-retrievable; writer-gap with
 * the fault write-fails violates no-result-lost-after-restart; writer-gap/persisted violates
 * every-caller-gets-the-result (a caller that looks for the claimant's future too early raises), and with the
 * fault persist-busy no-operation-stranded.
 */
import type { ResultNotFound, WriterGapObservation } from '../spec/writer-gap/writer-gap.observation.js';
import type { Property } from './property.js';

/** Safety. Whoever saw the operation completed and retrieved its result got it (from memory or from SQLite). */
export const completedImpliesRetrievable: Property<WriterGapObservation> = {
  name: 'completed-implies-retrievable',
  kind: 'safety',
  claim: 'At every moment, no caller that saw the operation completed has failed to retrieve its result.',
  check(observation) {
    const notFound: ResultNotFound = 'result-not-found';
    const lost = observation.callers.filter((c) => c.error === notFound);
    if (lost.length === 0) return null;
    return lost.map((c) => `${c.name} saw the operation completed but found neither a memory copy nor a row ("completed but result not found")`).join('; ');
  },
};

/** Safety. The claim deduplicates: at most one caller runs the computation. */
export const atMostOneExecutor: Property<WriterGapObservation> = {
  name: 'at-most-one-executor',
  kind: 'safety',
  claim: 'At every moment, at most one caller has executed the operation.',
  check(observation) {
    const executors = observation.callers.filter((c) => c.executed);
    return executors.length <= 1 ? null : `${executors.map((c) => c.name).join(' and ')} all executed the operation`;
  },
};

/** Outcome. After the run, a restarted process (empty memory, same database file) finds every completed result. */
export const noResultLostAfterRestart: Property<WriterGapObservation> = {
  name: 'no-result-lost-after-restart',
  kind: 'outcome',
  claim: 'When the run ends and the process restarts, an operation marked completed still has its result row.',
  check(observation) {
    const { restart } = observation;
    if (restart === null) return 'the run ended before the restart';
    if (restart.status === 'completed' && !restart.resultRow) {
      return 'after the restart the operation is marked completed but has no result row: its result was only in memory or in the write queue';
    }
    return null;
  },
};

/** Outcome. Nobody who asked for the operation failed (2451df0's raises included). */
export const everyCallerGetsTheResult: Property<WriterGapObservation> = {
  name: 'every-caller-gets-the-result',
  kind: 'outcome',
  claim: 'When the run ends, no caller has failed: every caller that returned got the result.',
  check(observation) {
    const failed = observation.callers.filter((c) => c.status === 'failed');
    if (failed.length === 0) return null;
    return failed.map((c) => `${c.name} failed: ${c.error ?? 'unknown error'}`).join('; ');
  },
};

/**
 * Outcome. A run that ended cleanly leaves the operation completed or unclaimed: a row left running or failed
 * without a result can never be claimed again (mark_running only wins with its own INSERT), so no later run
 * could compute it.
 */
export const noOperationStranded: Property<WriterGapObservation> = {
  name: 'no-operation-stranded',
  kind: 'outcome',
  claim: 'When every caller has returned and the process restarts, the operation is completed or has no row: it is never left running or failed without a result.',
  check(observation) {
    const { restart } = observation;
    if (restart === null) return 'the run ended before the restart';
    // A crash in the middle of the run strands its own claim; that is lifecycle's crash-after-claim.
    if (!restart.afterRun || restart.resultRow) return null;
    if (restart.status === 'running' || restart.status === 'failed') {
      return `after the restart the operation is ${restart.status} with no result row: mark_running never claims a row that exists, so no later run can compute it`;
    }
    return null;
  },
};

export const WRITER_GAP_PROPERTIES = [completedImpliesRetrievable, atMostOneExecutor, noResultLostAfterRestart, everyCallerGetsTheResult, noOperationStranded] as const;
