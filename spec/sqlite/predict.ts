import type { LockScript, StepOutcome } from './lock-script.js';
/** The model's outcomes for a lock script, one per step. (Stub: being written.) */
export function predict(script: LockScript): StepOutcome[] {
  void script;
  throw new Error('predict: not written yet');
}
