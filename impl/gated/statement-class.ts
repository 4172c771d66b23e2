/**
 * What a statement does to its connection's locks, decided from the statement itself (never from the model):
 * the leading keyword for transaction control (BEGIN, COMMIT/END, ROLLBACK, SAVEPOINT, RELEASE), and
 * better-sqlite3's `statement.readonly` for everything else (a read-only statement reads, any other writes).
 *
 * Savepoints. Outside a transaction SAVEPOINT opens a deferred transaction (lang_savepoint.html), so it is a
 * `begin-deferred`; inside one it changes no lock. RELEASE of the outermost savepoint commits, any other RELEASE
 * changes no lock: which one it was is known only from the connection's `inTransaction` after it (a RELEASE that
 * SQLite refuses with SQLITE_BUSY was committing). ROLLBACK TO rolls back to a savepoint and keeps the
 * transaction and its locks.
 */
import type { StatementKind } from '../lock-step/busy-handler-rule.js';

export type StatementClass =
  | { readonly type: 'lock'; readonly kind: StatementKind }
  | { readonly type: 'savepoint' }
  | { readonly type: 'release' }
  | { readonly type: 'rollback-to' };

/** The statement's first keywords, upper case, comments and leading whitespace skipped. */
export function leadingWords(sql: string, count: number): string[] {
  const words: string[] = [];
  let i = 0;
  while (i < sql.length && words.length < count) {
    const c = sql[i]!;
    if (/\s|;/.test(c)) {
      i++;
    } else if (sql.startsWith('--', i)) {
      const end = sql.indexOf('\n', i);
      i = end < 0 ? sql.length : end + 1;
    } else if (sql.startsWith('/*', i)) {
      const end = sql.indexOf('*/', i + 2);
      i = end < 0 ? sql.length : end + 2;
    } else {
      const match = /^[A-Za-z_]+/.exec(sql.slice(i));
      if (match === null) break;
      words.push(match[0].toUpperCase());
      i += match[0].length;
    }
  }
  return words;
}

/** Classifies one statement (one, as better-sqlite3 prepares it) by its text and its `readonly` flag. */
export function classifyStatement(sql: string, readonly: boolean): StatementClass {
  const [first, second, third] = leadingWords(sql, 3);
  switch (first) {
    case 'BEGIN':
      if (second === 'IMMEDIATE') return { type: 'lock', kind: 'begin-immediate' };
      if (second === 'EXCLUSIVE') return { type: 'lock', kind: 'begin-exclusive' };
      return { type: 'lock', kind: 'begin-deferred' };
    case 'COMMIT':
    case 'END':
      return { type: 'lock', kind: 'commit' };
    case 'ROLLBACK':
      // ROLLBACK [TRANSACTION] TO [SAVEPOINT] name
      if (second === 'TO' || (second === 'TRANSACTION' && third === 'TO')) return { type: 'rollback-to' };
      return { type: 'lock', kind: 'rollback' };
    case 'SAVEPOINT':
      return { type: 'savepoint' };
    case 'RELEASE':
      return { type: 'release' };
    default:
      return { type: 'lock', kind: readonly ? 'read' : 'write' };
  }
}

/**
 * The lock kind of a statement as it ran: `inTransactionBefore` and `inTransactionAfter` are the connection's
 * state around it, `refused` whether SQLite refused it. Null: the statement changed no lock (a nested
 * SAVEPOINT or RELEASE, a ROLLBACK TO).
 */
export function lockKindAsRun(cls: StatementClass, inTransactionBefore: boolean, inTransactionAfter: boolean, refusedBusy: boolean): StatementKind | null {
  switch (cls.type) {
    case 'lock':
      return cls.kind;
    case 'savepoint':
      return inTransactionBefore ? null : 'begin-deferred';
    case 'release':
      return refusedBusy || (inTransactionBefore && !inTransactionAfter) ? 'commit' : null;
    case 'rollback-to':
      return null;
  }
}

/** The lock kind a statement is expected to have before it runs (for the busy-handler rule and for reduction). */
export function lockKindBefore(cls: StatementClass, inTransaction: boolean): StatementKind | null {
  switch (cls.type) {
    case 'lock':
      return cls.kind;
    case 'savepoint':
      return inTransaction ? null : 'begin-deferred';
    case 'release':
      // A RELEASE can only be refused when it commits; before it runs, assume it might.
      return 'commit';
    case 'rollback-to':
      return null;
  }
}
