/**
 * The baseline for `lockstep bench`: the same statements of the same lock scripts on better-sqlite3 with no
 * driver around them (no outcome records, no per-script verification), on one database per journal mode
 * with prepared statements, so the bench can say what the lock-step driver costs on top of SQLite itself.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RealLockScript } from './lock-script.js';

interface RawConnection {
  readonly db: Database.Database;
  readonly read: Database.Statement;
  readonly write: Database.Statement;
  readonly begin: Record<'deferred' | 'immediate' | 'exclusive', Database.Statement>;
  readonly commit: Database.Statement;
  readonly rollback: Database.Statement;
}

function openRaw(file: string, journal: 'delete' | 'wal', keys: readonly string[], count: number): RawConnection[] {
  const setup = new Database(file);
  setup.exec('CREATE TABLE IF NOT EXISTS kv (k TEXT PRIMARY KEY, v INTEGER NOT NULL)');
  for (const key of keys) setup.prepare('INSERT OR IGNORE INTO kv VALUES (?, 0)').run(key);
  if (journal === 'wal') setup.pragma('journal_mode = WAL');
  setup.close();
  return Array.from({ length: count }, () => {
    const db = new Database(file, { timeout: 0 });
    db.pragma('synchronous = OFF');
    return {
      db,
      read: db.prepare('SELECT v FROM kv WHERE k = ?'),
      write: db.prepare('UPDATE kv SET v = v + 1 WHERE k = ?'),
      begin: { deferred: db.prepare('BEGIN DEFERRED'), immediate: db.prepare('BEGIN IMMEDIATE'), exclusive: db.prepare('BEGIN EXCLUSIVE') },
      commit: db.prepare('COMMIT'),
      rollback: db.prepare('ROLLBACK'),
    };
  });
}

/** Runs every step of every script directly; returns the steps run and the milliseconds they took. */
export function rawStatementRate(scripts: readonly RealLockScript[]): { steps: number; ms: number } {
  const dir = mkdtempSync(join(tmpdir(), 'lockstep-'));
  const keys = [...new Set(scripts.flatMap((s) => s.keys))];
  const most = Math.max(1, ...scripts.map((s) => s.connections));
  const byJournal = {
    delete: openRaw(join(dir, 'delete.db'), 'delete', keys, most),
    wal: openRaw(join(dir, 'wal.db'), 'wal', keys, most),
  };
  let steps = 0;
  const start = process.hrtime.bigint();
  try {
    for (const script of scripts) {
      const connections = byJournal[script.journal];
      for (const step of script.steps) {
        const c = connections[step.conn]!;
        steps++;
        try {
          switch (step.op) {
            case 'begin':
              c.begin[step.mode].run();
              break;
            case 'read':
              c.read.get(step.key);
              break;
            case 'write':
              c.write.run(step.key);
              break;
            case 'commit':
              c.commit.run();
              break;
            case 'rollback':
              c.rollback.run();
              break;
          }
        } catch {
          // busy and misuse answers are part of the workload
        }
      }
      for (const c of connections) if (c.db.inTransaction) c.rollback.run();
    }
    return { steps, ms: Number(process.hrtime.bigint() - start) / 1e6 };
  } finally {
    for (const c of [...byJournal.delete, ...byJournal.wal]) c.db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
