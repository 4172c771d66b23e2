import type { RealLockScript, RealStepOutcome } from './lock-script.js';
/** Real SQLite's outcomes for a lock script, one per step. (Stub: being written.) */
export function runLockScript(script: RealLockScript): RealStepOutcome[] {
  void script;
  throw new Error('runLockScript: not written yet');
}
