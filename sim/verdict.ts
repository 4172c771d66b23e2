/**
 * What a check concludes. `limit-reached` is its own verdict: a bounded search that stopped early proves
 * nothing, and is never reported as `holds`.
 */
import type { StepRecord } from '../spec/scenario-model.js';

export type Verdict = 'holds' | 'violation' | 'limit-reached';

/** The built-in liveness property: an unfinished actor that can never step again. */
export const NO_DEADLOCK = 'no-deadlock';

export interface Violation {
  readonly property: string;
  readonly message: string;
}

/** One judged run of a schedule: the steps it took and the first property it broke, if any. */
export interface ScheduleRun {
  /** The actor index of every step taken (the schedule as a trace records it). */
  readonly schedule: readonly number[];
  readonly steps: readonly StepRecord[];
  readonly violation: Violation | null;
  /** Each actor's final state, for deadlock reports and renderers. */
  readonly finalStates: readonly string[];
  /** The model's notable tags seen in any world of the run (the dangerous windows it reached). */
  readonly notable: readonly string[];
}
