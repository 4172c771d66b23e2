/** The model's answer to a lock script: one outcome per step, computed by stepping the SQLite world. */
import type { LockScript, LockStep, StepOutcome } from './lock-script.js';
import type { SqliteCommand } from './sqlite-world.js';
import { initialSqliteWorld, stepSqliteWorld } from './sqlite-world.js';

export function commandOf(step: LockStep): SqliteCommand {
  switch (step.op) {
    case 'begin':
      return { type: 'BEGIN', mode: step.mode };
    case 'read':
      return { type: 'READ', key: step.key };
    case 'write':
      return { type: 'WRITE', key: step.key, effect: { kind: 'increment' } };
    case 'commit':
      return { type: 'COMMIT' };
    case 'rollback':
      return { type: 'ROLLBACK' };
  }
}

export function predict(script: LockScript): StepOutcome[] {
  let world = initialSqliteWorld(script.journal, script.connections, script.keys);
  const outcomes: StepOutcome[] = [];
  for (const step of script.steps) {
    const result = stepSqliteWorld(world, step.conn, commandOf(step));
    world = result.world;
    outcomes.push(result.outcome);
  }
  return outcomes;
}
