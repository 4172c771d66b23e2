/**
 * A run that could not be judged because of a fault outside the user's properties: an actor that never came
 * back (stall), every actor blocked (deadlock), a check that threw something other than an assertion, a run
 * longer than the step bound, a scenario that could not be loaded. It carries the schedule up to the fault, so
 * the report can show where it happened. explore() turns it into the verdict `error`.
 */
import type { StepRecord } from '../../spec/scenario-model.js';

export type FaultKind = 'stall' | 'deadlock' | 'check-threw' | 'step-bound' | 'load';

export class ExploreFault extends Error {
  override readonly name = 'ExploreFault';
  constructor(
    readonly kind: FaultKind,
    message: string,
    readonly schedule: readonly number[],
    readonly steps: readonly StepRecord[],
    readonly locks: readonly (readonly string[])[] = [],
    readonly connections: readonly string[] = [],
  ) {
    super(message);
  }
}
