/**
 * One thread of the leaked-transaction scenario as a real worker thread under the lock-step driver
 * (leaked-transaction.real-engine.ts), one run at a time (a pooled worker: ../async/worker-pool.ts; a run is
 * the thread's whole life). It opens its own connection and keeps it for the run, as `get_db_connection` does
 * for a Python thread, and runs its program of calls as ordinary synchronous code:
 * seed 004's learning calls over a Python-legacy-mode connection (learning-db.ts), or the other job's long
 * transaction. The gate is a blocking handshake: arriving at a gate (before every statement and every sleep),
 * the thread posts the records of the step it just took and where it stands, then sleeps on its control word
 * until the driver sets it; so exactly one thread runs between two gates. Time is virtual: a sleep is one
 * step at the gate.
 */
import Database from 'better-sqlite3';
import { parentPort } from 'node:worker_threads';
import { blockingGate, serveRuns } from '../async/worker-pool.js';
import { sqliteCodeOf } from '../tickets/tickets.real-engine.js';
import { ThreadConnections } from './db-utils.js';
import { InjectedFault } from './injected-fault.js';
import { LegacyConnection } from './legacy-connection.js';
import type { LearningDb } from './learning-db.js';
import { LEARNING_STATEMENTS, LEARNING_WORDS, portalHealthReport, recordDorkUsage, recordPatternSuccess } from './learning-db.js';
import type { LeakedThreadData, LeakedThreadMessage, LeakedThreadState, ThreadCallRecord, ThreadRecord } from './leaked-transaction-thread.protocol.js';
import { runLongTransaction } from './long-transaction-job.js';
import { SyncStatementRunner } from './sync-statement-runner.js';
import type { Call } from './thread-program.js';

serveRuns<LeakedThreadData>(runThread);

function runThread(data: LeakedThreadData): void {
  const port = parentPort!;
  const control = new Int32Array(data.control);
  const calls: ThreadCallRecord[] = [];
  let sleeping = false;
  let taken = 0;
  let callStart = 0;

  const send = (message: LeakedThreadMessage): void => port.postMessage(message);

  const takeRecords = (): ThreadRecord[] => {
    const fresh = runner.records.slice(taken);
    taken = runner.records.length;
    return fresh;
  };

  const state = (): LeakedThreadState => ({
    status: runner.waiting ? 'waiting' : sleeping ? 'sleeping' : 'running',
    inCall: runner.records.length > callStart,
    inTransaction: db.inTransaction,
    holdsWriteLock: runner.holdsWriteLock,
    calls: [...calls],
  });

  /** Arrive (report the step just taken and where the thread stands), then sleep until the driver picks it. */
  const gate = blockingGate(control, data.index, () => send({ kind: 'parked', records: takeRecords(), state: state() }));

  /** The virtual clock: a sleep is one step at the gate. */
  const sleepLabelled =
    (label: string) =>
    (ms: number): void => {
      sleeping = true;
      gate();
      sleeping = false;
      runner.records.push({ action: `${label} ${ms} ms`, outcome: 'ok' });
    };

  let db: Database.Database;
  let runner: SyncStatementRunner;
  try {
    db = new Database(data.file, { timeout: 0, fileMustExist: true });
  } catch (error) {
    send({ kind: 'failed', records: [], state: null, error: error instanceof Error ? error.message : String(error) });
    return;
  }
  try {
    // configure_connection's settings, but for the busy timeout: that one is emulated (SyncStatementRunner).
    db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    db.pragma('synchronous = NORMAL');
    db.pragma('temp_store = MEMORY');
    runner = new SyncStatementRunner(db, gate, data.busyTimeoutMs);
    const connections = new ThreadConnections((path) => {
      if (path !== data.file) throw new Error(`this thread only knows ${data.file}, not ${path}`);
      return new LegacyConnection(runner, data.policy.isolationLevel, LEARNING_STATEMENTS, LEARNING_WORDS);
    });
    // get_db_connection opens the thread's connection at its first use; opened here, before the first step, it
    // reads the schema while nobody holds anything.
    connections.get(data.file);

    const learningDb = (failAfterPatternUpsert: boolean): LearningDb => ({
      connections,
      path: data.file,
      policy: data.policy,
      retry: { maxRetries: data.maxAttempts, delayMs: data.baseDelayMs, sleep: sleepLabelled('sleep') },
      failAfterPatternUpsert,
    });

    /** One call, as its caller runs it: what escapes is logged (here: kept as the call's result) and the thread goes on. */
    const runCall = (call: Call): ThreadCallRecord => {
      try {
        switch (call.kind) {
          case 'record':
            recordDorkUsage(learningDb(false));
            return { call: call.kind, result: 'ok', error: null };
          case 'update-pattern': {
            const swallowed = recordPatternSuccess(learningDb(call.failsAfterUpsert));
            return swallowed === null ? { call: call.kind, result: 'ok', error: null } : { call: call.kind, result: 'swallowed', error: errorCode(swallowed) };
          }
          case 'report':
            portalHealthReport(learningDb(false));
            return { call: call.kind, result: 'ok', error: null };
          case 'work':
            sleepLabelled('work')(call.ms);
            return { call: call.kind, result: 'ok', error: null };
          case 'long-transaction':
            runLongTransaction(runner, sleepLabelled('work'), call.ms);
            return { call: call.kind, result: 'ok', error: null };
        }
      } catch (error) {
        return { call: call.kind, result: 'failed', error: errorCode(error) };
      }
    };

    for (const call of data.program) {
      callStart = runner.records.length;
      calls.push(runCall(call));
    }
    callStart = runner.records.length;
    send({ kind: 'done', records: takeRecords(), state: state() });
  } catch (error) {
    send({ kind: 'failed', records: [], state: null, error: error instanceof Error ? error.message : String(error) });
  } finally {
    if (db.open) db.close();
  }
}

function errorCode(error: unknown): string {
  return sqliteCodeOf(error) ?? (error instanceof InjectedFault ? 'injected' : error instanceof Error ? error.message : String(error));
}
