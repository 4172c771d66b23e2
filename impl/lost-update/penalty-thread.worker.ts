/**
 * One task of the lost-update scenario as a worker thread under the lock-step driver
 * (lost-update-threads.real-engine.ts), one run at a time (a pooled worker: ../async/worker-pool.ts). The gate is a blocking handshake: arriving at a gate, the thread posts
 * the records of the step it just took and sleeps on its control word until the driver sets it; so exactly one
 * thread runs between two gates, and the thread switch the schedule asks for is a real one.
 */
import { parentPort } from 'node:worker_threads';
import { blockingGate, serveRuns } from '../async/worker-pool.js';
import {
  penalizeHostThreadLocked,
  penalizeHostThreadSync,
  penalizeHostThreadSyncLocked,
  penalizeHostThreadUnguarded,
  SharedHostTable,
  type ThreadSteps,
} from './shared-host-table.js';
import type { PenaltyThreadData, PenaltyThreadMessage, ThreadRecord } from './penalty-thread.protocol.js';

serveRuns<PenaltyThreadData>(runTask);

function runTask(data: PenaltyThreadData): void {
  const port = parentPort!;
  const control = new Int32Array(data.control);
  const table = new SharedHostTable(data.table, data.hosts);
  let pending: ThreadRecord[] = [];
  let waiting = false;

  const send = (message: PenaltyThreadMessage): void => port.postMessage(message);

  /** Arrive (report the step just taken), then sleep until the driver picks this thread. */
  const gate = blockingGate(control, data.index, () => {
    send({ kind: 'parked', records: pending, waiting });
    pending = [];
  });

  const steps: ThreadSteps = {
    name: `task-${data.index}`,
    index: data.index,
    access(action, run, outcome = () => 'ok') {
      gate();
      const result = run();
      pending.push({ action, outcome: outcome(result) });
      return result;
    },
    wait(action, ready, _block, outcome) {
      waiting = true;
      gate();
      waiting = false;
      if (!ready()) throw new Error(`task-${data.index} was scheduled while it still waits (${action}): the schedule breaks the driver's contract`);
      pending.push({ action, outcome });
    },
  };

  try {
    const penalize =
      data.body === 'sync'
        ? data.guard === 'locked'
          ? penalizeHostThreadSyncLocked
          : penalizeHostThreadSync
        : data.guard === 'locked'
          ? penalizeHostThreadLocked
          : penalizeHostThreadUnguarded;
    penalize(table, data.host, steps);
    send({ kind: 'done', records: pending });
  } catch (error) {
    send({ kind: 'failed', records: pending, error: error instanceof Error ? error.message : String(error) });
  }
}
