import type { RealLockScript, RealStepOutcome } from './lock-script.js';
import { withFreshConnections, type FreshConnectionsOptions } from './fresh-connections.js';
import type { StepConnection } from './step-connection.js';
import { checkStep } from './validate-script.js';

export type RunLockScriptOptions = FreshConnectionsOptions;

/**
 * Real SQLite's outcomes for a lock script, one per step, in order: a fresh database in a fresh temporary
 * directory, `script.connections` connections opened in this thread with busy timeout 0 (unless
 * `options.busyTimeoutMs` says otherwise), the steps run one statement at a time. Everything is closed and
 * removed afterwards, also on failure. A SqliteError is an outcome; any other exception (an unknown op, a
 * connection or key the script does not have) propagates.
 */
export function runLockScript(script: RealLockScript, options: RunLockScriptOptions = {}): RealStepOutcome[] {
  return withFreshConnections(script, options, (connections) => runSteps(script, connections));
}

/** Runs the steps of `script` on already open connections (fresh or reused), returning one outcome each. */
export function runSteps(script: RealLockScript, connections: readonly StepConnection[]): RealStepOutcome[] {
  return script.steps.map((step, index) => connectionOf(script, connections, index).step(step));
}

/** The connection step `index` runs on, after checking that the script has it. */
export function connectionOf(
  script: RealLockScript,
  connections: readonly StepConnection[],
  index: number,
): StepConnection {
  const step = script.steps[index];
  if (step === undefined) throw new RangeError(`lock script: no step ${index}`);
  checkStep(script, step, index);
  const connection = connections[step.conn];
  if (connection === undefined) throw new RangeError(`lock script: no connection ${step.conn}`);
  return connection;
}
