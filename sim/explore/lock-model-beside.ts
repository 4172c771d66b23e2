/**
 * The SQLite lock model run beside user code (DESIGN.md, "The library"): every SQL step the real code took is
 * also given to the model (spec/sqlite), which says which lock each connection holds after it, for the report,
 * and what it would have answered. Real SQLite decides what happens; the model only annotates. A step on which
 * the model answers otherwise than real SQLite is a lockstep defect (the model is wrong, not the user's code),
 * listed in the result as such.
 *
 * The model knows one row ('db'): the user's statements touch rows it cannot see, and the locks do not depend
 * on which rows. A statement SQLite refused for a reason other than locking (a constraint, a syntax error) is
 * stepped for its locks but not compared.
 */
import { initialSqliteWorld, lockLabel, stepSqliteWorld, type SqliteCommand, type SqliteWorld } from '../../spec/sqlite/sqlite-world.js';
import type { StepStatus } from '../../spec/sqlite/lock-script.js';
import type { RealSqlStep } from '../../impl/engine-seam.js';

const KEY = 'db';

function commandOf(sql: RealSqlStep): SqliteCommand {
  switch (sql.kind) {
    case 'begin-deferred':
      return { type: 'BEGIN', mode: 'deferred' };
    case 'begin-immediate':
      return { type: 'BEGIN', mode: 'immediate' };
    case 'begin-exclusive':
      return { type: 'BEGIN', mode: 'exclusive' };
    case 'read':
      return { type: 'READ', key: KEY };
    case 'write':
      return { type: 'WRITE', key: KEY, effect: { kind: 'increment' } };
    case 'commit':
      return { type: 'COMMIT' };
    case 'rollback':
      return { type: 'ROLLBACK' };
  }
}

function statusOf(code: string | null): StepStatus | 'other-error' {
  if (code === null) return 'ok';
  if (code === 'SQLITE_BUSY_SNAPSHOT') return 'busy_snapshot';
  if (code === 'SQLITE_BUSY' || code.startsWith('SQLITE_BUSY_')) return 'busy';
  if (code === 'SQLITE_ERROR') return 'error';
  return 'other-error';
}

export class LockModelBeside {
  private world: SqliteWorld;
  readonly disagreements: string[] = [];

  constructor(readonly journal: 'delete' | 'wal') {
    this.world = initialSqliteWorld(journal, 0, [KEY]);
  }

  /** Steps the model with one real SQL step (`connection` as numbered by the run); `where` names the step for a defect report. */
  step(sql: RealSqlStep, where: string): void {
    this.grow(sql.connection + 1);
    const { world, outcome } = stepSqliteWorld(this.world, sql.connection, commandOf(sql));
    this.world = world;
    const real = statusOf(sql.code);
    if (real === 'other-error') return;
    if (outcome.status !== real || outcome.inTransaction !== sql.inTransaction) {
      this.disagreements.push(
        `${where}: real SQLite answered ${sql.code ?? 'ok'} (in transaction: ${sql.inTransaction}), the lock model ${outcome.code ?? outcome.status} (in transaction: ${outcome.inTransaction})`,
      );
    }
  }

  /** The lock each connection holds now, in SQLite's words ('-' for none). */
  locks(count: number): string[] {
    this.grow(count);
    return Array.from({ length: count }, (_, c) => lockLabel(this.world, c));
  }

  private grow(count: number): void {
    const have = this.world.connections.snapshots.length;
    if (count <= have) return;
    const fresh = initialSqliteWorld(this.journal, count - have, [KEY]);
    const connections =
      this.world.connections.journal === 'delete' && fresh.connections.journal === 'delete'
        ? { journal: 'delete' as const, snapshots: [...this.world.connections.snapshots, ...fresh.connections.snapshots] }
        : this.world.connections.journal === 'wal' && fresh.connections.journal === 'wal'
          ? { journal: 'wal' as const, snapshots: [...this.world.connections.snapshots, ...fresh.connections.snapshots] }
          : this.world.connections;
    this.world = { ...this.world, connections };
  }
}
