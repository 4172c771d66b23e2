/**
 * One actor of the barrier harness, run in its own worker thread with its own better-sqlite3 connection and a
 * real busy timeout. It acquires its ticket the way the Actifix ticket repository did (seed 002):
 *
 *   BEGIN [IMMEDIATE]; SELECT the ticket; if free UPDATE locked_by / lease_expires; COMMIT
 *   (on error: ROLLBACK, report the error code)
 *
 * The code is the same in both modes except for the BEGIN statement. See barrier.ts for the two barriers.
 */
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import {
  RELEASE_AT_BYTE_OFFSET,
  SLOT,
  type BarrierSqlStep,
  type BarrierStepTiming,
  type BarrierWorkerData,
  type BarrierWorkerMessage,
  type BarrierWorkerReport,
} from './protocol.js';

const LEASE_MS = 60 * 60 * 1000;

const data = workerData as BarrierWorkerData;
const port = parentPort;
if (port === null) throw new Error('barrier-worker.js must run in a worker thread');

const i32 = new Int32Array(data.shared, 0, RELEASE_AT_BYTE_OFFSET / Int32Array.BYTES_PER_ELEMENT);
const releaseAt = new BigInt64Array(data.shared, RELEASE_AT_BYTE_OFFSET, 1);
const owner = `worker-${data.index}`;

const nowNs = (): bigint => process.hrtime.bigint();
const msSince = (start: bigint): number => Number(nowNs() - start) / 1e6;

function send(message: BarrierWorkerMessage): void {
  port!.postMessage(message);
}

/** Arrive at the read barrier; wait (at most holdMs) until every worker has arrived. */
function holdUntilAllRead(): 'complete' | 'timed out' {
  const arrived = Atomics.add(i32, SLOT.readArrived, 1) + 1;
  if (arrived >= data.workers) {
    Atomics.store(i32, SLOT.readGate, 1);
    Atomics.notify(i32, SLOT.readGate);
    return 'complete';
  }
  const deadline = performance.now() + data.holdMs;
  while (Atomics.load(i32, SLOT.readGate) === 0) {
    const left = deadline - performance.now();
    if (left <= 0) return 'timed out';
    Atomics.wait(i32, SLOT.readGate, 0, left);
  }
  return 'complete';
}

/** A worker that failed before reading still arrives at the read barrier, so the others do not wait for it. */
function arriveWithoutWaiting(): void {
  const arrived = Atomics.add(i32, SLOT.readArrived, 1) + 1;
  if (arrived >= data.workers) {
    Atomics.store(i32, SLOT.readGate, 1);
    Atomics.notify(i32, SLOT.readGate);
  }
}

function raisePeak(readers: number): void {
  for (;;) {
    const peak = Atomics.load(i32, SLOT.peakReaders);
    if (readers <= peak || Atomics.compareExchange(i32, SLOT.peakReaders, peak, readers) === peak) return;
  }
}

function codeOf(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : 'ERROR';
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function main(): BarrierWorkerReport {
  const db = new Database(data.file, { timeout: data.busyTimeoutMs });
  try {
    const begin = db.prepare(data.mode === 'immediate' ? 'BEGIN IMMEDIATE' : 'BEGIN');
    const select = db.prepare('SELECT locked_by, lease_expires FROM tickets WHERE id = ?');
    const update = db.prepare('UPDATE tickets SET locked_by = ?, lease_expires = ? WHERE id = ?');
    const commit = db.prepare('COMMIT');
    const rollback = db.prepare('ROLLBACK');
    // Warm up (schema loaded, WAL index mapped) in autocommit, so the race is about transactions, not opening.
    select.get(data.ticket);

    // The start barrier: arrive, tell the main thread, wait until it opens the gate.
    Atomics.add(i32, SLOT.arrived, 1);
    send({ type: 'ready' });
    while (Atomics.load(i32, SLOT.gate) === 0) Atomics.wait(i32, SLOT.gate, 0);
    const released = Atomics.load(releaseAt, 0);
    const elapsed = (): number => Number(nowNs() - released) / 1e6;

    const steps: BarrierStepTiming[] = [];
    let reading = false;
    let arrivedAtReadBarrier = false;
    let current: BarrierSqlStep = 'begin';
    let started = nowNs();
    const timed = <T>(step: BarrierSqlStep, run: () => T): T => {
      current = step;
      started = nowNs();
      const value = run();
      steps.push({ step, ms: msSince(started) });
      return value;
    };

    try {
      timed('begin', () => begin.run());
      const row = timed('select', () => select.get(data.ticket)) as
        | { locked_by: string | null; lease_expires: number | null }
        | undefined;
      reading = true;
      // readers before readsDone: whoever sees readsDone = N at its first UPDATE knows all N were counted in.
      raisePeak(Atomics.add(i32, SLOT.readers, 1) + 1);
      Atomics.add(i32, SLOT.readsDone, 1);
      if (data.holdAfterRead) {
        const holdStart = nowNs();
        const hold = holdUntilAllRead();
        steps.push({ step: 'hold', ms: msSince(holdStart), hold });
      }
      arrivedAtReadBarrier = true;
      const now = Date.now();
      const free = row !== undefined && (row.locked_by === null || (row.lease_expires ?? 0) < now);
      if (free) {
        Atomics.compareExchange(i32, SLOT.readsBeforeFirstWrite, -1, Atomics.load(i32, SLOT.readsDone));
        timed('update', () => update.run(owner, now + LEASE_MS, data.ticket));
      }
      // Counted out before COMMIT starts (COMMIT is what lets the next writer in), so the counted interval
      // lies inside the real transaction and peakReaders never overstates the overlap.
      reading = false;
      Atomics.sub(i32, SLOT.readers, 1);
      timed('commit', () => commit.run());
      return {
        acquired: free,
        code: null,
        message: null,
        failedAt: null,
        heldBy: free ? null : (row?.locked_by ?? 'missing'),
        elapsedMs: elapsed(),
        statementMs: null,
        steps,
      };
    } catch (error) {
      const statementMs = msSince(started);
      const elapsedMs = elapsed();
      const code = codeOf(error);
      steps.push({ step: current, ms: statementMs, code });
      if (reading) Atomics.sub(i32, SLOT.readers, 1);
      if (!arrivedAtReadBarrier && data.holdAfterRead) arriveWithoutWaiting();
      if (db.inTransaction) {
        const rollbackStart = nowNs();
        try {
          rollback.run();
          steps.push({ step: 'rollback', ms: msSince(rollbackStart) });
        } catch (rollbackError) {
          steps.push({ step: 'rollback', ms: msSince(rollbackStart), code: codeOf(rollbackError) });
        }
      }
      return {
        acquired: false,
        code,
        message: messageOf(error),
        failedAt: current,
        heldBy: null,
        elapsedMs,
        statementMs,
        steps,
      };
    }
  } finally {
    if (db.inTransaction) {
      try {
        db.exec('ROLLBACK');
      } catch {
        // close() rolls back whatever is left
      }
    }
    db.close();
  }
}

send({ type: 'report', report: main() });
