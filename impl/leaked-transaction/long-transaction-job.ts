/**
 * Not seed 004's code: another job on the same database that keeps the write lock inside one ordinary
 * transaction while it works (BEGIN IMMEDIATE, an UPDATE, its work, COMMIT; ROLLBACK if a statement fails). It
 * stands for whatever holds the write lock longer than a writer's busy timeout (a batch import, a migration,
 * a leaked transaction in another process), so that a luca thread's write can fail without a leak in luca.
 */
import type { SyncStatementRunner } from './sync-statement-runner.js';

export const BUMP_BATCH = "UPDATE batch_jobs SET runs = runs + 1 WHERE name = 'nightly'";

export function runLongTransaction(runner: SyncStatementRunner, work: (ms: number) => void, ms: number): void {
  const { db } = runner;
  const begin = db.prepare('BEGIN IMMEDIATE');
  const bump = db.prepare(BUMP_BATCH);
  const commit = db.prepare('COMMIT');
  const rollback = db.prepare('ROLLBACK');
  try {
    runner.run('begin-immediate', 'BEGIN IMMEDIATE', () => begin.run());
    runner.run('write', 'UPDATE batch', () => bump.run());
    work(ms);
    runner.run('commit', 'COMMIT', () => commit.run());
  } catch (error) {
    if (db.inTransaction) runner.run('rollback', 'ROLLBACK', () => rollback.run());
    throw error;
  }
}
